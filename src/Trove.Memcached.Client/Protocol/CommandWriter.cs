using System.Buffers.Text;

namespace Trove.Memcached.Client.Protocol;

/// <summary>
/// Builds text-protocol commands into one reusable buffer per connection, so a command (or a
/// whole batch of them, for the multi operations) goes out in a single send.
/// </summary>
internal sealed class CommandWriter
{
    private byte[] _buffer = new byte[4096];
    private int _length;

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public void Clear() => _length = 0;

    public CommandWriter Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
        return this;
    }

    public CommandWriter Space() => Raw(" "u8);

    public CommandWriter Crlf() => Raw("\r\n"u8);

    public CommandWriter Number(ulong value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int n);
        _length += n;
        return this;
    }

    public CommandWriter Number(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_length), out int n);
        _length += n;
        return this;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + extra));
    }

    /// <summary>Drops a buffer grown for a large value so idle pooled connections stay small.</summary>
    public void Trim()
    {
        if (_buffer.Length > 64 * 1024) _buffer = new byte[4096];
        _length = 0;
    }
}
