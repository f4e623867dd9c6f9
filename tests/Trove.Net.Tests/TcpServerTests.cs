using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Net;

namespace Trove.Net.Tests;

public sealed class TcpServerTests
{
    /// <summary>Echoes every byte back; ends on client close or server shutdown.</summary>
    internal sealed class EchoHandler : IConnectionHandler
    {
        public TcpServer? Server;
        public async Task OnConnectedAsync(TroveConnection c)
        {
            try
            {
                while (true)
                {
                    var r = await c.Input.ReadAsync(Server!.Stopping);
                    foreach (var seg in r.Buffer) c.Output.Write(seg.Span);
                    c.Input.AdvanceTo(r.Buffer.End);
                    c.CountCommands();
                    await c.Output.FlushAsync();
                    if (r.IsCompleted) break;
                }
            }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Writes output forever without reading; records how much FlushAsync let through.</summary>
    internal sealed class FloodHandler : IConnectionHandler
    {
        public long Written;
        public async Task OnConnectedAsync(TroveConnection c)
        {
            var chunk = new byte[64 * 1024];
            while (!c.Closed.IsCancellationRequested)
            {
                c.Output.Write(chunk);
                Interlocked.Add(ref Written, chunk.Length);
                var f = await c.Output.FlushAsync();
                if (f.IsCompleted) break;
            }
        }
    }

    internal static async Task<TcpServer> StartAsync(IConnectionHandler h, bool direct, Action<TcpServerOptions>? configure = null)
    {
        var o = new TcpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), DirectTransport = direct };
        configure?.Invoke(o);
        var s = new TcpServer(o, h);
        if (h is EchoHandler e) e.Server = s;
        s.Start();
        await Task.Yield();
        return s;
    }

    internal static async Task<string> ReadSomeAsync(NetworkStream s, int want)
    {
        var buf = new byte[want];
        int got = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (got < want)
        {
            int n = await s.ReadAsync(buf.AsMemory(got), cts.Token);
            if (n == 0) break;
            got += n;
        }
        return Encoding.ASCII.GetString(buf, 0, got);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Echo_round_trip_and_counters(bool direct)
    {
        await using var server = await StartAsync(new EchoHandler(), direct);
        using var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint);
        var s = client.GetStream();
        await s.WriteAsync("hello\r\n"u8.ToArray());
        Assert.Equal("hello\r\n", await ReadSomeAsync(s, 7));
        Assert.Equal(1, server.Stats.CurrentConnections);
        Assert.True(server.Stats.BytesIn >= 7);
        // The sender counts the bytes after the send returns, so the client can read the reply
        // before the counter moves: wait for it, bounded.
        Assert.True(await EventuallyAsync(() => server.Stats.BytesOut >= 7), "BytesOut never reached 7");
        Assert.True(server.Stats.Commands >= 1);
    }

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(10);
        }
        return true;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Connections_over_the_limit_get_the_reject_message_and_are_closed(bool direct)
    {
        await using var server = await StartAsync(new EchoHandler(), direct, o =>
        {
            o.MaxConnections = 2;
            o.RejectMessage = "ERROR Too many open connections\r\n"u8.ToArray();
        });
        using var a = new TcpClient(); await a.ConnectAsync(server.LocalEndPoint);
        using var b = new TcpClient(); await b.ConnectAsync(server.LocalEndPoint);
        // Make sure both were accepted before the third arrives.
        await a.GetStream().WriteAsync("x"u8.ToArray()); await ReadSomeAsync(a.GetStream(), 1);
        await b.GetStream().WriteAsync("y"u8.ToArray()); await ReadSomeAsync(b.GetStream(), 1);
        using var c = new TcpClient(); await c.ConnectAsync(server.LocalEndPoint);
        var reply = await ReadSomeAsync(c.GetStream(), 100);
        Assert.Equal("ERROR Too many open connections\r\n", reply);
        Assert.Equal(1, server.Stats.RejectedConnections);
        // The accepted ones keep working.
        await a.GetStream().WriteAsync("still"u8.ToArray());
        Assert.Equal("still", await ReadSomeAsync(a.GetStream(), 5));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_that_does_not_read_holds_back_the_writer(bool direct)
    {
        var flood = new FloodHandler();
        await using var server = await StartAsync(flood, direct, o => o.OutputPauseThreshold = 256 * 1024);
        using var client = new TcpClient { ReceiveBufferSize = 64 * 1024 };
        await client.ConnectAsync(server.LocalEndPoint);
        await Task.Delay(1000);
        long first = Interlocked.Read(ref flood.Written);
        await Task.Delay(1000);
        long second = Interlocked.Read(ref flood.Written);
        // Socket buffers on both sides plus the pause threshold bound what the handler could write;
        // after that, nothing more gets through while the client does not read.
        Assert.True(second < 64L * 1024 * 1024, $"handler wrote {second} bytes to a client that reads nothing");
        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stop_closes_idle_connections_and_stops_accepting(bool direct)
    {
        var server = await StartAsync(new EchoHandler(), direct, o => o.ShutdownGrace = TimeSpan.FromSeconds(2));
        var ep = server.LocalEndPoint;
        using var client = new TcpClient();
        await client.ConnectAsync(ep);
        var stop = server.StopAsync();
        Assert.True(await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10))) == stop, "StopAsync hung");
        Assert.Equal("", await ReadSomeAsync(client.GetStream(), 1));
        using var late = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => late.ConnectAsync(ep));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Idle_connections_are_closed_after_the_timeout(bool direct)
    {
        await using var server = await StartAsync(new EchoHandler(), direct, o => o.IdleTimeout = TimeSpan.FromMilliseconds(500));
        using var client = new TcpClient();
        await client.ConnectAsync(server.LocalEndPoint);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal("", await ReadSomeAsync(client.GetStream(), 1));
        Assert.InRange(sw.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5));
    }
}
