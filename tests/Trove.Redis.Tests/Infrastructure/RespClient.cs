using System.Net.Sockets;
using System.Text;

namespace Trove.Redis.Tests.Infrastructure;

/// <summary>
/// A minimal raw RESP client for tests: sends commands as multibulk (or raw bytes) and reads one
/// reply at a time as its exact wire text, so replies from two servers can be compared byte for
/// byte. Every read has a timeout.
/// </summary>
public sealed class RespClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buf = new byte[64 * 1024];
    private int _start, _end;

    private RespClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>Read timeout for one reply.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<RespClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(10));
        return new RespClient(tcp);
    }

    /// <summary>Encodes a command as a RESP multibulk.</summary>
    public static byte[] Encode(params object[] args)
    {
        var ms = new MemoryStream();
        void W(string s) { var b = Encoding.UTF8.GetBytes(s); ms.Write(b); }
        W($"*{args.Length}\r\n");
        foreach (var a in args)
        {
            var bytes = a as byte[] ?? Encoding.UTF8.GetBytes(Convert.ToString(a, System.Globalization.CultureInfo.InvariantCulture)!);
            W($"${bytes.Length}\r\n");
            ms.Write(bytes);
            W("\r\n");
        }
        return ms.ToArray();
    }

    /// <summary>Sends raw bytes.</summary>
    public async Task SendRawAsync(byte[] data)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(data, cts.Token);
    }

    /// <summary>Sends a raw string (inline commands, garbage).</summary>
    public Task SendRawAsync(string data) => SendRawAsync(Encoding.UTF8.GetBytes(data));

    /// <summary>Sends one command without reading the reply.</summary>
    public Task SendAsync(params object[] args) => SendRawAsync(Encode(args));

    /// <summary>Sends one command and returns its reply's wire text.</summary>
    public async Task<string> CallAsync(params object[] args)
    {
        await SendAsync(args);
        return await ReadReplyAsync();
    }

    private async Task<bool> FillAsync()
    {
        if (_start > 0 && _start == _end) { _start = _end = 0; }
        if (_end == _buf.Length)
        {
            if (_start == 0) throw new InvalidOperationException("reply too large for the test client");
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        using var cts = new CancellationTokenSource(Timeout);
        int n;
        try
        {
            n = await _stream.ReadAsync(_buf.AsMemory(_end), cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no reply within " + Timeout);
        }
        if (n == 0) return false;
        _end += n;
        return true;
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            int i = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
            if (i >= 0)
            {
                var line = Encoding.UTF8.GetString(_buf, _start, i + 1 - _start);
                _start = i + 1;
                return line;
            }
            if (!await FillAsync()) throw new EndOfStreamException("connection closed");
        }
    }

    private async Task<string> ReadExactAsync(int n)
    {
        var sb = new List<byte>(n);
        while (sb.Count < n)
        {
            if (_start == _end && !await FillAsync()) throw new EndOfStreamException("connection closed");
            int take = Math.Min(n - sb.Count, _end - _start);
            sb.AddRange(new ArraySegment<byte>(_buf, _start, take));
            _start += take;
        }
        return Encoding.UTF8.GetString(sb.ToArray());
    }

    /// <summary>Reads one complete reply (aggregates included) and returns its wire text.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var line = await ReadLineAsync();
        char type = line[0];
        switch (type)
        {
            case '$' or '=' or '!':
            {
                int len = int.Parse(line[1..].TrimEnd());
                if (len < 0) return line;
                return line + await ReadExactAsync(len + 2);
            }
            case '*' or '~' or '>' or '%' or '|':
            {
                int len = int.Parse(line[1..].TrimEnd());
                if (len < 0) return line;
                if (type is '%' or '|') len *= 2;
                var sb = new StringBuilder(line);
                for (int i = 0; i < len; i++) sb.Append(await ReadReplyAsync());
                return sb.ToString();
            }
            default:
                return line;
        }
    }

    /// <summary>True when the server closed the connection (reads until EOF or timeout).</summary>
    public async Task<bool> IsClosedAsync(TimeSpan within)
    {
        var old = Timeout;
        Timeout = within;
        try
        {
            while (true)
            {
                _start = _end = 0;
                if (!await FillAsync()) return true;
            }
        }
        catch (TimeoutException) { return false; }
        catch (IOException) { return true; }
        finally { Timeout = old; }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
