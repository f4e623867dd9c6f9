using Trove.Amqp.Broker;
using Trove.Amqp.Storage;

namespace Trove.Amqp.Tests.Durability;

/// <summary>Definitions survive a reopen; a torn tail loses only the unfinished change.</summary>
public sealed class DefinitionStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trove-defs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static void Populate(DefinitionStore s)
    {
        s.SaveVhost("/");
        s.SaveVhost("v2");
        s.SaveUser(new UserDefinition("bob", "hash==", "administrator"));
        s.SavePermission(new PermissionDefinition("/", "bob", ".*", "^w", ""));
        s.SaveExchange(new ExchangeDefinition("/", "x", "topic", false, true, [1, 2, 3]));
        s.SaveQueue(new QueueDefinition("/", "q", false, []));
        s.SaveQueue(new QueueDefinition("v2", "q", true, [9]));
        s.SaveBinding(new BindingDefinition("/", "x", "q", false, "a.#", []));
        s.SaveBinding(new BindingDefinition("/", "x", "amq.fanout", true, "k", [4]));
    }

    [Fact]
    public void Definitions_survive_reopen_with_deletes_applied()
    {
        using (var s = DefinitionStore.Open(_dir))
        {
            Populate(s);
            s.DeleteQueue("v2", "q");
            s.DeleteBinding(new BindingDefinition("/", "x", "amq.fanout", true, "k", [4]));
            s.SaveUser(new UserDefinition("bob", "hash2", ""));
        }
        using (var s = DefinitionStore.Open(_dir))
        {
            var d = s.Load();
            Assert.Equal(["/", "v2"], d.Vhosts);
            Assert.Equal(new UserDefinition("bob", "hash2", ""), Assert.Single(d.Users));
            Assert.Equal(new PermissionDefinition("/", "bob", ".*", "^w", ""), Assert.Single(d.Permissions));
            var x = Assert.Single(d.Exchanges);
            Assert.Equal(("topic", true), (x.Type, x.Internal));
            Assert.Equal(new byte[] { 1, 2, 3 }, x.Arguments);
            Assert.Equal("q", Assert.Single(d.Queues).Name);
            Assert.Equal("a.#", Assert.Single(d.Bindings).RoutingKey);
            s.DeleteVhost("/");
        }
        using (var s = DefinitionStore.Open(_dir))
        {
            var d = s.Load();
            Assert.Equal(["v2"], d.Vhosts);
            Assert.Empty(d.Queues);
            Assert.Empty(d.Bindings);
            Assert.Single(d.Users);
        }
    }

    [Fact]
    public void Torn_tail_loses_only_the_last_change()
    {
        using (var s = DefinitionStore.Open(_dir)) Populate(s);
        var path = Path.Combine(_dir, DefinitionStore.FileName);
        long len = new FileInfo(path).Length;
        using (var fs = new FileStream(path, FileMode.Open)) fs.SetLength(len - 3);
        using (var s = DefinitionStore.Open(_dir))
        {
            var d = s.Load();
            Assert.Single(d.Bindings); // the second binding was torn
            Assert.Equal(2, d.Queues.Count);
            s.SaveQueue(new QueueDefinition("/", "after", false, []));
        }
        using (var s = DefinitionStore.Open(_dir))
            Assert.Equal(3, s.Load().Queues.Count);
    }

    [Fact]
    public void Zero_filled_tail_and_empty_file_are_tolerated()
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, DefinitionStore.FileName);
        File.WriteAllBytes(path, []);
        using (var s = DefinitionStore.Open(_dir)) s.SaveVhost("/");
        using (var fs = new FileStream(path, FileMode.Append)) fs.Write(new byte[4096]);
        using (var s = DefinitionStore.Open(_dir)) Assert.Equal(["/"], s.Load().Vhosts);
    }

    [Fact]
    public void Long_log_is_compacted_at_open()
    {
        using (var s = DefinitionStore.Open(_dir))
            for (int i = 0; i < 300; i++)
            {
                s.SaveQueue(new QueueDefinition("/", "q" + i, false, []));
                if (i % 2 == 1) s.DeleteQueue("/", "q" + i);
            }
        using (var s = DefinitionStore.Open(_dir))
        {
            Assert.Equal(150, s.Load().Queues.Count);
            Assert.Equal(150, s.RecordCount);
        }
        using (var s = DefinitionStore.Open(_dir))
            Assert.Equal(150, s.Load().Queues.Count);
    }
}
