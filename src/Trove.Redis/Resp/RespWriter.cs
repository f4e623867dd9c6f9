using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;

namespace Trove.Redis.Resp;

/// <summary>
/// Writes RESP2 or RESP3 replies straight into the connection's <see cref="PipeWriter"/> memory
/// (no intermediate buffer). <see cref="Protocol"/> picks the encoding of nulls, maps, sets,
/// doubles and push messages; everything else is the same in both.
/// Only the session's own task writes here; call <see cref="Commit"/> before flushing.
/// </summary>
public sealed class RespWriter
{
    private PipeWriter? _pipe;
    private IBufferWriter<byte> _target;
    private Memory<byte> _mem;
    private int _pos;
    private long _committed;

    /// <summary>A writer over a connection's output pipe.</summary>
    public RespWriter(PipeWriter pipe)
    {
        _pipe = pipe;
        _target = pipe;
    }

    /// <summary>A writer that collects into memory (pub/sub messages encoded once for many clients, tests).</summary>
    public RespWriter(ArrayBufferWriter<byte> capture) => _target = capture;

    /// <summary>
    /// Writes to <paramref name="target"/> from now on (an event-loop transport hands the session
    /// its output buffer per call); what was written before must have been committed.
    /// </summary>
    public void Retarget(IBufferWriter<byte> target)
    {
        _mem = default;
        _pos = 0;
        _committed = 0;
        _pipe = target as PipeWriter;
        _target = target;
    }

    /// <summary>2 or 3 (HELLO).</summary>
    public int Protocol { get; set; } = 2;

    /// <summary>True for RESP3.</summary>
    public bool Resp3 => Protocol == 3;

    /// <summary>Bytes written but not yet flushed to the socket.</summary>
    public long Pending => (_pipe is not null && _pipe.CanGetUnflushedBytes ? _pipe.UnflushedBytes : _committed) + _pos;

    private IBufferWriter<byte> Target => _target;

    /// <summary>Bytes committed since the last <see cref="Retarget"/>.</summary>
    public long Committed => _committed;

    /// <summary>Hands what was written to the pipe (call before FlushAsync).</summary>
    public void Commit()
    {
        if (_pos > 0) _target.Advance(_pos);
        _committed += _pos;
        _pos = 0;
        _mem = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int n)
    {
        if (_mem.Length - _pos < n) Grow(n);
        return _mem.Span[_pos..];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int n)
    {
        Commit();
        _mem = Target.GetMemory(Math.Max(n, 4096));
    }

