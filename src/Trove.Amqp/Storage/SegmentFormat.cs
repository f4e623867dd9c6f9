using System.Buffers.Binary;
using System.Text;

namespace Trove.Amqp.Storage;

/// <summary>
/// The on-disk layout of the message store (one place, so the writer, the recovery scan and the
/// reader cannot disagree).
/// <code>
/// segment file  msgs.NNNNNNNNNN : header = "TRVS" u32 version, then records back to back
/// record                        : u32 payload length, u32 CRC-32C of payload, payload
/// message payload               : u8 kind=1, u8 vhost length, vhost, u8 queue length, queue,
///                                 u32 properties length, properties (AMQP content-header
///                                 property bytes as the broker hands them), body (the rest)
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
    public static int MessageRecordSize(int vhostBytes, int queueBytes, int propsLength, int bodyLength)
        => RecordHeaderSize + 1 + 1 + vhostBytes + 1 + queueBytes + 4 + propsLength + bodyLength;

    /// <summary>Writes a whole message record (header, checksum, payload) into <paramref name="dest"/>.</summary>
    public static void WriteMessage(Span<byte> dest, ReadOnlySpan<byte> vhost, ReadOnlySpan<byte> queue,
        ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body)
    {
        var payload = dest[RecordHeaderSize..];
        int p = 0;
        payload[p++] = KindMessage;
        payload[p++] = (byte)vhost.Length;
        vhost.CopyTo(payload[p..]); p += vhost.Length;
        payload[p++] = (byte)queue.Length;
        queue.CopyTo(payload[p..]); p += queue.Length;
        BinaryPrimitives.WriteInt32LittleEndian(payload[p..], properties.Length); p += 4;
        properties.CopyTo(payload[p..]); p += properties.Length;
        body.CopyTo(payload[p..]); p += body.Length;
        BinaryPrimitives.WriteInt32LittleEndian(dest, p);
        BinaryPrimitives.WriteUInt32LittleEndian(dest[4..], Crc32C.Compute(payload[..p]));
    }

    /// <summary>A parsed message payload; spans point into the payload buffer.</summary>
    public readonly ref struct MessageView
    {
        public readonly ReadOnlySpan<byte> Vhost, Queue, Properties, Body;
        public MessageView(ReadOnlySpan<byte> v, ReadOnlySpan<byte> q, ReadOnlySpan<byte> p, ReadOnlySpan<byte> b)
        { Vhost = v; Queue = q; Properties = p; Body = b; }
    }

    /// <summary>Parses a checksum-verified message payload; false when its fields do not fit.</summary>
    public static bool TryParseMessage(ReadOnlySpan<byte> payload, out MessageView view)
    {
        view = default;
        if (payload.Length < 7 || payload[0] != KindMessage) return false;
        int p = 1;
        int vl = payload[p++];
        if (p + vl + 1 > payload.Length) return false;
        var v = payload.Slice(p, vl); p += vl;
        int ql = payload[p++];
        if (p + ql + 4 > payload.Length) return false;
        var q = payload.Slice(p, ql); p += ql;
        int pl = BinaryPrimitives.ReadInt32LittleEndian(payload[p..]); p += 4;
        if (pl < 0 || p + pl > payload.Length) return false;
        view = new MessageView(v, q, payload.Slice(p, pl), payload[(p + pl)..]);
        return true;
    }

    /// <summary>UTF-8 bytes of a vhost or queue name (AMQP short strings, at most 255 bytes).</summary>
    public static byte[] NameBytes(string name)
    {
        var b = Encoding.UTF8.GetBytes(name);
        if (b.Length > 255) throw new ArgumentException("name longer than 255 bytes", nameof(name));
        return b;
    }
}
