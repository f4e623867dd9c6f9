using System.Text;
using System.Text.Json;
using Trove.Memcached.Client.Hashing;
using Trove.TestKit;

namespace Trove.Memcached.Client.Tests.Unit;

/// <summary>Key placement: python-memcached's hash and bucket list, checked against python-memcached itself.</summary>
public sealed class PlacementTests
{
    [Fact]
    public void Crc32_MatchesTheStandardCheckValue()
        => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public async Task HashBucketsAndRehash_MatchPythonMemcached()
    {
        var keys = Enumerable.Range(0, 400).Select(i => i % 7 == 0 ? $"ключ{i}" : $"key:{i}:{new string('x', i % 40)}").ToList();
        keys.Add("foo");
        keys.Add("k1");
        var code = $$"""
import json, memcache
keys = json.loads({{JsonSerializer.Serialize(JsonSerializer.Serialize(keys))}})
servers = [("127.0.0.1:1", 1), ("127.0.0.1:2", 2), ("127.0.0.1:3", 3), ("127.0.0.1:4", 1)]
dead = {2}
memcache._Host.connect = lambda self: 0 if self.port in dead else 1
mc = memcache.Client(servers)
out = []
for k in keys:
    kb = k.encode("utf8")
    out.append({"hash": memcache.cmemcache_hash(kb),
                "first": mc.buckets[memcache.cmemcache_hash(kb) % len(mc.buckets)].port,
                "live": mc._get_server(kb)[0].port})
print(json.dumps(out))
""";
        var (exit, output) = await Python.RunCodeAsync(code, TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, output);
        var expected = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement.EnumerateArray().ToList();

        var endpoints = new[] { 1, 2, 3, 4 }.Select(p => new MemcacheServerEndpoint("127.0.0.1", p, p == 2 ? 2 : p == 3 ? 3 : 1)).ToList();
        var locator = new PythonMemcachedLocator(endpoints);
        for (int i = 0; i < keys.Count; i++)
        {
            var kb = Encoding.UTF8.GetBytes(keys[i]);
            Assert.Equal(expected[i].GetProperty("hash").GetInt32(), PythonMemcachedHash.Hash(kb));
            int state = locator.Start(kb);
            Assert.Equal(expected[i].GetProperty("first").GetInt32(), endpoints[locator.ServerAt(state)].Port);
            int live = -1;
            for (int attempt = 0; attempt < locator.MaxAttempts; attempt++)
            {
                var candidate = endpoints[locator.ServerAt(state)];
                if (candidate.Port != 2) { live = candidate.Port; break; }
                state = locator.Next(state, attempt);
            }
            Assert.Equal(expected[i].GetProperty("live").GetInt32(), live);
        }
        Assert.Contains(expected, e => e.GetProperty("first").GetInt32() == 2);
    }

    [Fact]
    public void Ketama_SpreadsByWeight()
    {
        var servers = Enumerable.Range(0, 3).Select(i => new MemcacheServerEndpoint("10.0.0." + (i + 1), 11211 + i, i == 2 ? 2 : 1)).ToList();
        var ketama = new KetamaLocator(servers);
        Assert.Equal(120 + 120 + 240, ketama.MaxAttempts); // floor(pct * 160 / 4 * 3) * 4 points for pct 1/4, 1/4, 1/2
        var counts = new int[3];
        const int n = 20000;
        for (int i = 0; i < n; i++) counts[ketama.ServerAt(ketama.Start(Encoding.ASCII.GetBytes("user:" + i)))]++;
        Assert.InRange(counts[2] / (double)n, 0.40, 0.60);
        Assert.InRange(counts[0] / (double)n, 0.18, 0.32);
    }

    [Fact]
    public void Ketama_AddingAServerMovesKeysOnlyToIt()
    {
        var three = Enumerable.Range(0, 3).Select(i => new MemcacheServerEndpoint("10.0.0." + (i + 1), i == 0 ? 11211 : 11300 + i)).ToList();
        var four = three.Append(new MemcacheServerEndpoint("10.0.0.4", 11211)).ToList();
        var k3 = new KetamaLocator(three);
        var k4 = new KetamaLocator(four);
        Assert.Equal(480, k3.MaxAttempts);
        int moved = 0;
        const int n = 20000;
        for (int i = 0; i < n; i++)
        {
            var key = Encoding.ASCII.GetBytes("user:" + i);
            int s3 = k3.ServerAt(k3.Start(key)), s4 = k4.ServerAt(k4.Start(key));
            if (s3 == s4) continue;
            moved++;
            Assert.Equal(3, s4);
        }
        Assert.InRange(moved / (double)n, 0.15, 0.35);
    }

    [Fact]
    public void Ketama_KeyHashIsLittleEndianMd5()
    {
        // md5("a") = 0cc175b9c0f1b6a831c399e269772661: the first four bytes read little-endian.
        Assert.Equal(0xB975C10Cu, KetamaLocator.KeyHash("a"u8));
    }

    [Fact]
    public async Task Ketama_ClientUsesConsistentPlacement()
    {
        await using var a = await Infrastructure.RunningServer.StartAsync(Infrastructure.ServerKind.Memcached);
        await using var b = await Infrastructure.RunningServer.StartAsync(Infrastructure.ServerKind.Memcached);
        var options = new MemcacheClientOptions { Distribution = ServerDistribution.Ketama }.AddServer(a.Address).AddServer(b.Address);
        using var mc = new MemcacheClient(options);
        var locator = new KetamaLocator(options.Servers);
        for (int i = 0; i < 50; i++)
        {
            var key = "ketama" + i;
            Assert.True(mc.Set(key, i));
            var expected = options.Servers[locator.ServerAt(locator.Start(Encoding.UTF8.GetBytes(key)))];
            Assert.Equal(expected, mc.GetServerForKey(key));
            using var direct = new MemcacheClient(expected.ToString());
            Assert.Equal((long)i, direct.Get(key));
        }
    }
}