    /// <summary>Raw bytes (pre-encoded replies such as "+OK\r\n").</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 64 * 1024)
        {
            Commit();
            Target.Write(bytes);
            _committed += bytes.Length;
            return;
        }
        bytes.CopyTo(Reserve(bytes.Length));
        _pos += bytes.Length;
    }

    /// <summary>+OK</summary>
    public void WriteOk() => WriteRaw("+OK\r\n"u8);

    /// <summary>A simple string (+text).</summary>
    public void WriteSimple(ReadOnlySpan<byte> text)
    {
        var s = Reserve(text.Length + 3);
        s[0] = (byte)'+';
        text.CopyTo(s[1..]);
        s[text.Length + 1] = (byte)'\r';
        s[text.Length + 2] = (byte)'\n';
        _pos += text.Length + 3;
    }

    /// <summary>A simple string from .NET text.</summary>
    public void WriteSimple(string text) => WriteSimple(Encoding.UTF8.GetBytes(text));

    /// <summary>An error reply: <paramref name="message"/> is the whole text ("ERR ...", "WRONGTYPE ...").</summary>
    public void WriteError(string message)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        // Redis replaces newlines in error texts so a reply stays on one line.
        for (int i = 0; i < bytes.Length; i++) if (bytes[i] is (byte)'\r' or (byte)'\n') bytes[i] = (byte)' ';
        var s = Reserve(bytes.Length + 3);
        s[0] = (byte)'-';
        bytes.CopyTo(s[1..]);
        s[bytes.Length + 1] = (byte)'\r';
        s[bytes.Length + 2] = (byte)'\n';
        _pos += bytes.Length + 3;
    }

    /// <summary>An error reply from a pre-encoded text without the '-' and CRLF.</summary>
    public void WriteError(ReadOnlySpan<byte> message)
    {
        var s = Reserve(message.Length + 3);
        s[0] = (byte)'-';
        message.CopyTo(s[1..]);
        s[message.Length + 1] = (byte)'\r';
        s[message.Length + 2] = (byte)'\n';
        _pos += message.Length + 3;
    }

    private void WritePrefixed(byte prefix, long value)
    {
        var s = Reserve(24);
        s[0] = prefix;
        Utf8Formatter.TryFormat(value, s[1..], out int n);
        s[n + 1] = (byte)'\r';
        s[n + 2] = (byte)'\n';
        _pos += n + 3;
    }

    /// <summary>:n</summary>
    public void WriteInteger(long value)
    {
        if ((ulong)value <= 9)
        {
            var s = Reserve(4);
            s[0] = (byte)':'; s[1] = (byte)('0' + value); s[2] = (byte)'\r'; s[3] = (byte)'\n';
            _pos += 4;
            return;
        }
        WritePrefixed((byte)':', value);
    }

    /// <summary>A bulk string.</summary>
    public void WriteBulk(ReadOnlySpan<byte> value)
    {
        if (value.Length > 64 * 1024)
        {
            WritePrefixed((byte)'$', value.Length);
            WriteRaw(value);
            WriteRaw("\r\n"u8);
            return;
        }
        var s = Reserve(value.Length + 16);
        s[0] = (byte)'$';
        Utf8Formatter.TryFormat(value.Length, s[1..], out int n);
        n++;
        s[n++] = (byte)'\r'; s[n++] = (byte)'\n';
        value.CopyTo(s[n..]);
        n += value.Length;
        s[n++] = (byte)'\r'; s[n++] = (byte)'\n';
        _pos += n;
    }

    /// <summary>A bulk string from .NET text (UTF-8).</summary>
    public void WriteBulk(string value) => WriteBulk(Encoding.UTF8.GetBytes(value));

    /// <summary>A bulk string holding the decimal form of <paramref name="value"/>.</summary>
    public void WriteBulkLong(long value)
    {
        Span<byte> tmp = stackalloc byte[24];
        Utf8Formatter.TryFormat(value, tmp, out int n);
        WriteBulk(tmp[..n]);
    }

    /// <summary>A bulk string, or the null reply when <paramref name="value"/> is null.</summary>
    public void WriteBulkOrNull(byte[]? value)
    {
        if (value is null) WriteNull();
        else WriteBulk(value);
    }

    /// <summary>The null bulk ($-1 in RESP2, _ in RESP3).</summary>
    public void WriteNull() => WriteRaw(Resp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>The null array (*-1 in RESP2, _ in RESP3).</summary>
    public void WriteNullArray() => WriteRaw(Resp3 ? "_\r\n"u8 : "*-1\r\n"u8);

    /// <summary>*n</summary>
    public void WriteArrayHeader(long count) => WritePrefixed((byte)'*', count);

    /// <summary>A map of <paramref name="pairs"/> entries (%n in RESP3, a flat *2n array in RESP2).</summary>
    public void WriteMapHeader(long pairs)
    {
        if (Resp3) WritePrefixed((byte)'%', pairs);
        else WritePrefixed((byte)'*', pairs * 2);
    }

    /// <summary>A set (~n in RESP3, *n in RESP2).</summary>
    public void WriteSetHeader(long count) => WritePrefixed(Resp3 ? (byte)'~' : (byte)'*', count);

    /// <summary>A push message (>n in RESP3, *n in RESP2).</summary>
    public void WritePushHeader(long count) => WritePrefixed(Resp3 ? (byte)'>' : (byte)'*', count);

    /// <summary>A boolean (#t/#f in RESP3, :1/:0 in RESP2).</summary>
    public void WriteBoolean(bool value)
    {
        if (Resp3) WriteRaw(value ? "#t\r\n"u8 : "#f\r\n"u8);
        else WriteInteger(value ? 1 : 0);
    }

    /// <summary>
    /// A double as Redis 7.0 replies it (",d" in RESP3, a bulk string in RESP2), formatted by
    /// <c>RedisNumbers.FormatDouble</c> (%.17g; "inf", "-inf").
    /// </summary>
    public void WriteDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[40];
        int n = RedisNumbers.FormatDouble(value, tmp);
        if (Resp3)
        {
            var s = Reserve(n + 3);
            s[0] = (byte)',';
            tmp[..n].CopyTo(s[1..]);
            s[n + 1] = (byte)'\r'; s[n + 2] = (byte)'\n';
            _pos += n + 3;
        }
        else WriteBulk(tmp[..n]);
    }

    /// <summary>A verbatim string (=n txt:... in RESP3, a bulk string in RESP2), as INFO and CLIENT LIST reply.</summary>
    public void WriteVerbatim(string text)
    {
        if (!Resp3) { WriteBulk(text); return; }
        var bytes = Encoding.UTF8.GetBytes(text);
        WritePrefixed((byte)'=', bytes.Length + 4);
        WriteRaw("txt:"u8);
        WriteRaw(bytes);
        WriteRaw("\r\n"u8);
    }
}
