using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>
/// A line-based fake server whose replies a test scripts, for server behaviour the real ones do not
/// show (an error line sent despite noreply). Data blocks are not supported: commands only.
/// </summary>
public sealed class ScriptedServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, string> _reply;
    private readonly CancellationTokenSource _stop = new();

    /// <param name="reply">Maps a command line (without CRLF) to the bytes to send back (may be empty).</param>
    public ScriptedServer(Func<string, string> reply)
    {
        _reply = reply;
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                _ = ServeAsync(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException) { }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var reply = _reply(line);
                if (reply.Length > 0) await stream.WriteAsync(Encoding.ASCII.GetBytes(reply), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
