using System.Diagnostics;
using System.Text.Json;
using Trove.Memcached.Client.Tests.Infrastructure;
using Trove.TestKit;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>A server of the cluster is down or hung: python-memcached's mark_dead / dead_retry behaviour.</summary>
public sealed class DeadServerTests
{
    [Fact]
    public async Task DownServer_KeysMoveWherePythonMovesThem_AndComeBackAfterDeadRetry()
    {
        await using var a = await RunningServer.StartAsync(ServerKind.Memcached);
        await using var c = await RunningServer.StartAsync(ServerKind.Memcached);
        int deadPort = FreePort.Get();
        var servers = new[] { (a.Address, 1), ($"127.0.0.1:{deadPort}", 2), (c.Address, 3) };
        var p = Keys.Prefix();

        var code = $$"""
import json, memcache
mc = memcache.Client([{{string.Join(", ", servers.Select(s => $"('{s.Item1}', {s.Item2})"))}}], dead_retry=30)
out = {}
for i in range(120):
    key = "{{p}}k%d" % i
    assert mc.set(key, "v%d" % i), key
    server, _ = mc._get_server(key.encode())
    out[key] = server.port
print(json.dumps(out))
""";
        var (exit, output) = await Python.RunCodeAsync(code, TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, output);
        var pythonPlacement = JsonDocument.Parse(output.Trim().Split('\n').Last()).RootElement;

        var options = new MemcacheClientOptions { DeadRetry = TimeSpan.FromSeconds(4), ConnectTimeout = TimeSpan.FromSeconds(1) };
        foreach (var (s, w) in servers) options.AddServer(s, w);
        using var mc = new MemcacheClient(options);
        var sw = Stopwatch.StartNew();
        foreach (var e in pythonPlacement.EnumerateObject())
        {
            Assert.Equal(e.Value.GetInt32(), mc.GetServerForKey(e.Name)!.Port);
            Assert.Equal("v" + e.Name[(p.Length + 1)..], mc.Get(e.Name));
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"calls with a dead server took {sw.Elapsed}");
        Assert.DoesNotContain(deadPort, pythonPlacement.EnumerateObject().Select(e => e.Value.GetInt32()));

        // Which keys live on the dead server when it is up: python's first choice, without probing.
        var homesRun = await Python.RunCodeAsync($$"""
import json, memcache
mc = memcache.Client([{{string.Join(", ", servers.Select(s => $"('{s.Item1}', {s.Item2})"))}}])
keys = {{JsonSerializer.Serialize(pythonPlacement.EnumerateObject().Select(e => e.Name))}}
print(json.dumps({k: mc.buckets[memcache.cmemcache_hash(k.encode()) % len(mc.buckets)].port for k in keys}))
""", TimeSpan.FromSeconds(60));
        Assert.True(homesRun.ExitCode == 0, homesRun.Output);
        var homes = JsonDocument.Parse(homesRun.Output.Trim().Split('\n').Last()).RootElement;
        var onRevived = homes.EnumerateObject().Where(e => e.Value.GetInt32() == deadPort).Select(e => e.Name).ToList();
        Assert.NotEmpty(onRevived);

        // A fresh probe marks the server dead again, then it comes back up.
        Assert.NotEqual(deadPort, mc.GetServerForKey(onRevived[0])!.Port);
        await using var revived = await RunningServer.StartAsync(ServerKind.Memcached, deadPort);

        // Still inside dead_retry: the revived server is not tried yet.
        Assert.NotEqual(deadPort, mc.GetServerForKey(onRevived[0])!.Port);
        await Task.Delay(TimeSpan.FromSeconds(4.5));
        foreach (var k in onRevived)
        {
            Assert.Equal(deadPort, mc.GetServerForKey(k)!.Port);
            Assert.Null(mc.Get(k));   // the revived server is empty
        }
        Assert.True(mc.Set(onRevived[0], "back"));
        using var direct = new MemcacheClient(revived.Address);
        Assert.Equal("back", direct.Get(onRevived[0]));
    }

