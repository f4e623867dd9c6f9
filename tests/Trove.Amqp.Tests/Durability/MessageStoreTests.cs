using System.Text;
using Trove.Amqp.Storage;

namespace Trove.Amqp.Tests.Durability;

/// <summary>The segment store alone: round trips, acks, group commit, segment deletion, drops.</summary>
public sealed class MessageStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trove-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    internal static byte[] Body(int i, int size = 32)
    {
        var b = new byte[size];
        new Random(i).NextBytes(b);
        Encoding.ASCII.GetBytes($"m{i};").CopyTo(b, 0);
        return b;
    }

    private static readonly byte[] s_props = [0x10, 0x00, 0x02];

    [Fact]
    public void Crc32C_matches_the_check_value_on_both_paths()
    {
        var data = "123456789"u8;
        Assert.Equal(0xE3069283u, Crc32C.Compute(data));
        Assert.Equal(0xE3069283u, Crc32C.ComputePortable(data));
        var big = Body(7, 1000);
        Assert.Equal(Crc32C.ComputePortable(big), Crc32C.Compute(big));
    }

    [Fact]
    public async Task Appended_messages_come_back_in_order_after_reopen()
    {
        var ids = new List<long>();
        using (var s = MessageStore.Open(_dir))
        {
            for (int i = 0; i < 500; i++)
            {
                ids.Add(await s.AppendAsync("/", i % 2 == 0 ? "even" : "odd", s_props, Body(i)));
            }
            Assert.Equal(Body(3), s.ReadBody(ids[3]));
        }
        using (var s = MessageStore.Open(_dir))
        {
            var even = s.RecoverList("/", "even");
            var odd = s.RecoverList("/", "odd");
            Assert.Equal(250, even.Count);
            Assert.Equal(250, odd.Count);
            Assert.Equal(ids.Where((_, i) => i % 2 == 0), even.Select(m => m.Id));
            for (int i = 0; i < 250; i++)
            {
                Assert.Equal(s_props, even[i].Properties.ToArray());
                Assert.Equal(32, even[i].BodySize);
                Assert.Equal("ex", even[i].Exchange);
                Assert.Equal("rk", even[i].RoutingKey);
                Assert.False(even[i].BodyOnDisk);
                Assert.Equal(Body(2 * i), even[i].Body.ToArray());
                Assert.Equal(Body(2 * i), s.ReadBody(even[i].Id));
                var (p, b) = s.Read(odd[i].Id);
                Assert.Equal(s_props, p);
                Assert.Equal(Body(2 * i + 1), b);
            }
            Assert.Empty(s.RecoverList("/", "even")); // handed out once
            Assert.Empty(s.RecoverList("other", "even"));
        }
    }

    [Fact]
    public async Task Acked_messages_are_not_recovered()
    {
        using (var s = MessageStore.Open(_dir))
        {
            for (int i = 0; i < 100; i++)
            {
                long id = await s.AppendAsync("v", "q", s_props, Body(i));
                if (i % 3 == 0) s.Ack("v", "q", id);
            }
            Assert.Equal(66, s.GetStats().LiveMessages);
        }
        using (var s = MessageStore.Open(_dir))
        {
            var got = s.RecoverList("v", "q");
            Assert.Equal(66, got.Count);
            Assert.All(got, m => Assert.NotEqual(0, int.Parse(Encoding.ASCII.GetString(s.ReadBody(m.Id)).Split(';')[0][1..]) % 3));
            s.Ack("v", "q", got[0].Id);
            s.Ack("v", "q", got[0].Id); // a second ack of the same id must not count twice
            s.Ack("v", "nope", got[1].Id);
        }
        using (var s = MessageStore.Open(_dir))
            Assert.Equal(65, s.RecoverList("v", "q").Count);
    }

    [Fact]
    public async Task A_body_can_be_read_before_its_batch_is_on_disk()
    {
        using var s = MessageStore.Open(_dir);
        var writes = Enumerable.Range(0, 2000).Select(i => s.Append("/", "q", "", "q", s_props, Body(i))).ToList();
        for (int i = 0; i < writes.Count; i += 97) Assert.Equal(Body(i), s.ReadBody("/", "q", writes[i].Id).ToArray());
        await Task.WhenAll(writes.Select(w => w.Durable));
        for (int i = 0; i < writes.Count; i += 97) Assert.Equal(Body(i), s.ReadBody("/", "q", writes[i].Id).ToArray());
    }

    [Fact]
    public async Task Concurrent_appends_share_syncs()
    {
        using var s = MessageStore.Open(_dir);
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            var pending = new List<Task<long>>();
            for (int i = 0; i < 500; i++) pending.Add(s.AppendAsync("/", "q" + t, s_props, Body(i)));
            return await Task.WhenAll(pending);
        })).ToArray();
        var all = (await Task.WhenAll(tasks)).SelectMany(x => x).ToList();
        Assert.Equal(4000, all.Distinct().Count());
        var stats = s.GetStats();
        Assert.Equal(4000, stats.Appends);
        Assert.True(stats.Batches < 1000, $"expected group commit, got {stats.Batches} batches for 4000 appends");
    }

    [Fact]
    public async Task Fully_acked_segments_are_deleted()
    {
        var opts = new MessageStoreOptions { SegmentSize = 4096 };
        var ids = new List<long>();
        using (var s = MessageStore.Open(_dir, opts))
        {
            for (int i = 0; i < 200; i++) ids.Add(await s.AppendAsync("/", "q", s_props, Body(i, 200)));
            Assert.True(s.GetStats().Segments > 10);
            foreach (var id in ids.Take(190)) s.Ack("/", "q", id);
            await WaitUntil(() => Directory.GetFiles(_dir, "msgs.*").Length <= 2);
            Assert.True(s.GetStats().Segments <= 2);
        }
        using (var s = MessageStore.Open(_dir, opts))
        {
            var left = s.RecoverList("/", "q");
            Assert.Equal(ids.Skip(190), left.Select(m => m.Id));
            foreach (var m in left) s.Ack("/", "q", m.Id);
            long next = await s.AppendAsync("/", "q", s_props, Body(1));
            Assert.True(next > ids[^1], "ids keep growing after a restart");
        }
        Assert.DoesNotContain(Directory.GetFiles(_dir, "acks.*"), f => !File.Exists(f.Replace("acks.", "msgs.")));
    }

    [Fact]
    public async Task Deleted_queue_does_not_come_back_but_a_new_one_of_the_same_name_does()
    {
        using (var s = MessageStore.Open(_dir))
        {
            for (int i = 0; i < 10; i++)
            {
                await s.AppendAsync("/", "gone", s_props, Body(i));
                await s.AppendAsync("/", "kept", s_props, Body(i));
            }
            s.DeleteQueue("/", "gone");
            await s.AppendAsync("/", "gone", s_props, Body(99));
        }
        using (var s = MessageStore.Open(_dir))
        {
            Assert.Equal(10, s.RecoverList("/", "kept").Count);
            var gone = s.RecoverList("/", "gone");
            Assert.Single(gone);
            Assert.Equal(Body(99), s.ReadBody(gone[0].Id));
        }
    }

    [Fact]
    public async Task Recovery_leaves_bodies_on_disk_past_the_inline_budget()
    {
        var opts = new MessageStoreOptions { RecoverInlineBytes = 1000 };
        using (var s = MessageStore.Open(_dir, opts))
            for (int i = 0; i < 20; i++) await s.AppendAsync("/", "q", s_props, Body(i, 100));
        using (var s = MessageStore.Open(_dir, opts))
        {
            var got = s.RecoverList("/", "q");
            Assert.Equal(10, got.Count(m => !m.BodyOnDisk));
            Assert.All(got.Where(m => m.BodyOnDisk), m => Assert.True(m.Body.IsEmpty && m.BodySize == 100));
            for (int i = 0; i < 20; i++) Assert.Equal(Body(i, 100), s.ReadBody("/", "q", got[i].Id).ToArray());
        }
    }

    [Fact]
    public async Task First_append_after_recovery_drops_unclaimed_queues()
    {
        using (var s = MessageStore.Open(_dir))
            for (int i = 0; i < 5; i++) await s.AppendAsync("/", "orphan", s_props, Body(i));
        using (var s = MessageStore.Open(_dir))
        {
            await s.AppendAsync("/", "other", s_props, Body(1));
            Assert.Empty(s.UnclaimedQueues());
        }
        using (var s = MessageStore.Open(_dir))
            Assert.Empty(s.RecoverList("/", "orphan"));
    }

    [Fact]
    public async Task Unclaimed_queues_can_be_dropped()
    {
        using (var s = MessageStore.Open(_dir))
            for (int i = 0; i < 5; i++) await s.AppendAsync("/", "orphan", s_props, Body(i));
        using (var s = MessageStore.Open(_dir))
        {
            Assert.Equal([("/", "orphan")], s.UnclaimedQueues());
            s.DropUnclaimed();
        }
        using (var s = MessageStore.Open(_dir))
            Assert.Empty(s.RecoverList("/", "orphan"));
    }

    internal static async Task WaitUntil(Func<bool> cond, int ms = 5000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(ms);
        while (!cond())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not met");
            await Task.Delay(20);
        }
    }
}
