using System.Net.Sockets;
using System.Text;

namespace Trove.Redis.Tests.Types;

/// <summary>One reply as read off the wire: its type byte, its payload and, for aggregates, its children.</summary>
public sealed class RespReply
{
    public RespReply(char type, byte[] payload, List<RespReply>? children = null)
    {
        Type = type; Payload = payload; Children = children;
    }

    public char Type { get; }
    public byte[] Payload { get; }
    public List<RespReply>? Children { get; }

    public bool IsError => Type == '-';

    /// <summary>The reply in a readable, unambiguous form (bytes outside printable ASCII escaped).</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        Render(sb);
        return sb.ToString();
    }

    private void Render(StringBuilder sb)
    {
        sb.Append(Type);
        if (Children is null)
        {
            sb.Append('"');
            foreach (byte b in Payload)
            {
                if (b >= 32 && b < 127 && b != '"' && b != '\\') sb.Append((char)b);
                else sb.Append("\\x").Append(b.ToString("x2"));
            }
            sb.Append('"');
            return;
        }
        sb.Append('[');
        for (int i = 0; i < Children.Count; i++)
        {
            if (i > 0) sb.Append(',');
            Children[i].Render(sb);
        }
        sb.Append(']');
    }

    /// <summary>The same reply with aggregate children sorted (for replies whose order is unspecified).</summary>
    public RespReply Sorted() =>
        Children is null ? this : new RespReply(Type, Payload, Children.OrderBy(c => c.Render(), StringComparer.Ordinal).ToList());

    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>
/// A minimal RESP2/RESP3 client over a socket: sends commands as multibulk arrays and reads one
/// whole reply at a time, with a timeout on every read.
/// </summary>
public sealed class RespWire : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buf = new byte[1 << 16];
    private int _start, _end;

    public RespWire(int port, TimeSpan? timeout = null)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect("127.0.0.1", port);
        Timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    public TimeSpan Timeout { get; set; }

    public static byte[] Encode(IReadOnlyList<byte[]> args)
    {
        var ms = new MemoryStream();
        void W(string s) { var b = Encoding.ASCII.GetBytes(s); ms.Write(b, 0, b.Length); }
        W($"*{args.Count}\r\n");
        foreach (var a in args)
        {
            W($"${a.Length}\r\n");
            ms.Write(a, 0, a.Length);
            W("\r\n");
        }
        return ms.ToArray();
    }

    public void Send(IReadOnlyList<byte[]> args) => SendRaw(Encode(args));

    public void SendRaw(byte[] bytes)
    {
        int sent = 0;
        while (sent < bytes.Length) sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
    }

    public RespReply Call(params string[] args)
    {
        Send(args.Select(Encoding.UTF8.GetBytes).ToArray());
        return Read();
    }

    public RespReply Call(IReadOnlyList<byte[]> args)
    {
        Send(args);
        return Read();
    }

    /// <summary>Reads one reply; throws TimeoutException when none arrives in time.</summary>
    public RespReply Read()
    {
        var deadline = DateTime.UtcNow + Timeout;
        return ReadValue(deadline);
    }

    /// <summary>True when a reply (or part of one) arrives within <paramref name="wait"/>.</summary>
    public bool HasDataWithin(TimeSpan wait)
    {
        if (_end > _start) return true;
        return _socket.Poll((int)wait.TotalMicroseconds, SelectMode.SelectRead);
    }

    private RespReply ReadValue(DateTime deadline)
    {
        var line = ReadLine(deadline);
        char type = (char)line[0];
        var rest = line.AsSpan(1);
        switch (type)
        {
            case '+': case '-': case ':': case ',': case '#': case '(': case '_':
                return new RespReply(type, rest.ToArray());
            case '$': case '=': case '!':
            {
                long len = long.Parse(Encoding.ASCII.GetString(rest));
                if (len < 0) return new RespReply(type, "-1"u8.ToArray());
                var data = ReadExact((int)len + 2, deadline);
                return new RespReply(type, data[..^2]);
            }
            case '*': case '~': case '>': case '%': case '|':
            {
                long n = long.Parse(Encoding.ASCII.GetString(rest));
                if (n < 0) return new RespReply(type, "-1"u8.ToArray());
                if (type is '%' or '|') n *= 2;
                var children = new List<RespReply>((int)Math.Min(n, 1 << 16));
                for (long i = 0; i < n; i++) children.Add(ReadValue(deadline));
                return new RespReply(type, [], children);
            }
            default:
                throw new InvalidDataException("unexpected reply byte " + type);
        }
    }

    private byte[] ReadLine(DateTime deadline)
    {
        while (true)
        {
            int idx = _buf.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                var line = _buf.AsSpan(_start, idx).ToArray();
                _start += idx + 2;
                return line;
            }
            Fill(deadline);
        }
    }

    private byte[] ReadExact(int n, DateTime deadline)
    {
        var result = new byte[n];
        int got = 0;
        while (got < n)
        {
            if (_end == _start) Fill(deadline);
            int take = Math.Min(n - got, _end - _start);
            Array.Copy(_buf, _start, result, got, take);
            _start += take;
            got += take;
        }
        return result;
    }

    private void Fill(DateTime deadline)
    {
        if (_start > 0)
        {
            Array.Copy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) throw new InvalidDataException("reply line too long for the test client");
        var left = deadline - DateTime.UtcNow;
        if (left <= TimeSpan.Zero || !_socket.Poll((int)Math.Max(1, left.TotalMicroseconds), SelectMode.SelectRead))
            throw new TimeoutException("no reply in time");
        int n = _socket.Receive(_buf, _end, _buf.Length - _end, SocketFlags.None);
        if (n == 0) throw new IOException("connection closed");
        _end += n;
    }

    public void Dispose() => _socket.Dispose();
}
