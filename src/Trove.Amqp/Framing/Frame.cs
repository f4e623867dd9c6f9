using System.Buffers;
using System.Buffers.Binary;

namespace Trove.Amqp.Framing;

/// <summary>Frame types (spec 4.2.3).</summary>
public static class FrameType
{
    /// <summary>Method frame.</summary>
    public const byte Method = 1;
    /// <summary>Content header frame.</summary>
    public const byte Header = 2;
    /// <summary>Content body frame.</summary>
    public const byte Body = 3;
    /// <summary>Heartbeat frame.</summary>
    public const byte Heartbeat = 8;
    /// <summary>The octet that ends every frame.</summary>
    public const byte End = 0xCE;
}

/// <summary>Whether <see cref="FrameReader.TryRead"/> found a whole frame.</summary>
public enum FrameStatus
{
    /// <summary>A frame was read.</summary>
    Done,
    /// <summary>More bytes are needed.</summary>
    NeedMoreData,
}

/// <summary>
/// Splits the input into frames: 7-byte header (type, channel, size), payload, end octet 0xCE.
/// A payload larger than the negotiated frame-max or a wrong end octet is 501 FRAME_ERROR.
/// The payload is a slice of the input: it is only valid until the reader advances.
/// </summary>
public static class FrameReader
{
    /// <summary>The protocol header this server speaks.</summary>
    public static ReadOnlySpan<byte> ProtocolHeader => "AMQP\0\0\x09\x01"u8;

    /// <summary>
    /// Reads one frame. <paramref name="frameMax"/> bounds the whole frame (header and end octet
    /// included), as the spec's frame-max does.
    /// </summary>
    public static FrameStatus TryRead(ref ReadOnlySequence<byte> buffer, uint frameMax, out byte type, out ushort channel,
        out ReadOnlySequence<byte> payload)
    {
        type = 0; channel = 0; payload = default;
        if (buffer.Length < 7) return FrameStatus.NeedMoreData;
        Span<byte> head = stackalloc byte[7];
        buffer.Slice(0, 7).CopyTo(head);
        type = head[0];
        channel = BinaryPrimitives.ReadUInt16BigEndian(head[1..]);
        uint size = BinaryPrimitives.ReadUInt32BigEndian(head[3..]);
        if (type is not (FrameType.Method or FrameType.Header or FrameType.Body or FrameType.Heartbeat))
            AmqpException.Connection(ReplyCode.FrameError, $"FRAME_ERROR - unknown frame type {type}");
        if (frameMax != 0 && (ulong)size + 8 > frameMax)
            AmqpException.Connection(ReplyCode.FrameError, $"FRAME_ERROR - frame size {size + 8} larger than frame-max {frameMax}");
        if (buffer.Length < 8 + (long)size) return FrameStatus.NeedMoreData;
        var endOctet = buffer.Slice(7 + size, 1).FirstSpan[0];
        if (endOctet != FrameType.End)
            AmqpException.Connection(ReplyCode.FrameError, $"FRAME_ERROR - frame end octet 0x{endOctet:X2} instead of 0xCE");
        payload = buffer.Slice(7, size);
        buffer = buffer.Slice(8 + size);
        return FrameStatus.Done;
    }
}
