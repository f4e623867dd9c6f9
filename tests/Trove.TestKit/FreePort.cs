using System.Net;
using System.Net.Sockets;

namespace Trove.TestKit;

/// <summary>Free loopback TCP ports for servers that cannot bind port 0 themselves.</summary>
public static class FreePort
{
    private static readonly HashSet<int> s_handedOut = new();

    /// <summary>A port that was free a moment ago and has not been handed out by this process before.</summary>
    public static int Get()
    {
        while (true)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            lock (s_handedOut)
                if (s_handedOut.Add(port)) return port;
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
