using Trove.Memcached.Client.Tests.Infrastructure;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>noreply, binary-safe values, multi-key requests across servers, concurrency.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ProtocolTests(ClusterFixture fixture)
{
    private MemcacheClient ClusterClient(ServerKind kind) =>
        new(fixture.Cluster(kind).Select((s, i) => (s.Address, i + 1)));

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Noreply_StoresAndKeepsTheConnectionInStep(ServerKind kind)
    {
        using var mc = new MemcacheClient(new MemcacheClientOptions { MaxConnectionsPerServer = 1 }.AddServer(fixture.Single(kind).Address));
        var p = Keys.Prefix();
        Assert.True(mc.Set(p + "a", "1", noreply: true));
        Assert.True(mc.Add(p + "a", "2", noreply: true));      // refused silently
        Assert.True(mc.Set(p + "t", "text", noreply: true));
        Assert.Null(mc.Incr(p + "t", 1, noreply: true));        // the server answers CLIENT_ERROR despite noreply
        Assert.Null(mc.Incr(p + "a", 5, noreply: true));
        Assert.True(mc.Append(p + "a", "0", noreply: true));
        Assert.True(mc.Delete(p + "none", noreply: true));
        Assert.True(mc.Touch(p + "a", TimeSpan.FromSeconds(100), noreply: true));
        // Every reply after that must belong to its own command.
        Assert.Equal("60", mc.Get(p + "a"));
        Assert.Equal("text", await mc.GetAsync(p + "t"));
        Assert.True(await mc.DeleteAsync(p + "t", noreply: true));
        Assert.Null(await mc.GetAsync(p + "t"));
        for (int i = 0; i < 1000; i++) mc.Set(p + "n" + i, i, noreply: true);
        Assert.Equal(999L, mc.Get(p + "n999"));
        Assert.Empty(mc.SetMulti(new Dictionary<string, object> { [p + "m1"] = "x", [p + "m2"] = "y" }, noreply: true));
        Assert.True(mc.DeleteMulti([p + "m1"], noreply: true));
        Assert.Equal(new Dictionary<string, object> { [p + "m2"] = "y" }, mc.GetMulti([p + "m1", p + "m2"]));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Values_AreBinarySafe(ServerKind kind)
    {
        using var mc = ClusterClient(kind);
        var p = Keys.Prefix();
        var every = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var tricky = "\r\nEND\r\nVALUE x 0 1\r\n\0"u8.ToArray();
        var large = new byte[900 * 1024];
        new Random(7).NextBytes(large);
        Assert.True(mc.Set(p + "every", every));
        Assert.True(mc.Set(p + "tricky", tricky));
        Assert.True(await mc.SetAsync(p + "large", large));
        Assert.True(mc.Set(p + "empty", Array.Empty<byte>()));
        Assert.Equal(every, mc.Get<byte[]>(p + "every"));
        Assert.Equal(tricky, await mc.GetAsync<byte[]>(p + "tricky"));
        Assert.Equal(large, mc.Get<byte[]>(p + "large"));
        Assert.Equal(Array.Empty<byte>(), mc.Get(p + "empty"));
        var all = await mc.GetMultiAsync<byte[]>([p + "every", p + "tricky", p + "large", p + "empty"]);
        Assert.Equal(4, all.Count);
        Assert.Equal(large, all[p + "large"]);
        Assert.Equal(tricky, all[p + "tricky"]);
        Assert.True(mc.Append(p + "tricky", "\r\n"u8.ToArray()));
        Assert.Equal([.. tricky, 13, 10], mc.Get<byte[]>(p + "tricky"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task GetMulti_SpansServersAndLongKeyLists(ServerKind kind)
    {
        using var mc = ClusterClient(kind);
        var p = Keys.Prefix();
        // 600 keys of ~60 bytes: several get lines per server, pipelined.
        var keys = Enumerable.Range(0, 600).Select(i => p + i.ToString("D4") + new string('x', 40)).ToArray();
        var values = keys.ToDictionary(k => k, k => (object)("v" + k));
        Assert.Empty(await mc.SetMultiAsync(values));
        var servers = keys.Select(k => mc.GetServerForKey(k)).Distinct().Count();
        Assert.Equal(3, servers);
        var missing = keys.Select(k => k + "_missing");
        var got = mc.GetMulti(keys.Concat(missing));
        Assert.Equal(keys.Length, got.Count);
        foreach (var k in keys) Assert.Equal("v" + k, got[k]);
        var gotAsync = await mc.GetMultiAsync<string>(keys);
        Assert.Equal(keys.Length, gotAsync.Count);
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task ManyConcurrentCallers_ShareThePool(ServerKind kind)
    {
        using var mc = new MemcacheClient(new MemcacheClientOptions { MaxConnectionsPerServer = 4, MaxIdleConnectionsPerServer = 2 }
            .AddServer(fixture.Single(kind).Address));
        var p = Keys.Prefix();
        mc.Set(p + "counter", "0");
        var tasks = Enumerable.Range(0, 32).Select(async t =>
        {
            for (int i = 0; i < 50; i++)
            {
                await mc.IncrAsync(p + "counter");
                await mc.SetAsync(p + "k" + t, i);
                Assert.Equal((long)i, await mc.GetAsync(p + "k" + t));
            }
        });
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(1600L, mc.Get<long>(p + "counter"));
    }

    [Fact]
    public async Task Compression_RoundTripsAndIsSmaller()
    {
        using var mc = new MemcacheClient(new MemcacheClientOptions { MinCompressLength = 100 }.AddServer(fixture.Single(ServerKind.Memcached).Address));
        using var plain = new MemcacheClient(fixture.Single(ServerKind.Memcached).Address);
        var p = Keys.Prefix();
        var text = string.Concat(Enumerable.Repeat("compress me ", 1000));
        Assert.True(await mc.SetAsync(p + "z", text));
        Assert.Equal(text, plain.Get(p + "z"));
        Assert.True(mc.Set(p + "small", "tiny"));
        Assert.Equal("tiny", plain.Get(p + "small"));
    }
}
