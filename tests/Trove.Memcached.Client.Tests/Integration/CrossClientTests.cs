using System.Text.Json;
using Trove.Memcached.Client.Tests.Infrastructure;
using Trove.TestKit;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>
/// python-memcached (Debian's python3-memcache) and this client share a three-server cluster with
/// weights 1, 2, 3: each reads what the other wrote, and both put every key on the same server.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class CrossClientTests(ClusterFixture fixture)
{
    private static readonly TimeSpan s_python = TimeSpan.FromSeconds(60);

    private static string PythonServers(RunningServer[] cluster)
        => "[" + string.Join(", ", cluster.Select((s, i) => $"('{s.Address}', {i + 1})")) + "]";

    private static MemcacheClient CSharpClient(RunningServer[] cluster)
        => new(cluster.Select((s, i) => (s.Address, i + 1)));

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task PythonWrites_CSharpReads_SamePlacement(ServerKind kind)
    {
        var cluster = fixture.Cluster(kind);
        var p = Keys.Prefix();
        var code = $$"""
import json, memcache
mc = memcache.Client({{PythonServers(cluster)}})
out = []
for i in range(60):
    for kind, key, val in (("str", "{{p}}s%d" % i, "str-%d-ü" % i), ("int", "{{p}}i%d" % i, i * 1000003 - 5),
                           ("bytes", "{{p}}b%d" % i, bytes([i, 0, 255, 13, 10]))):
        assert mc.set(key, val), key
        server, _ = mc._get_server(key.encode())
        out.append({"kind": kind, "key": key, "port": server.port})
assert mc.set_multi({"{{p}}m1": "one", "{{p}}m2": 2, "{{p}}m3": b"three"}) == []
print(json.dumps(out))
""";
        var (exit, output) = await Python.RunCodeAsync(code, s_python);
        Assert.True(exit == 0, output);
        var written = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;

        using var mc = CSharpClient(cluster);
        var direct = cluster.ToDictionary(s => s.Port, s => new MemcacheClient(s.Address));
        try
        {
            int count = 0;
            foreach (var e in written.EnumerateArray())
            {
                var key = e.GetProperty("key").GetString()!;
                int i = int.Parse(key[(p.Length + 1)..]);
                int port = e.GetProperty("port").GetInt32();
                object expected = e.GetProperty("kind").GetString() switch
                {
                    "str" => $"str-{i}-ü",
                    "int" => (long)i * 1000003 - 5,
                    _ => new byte[] { (byte)i, 0, 255, 13, 10 },
                };
                Assert.Equal(expected, mc.Get(key));
                Assert.Equal(port, mc.GetServerForKey(key)!.Port);
                // The key is on that server and on no other.
                foreach (var (serverPort, single) in direct)
                    Assert.Equal(serverPort == port, single.Get(key) is not null);
                count++;
            }
            Assert.Equal(180, count);
            Assert.True(written.EnumerateArray().Select(e => e.GetProperty("port").GetInt32()).Distinct().Count() == 3);
            var multi = await mc.GetMultiAsync([p + "m1", p + "m2", p + "m3"]);
            Assert.Equal("one", multi[p + "m1"]);
            Assert.Equal(2L, multi[p + "m2"]);
            Assert.Equal("three"u8.ToArray(), multi[p + "m3"]);
        }
        finally
        {
            foreach (var d in direct.Values) d.Dispose();
        }
    }

    [Theory, MemberData(nameof(ServerKinds.All), MemberType = typeof(ServerKinds))]
    public async Task CSharpWrites_PythonReads_SamePlacement(ServerKind kind)
    {
        var cluster = fixture.Cluster(kind);
        var p = Keys.Prefix();
        using var mc = CSharpClient(cluster);
        var expected = new Dictionary<string, object>();
        for (int i = 0; i < 60; i++)
        {
            expected[$"{p}s{i}"] = $"str-{i}-ü";
            expected[$"{p}i{i}"] = (long)i * 1000003 - 5;
            expected[$"{p}b{i}"] = new byte[] { (byte)i, 0, 255 };
        }
        foreach (var (k, v) in expected) Assert.True(mc.Set(k, v));
        Assert.True(mc.Set(p + "counter", "41"));
        Assert.Equal(42UL, mc.Incr(p + "counter"));
        var placement = expected.Keys.ToDictionary(k => k, k => mc.GetServerForKey(k)!.Port);

        var keysJson = JsonSerializer.Serialize(expected.Keys);
        var code = $$"""
import json, memcache
mc = memcache.Client({{PythonServers(cluster)}})
keys = {{keysJson}}
out = {}
for key in keys:
    v = mc.get(key)
    server, _ = mc._get_server(key.encode())
    out[key] = {"type": type(v).__name__, "value": v.hex() if isinstance(v, bytes) else v, "port": server.port}
multi = mc.get_multi(keys)
out["__multi_count"] = len(multi)
out["__counter"] = mc.get("{{p}}counter")
print(json.dumps(out))
""";
        var (exit, output) = await Python.RunCodeAsync(code, s_python);
        Assert.True(exit == 0, output);
        var read = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;
        Assert.Equal(expected.Count, read.GetProperty("__multi_count").GetInt32());
        Assert.Equal("42", read.GetProperty("__counter").GetString());
        foreach (var (k, v) in expected)
        {
            var e = read.GetProperty(k);
            Assert.Equal(placement[k], e.GetProperty("port").GetInt32());
            switch (v)
            {
                case string s:
                    Assert.Equal("str", e.GetProperty("type").GetString());
                    Assert.Equal(s, e.GetProperty("value").GetString());
                    break;
                case long l:
                    Assert.Equal("int", e.GetProperty("type").GetString());
                    Assert.Equal(l, e.GetProperty("value").GetInt64());
                    break;
                case byte[] b:
                    Assert.Equal("bytes", e.GetProperty("type").GetString());
                    Assert.Equal(Convert.ToHexString(b).ToLowerInvariant(), e.GetProperty("value").GetString());
                    break;
            }
        }
    }
}