    [Fact]
    public async Task HungServer_TimesOutOnce_ThenFailsFastUntilDeadRetry()
    {
        using var silent = new SilentServer();
        await using var live = await RunningServer.StartAsync(ServerKind.Memcached);
        var options = new MemcacheClientOptions
        {
            SocketTimeout = TimeSpan.FromSeconds(3),
            ConnectTimeout = TimeSpan.FromSeconds(3),
            DeadRetry = TimeSpan.FromSeconds(30),
        }.AddServer(silent.Address).AddServer(live.Address);
        using var mc = new MemcacheClient(options);
        var key = Enumerable.Range(0, 1000).Select(i => "hung" + i).First(k => mc.GetServerForKey(k)!.Port == silent.Port);

        var sw = Stopwatch.StartNew();
        Assert.Null(mc.Get(key));
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));

        sw.Restart();
        Assert.Equal(live.Port, mc.GetServerForKey(key)!.Port);
        Assert.True(mc.Set(key, "moved"));
        Assert.Equal("moved", mc.Get(key));
        Assert.Equal("moved", await mc.GetAsync(key));
        // Four calls, none of which waited for the hung server's 3 s timeout.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2.5), $"calls after mark_dead took {sw.Elapsed}");
    }

    [Fact]
    public async Task HungServer_AsyncCallsHonourTimeoutAndCancellation()
    {
        using var silent = new SilentServer();
        var options = new MemcacheClientOptions { SocketTimeout = TimeSpan.FromSeconds(1), DeadRetry = TimeSpan.FromMilliseconds(1) }
            .AddServer(silent.Address);
        using var mc = new MemcacheClient(options);
        var sw = Stopwatch.StartNew();
        Assert.Null(await mc.GetAsync("k").WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(5));

        using var patient = new MemcacheClient(new MemcacheClientOptions { SocketTimeout = TimeSpan.FromSeconds(30) }.AddServer(silent.Address));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        sw.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => patient.SetAsync("k", "v", cancellationToken: cts.Token).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(5));
        // Cancellation is the caller's decision, not a server failure: the server stays in rotation.
        Assert.Equal(silent.Port, patient.GetServerForKey("k")!.Port);
    }

    [Fact]
    public async Task Ketama_DeadServerKeysGoToTheNextLiveServer()
    {
        await using var a = await RunningServer.StartAsync(ServerKind.Memcached);
        await using var b = await RunningServer.StartAsync(ServerKind.Memcached);
        int deadPort = FreePort.Get();
        var options = new MemcacheClientOptions { Distribution = ServerDistribution.Ketama, ConnectTimeout = TimeSpan.FromSeconds(2) }
            .AddServer(a.Address).AddServer($"127.0.0.1:{deadPort}").AddServer(b.Address);
        using var mc = new MemcacheClient(options);
        var locator = new Hashing.KetamaLocator(options.Servers);
        var everyKey = Enumerable.Range(0, 300).Select(i => "kd" + i).ToList();
        var orphaned = everyKey.Where(k => options.Servers[locator.ServerAt(locator.Start(System.Text.Encoding.UTF8.GetBytes(k)))].Port == deadPort).ToList();
        Assert.NotEmpty(orphaned);
        // Ketama without the dead server: where the orphaned keys should go.
        var survivors = new Hashing.KetamaLocator([options.Servers[0], options.Servers[2]]);
        foreach (var k in everyKey)
        {
            Assert.True(mc.Set(k, k));
            var expected = new[] { options.Servers[0], options.Servers[2] }[survivors.ServerAt(survivors.Start(System.Text.Encoding.UTF8.GetBytes(k)))];
            if (orphaned.Contains(k)) Assert.Equal(expected.Port, mc.GetServerForKey(k)!.Port);
            Assert.Equal(k, mc.Get(k));
        }
    }
}
