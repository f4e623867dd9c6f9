using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.TestKit;

namespace Trove.Memcached.Tests;

/// <summary>Limits checked against the real `trove memcached` process (its own fds and RSS).</summary>
public sealed class ProcessTests
{
    /// <summary>-c 256 and 1,000 simultaneous connections: no crash, the ones over the limit turned away.</summary>
    [Fact]
    public async Task ConnectionLimitTurnsAwayTheExcess()
    {
        int port = FreePort.Get();
        await using var trove = await TroveProcess.StartAsync(port, "memcached", "-p", port.ToString(), "-l", "127.0.0.1", "-c", "256");
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
                sockets.Add(s);
            }
            var outcomes = await Task.WhenAll(sockets.Select(ProbeAsync));
            int served = outcomes.Count(o => o == "served");
            int refused = outcomes.Count(o => o == "refused");
            Assert.True(served <= 256, $"served {served}");
            Assert.True(served >= 200, $"served {served}");
            Assert.True(refused >= 1000 - 256, $"refused {refused}; {string.Join(",", outcomes.Distinct())}");
            Assert.True(trove.IsRunning);
        }
        finally
        {
            foreach (var s in sockets) s.Dispose();
        }
        // Once the crowd has gone, new clients are served again.
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var c = await RawClient.ConnectAsync(port);
                var stats = await c.CallAsync("stats\r\n", "END\r\n");
                Assert.Contains("STAT max_connections 256\r\n", stats);
                Assert.Matches(@"STAT rejected_connections (7[4-9]\d|[89]\d\d)\r\n", stats);
                break;
            }
            catch (Exception) when (attempt < 50) { await Task.Delay(100); }
        }
    }

    private static async Task<string> ProbeAsync(Socket s)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buf = new byte[256];
        try
        {
            await s.SendAsync("version\r\n"u8.ToArray(), SocketFlags.None, cts.Token);
            var got = new StringBuilder();
            while (true)
            {
                int n = await s.ReceiveAsync(buf, SocketFlags.None, cts.Token);
                if (n == 0) return got.ToString().StartsWith("ERROR Too many open connections") ? "refused" : "closed:" + got;
                got.Append(Encoding.ASCII.GetString(buf, 0, n));
                var text = got.ToString();
                if (text.StartsWith("VERSION ") && text.EndsWith("\r\n")) return "served";
                if (text == "ERROR Too many open connections\r\n") return "refused";
            }
        }
        catch (SocketException) { return "refused"; }
        catch (OperationCanceledException) { return "timeout"; }
    }

    /// <summary>
    /// Writing ten (and thirty) times -m of data: items stay within -m (evictions do their job) and
    /// the process's RSS stays within its idle RSS + -m + the store's garbage threshold
    /// (max(-m/2, 16 MiB)) + 64 MiB of runtime slack (pipe buffers, GC bookkeeping).
    /// </summary>
    [Fact]
    public async Task WritingTenTimesTheLimitKeepsMemoryBounded()
    {
        int port = FreePort.Get();
        const int megabytes = 16;
        await using var trove = await TroveProcess.StartAsync(port, "memcached", "-p", port.ToString(), "-m", megabytes.ToString());
        using (var c = await RawClient.ConnectAsync(port)) await c.CallAsync("version\r\n");
        long idle = ProcStat.RssBytes(trove.Pid);
        long bound = idle + (megabytes << 20) + (16L << 20) + (64L << 20);
        await FillAsync(port, 10L * megabytes << 20, 10_000);
        long after10 = ProcStat.RssBytes(trove.Pid);
        await FillAsync(port, 20L * megabytes << 20, 300);
        long after30 = ProcStat.RssBytes(trove.Pid);
        using var s = await RawClient.ConnectAsync(port);
        var stats = await s.CallAsync("stats\r\n", "END\r\n");
        long bytes = long.Parse(System.Text.RegularExpressions.Regex.Match(stats, @"STAT bytes (\d+)").Groups[1].Value);
        long evictions = long.Parse(System.Text.RegularExpressions.Regex.Match(stats, @"STAT evictions (\d+)").Groups[1].Value);
        Assert.True(bytes <= megabytes << 20, $"bytes {bytes}");
        Assert.True(evictions > 10_000, $"evictions {evictions}");
        Assert.True(after10 <= bound, $"RSS after 10x: {after10 >> 20} MiB > bound {bound >> 20} MiB (idle {idle >> 20} MiB)");
        Assert.True(after30 <= bound, $"RSS after 30x: {after30 >> 20} MiB > bound {bound >> 20} MiB (idle {idle >> 20} MiB)");
    }

    private static async Task FillAsync(int port, long total, int valueSize)
    {
        var value = new string('v', valueSize);
        long count = total / valueSize;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
        {
            using var c = await RawClient.ConnectAsync(port);
            var batch = new StringBuilder();
            for (long i = w; i < count; i += 4)
            {
                batch.Append("set fill").Append(i).Append(" 0 0 ").Append(valueSize).Append(" noreply\r\n").Append(value).Append("\r\n");
                if (batch.Length > 256 * 1024)
                {
                    await c.SendAsync(batch.ToString());
                    batch.Clear();
                }
            }
            await c.SendAsync(batch.Append("version\r\n").ToString());
            await c.ReadUntilAsync("VERSION", TimeSpan.FromSeconds(60));
        }));
    }
}
