using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Net;

namespace Trove.Net.Tests;

/// <summary>
/// The event-loop transport (ILoopHandler) and, for the same sessions, its pipe fallback: every
/// test runs with the loop on (true) and off (false).
/// </summary>
public sealed class LoopTransportTests
{
    /// <summary>
    /// A line protocol: "echo X" -> X, "big N" -> N pattern bytes and a newline, "quit" -> "bye" then
    /// close, "wait" -> park until a timer wakes it ("woke"), "ping" -> "pong".
    /// </summary>
    internal sealed class LineHandler : ILoopHandler
    {
        public long Produced;
        public int Opened, Closed;
        public readonly List<LoopContext> Contexts = new();

        public ILoopSession Open(LoopContext context)
        {
            Interlocked.Increment(ref Opened);
            lock (Contexts) Contexts.Add(context);
            return new Session(this, context);
        }

        private sealed class Session(LineHandler owner, LoopContext context) : ILoopSession
        {
            private Timer? _timer;

            public int OnInput(ReadOnlySpan<byte> input, LoopOutput output)
            {
                int start = 0;
                while (!context.IsParked && !output.IsFull)
                {
                    int nl = input[start..].IndexOf((byte)'\n');
                    if (nl < 0) break;
                    var line = input.Slice(start, nl);
                    start += nl + 1;
                    context.Connection.CountCommands();
                    if (line.StartsWith("echo "u8)) { Write(output, line[5..]); Write(output, "\n"u8); }
                    else if (line.StartsWith("big "u8))
                    {
                        int n = int.Parse(Encoding.ASCII.GetString(line[4..]));
                        var span = output.GetSpan(n + 1);
                        for (int i = 0; i < n; i++) span[i] = (byte)('a' + i % 26);
                        span[n] = (byte)'\n';
                        output.Advance(n + 1);
                        Interlocked.Add(ref owner.Produced, n + 1);
                    }
                    else if (line.SequenceEqual("quit"u8)) { Write(output, "bye\n"u8); context.CloseAfterSend(); return input.Length; }
                    else if (line.SequenceEqual("ping"u8)) Write(output, "pong\n"u8);
                    else if (line.SequenceEqual("wait"u8))
                    {
                        context.Park();
                        _timer = new Timer(_ => context.Wake(), null, 200, Timeout.Infinite);
                    }
                    else { Write(output, "ERR "u8); Write(output, System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(line))); Write(output, "\n"u8); }
                }
                return start;
            }

            private void Write(LoopOutput output, ReadOnlySpan<byte> s)
            {
                output.Write(s);
                Interlocked.Add(ref owner.Produced, s.Length);
            }

            public void OnWake(LoopOutput output)
            {
                if (!context.IsParked) return;
                Write(output, "woke\n"u8);
                context.Unpark();
            }

