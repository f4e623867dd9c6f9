using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>A connect that never completes (the server's accept queue is full) is bounded by ConnectTimeout.</summary>
public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task ConnectToAFullAcceptQueue_TimesOut_SyncAndAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        // Fill the accept queue: later SYNs are dropped and their connects hang.
        var fillers = new List<Socket>();
        try
        {
            for (int i = 0; i < 8; i++)
            {
                var f = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(f);
                try { await f.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromMilliseconds(300)); }
                catch (TimeoutException) { break; }
            }
            var options = new MemcacheClientOptions { ConnectTimeout = TimeSpan.FromSeconds(1), SocketTimeout = TimeSpan.FromSeconds(20), DeadRetry = TimeSpan.FromMilliseconds(1) }
                .AddServer($"127.0.0.1:{port}");
            using var mc = new MemcacheClient(options);
            var sw = Stopwatch.StartNew();
            Assert.Null(mc.Get("k"));
            Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
            await Task.Delay(10);
            sw.Restart();
            Assert.Null(await mc.GetAsync("k").WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.InRange(sw.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        }
        finally
        {
            foreach (var f in fillers) f.Dispose();
        }
    }
}
