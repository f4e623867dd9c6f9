using System.Buffers.Binary;
using System.Text;

namespace Trove.Amqp.Storage;

/// <summary>
/// The on-disk layout of the message store (one place, so the writer, the recovery scan and the
/// reader cannot disagree).
/// <code>
/// segment file  msgs.NNNNNNNNNN : header = "TRVS" u32 version, then records back to back
/// record                        : u32 payload length, u32 CRC-32C of payload, payload
/// message payload               : u8 kind=1, then four short strings (u8 length + UTF-8):
///                                 vhost, queue, exchange, routing key; u32 properties length,
///                                 properties (the AMQP content-header property block as the
///                                 broker hands it), body (the rest)
/// ack file      acks.NNNNNNNNNN : u32 offsets of acked records of the segment with that number
/// drop log      drops           : header, then records whose payload is u8 vhost length, vhost,
///                                 u8 queue length, queue, i64 watermark (every message of that
///                                 queue with a smaller id is dead: the queue was deleted or purged)
/// </code>
/// All integers little-endian. A message's id is its position: segment number &lt;&lt; 32 | offset
/// of its record, so ids grow in append order and a body is found without an index. A zero length
/// marks the end of written data (segments are preallocated, so their tails are zero-filled).
/// </summary>
internal static class SegmentFormat
{
    /// <summary>"TRVS" as a little-endian u32.</summary>
    public const uint Magic = 0x53565254;
    /// <summary>Schema version written after the magic; a reader refuses versions it does not know.</summary>
    public const uint Version = 1;
    public const int HeaderSize = 8;
    public const int RecordHeaderSize = 8;
    public const byte KindMessage = 1;
    /// <summary>Largest payload accepted; a length above it in a file is a torn or corrupt record.</summary>
    public const int MaxPayload = 1 << 30;

    public static string SegmentName(uint number) => $"msgs.{number:D10}";
    public static string AckName(uint number) => $"acks.{number:D10}";

    public static bool TryParseNumber(string fileName, string prefix, out uint number)
    {
        number = 0;
        return fileName.StartsWith(prefix, StringComparison.Ordinal) && fileName.Length == prefix.Length + 10
            && uint.TryParse(fileName.AsSpan(prefix.Length), out number) && number > 0;
    }

    public static long MakeId(uint segment, uint offset) => (long)segment << 32 | offset;
    public static uint SegmentOf(long id) => (uint)((ulong)id >> 32);
    public static uint OffsetOf(long id) => (uint)id;

    public static void WriteHeader(Span<byte> dest)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(dest, Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[4..], Version);
    }

    /// <summary>True when <paramref name="header"/> is a segment header of a version this code reads.</summary>
    public static bool CheckHeader(ReadOnlySpan<byte> header)
        => header.Length >= HeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic
           && BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Version;

    /// <summary>Record size (header + payload) of a message.</summary>
    public static int MessageRecordSize(int vhostBytes, int queueBytes, int exchangeBytes, int routingKeyBytes, int propsLength, int bodyLength)
        => RecordHeaderSize + 1 + 4 + vhostBytes + queueBytes + exchangeBytes + routingKeyBytes + 4 + propsLength + bodyLength;

    /// <summary>Writes a whole message record (header, checksum, payload) into <paramref name="dest"/>.</summary>
    public static void WriteMessage(Span<byte> dest, ReadOnlySpan<byte> vhost, ReadOnlySpan<byte> queue,
        string exchange, string routingKey, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body)
    {
        var payload = dest[RecordHeaderSize..];
        int p = 0;
        payload[p++] = KindMessage;
        WriteShort(payload, ref p, vhost);
        WriteShort(payload, ref p, queue);
        WriteShort(payload, ref p, exchange);
        WriteShort(payload, ref p, routingKey);
        BinaryPrimitives.WriteInt32LittleEndian(payload[p..], properties.Length); p += 4;
        properties.CopyTo(payload[p..]); p += properties.Length;
        body.CopyTo(payload[p..]); p += body.Length;
        BinaryPrimitives.WriteInt32LittleEndian(dest, p);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[4..], Crc32C.Compute(payload[..p]));
    }

    private static void WriteShort(Span<byte> payload, ref int p, string s)
    {
        int n = Encoding.UTF8.GetBytes(s, payload[(p + 1)..]);
        payload[p] = (byte)n;
        p += 1 + n;
    }

    private static void WriteShort(Span<byte> payload, ref int p, ReadOnlySpan<byte> s)
    {
        payload[p++] = (byte)s.Length;
        s.CopyTo(payload[p..]);
        p += s.Length;
    }

    /// <summary>A parsed message payload: offsets into the payload buffer.</summary>
    public readonly struct MessageView
    {
        public readonly int VhostStart, VhostLength, QueueStart, QueueLength, ExchangeStart, ExchangeLength,
            RoutingKeyStart, RoutingKeyLength, PropertiesStart, PropertiesLength, BodyStart, BodyLength;

        public MessageView(ReadOnlySpan<int> f)
        {
            VhostStart = f[0]; VhostLength = f[1]; QueueStart = f[2]; QueueLength = f[3];
            ExchangeStart = f[4]; ExchangeLength = f[5]; RoutingKeyStart = f[6]; RoutingKeyLength = f[7];
            PropertiesStart = f[8]; PropertiesLength = f[9]; BodyStart = f[10]; BodyLength = f[11];
        }
    }

    /// <summary>Parses a checksum-verified message payload; false when its fields do not fit.</summary>
    public static bool TryParseMessage(ReadOnlySpan<byte> payload, out MessageView view)
    {
        view = default;
        if (payload.Length < 9 || payload[0] != KindMessage) return false;
        Span<int> f = stackalloc int[12];
        int p = 1;
        for (int i = 0; i < 4; i++)
        {
            if (p >= payload.Length) return false;
            int len = payload[p++];
            if (p + len > payload.Length) return false;
            f[2 * i] = p;
            f[2 * i + 1] = len;
            p += len;
        }
        if (p + 4 > payload.Length) return false;
        int pl = BinaryPrimitives.ReadInt32LittleEndian(payload[p..]);
        p += 4;
        if (pl < 0 || p + pl > payload.Length) return false;
        f[8] = p; f[9] = pl; f[10] = p + pl; f[11] = payload.Length - p - pl;
        view = new MessageView(f);
        return true;
    }

    /// <summary>UTF-8 length of an exchange name or routing key (AMQP short strings, at most 255 bytes).</summary>
    public static int ShortLength(string s)
    {
        int n = s.Length <= 85 ? (Ascii.IsValid(s) ? s.Length : Encoding.UTF8.GetByteCount(s)) : Encoding.UTF8.GetByteCount(s);
        if (n > 255) throw new ArgumentException("short string longer than 255 bytes");
        return n;
    }

    /// <summary>UTF-8 bytes of a vhost or queue name (AMQP short strings, at most 255 bytes).</summary>
    public static byte[] NameBytes(string name)
    {
        var b = Encoding.UTF8.GetBytes(name);
        if (b.Length > 255) throw new ArgumentException("name longer than 255 bytes", nameof(name));
        return b;
    }
}
