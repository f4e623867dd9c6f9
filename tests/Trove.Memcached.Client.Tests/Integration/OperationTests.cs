using Trove.Memcached.Client.Tests.Infrastructure;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>Every operation of seed 000 §1.2, synchronous and asynchronous, against each server kind.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OperationTests(ClusterFixture fixture)
{
    private MemcacheClient Client(ServerKind kind) => new(new MemcacheClientOptions
    {
        SocketTimeout = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    }.AddServer(fixture.Single(kind).Address));

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public void SetGet_StringsBytesIntegers(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        Assert.True(mc.Set(p + "foo", "bar"));
        Assert.Equal("bar", mc.Get(p + "foo"));
        Assert.True(mc.Set(p + "bytes", new byte[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 1, 2, 3 }, mc.Get(p + "bytes"));
        Assert.True(mc.Set(p + "int", 42));
        Assert.Equal(42L, mc.Get(p + "int"));
        Assert.Equal(42, mc.Get<int>(p + "int"));
        Assert.True(mc.Set(p + "neg", -7L));
        Assert.Equal(-7L, mc.Get(p + "neg"));
        Assert.True(mc.Set(p + "unicode", "ключ→値"));
        Assert.Equal("ключ→値", mc.Get<string>(p + "unicode"));
        Assert.Null(mc.Get(p + "missing"));
        Assert.False(mc.TryGet<string>(p + "missing", out _));
        Assert.True(mc.TryGet<string>(p + "foo", out var foo));
        Assert.Equal("bar", foo);
    }

    private sealed record Product(string Name, int Count, string[] Tags);

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Objects_GoThroughJson(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        var product = new Product("apple", 900, ["fruit", "red"]);
        Assert.True(await mc.SetAsync(p + "obj", product));
        var back = await mc.GetAsync<Product>(p + "obj");
        Assert.NotNull(back);
        Assert.Equal(product.Name, back.Name);
        Assert.Equal(product.Tags, back.Tags);
        var raw = await mc.GetAsync(p + "obj");
        Assert.IsType<System.Text.Json.JsonElement>(raw);
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task AddReplace_FollowTheSeed(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        Assert.True(mc.Add(p + "k1", "v1"));
        Assert.False(mc.Add(p + "k1", "v2"));
        Assert.Equal("v1", mc.Get(p + "k1"));
        Assert.False(mc.Replace(p + "kkkk", "999"));
        Assert.Null(mc.Get(p + "kkkk"));
        Assert.True(mc.Replace(p + "k1", "v3"));
        Assert.Equal("v3", mc.Get(p + "k1"));

        Assert.True(await mc.AddAsync(p + "a1", "x"));
        Assert.False(await mc.AddAsync(p + "a1", "y"));
        Assert.True(await mc.ReplaceAsync(p + "a1", "z"));
        Assert.False(await mc.ReplaceAsync(p + "a2", "z"));
        Assert.Equal("z", await mc.GetAsync<string>(p + "a1"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task AppendPrepend_FollowTheSeed(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        mc.Set(p + "k1", "v1");
        Assert.True(mc.Append(p + "k1", "after"));
        Assert.Equal("v1after", mc.Get(p + "k1"));
        Assert.True(mc.Prepend(p + "k1", "before"));
        Assert.Equal("beforev1after", mc.Get(p + "k1"));
        Assert.False(mc.Append(p + "none", "x"));
        Assert.True(await mc.AppendAsync(p + "k1", "!"));
        Assert.True(await mc.PrependAsync(p + "k1", "<"));
        Assert.False(await mc.PrependAsync(p + "none", "x"));
        Assert.Equal("<beforev1after!", await mc.GetAsync(p + "k1"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task IncrDecr_FollowTheSeed(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        mc.Set(p + "k1", "777");
        Assert.Equal(778UL, mc.Incr(p + "k1"));
        Assert.Equal(788UL, mc.Incr(p + "k1", 10));
        Assert.Equal(787UL, mc.Decr(p + "k1"));
        Assert.Equal(777UL, mc.Decr(p + "k1", 10));
        Assert.Equal("777", mc.Get(p + "k1"));
        Assert.Null(mc.Incr(p + "missing"));
        Assert.Equal(0UL, mc.Decr(p + "k1", 1000));
        mc.Set(p + "i", 5);
        Assert.Equal(6UL, await mc.IncrAsync(p + "i"));
        Assert.Equal(6L, await mc.GetAsync(p + "i"));
        Assert.Equal(4UL, await mc.DecrAsync(p + "i", 2));
        Assert.Null(await mc.DecrAsync(p + "missing"));
        mc.Set(p + "max", ulong.MaxValue.ToString());
        Assert.Equal(0UL, mc.Incr(p + "max"));
        mc.Set(p + "text", "abc");
        Assert.Throws<MemcacheValueException>(() => mc.Incr(p + "text"));
        Assert.Equal("abc", mc.Get(p + "text"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task DeleteAndDeleteMulti(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        mc.Set(p + "key0", "jack");
        Assert.True(mc.Delete(p + "key0"));
        Assert.False(mc.Delete(p + "key0"));
        Assert.Null(mc.Get(p + "key0"));
        mc.SetMulti(new Dictionary<string, object> { [p + "key1"] = "val1", [p + "key2"] = "val2" });
        Assert.True(mc.DeleteMulti([p + "key1", p + "key2", p + "never"]));
        Assert.Empty(mc.GetMulti([p + "key1", p + "key2"]));
        await mc.SetAsync(p + "a", 1);
        Assert.True(await mc.DeleteAsync(p + "a"));
        Assert.False(await mc.DeleteAsync(p + "a"));
        await mc.SetMultiAsync(new Dictionary<string, object> { ["x"] = 1, ["y"] = 2 }, keyPrefix: p);
        Assert.True(await mc.DeleteMultiAsync(["x", "y"], keyPrefix: p));
        Assert.Empty(await mc.GetMultiAsync(["x", "y"], keyPrefix: p));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task SetMultiGetMulti_WithPrefix(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        var notStored = mc.SetMulti(new Dictionary<string, object> { ["key1"] = "val1", ["key2"] = "val2", ["n"] = 3 }, keyPrefix: p);
        Assert.Empty(notStored);
        var got = mc.GetMulti(["key1", "key2", "key3", "n"], p);
        Assert.Equal(3, got.Count);
        Assert.Equal("val1", got["key1"]);
        Assert.Equal("val2", got["key2"]);
        Assert.Equal(3L, got["n"]);
        Assert.Equal("val1", mc.Get(p + "key1"));
        var typed = await mc.GetMultiAsync<string>([p + "key1", p + "key2"]);
        Assert.Equal("val2", typed[p + "key2"]);
        var big = new byte[2 * 1024 * 1024];
        var refused = await mc.SetMultiAsync(new Dictionary<string, object> { [p + "big"] = big, [p + "small"] = "s" });
        Assert.Equal([p + "big"], refused);
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task GetsCas_FollowTheSeed(ServerKind kind)
    {
        using var mc = Client(kind);
        using var other = Client(kind);
        var p = Keys.Prefix();
        mc.Set(p + "product_count", "900");
        Assert.Equal("900", mc.Gets(p + "product_count"));
        Assert.True(mc.TryGetCasUnique(p + "product_count", out var unique));
        Assert.True(mc.Cas(p + "product_count", "899"));
        Assert.Equal("899", mc.Get(p + "product_count"));

        // Somebody else changes the item between gets and cas: cas must fail.
        Assert.Equal("899", mc.Gets(p + "product_count"));
        Assert.True(other.Set(p + "product_count", "100"));
        Assert.False(mc.Cas(p + "product_count", "898"));
        Assert.Equal("100", mc.Get(p + "product_count"));
        Assert.False(mc.Cas(p + "product_count", "1", unique));

        // No remembered unique: a plain set, as python-memcached does.
        Assert.True(mc.Cas(p + "fresh", "v"));
        Assert.Equal("v", mc.Get(p + "fresh"));

        Assert.Equal("100", await mc.GetsAsync<string>(p + "product_count"));
        Assert.True(await mc.CasAsync(p + "product_count", "101"));
        mc.TryGetCasUnique(p + "product_count", out var stale);
        Assert.False(await mc.CasAsync(p + "product_count", "102", stale));
        mc.ResetCas();
        Assert.False(mc.TryGetCasUnique(p + "product_count", out _));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Touch_ChangesExpiry(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        mc.Set(p + "t", "v", TimeSpan.FromSeconds(1));
        Assert.True(mc.Touch(p + "t", TimeSpan.FromSeconds(100)));
        Assert.False(mc.Touch(p + "none", TimeSpan.FromSeconds(100)));
        mc.Set(p + "u", "v");
        Assert.True(await mc.TouchAsync(p + "u", TimeSpan.FromSeconds(1)));
        Assert.False(await mc.TouchAsync(p + "none"));
        await Task.Delay(2200);
        Assert.Equal("v", mc.Get(p + "t"));
        Assert.Null(mc.Get(p + "u"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Expiry_NegativeMeansExpired(ServerKind kind)
    {
        using var mc = Client(kind);
        var p = Keys.Prefix();
        Assert.True(await mc.SetAsync(p + "gone", "v", TimeSpan.FromSeconds(-1)));
        Assert.Null(await mc.GetAsync(p + "gone"));
        Assert.True(mc.Set(p + "long", "v", TimeSpan.FromDays(60)));
        Assert.Equal("v", mc.Get(p + "long"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Stats_ReportEveryServer(ServerKind kind)
    {
        using var mc = Client(kind);
        var stats = mc.Stats();
        var s = Assert.Single(stats);
        Assert.Equal($"{fixture.Single(kind).Address} (1)", s.Server);
        Assert.True(s.Values.ContainsKey("pid"));
        Assert.True(s.Values.ContainsKey("curr_items"));
        var settings = await mc.StatsAsync("settings");
        Assert.True(Assert.Single(settings).Values.ContainsKey("maxconns"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task FlushAll_EmptiesEveryServer(ServerKind kind)
    {
        // Its own servers: flushing the shared ones would disturb tests running in parallel.
        await using var a = await RunningServer.StartAsync(kind);
        await using var b = await RunningServer.StartAsync(kind);
        using var mc = new MemcacheClient(a.Address, b.Address);
        var keys = Enumerable.Range(0, 20).Select(i => "f" + i).ToArray();
        Assert.Empty(mc.SetMulti(keys.ToDictionary(k => k, k => (object)k)));
        Assert.Equal(20, mc.GetMulti(keys).Count);
        Assert.True(mc.FlushAll());
        Assert.Empty(mc.GetMulti(keys));
        mc.Set("g", "1");
        Assert.True(await mc.FlushAllAsync());
        Assert.Null(mc.Get("g"));
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public void InvalidKeys_AreRejectedBeforeSending(ServerKind kind)
    {
        using var mc = Client(kind);
        Assert.Throws<MemcacheKeyException>(() => mc.Set("has space", "v"));
        Assert.Throws<MemcacheKeyException>(() => mc.Get("ctl\u0001"));
        Assert.Throws<MemcacheKeyException>(() => mc.Get(""));
        Assert.Throws<MemcacheKeyException>(() => mc.Get(new string('k', 251)));
        Assert.True(mc.Set(new string('k', 250), "ok"));
        Assert.Equal("ok", mc.Get(new string('k', 250)));
    }
}
