using System.Buffers.Binary;
using System.Text;

namespace Trove.Amqp.Framing;

/// <summary>
/// The few content-header properties the broker itself needs (delivery-mode, expiration, headers),
/// read from the raw property block, which is otherwise passed through unchanged. Also encodes a
/// full property set (used for dead-lettering, where headers change).
/// </summary>
public sealed class BasicProperties
{
    private static readonly (FieldKind[] Kinds, string[] Names) s_fields = MethodCodec.ParseFields(Spec091.BasicProperties);

    /// <summary>Property values by position (index 0 = content-type), null when absent.</summary>
    public object?[] Values { get; } = new object?[14];

    /// <summary>delivery-mode (2 = persistent), 0 when absent.</summary>
    public byte DeliveryMode => Values[3] is byte b ? b : (byte)0;
    /// <summary>expiration, null when absent.</summary>
    public string? Expiration => Values[7] as string;
    /// <summary>headers, null when absent.</summary>
    public Dictionary<string, object?>? Headers => Values[2] as Dictionary<string, object?>;

    /// <summary>
    /// Decodes a property block (flags then values). Malformed → 501 FRAME_ERROR. Property flag
    /// continuation (bit 0) is honoured by skipping further flag words, as no basic property uses them.
    /// </summary>
    public static BasicProperties Decode(ReadOnlySpan<byte> block)
    {
        var result = new BasicProperties();
        if (block.Length < 2) Bad();
        int p = 0;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(block);
        p += 2;
        var f = flags;
        while ((f & 1) != 0)
        {
            if (p + 2 > block.Length) Bad();
            f = BinaryPrimitives.ReadUInt16BigEndian(block[p..]);
            p += 2;
        }
        for (int i = 0; i < 14; i++)
        {
            if ((flags & (1 << (15 - i))) == 0) continue;
            switch (s_fields.Kinds[i])
            {
                case FieldKind.ShortStr:
                {
                    if (p + 1 > block.Length) Bad();
                    int n = block[p++];
                    if (p + n > block.Length) Bad();
                    result.Values[i] = Encoding.UTF8.GetString(block.Slice(p, n));
                    p += n;
                    break;
                }
                case FieldKind.Octet:
                    if (p + 1 > block.Length) Bad();
                    result.Values[i] = block[p++];
                    break;
                case FieldKind.Timestamp:
                    if (p + 8 > block.Length) Bad();
                    result.Values[i] = BinaryPrimitives.ReadInt64BigEndian(block[p..]);
                    p += 8;
                    break;
                case FieldKind.Table:
                {
                    if (p + 4 > block.Length) Bad();
                    int n = BinaryPrimitives.ReadInt32BigEndian(block[p..]);
                    p += 4;
                    if (n < 0 || p + n > block.Length) Bad();
                    result.Values[i] = FieldTable.Decode(block.Slice(p, n));
                    p += n;
                    break;
                }
            }
        }
        return result;
    }

    private static void Bad() => AmqpException.Connection(ReplyCode.FrameError, "FRAME_ERROR - malformed content header properties");

    /// <summary>Encodes flags and values (the block <see cref="Decode"/> reads).</summary>
    public byte[] Encode()
    {
        var w = new ByteWriter(128);
        ushort flags = 0;
        for (int i = 0; i < 14; i++) if (Values[i] is not null) flags |= (ushort)(1 << (15 - i));
        w.WriteUInt16(flags);
        for (int i = 0; i < 14; i++)
        {
            var v = Values[i];
            if (v is null) continue;
            switch (s_fields.Kinds[i])
            {
                case FieldKind.ShortStr: w.WriteShortStr((string)v); break;
                case FieldKind.Octet: w.WriteByte((byte)v); break;
                case FieldKind.Timestamp: w.WriteUInt64((ulong)(long)v); break;
                case FieldKind.Table: FieldTable.Write(w, (IReadOnlyDictionary<string, object?>)v); break;
            }
        }
        return w.WrittenSpan.ToArray();
    }

    /// <summary>Reads only delivery-mode from a raw block without decoding the rest (hot path).</summary>
    public static byte PeekDeliveryMode(ReadOnlySpan<byte> block, out bool hasExpirationOrHeaders)
    {
        hasExpirationOrHeaders = false;
        if (block.Length < 2) return 0;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(block);
        hasExpirationOrHeaders = (flags & (1 << (15 - 7))) != 0 || (flags & (1 << (15 - 2))) != 0;
        if ((flags & (1 << (15 - 3))) == 0) return 0;
        if (hasExpirationOrHeaders) return Decode(block).DeliveryMode;
        int p = 2;
        for (int i = 0; i < 3; i++)
        {
            if ((flags & (1 << (15 - i))) == 0) continue;
            if (p >= block.Length) return 0;
            p += 1 + block[p];
        }
        return p < block.Length ? block[p] : (byte)0;
    }
}
