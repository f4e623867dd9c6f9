using Trove.TestKit;

namespace Trove.Memcached.Tests;

/// <summary>The seed's own acceptance script (python-memcached) against Trove.</summary>
public sealed class SeedScriptTests
{
    private static async Task RunSeedAsync(params int[] ports)
    {
        var env = new Dictionary<string, string> { ["MEMCACHED_PORTS"] = string.Join(",", ports), ["MEMCACHED_HOST"] = "127.0.0.1" };
        var (code, output) = await Python.RunSeedScriptAsync("memcached_seed.py", env, TimeSpan.FromSeconds(90));
        var (passed, failed) = Python.ParseSummary(output);
        Assert.True(failed == 0 && code == 0, output);
        Assert.True(passed >= (ports.Length == 1 ? 39 : 43), output);
    }

    [Fact]
    public async Task SeedPassesAgainstOneInProcessServer()
    {
        await using var s = InProcessServer.Start();
        await RunSeedAsync(s.Port);
    }

    [Fact]
    public async Task SeedPassesAgainstThreeInProcessServers()
    {
        await using var a = InProcessServer.Start();
        await using var b = InProcessServer.Start();
        await using var c = InProcessServer.Start();
        await RunSeedAsync(a.Port, b.Port, c.Port);
    }

    /// <summary>
    /// The seed's start line with `trove memcached` in memcached's place: -d returns once the daemon
    /// wrote its pid file; the seed then passes against it.
    /// </summary>
    [Fact]
    public async Task SeedStartLineDaemonizesWritesPidFileAndPasses()
    {
        int port = FreePort.Get();
        var pidFile = Path.Combine(Path.GetTempPath(), $"trove-mc-{Guid.NewGuid():N}.pid");
        var (code, output) = await ExternalProcess.RunAsync("dotnet",
            [RepoPaths.TroveDll, "memcached", "-d", "-m", "10", "-u", "root", "-l", "127.0.0.1", "-p", port.ToString(), "-c", "256", "-P", pidFile],
            TimeSpan.FromSeconds(60));
        Assert.True(code == 0, output);
        Assert.True(File.Exists(pidFile), "no pid file");
        int pid = int.Parse(File.ReadAllText(pidFile).Trim());
        try
        {
            Assert.True(Signals.IsAlive(pid));
            await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(20));
            await RunSeedAsync(port);
            using var c = await RawClient.ConnectAsync(port);
            var settings = await c.CallAsync("stats settings\r\n", "END\r\n");
            Assert.Contains("STAT maxbytes 10485760\r\n", settings);
            Assert.Contains("STAT maxconns 256\r\n", settings);
            Assert.Contains($"STAT tcpport {port}\r\n", settings);
            var stats = await c.CallAsync("stats\r\n", "END\r\n");
            Assert.Contains($"STAT pid {pid}\r\n", stats);
        }
        finally
        {
            Signals.Send(pid, Signals.SIGTERM);
            for (int i = 0; i < 100 && Signals.IsAlive(pid); i++) await Task.Delay(50);
            if (Signals.IsAlive(pid)) Signals.Send(pid, Signals.SIGKILL);
            File.Delete(pidFile);
        }
    }
}
