using System.Net;
using System.Net.Sockets;

namespace Trove.TestKit;

/// <summary>Free loopback TCP ports for servers that cannot bind port 0 themselves.</summary>
public static class FreePort
{
    private static readonly HashSet<int> s_handedOut = new();
    // Test projects run in parallel processes: each walks its own slice (chosen by pid) of ports below
    // the kernel's ephemeral range (32768+), so two processes rarely hand out the same port between
    // its check and its bind, and outgoing connections never take it.
    private static int s_next = 10000 + (Environment.ProcessId % 140) * 150;

    /// <summary>A port that was free a moment ago and has not been handed out by this process before.</summary>
    public static int Get()
    {
        while (true)
        {
            int port;
            lock (s_handedOut)
            {
                port = s_next++;
                if (s_next >= 31000) s_next = 10000;
                if (!s_handedOut.Add(port)) continue;
            }
            try
            {
                using var l = new TcpListener(IPAddress.Loopback, port);
                l.Start();
                l.Stop();
                return port;
            }
            catch (SocketException) { }
        }
    }

    /// <summary>Waits until something accepts connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task WaitListeningAsync(int port, TimeSpan timeout, Func<bool>? stillAlive = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (stillAlive is not null && !stillAlive()) throw new InvalidOperationException($"process exited before listening on {port}");
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
                return;
            }
            catch (Exception) { await Task.Delay(50); }
        }
        throw new TimeoutException($"nothing listening on 127.0.0.1:{port} after {timeout.TotalSeconds} s");
    }
}
