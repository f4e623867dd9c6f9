using System.Net;
using System.Net.Sockets;
using System.Text;
using Trove.Memcached;

namespace Trove.Memcached.Tests;

/// <summary>An in-process Trove memcached on a free loopback port.</summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private InProcessServer(MemcachedServer server) { Server = server; }

    public MemcachedServer Server { get; }
    public int Port => Server.LocalEndPoint.Port;

    public static InProcessServer Start(Action<MemcachedOptions>? configure = null)
    {
        var o = new MemcachedOptions { Port = 0, ListenAddress = IPAddress.Loopback };
        configure?.Invoke(o);
        var s = new MemcachedServer(o);
        s.Start();
        return new InProcessServer(s);
    }

    public async ValueTask DisposeAsync() => await Server.StopAsync();
}

/// <summary>A raw text-protocol client with bounded reads (every wait has a timeout).</summary>
public sealed class RawClient : IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _pending = new();

    private RawClient(TcpClient tcp) { _tcp = tcp; _stream = tcp.GetStream(); }

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(DefaultTimeout);
        return new RawClient(tcp);
    }

    public Socket Socket => _tcp.Client;

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(DefaultTimeout);
        await _stream.WriteAsync(bytes, cts.Token);
    }

    /// <summary>Reads until the received text ends with <paramref name="terminator"/>; returns everything before and including it.</summary>
    public async Task<string> ReadUntilAsync(string terminator, TimeSpan? timeout = null)
    {
        var term = Encoding.Latin1.GetBytes(terminator);
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var buf = new byte[65536];
        while (true)
        {
            var data = _pending.ToArray();
            int at = IndexOf(data, term);
            if (at >= 0)
            {
                int end = at + term.Length;
                _pending.SetLength(0);
                _pending.Write(data, end, data.Length - end);
                return Encoding.Latin1.GetString(data, 0, end);
            }
            int n = await _stream.ReadAsync(buf, cts.Token);
            if (n == 0) throw new EndOfStreamException("closed after: " + Encoding.Latin1.GetString(data));
            _pending.Write(buf, 0, n);
        }
    }

    /// <summary>Sends a command and reads one line of reply.</summary>
    public async Task<string> CallAsync(string command, string terminator = "\r\n")
    {
        await SendAsync(command);
        return await ReadUntilAsync(terminator);
    }

    /// <summary>True if the server closed the connection within the timeout (data before the close is ignored).</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buf = new byte[4096];
        try
        {
            while (true)
            {
                int n = await _stream.ReadAsync(buf, cts.Token);
                if (n == 0) return true;
            }
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    private static int IndexOf(byte[] data, byte[] term)
    {
        return data.AsSpan().IndexOf(term);
    }

    public void Dispose() => _tcp.Dispose();
}
