using System.Buffers.Binary;
using System.Text;

namespace Trove.Amqp.Framing;

/// <summary>A field-table timestamp ('T'): seconds since the epoch.</summary>
public readonly record struct AmqpTimestamp(long UnixSeconds);

/// <summary>A field-table decimal ('D'): value = <see cref="Value"/> / 10^<see cref="Scale"/>.</summary>
public readonly record struct AmqpDecimal(byte Scale, int Value);

/// <summary>
/// Field tables and arrays with every type RabbitMQ uses (its "0-9-1 errata" letters): t b B s u I i
/// l f d D S x A T F V. Longstrs decode to <see cref="string"/> when they are valid UTF-8, else to
/// <see cref="byte"/>[] so binary values survive a round trip. Decoding checks every length against
/// the input; a malformed table is a connection error 501 FRAME_ERROR (the frame itself is malformed).
/// </summary>
public static class FieldTable
{
    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>Decodes a table body (without its 4-byte length prefix).</summary>
    public static Dictionary<string, object?> Decode(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        int pos = 0;
        while (pos < data.Length)
        {
            int keyLen = data[pos++];
            Need(data, pos, keyLen);
            string key = Encoding.UTF8.GetString(data.Slice(pos, keyLen));
            pos += keyLen;
            result[key] = ReadValue(data, ref pos);
        }
        return result;
    }

    private static void Need(ReadOnlySpan<byte> data, int pos, int n)
    {
        if (n < 0 || pos + n > data.Length) Malformed();
    }

    private static void Malformed() => AmqpException.Connection(ReplyCode.FrameError, "FRAME_ERROR - malformed field table");

    private static object? ReadValue(ReadOnlySpan<byte> d, ref int p)
    {
        Need(d, p, 1);
        char type = (char)d[p++];
        switch (type)
        {
            case 't': Need(d, p, 1); return d[p++] != 0;
            case 'b': Need(d, p, 1); return (sbyte)d[p++];
            case 'B': Need(d, p, 1); return d[p++];
            case 's': Need(d, p, 2); p += 2; return BinaryPrimitives.ReadInt16BigEndian(d[(p - 2)..]);
            case 'u': Need(d, p, 2); p += 2; return BinaryPrimitives.ReadUInt16BigEndian(d[(p - 2)..]);
            case 'I': Need(d, p, 4); p += 4; return BinaryPrimitives.ReadInt32BigEndian(d[(p - 4)..]);
            case 'i': Need(d, p, 4); p += 4; return BinaryPrimitives.ReadUInt32BigEndian(d[(p - 4)..]);
            case 'l': Need(d, p, 8); p += 8; return BinaryPrimitives.ReadInt64BigEndian(d[(p - 8)..]);
            case 'f': Need(d, p, 4); p += 4; return BinaryPrimitives.ReadSingleBigEndian(d[(p - 4)..]);
            case 'd': Need(d, p, 8); p += 8; return BinaryPrimitives.ReadDoubleBigEndian(d[(p - 8)..]);
            case 'D': Need(d, p, 5); p += 5; return new AmqpDecimal(d[p - 5], BinaryPrimitives.ReadInt32BigEndian(d[(p - 4)..]));
            case 'T': Need(d, p, 8); p += 8; return new AmqpTimestamp(BinaryPrimitives.ReadInt64BigEndian(d[(p - 8)..]));
            case 'V': return null;
            case 'S':
            case 'x':
            {
                Need(d, p, 4);
                int len = BinaryPrimitives.ReadInt32BigEndian(d[p..]);
                p += 4;
                Need(d, p, len);
                var bytes = d.Slice(p, len);
                p += len;
                if (type == 'x') return bytes.ToArray();
                try { return s_strictUtf8.GetString(bytes); }
                catch (DecoderFallbackException) { return bytes.ToArray(); }
            }
            case 'F':
            {
                Need(d, p, 4);
                int len = BinaryPrimitives.ReadInt32BigEndian(d[p..]);
                p += 4;
                Need(d, p, len);
                var t = Decode(d.Slice(p, len));
                p += len;
                return t;
            }
            case 'A':
            {
                Need(d, p, 4);
                int len = BinaryPrimitives.ReadInt32BigEndian(d[p..]);
                p += 4;
                Need(d, p, len);
                var inner = d.Slice(p, len);
                p += len;
                var list = new List<object?>();
                int q = 0;
                while (q < inner.Length) list.Add(ReadValue(inner, ref q));
                return list;
            }
            default:
                Malformed();
                return null;
        }
    }

    /// <summary>Encodes a table with its 4-byte length prefix.</summary>
    public static void Write(ByteWriter w, IReadOnlyDictionary<string, object?>? table)
    {
        int lenAt = w.Reserve(4);
        int start = w.Length;
        if (table is not null)
            foreach (var (k, v) in table)
            {
                w.WriteShortStr(k);
                WriteValue(w, v);
            }
        w.PatchInt32(lenAt, w.Length - start);
    }

    /// <summary>Encodes a table to a fresh array (with its length prefix).</summary>
    public static byte[] ToBytes(IReadOnlyDictionary<string, object?>? table)
    {
        var w = new ByteWriter(64);
        Write(w, table);
        return w.WrittenSpan.ToArray();
    }

    private static void WriteValue(ByteWriter w, object? v)
    {
        switch (v)
        {
            case null: w.WriteByte((byte)'V'); break;
            case bool b: w.WriteByte((byte)'t'); w.WriteByte(b ? (byte)1 : (byte)0); break;
            case sbyte sb: w.WriteByte((byte)'b'); w.WriteByte((byte)sb); break;
            case byte by: w.WriteByte((byte)'B'); w.WriteByte(by); break;
            case short s: w.WriteByte((byte)'s'); w.WriteUInt16((ushort)s); break;
            case ushort us: w.WriteByte((byte)'u'); w.WriteUInt16(us); break;
            case int i: w.WriteByte((byte)'I'); w.WriteUInt32((uint)i); break;
            case uint ui: w.WriteByte((byte)'i'); w.WriteUInt32(ui); break;
            case long l: w.WriteByte((byte)'l'); w.WriteUInt64((ulong)l); break;
            case ulong ul: w.WriteByte((byte)'l'); w.WriteUInt64(ul); break;
            case float f: w.WriteByte((byte)'f'); w.WriteUInt32(BitConverter.SingleToUInt32Bits(f)); break;
            case double d: w.WriteByte((byte)'d'); w.WriteUInt64(BitConverter.DoubleToUInt64Bits(d)); break;
            case AmqpDecimal dec: w.WriteByte((byte)'D'); w.WriteByte(dec.Scale); w.WriteUInt32((uint)dec.Value); break;
            case AmqpTimestamp ts: w.WriteByte((byte)'T'); w.WriteUInt64((ulong)ts.UnixSeconds); break;
            case string str: w.WriteByte((byte)'S'); w.WriteLongStr(Encoding.UTF8.GetBytes(str)); break;
            case byte[] bytes: w.WriteByte((byte)'S'); w.WriteLongStr(bytes); break;
            case IReadOnlyDictionary<string, object?> t: w.WriteByte((byte)'F'); Write(w, t); break;
            case System.Collections.IEnumerable list:
            {
                w.WriteByte((byte)'A');
                int lenAt = w.Reserve(4);
                int start = w.Length;
                foreach (var item in list) WriteValue(w, item);
                w.PatchInt32(lenAt, w.Length - start);
                break;
            }
            default: throw new ArgumentException("no AMQP field type for " + v.GetType());
        }
    }
}
