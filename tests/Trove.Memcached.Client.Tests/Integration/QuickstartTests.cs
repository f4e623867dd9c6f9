using Trove.Memcached.Client.Tests.Infrastructure;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>The quickstart of docs/memcached-client.md, run as written (local servers in place of 1.1.1.x).</summary>
[Collection(ClusterCollection.Name)]
public sealed class QuickstartTests(ClusterFixture fixture)
{
    private sealed record Product(string Name, int Count);

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task Quickstart_RunsAsDocumented(ServerKind kind)
    {
        var s = fixture.Cluster(kind);
        var p = Keys.Prefix();
        using var mc = new MemcacheClient([(s[0].Address, 1), (s[1].Address, 2), (s[2].Address, 1)]);
        mc.Set(p + "foo", "bar");
        Assert.Equal("bar", mc.Get<string>(p + "foo"));
        Assert.True(mc.Add(p + "k1", "v1"));
        Assert.False(mc.Replace(p + "kkkk", "999"));
        mc.SetMulti(new Dictionary<string, object> { ["key1"] = "val1", ["key2"] = "val2" }, keyPrefix: p);
        IDictionary<string, object> items = mc.GetMulti(["key1", "key2", "key3"], p);
        Assert.Equal(2, items.Count);
        Assert.True(mc.DeleteMulti(["key1", "key2"], p));
        mc.Append(p + "k1", "after");
        mc.Prepend(p + "k1", "before");
        Assert.Equal("beforev1after", mc.Get(p + "k1"));
        mc.Set(p + "k1", "777");
        Assert.Equal(787UL, mc.Incr(p + "k1", 10));
        Assert.Equal(786UL, mc.Decr(p + "k1"));
        mc.Set(p + "product_count", "900");
        Assert.Equal("900", mc.Gets(p + "product_count"));
        Assert.True(mc.Cas(p + "product_count", "899"));
        Assert.True(mc.Touch(p + "k1", TimeSpan.FromMinutes(5)));
        Assert.Equal(3, mc.Stats().Count(st => st.Values.ContainsKey("curr_items")));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await mc.SetAsync(p + "product:1", new Product("apple", 900), TimeSpan.FromSeconds(60), cancellationToken: cts.Token);
        Assert.Equal(new Product("apple", 900), await mc.GetAsync<Product>(p + "product:1", cts.Token));
    }
}
