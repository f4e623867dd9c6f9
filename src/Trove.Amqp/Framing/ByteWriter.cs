using System.Buffers.Binary;
using System.Text;

namespace Trove.Amqp.Framing;

/// <summary>
/// A growable big-endian byte buffer for building frames. Not thread-safe; the connection guards its
/// output buffer with a lock.
/// </summary>
public sealed class ByteWriter(int capacity = 4096)
{
    private byte[] _buf = new byte[Math.Max(capacity, 16)];
    private int _len;

    /// <summary>Bytes written so far.</summary>
    public int Length => _len;

    /// <summary>The written bytes.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buf.AsSpan(0, _len);

    /// <summary>The written bytes as memory (valid until the next write or <see cref="Clear"/>).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buf.AsMemory(0, _len);

    /// <summary>Forgets the content, keeps the capacity (shrinks a buffer grown past 1 MiB).</summary>
    public void Clear()
    {
        _len = 0;
        if (_buf.Length > 1 << 20) _buf = new byte[64 * 1024];
    }

    private Span<byte> Take(int n)
    {
        if (_len + n > _buf.Length)
        {
            var bigger = new byte[Math.Max(_buf.Length * 2, _len + n)];
            _buf.AsSpan(0, _len).CopyTo(bigger);
            _buf = bigger;
        }
        var s = _buf.AsSpan(_len, n);
        _len += n;
        return s;
    }

    /// <summary>Skips <paramref name="n"/> bytes to patch later; returns their offset.</summary>
    public int Reserve(int n) { int at = _len; Take(n); return at; }

    /// <summary>Writes one octet at an earlier offset.</summary>
    public void PatchByte(int at, byte value) => _buf[at] = value;

    /// <summary>Writes a big-endian int at an earlier offset.</summary>
    public void PatchInt32(int at, int value) => BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(at), value);

    /// <summary>One octet.</summary>
    public void WriteByte(byte b) => Take(1)[0] = b;
    /// <summary>Big-endian 16 bits.</summary>
    public void WriteUInt16(ushort v) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), v);
    /// <summary>Big-endian 32 bits.</summary>
    public void WriteUInt32(uint v) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), v);
    /// <summary>Big-endian 64 bits.</summary>
    public void WriteUInt64(ulong v) => BinaryPrimitives.WriteUInt64BigEndian(Take(8), v);
    /// <summary>Raw bytes.</summary>
    public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>A shortstr (length octet, at most 255 bytes of UTF-8).</summary>
    public void WriteShortStr(string s)
    {
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max <= 255 || Encoding.UTF8.GetByteCount(s) <= 255)
        {
            int lenAt = _len;
            var span = Take(1 + Math.Min(max, 255));
            int n = Encoding.UTF8.GetBytes(s, span[1..]);
            span[0] = (byte)n;
            _len = lenAt + 1 + n;
        }
        else throw new ArgumentException("shortstr longer than 255 bytes");
    }

    /// <summary>A longstr (32-bit length, then the bytes).</summary>
    public void WriteLongStr(ReadOnlySpan<byte> bytes) { WriteUInt32((uint)bytes.Length); Write(bytes); }
}
