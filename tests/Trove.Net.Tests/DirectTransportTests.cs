using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Trove.Net;

namespace Trove.Net.Tests;

/// <summary>The direct transport's reader and writer semantics, over real sockets.</summary>
public sealed class DirectTransportTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Replies "len\n" per '\n'-terminated line; leaves partial lines unconsumed but examined.</summary>
    private sealed class LineLengthHandler : IConnectionHandler
    {
        public async Task OnConnectedAsync(TroveConnection c)
        {
            while (true)
            {
                var r = await c.Input.ReadAsync();
                var buffer = r.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } nl)
                {
                    var line = buffer.Slice(0, nl);
                    c.Output.Write(Encoding.ASCII.GetBytes($"{line.Length}:{line.IsSingleSegment}\n"));
                    buffer = buffer.Slice(buffer.GetPosition(1, nl));
                }
                c.Input.AdvanceTo(buffer.Start, buffer.End);
                var f = await c.Output.FlushAsync();
                if (r.IsCompleted || f.IsCompleted) break;
            }
        }
    }

    /// <summary>Holds its read pending until cancelled; records what woke it.</summary>
    private sealed class WaitingHandler : IConnectionHandler
    {
        public readonly TaskCompletionSource<TroveConnection> Connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource<string> Woke = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public async Task OnConnectedAsync(TroveConnection c)
        {
            Connected.TrySetResult(c);
            var r = await c.Input.ReadAsync();
            c.Input.AdvanceTo(r.Buffer.Start);
            Woke.TrySetResult(r.IsCanceled ? "canceled" : r.IsCompleted ? "completed" : "data");
            if (r.IsCanceled)
            {
                // After a cancelled read, reading again still gets the client's bytes.
                r = await c.Input.ReadAsync();
                c.Output.Write(r.Buffer.ToArray());
                c.Input.AdvanceTo(r.Buffer.End);
                await c.Output.FlushAsync();
            }
        }
    }

    private static async Task<(TcpClient, NetworkStream)> ConnectAsync(TcpServer server)
    {
        var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint);
        return (client, client.GetStream());
    }

    private static async Task<string> ReadLinesAsync(NetworkStream s, int lines)
    {
        var sb = new StringBuilder();
        var buf = new byte[256];
        using var cts = new CancellationTokenSource(Wait);
        while (sb.ToString().Count(ch => ch == '\n') < lines)
        {
            int n = await s.ReadAsync(buf, cts.Token);
            if (n == 0) break;
            sb.Append(Encoding.ASCII.GetString(buf, 0, n));
        }
        return sb.ToString();
    }

    [Fact]
    public async Task A_message_split_across_receives_is_delivered_whole()
    {
        await using var server = await TcpServerTests.StartAsync(new LineLengthHandler(), direct: true);
        var (client, s) = await ConnectAsync(server);
        using var _ = client;
        foreach (var b in "abc\n"u8.ToArray())
        {
            await s.WriteAsync(new[] { b });
            await Task.Delay(20);
        }
        Assert.Equal("3:True\n", await ReadLinesAsync(s, 1));
        // A line far larger than one receive buffer spans several segments.
        var big = new byte[20_000];
        Array.Fill(big, (byte)'x');
        for (int i = 0; i < big.Length; i += 3000)
        {
            await s.WriteAsync(big.AsMemory(i, Math.Min(3000, big.Length - i)));
            await Task.Delay(5);
        }
        await s.WriteAsync("\nab\ncd\n"u8.ToArray());
        Assert.Equal("20000:False\n2:True\n2:True\n", await ReadLinesAsync(s, 3));
        Assert.True(server.Stats.Connections.Single().BytesIn >= 20_010);
    }

    [Fact]
    public async Task A_client_that_does_not_read_blocks_the_flush_and_memory_stays_bounded()
    {
        var flood = new TcpServerTests.FloodHandler();
        await using var server = await TcpServerTests.StartAsync(flood, direct: true);
        using var client = new TcpClient { ReceiveBufferSize = 64 * 1024 };
        await client.ConnectAsync(server.LocalEndPoint);
        await Task.Delay(1000);
        long first = Interlocked.Read(ref flood.Written);
        long managed = GC.GetTotalMemory(false);
        await Task.Delay(1000);
        long second = Interlocked.Read(ref flood.Written);
        Assert.True(second < 64L * 1024 * 1024, $"handler wrote {second} bytes to a client that reads nothing");
        Assert.Equal(first, second);
        Assert.True(GC.GetTotalMemory(false) - managed < 16L * 1024 * 1024, "memory kept growing");
        // Aborting the connection while the flush is pending ends the handler (flush reports completed).
        server.Stats.Connections.Single().Abort();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (server.Stats.CurrentConnections > 0 && sw.Elapsed < Wait) await Task.Delay(20);
        Assert.Equal(0, server.Stats.CurrentConnections);
    }

    [Fact]
    public async Task Abort_during_a_pending_read_completes_the_read()
    {
        var h = new WaitingHandler();
        await using var server = await TcpServerTests.StartAsync(h, direct: true);
        var (client, _) = await ConnectAsync(server);
        using var __ = client;
        var c = await h.Connected.Task.WaitAsync(Wait);
        await Task.Delay(100);
        c.Abort();
        Assert.Equal("completed", await h.Woke.Task.WaitAsync(Wait));
        Assert.True(c.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task CancelPendingRead_wakes_the_reader_and_later_reads_still_get_data()
    {
        var h = new WaitingHandler();
        await using var server = await TcpServerTests.StartAsync(h, direct: true);
        var (client, s) = await ConnectAsync(server);
        using var _ = client;
        var c = await h.Connected.Task.WaitAsync(Wait);
        await Task.Delay(100);
        c.Input.CancelPendingRead();
        Assert.Equal("canceled", await h.Woke.Task.WaitAsync(Wait));
        await s.WriteAsync("ping\n"u8.ToArray());
        Assert.Equal("ping\n", await ReadLinesAsync(s, 1));
    }

    [Fact]
    public async Task Client_close_completes_the_read_and_cancels_Closed()
    {
        var h = new WaitingHandler();
        await using var server = await TcpServerTests.StartAsync(h, direct: true);
        var (client, _) = await ConnectAsync(server);
        var c = await h.Connected.Task.WaitAsync(Wait);
        client.Dispose();
        Assert.Equal("completed", await h.Woke.Task.WaitAsync(Wait));
        Assert.True(c.Closed.IsCancellationRequested);
    }

    /// <summary>Reads one chunk, then waits only on Closed (like a blocked BLPOP) without reading.</summary>
    private sealed class NotReadingHandler : IConnectionHandler
    {
        public readonly TaskCompletionSource Read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource ClosedSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public async Task OnConnectedAsync(TroveConnection c)
        {
            var r = await c.Input.ReadAsync();
            c.Input.AdvanceTo(r.Buffer.End);
            Read.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, c.Closed); }
            catch (OperationCanceledException) { ClosedSeen.TrySetResult(); }
        }
    }

    [Fact]
    public async Task A_disconnect_is_noticed_while_the_handler_is_not_reading()
    {
        var h = new NotReadingHandler();
        await using var server = await TcpServerTests.StartAsync(h, direct: true);
        var (client, s) = await ConnectAsync(server);
        await s.WriteAsync("x"u8.ToArray());
        await h.Read.Task.WaitAsync(Wait);
        client.Dispose();
        await h.ClosedSeen.Task.WaitAsync(Wait);
    }

    [Fact]
    public async Task Output_written_but_not_flushed_is_sent_when_the_handler_ends()
    {
        await using var server = await TcpServerTests.StartAsync(new UnflushedHandler(), direct: true);
        var (client, s) = await ConnectAsync(server);
        using var _ = client;
        Assert.Equal("bye\n", await ReadLinesAsync(s, 1));
    }

    private sealed class UnflushedHandler : IConnectionHandler
    {
        public Task OnConnectedAsync(TroveConnection c)
        {
            c.Output.Write("bye\n"u8);
            Assert.Equal(4, c.Output.UnflushedBytes);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Stop_wakes_reads_waiting_on_the_stopping_token()
    {
        var server = await TcpServerTests.StartAsync(new TcpServerTests.EchoHandler(), direct: true,
            o => o.ShutdownGrace = TimeSpan.FromSeconds(5));
        var (client, s) = await ConnectAsync(server);
        using var _ = client;
        await s.WriteAsync("x"u8.ToArray());
        Assert.Equal("x", await TcpServerTests.ReadSomeAsync(s, 1));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await server.StopAsync().WaitAsync(Wait);
        // The handler left at once through the token, well inside the grace period.
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(4), $"stop took {sw.Elapsed}");
        Assert.Equal("", await TcpServerTests.ReadSomeAsync(s, 1));
    }
}
