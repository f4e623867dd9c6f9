using System.Net;
using System.Net.Sockets;

namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>
/// A TCP proxy in front of one server that records, per client connection, the direction of every
/// chunk it forwards: 'C' client to server, 'S' server to client. A request/response exchange in
/// which the client waits for an answer before sending more shows up as "...S C...".
/// </summary>
public sealed class RecordingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<System.Text.StringBuilder> _connections = new();
    private readonly List<Socket> _sockets = new();

    public RecordingProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Each connection's chunk directions so far, e.g. "CSS".</summary>
    public IReadOnlyList<string> Transcripts
    {
        get { lock (_connections) return _connections.Select(c => { lock (c) return c.ToString(); }).ToList(); }
    }

    /// <summary>Forgets what was recorded so far (connections stay open).</summary>
    public void Clear()
    {
        lock (_connections) foreach (var c in _connections) lock (c) c.Clear();
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                client.NoDelay = true;
                var log = new System.Text.StringBuilder();
                lock (_connections) { _connections.Add(log); _sockets.Add(client); _sockets.Add(server); }
                _ = PumpAsync(client, server, 'C', log);
                _ = PumpAsync(server, client, 'S', log);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task PumpAsync(Socket from, Socket to, char direction, System.Text.StringBuilder log)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0) break;
                lock (log) log.Append(direction);
                int sent = 0;
                while (sent < n) sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
        try { to.Shutdown(SocketShutdown.Send); } catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_connections) foreach (var s in _sockets) s.Dispose();
    }
}
