using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Tests.Fixtures;

/// <summary>
/// A raw-socket AMQP client for protocol edge cases the real client libraries never produce:
/// handshake by hand, then arbitrary frames or bytes. Every read has a timeout.
/// </summary>
public sealed class RawAmqpClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private byte[] _buf = new byte[1 << 20];
    private int _len;

    private RawAmqpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    /// <summary>A decoded frame.</summary>
    public sealed record Frame(byte Type, ushort Channel, byte[] Payload)
    {
        /// <summary>The method of a method frame.</summary>
        public AmqpMethod? Method => Type == FrameType.Method ? (AmqpMethod)BinaryPrimitives.ReadUInt32BigEndian(Payload) : null;

        /// <summary>Decoded method arguments.</summary>
        public MethodArgs Args
        {
            get { var a = new MethodArgs(); MethodCodec.Decode(Payload, a); return a; }
        }
    }

    /// <summary>Connects.</summary>
    public static async Task<RawAmqpClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(5));
        return new RawAmqpClient(tcp);
    }

    /// <summary>Sends raw bytes.</summary>
    public Task SendAsync(ReadOnlyMemory<byte> bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Sends one method frame.</summary>
    public Task SendMethodAsync(ushort channel, AmqpMethod m, params object?[] values)
    {
        var w = new ByteWriter();
        FrameWriter.Method(w, channel, m, values);
        return SendAsync(w.WrittenMemory.ToArray());
    }

    /// <summary>Sends a content header and body frames.</summary>
    public Task SendContentAsync(ushort channel, byte[] body, uint frameMax = 131072)
    {
        var w = new ByteWriter();
        FrameWriter.Content(w, channel, [0, 0], body, frameMax);
        return SendAsync(w.WrittenMemory.ToArray());
    }

    /// <summary>Reads up to <paramref name="n"/> raw bytes (fewer if the peer closes).</summary>
    public async Task<byte[]> ReadBytesAsync(int n, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (_len < n)
        {
            int r;
            try { r = await _stream.ReadAsync(_buf.AsMemory(_len), cts.Token); }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException) { break; }
            if (r == 0) break;
            _len += r;
        }
        int take = Math.Min(n, _len);
        var result = _buf.AsSpan(0, take).ToArray();
        Buffer.BlockCopy(_buf, take, _buf, 0, _len - take);
        _len -= take;
        return result;
    }

    /// <summary>The next frame, or null when the socket closed or the timeout passed.</summary>
    public async Task<Frame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        var head = await ReadBytesAsync(7, timeout);
        if (head.Length < 7) return null;
        int size = BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(3));
        var rest = await ReadBytesAsync(size + 1, timeout);
        if (rest.Length < size + 1) return null;
        return new Frame(head[0], BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(1)), rest[..size]);
    }

    /// <summary>The next method frame (heartbeats skipped), or null.</summary>
    public async Task<Frame?> ReadMethodAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReadFrameAsync(timeout);
            if (f is null || f.Type == FrameType.Method) return f;
        }
    }

    /// <summary>Reads frames until the peer closes the socket; true when it did within the timeout.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var b = await ReadBytesAsync(_buf.Length, deadline - DateTime.UtcNow);
            if (b.Length == 0) return DateTime.UtcNow < deadline;
        }
        return false;
    }

    /// <summary>
    /// Header, start/start-ok (PLAIN or AMQPLAIN), tune/tune-ok, open/open-ok. Returns the
    /// connection.start frame.
    /// </summary>
    public async Task<Frame> HandshakeAsync(string user = "guest", string password = "guest", ushort heartbeat = 0,
        uint frameMax = 131072, bool amqplain = false, string vhost = "/")
    {
        await SendAsync("AMQP\0\0\x09\x01"u8.ToArray());
        var start = await ReadMethodAsync() ?? throw new IOException("no connection.start");
        byte[] response;
        if (amqplain)
        {
            var t = FieldTable.ToBytes(new Dictionary<string, object?> { ["LOGIN"] = user, ["PASSWORD"] = password });
            response = t[4..];
        }
        else response = System.Text.Encoding.UTF8.GetBytes($"\0{user}\0{password}");
        await SendMethodAsync(0, AmqpMethod.ConnectionStartOk, new Dictionary<string, object?> { ["product"] = "raw" },
            amqplain ? "AMQPLAIN" : "PLAIN", response, "en_US");
        var tune = await ReadMethodAsync() ?? throw new IOException("no connection.tune");
        if (tune.Method != AmqpMethod.ConnectionTune) throw new IOException("expected tune, got " + tune.Method);
        await SendMethodAsync(0, AmqpMethod.ConnectionTuneOk, (ushort)2047, frameMax, heartbeat);
        await SendMethodAsync(0, AmqpMethod.ConnectionOpen, vhost, "", false);
        var ok = await ReadMethodAsync() ?? throw new IOException("no connection.open-ok");
        if (ok.Method != AmqpMethod.ConnectionOpenOk) throw new IOException("expected open-ok, got " + ok.Method);
        return start;
    }

    /// <summary>Opens a channel.</summary>
    public async Task OpenChannelAsync(ushort ch)
    {
        await SendMethodAsync(ch, AmqpMethod.ChannelOpen, "");
        var ok = await ReadMethodAsync();
        if (ok?.Method != AmqpMethod.ChannelOpenOk) throw new IOException("expected channel.open-ok, got " + ok?.Method);
    }

    /// <summary>
    /// Reads until connection.close or channel.close arrives; returns it (code at field 0), or null.
    /// </summary>
    public async Task<Frame?> ReadCloseAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var f = await ReadMethodAsync(timeout);
            if (f is null || f.Method is AmqpMethod.ConnectionClose or AmqpMethod.ChannelClose) return f;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