            public void OnClosed()
            {
                _timer?.Dispose();
                Interlocked.Increment(ref owner.Closed);
            }
        }
    }

    private static TcpServer Start(LineHandler handler, bool loop, Action<TcpServerOptions>? configure = null)
    {
        var o = new TcpServerOptions { Name = "lt", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), UseEventLoop = loop, LoopThreads = 2 };
        configure?.Invoke(o);
        var s = new TcpServer(o, handler);
        s.Start();
        Assert.Equal(loop && OperatingSystem.IsLinux(), s.UsesEventLoop);
        return s;
    }

    private static async Task<TcpClient> ConnectAsync(TcpServer server)
    {
        var c = new TcpClient { NoDelay = true };
        await c.ConnectAsync(server.LocalEndPoint).WaitAsync(TimeSpan.FromSeconds(10));
        return c;
    }

    /// <summary>Reads until EOF or <paramref name="want"/> bytes (bounded by a timeout).</summary>
    private static async Task<byte[]> ReadAsync(NetworkStream s, int want, int delayPerRead = 0)
    {
        var buf = new byte[want];
        int got = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (got < want)
        {
            int n = await s.ReadAsync(buf.AsMemory(got, Math.Min(want - got, delayPerRead > 0 ? 16 * 1024 : want - got)), cts.Token);
            if (n == 0) break;
            got += n;
            if (delayPerRead > 0) await Task.Delay(delayPerRead);
        }
        return buf[..got];
    }

    private static async Task<string> CallAsync(NetworkStream s, string send, int replyLength)
    {
        await s.WriteAsync(Encoding.ASCII.GetBytes(send)).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return Encoding.ASCII.GetString(await ReadAsync(s, replyLength));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Many_clients_get_their_own_replies(bool loop)
    {
        var h = new LineHandler();
        await using var server = Start(h, loop);
        var clients = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => ConnectAsync(server)));
        try
        {
            await Task.WhenAll(clients.Select(async (c, i) =>
            {
                var s = c.GetStream();
                for (int round = 0; round < 20; round++)
                {
                    // Pipelined, and split mid-line so the session sees incomplete input.
                    string a = $"echo c{i}r{round}a\necho c{i}r{round}b\nec", b = $"ho c{i}r{round}c\n";
                    await s.WriteAsync(Encoding.ASCII.GetBytes(a));
                    await Task.Yield();
                    string expected = $"c{i}r{round}a\nc{i}r{round}b\nc{i}r{round}c\n";
                    var got = await CallAsync(s, b, expected.Length);
                    if (got != expected)
                    {
                        var buf = new byte[300];
                        using var cts = new CancellationTokenSource(2000);
                        int n = 0;
                        try { n = await s.ReadAsync(buf, cts.Token); } catch (OperationCanceledException) { }
                        Assert.Fail($"sent {a}|{b}, got {got}{Encoding.ASCII.GetString(buf, 0, n)}");
                    }
                }
            }));
            Assert.Equal(64, server.Stats.CurrentConnections);
            Assert.True(server.Stats.Commands >= 64 * 20 * 3);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>
    /// Waves of clients connecting at once while the loop serves the previous wave: every new
    /// connection is handed to the loop by a Post, and a Post racing with the loop's own wake-up
    /// once went unsignalled for good (the loop cleared its flag before reading the eventfd), after
    /// which no later connection was ever registered: with that bug this test failed in 3 of 7 runs.
    /// </summary>
    [Fact]
    public async Task Waves_of_new_connections_are_all_registered()
    {
        var h = new LineHandler();
        await using var server = Start(h, loop: true, o => o.LoopThreads = 1);
        for (int wave = 0; wave < 150; wave++)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
            {
                using var c = await ConnectAsync(server);
                var s = c.GetStream();
                for (int i = 0; i < 3; i++)
                    Assert.Equal("pong\n", await CallAsync(s, "ping\n", 5).WaitAsync(TimeSpan.FromSeconds(10)));
            }));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_slow_reader_gets_every_byte_of_a_large_reply(bool loop)
    {
        var h = new LineHandler();
        await using var server = Start(h, loop);
        using var c = await ConnectAsync(server);
        c.ReceiveBufferSize = 16 * 1024;
        var s = c.GetStream();
        const int size = 1024 * 1024;
        await s.WriteAsync(Encoding.ASCII.GetBytes($"big {size}\nping\n"));
        var got = await ReadAsync(s, size + 1 + 5, delayPerRead: 1);
        Assert.Equal(size + 6, got.Length);
        for (int i = 0; i < size; i++)
            if (got[i] != (byte)('a' + i % 26)) Assert.Fail($"byte {i} is {got[i]}");
        Assert.Equal("\npong\n", Encoding.ASCII.GetString(got, size, 6));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_client_that_never_reads_is_bounded_and_others_keep_working(bool loop)
    {
        var h = new LineHandler();
        await using var server = Start(h, loop, o => o.OutputPauseThreshold = 256 * 1024);
        using var hog = await ConnectAsync(server);
        hog.ReceiveBufferSize = 64 * 1024;
        var request = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("big 65536\n", 64)));
        using var sendCts = new CancellationTokenSource();
        // Keep sending requests for replies it never reads; the server must stop taking them.
        var sender = Task.Run(async () =>
        {
            try { while (true) await hog.GetStream().WriteAsync(request, sendCts.Token); }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException) { }
        });
        await Task.Delay(1500);
        long first = Interlocked.Read(ref h.Produced);
        await Task.Delay(1000);
        long second = Interlocked.Read(ref h.Produced);
        Assert.True(second < 64L * 1024 * 1024, $"produced {second} bytes for a client that reads nothing");
        Assert.Equal(first, second);
        using var other = await ConnectAsync(server);
        Assert.Equal("fine\n", await CallAsync(other.GetStream(), "echo fine\n", 5));
        sendCts.Cancel();
        hog.Dispose();
        await sender.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Close_after_send_with_unread_input_delivers_the_reply_then_eof(bool loop)
    {
        var h = new LineHandler();
        await using var server = Start(h, loop);
        for (int round = 0; round < 5; round++)
        {
            using var c = await ConnectAsync(server);
            var s = c.GetStream();
            // "quit" followed by input the server will never process: the close must not be a reset
            // that destroys "bye".
            var junk = new byte[200 * 1024];
            Array.Fill(junk, (byte)'x');
            await s.WriteAsync(Encoding.ASCII.GetBytes("ping\nquit\n"));
            var write = s.WriteAsync(junk).AsTask();
            var got = await ReadAsync(s, 100);
            Assert.Equal("pong\nbye\n", Encoding.ASCII.GetString(got));
            try { await write.WaitAsync(TimeSpan.FromSeconds(10)); } catch (IOException) { }
        }
        await WaitForAsync(() => Volatile.Read(ref h.Closed) == 5);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_parked_session_keeps_later_requests_until_woken(bool loop)
    {
        var h = new LineHandler();
        await using var server = Start(h, loop);
        using var c = await ConnectAsync(server);
        var s = c.GetStream();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("woke\npong\npong\n", await CallAsync(s, "wait\nping\nping\n", 15));
        Assert.True(sw.ElapsedMilliseconds >= 150, $"replied after {sw.ElapsedMilliseconds} ms, before the wake");
        Assert.Equal("again\n", await CallAsync(s, "echo again\n", 6));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Abort_from_another_thread_closes_and_runs_OnClosed(bool loop)
    {
        var h = new LineHandler();
        await using var server = Start(h, loop);
        using var c = await ConnectAsync(server);
        var s = c.GetStream();
        Assert.Equal("pong\n", await CallAsync(s, "ping\n", 5));
        LoopContext ctx;
        lock (h.Contexts) ctx = h.Contexts.Single();
        await Task.Run(() => ctx.Connection.Abort());
        Assert.Empty(await ReadAsync(s, 1));
        await WaitForAsync(() => Volatile.Read(ref h.Closed) == 1 && server.Stats.CurrentConnections == 0);
        Assert.True(ctx.Connection.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task Stop_ends_every_loop_thread_and_leaks_no_fds()
    {
        if (!OperatingSystem.IsLinux()) return;
        int fdsBefore = CountFds();
        for (int round = 0; round < 3; round++)
        {
            var h = new LineHandler();
            var server = Start(h, loop: true, o => { o.Name = "lkchk"; o.LoopThreads = 3; o.ShutdownGrace = TimeSpan.FromSeconds(2); });
            Assert.Equal(3, LoopThreadNames("lkchk").Count);
            var clients = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ConnectAsync(server)));
            foreach (var c in clients) Assert.Equal("pong\n", await CallAsync(c.GetStream(), "ping\n", 5));
            var stop = server.StopAsync();
            Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10))) == stop, "StopAsync hung");
            foreach (var c in clients)
            {
                Assert.Empty(await ReadAsync(c.GetStream(), 1));
                c.Dispose();
            }
            Assert.Equal(10, Volatile.Read(ref h.Closed));
            await WaitForAsync(() => LoopThreadNames("lkchk").Count == 0);
        }
        // Other tests run in parallel and open sockets of their own; a leak of 3 rounds x (10
        // sockets + 3 loops x 2 fds) would show as +48.
        await WaitForAsync(() => CountFds() <= fdsBefore + 12);
    }

    private static int CountFds() => Directory.GetFiles("/proc/self/fd").Length;

    private static List<string> LoopThreadNames(string prefix) =>
        Directory.GetDirectories("/proc/self/task")
            .Select(t => { try { return File.ReadAllText(Path.Combine(t, "comm")).Trim(); } catch (IOException) { return ""; } })
            .Where(n => n.StartsWith(prefix + "-loop")).ToList();

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(10)) Assert.Fail("condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
