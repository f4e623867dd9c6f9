using Trove.Memcached.Client.Tests.Infrastructure;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>Multi-key calls cost one round trip per server: every request is written before any reply is read.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RoundTripTests(ClusterFixture fixture)
{
    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task MultiCalls_UseOneRoundTripPerServer(ServerKind kind)
    {
        var proxies = fixture.Cluster(kind).Select(s => new RecordingProxy(s.Port)).ToArray();
        try
        {
            using var mc = new MemcacheClient(proxies.Select((p, i) => (p.Address, i + 1)));
            var p = Keys.Prefix();
            var keys = Enumerable.Range(0, 60).Select(i => p + i).ToArray();
            foreach (var k in keys) mc.GetServerForKey(k);   // open (and pool) one connection per server

            foreach (var proxy in proxies) proxy.Clear();
            Assert.Empty(mc.SetMulti(keys.ToDictionary(k => k, k => (object)("v" + k))));
            AssertOneExchange(proxies, "SetMulti");

            proxies[0].Clear(); proxies[1].Clear(); proxies[2].Clear();
            Assert.Equal(60, (await mc.GetMultiAsync(keys)).Count);
            AssertOneExchange(proxies, "GetMulti");

            foreach (var proxy in proxies) proxy.Clear();
            Assert.True(mc.DeleteMulti(keys));
            AssertOneExchange(proxies, "DeleteMulti");
            Assert.Empty(mc.GetMulti(keys));
        }
        finally
        {
            foreach (var proxy in proxies) proxy.Dispose();
        }
    }

    private static void AssertOneExchange(RecordingProxy[] proxies, string what)
    {
        foreach (var proxy in proxies)
        {
            var used = proxy.Transcripts.Where(t => t.Length > 0).ToList();
            var t = Assert.Single(used);
            // Requests first, then only replies: no request chunk after the first reply chunk.
            Assert.Matches("^C+S+$", t);
            Assert.True(t.Length > 1, $"{what}: transcript {t}");
        }
    }
}
