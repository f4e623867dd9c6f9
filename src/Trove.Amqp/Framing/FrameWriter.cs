namespace Trove.Amqp.Framing;

/// <summary>Builds frames into a <see cref="ByteWriter"/>.</summary>
public static class FrameWriter
{
    /// <summary>A method frame on <paramref name="channel"/>.</summary>
    public static void Method(ByteWriter w, ushort channel, AmqpMethod method, params ReadOnlySpan<object?> values)
    {
        int sizeAt = Begin(w, FrameType.Method, channel);
        MethodCodec.Encode(w, method, values);
        End(w, sizeAt);
    }

    /// <summary>A heartbeat frame.</summary>
    public static void Heartbeat(ByteWriter w)
    {
        int sizeAt = Begin(w, FrameType.Heartbeat, 0);
        End(w, sizeAt);
    }

    /// <summary>
    /// basic.deliver plus content, written without the generic encoder (the hot path).
    /// </summary>
    public static void Deliver(ByteWriter w, ushort channel, string consumerTag, ulong deliveryTag, bool redelivered,
        string exchange, string routingKey, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body, uint frameMax)
    {
        int sizeAt = Begin(w, FrameType.Method, channel);
        w.WriteUInt16(60); w.WriteUInt16(60);
        w.WriteShortStr(consumerTag);
        w.WriteUInt64(deliveryTag);
        w.WriteByte(redelivered ? (byte)1 : (byte)0);
        w.WriteShortStr(exchange);
        w.WriteShortStr(routingKey);
        End(w, sizeAt);
        Content(w, channel, properties, body, frameMax);
    }

    /// <summary>A content header frame (class basic) and body frames split by frame-max.</summary>
    public static void Content(ByteWriter w, ushort channel, ReadOnlySpan<byte> properties, ReadOnlySpan<byte> body, uint frameMax)
    {
        int sizeAt = Begin(w, FrameType.Header, channel);
        w.WriteUInt16(60);
        w.WriteUInt16(0);
        w.WriteUInt64((ulong)body.Length);
        if (properties.IsEmpty) w.WriteUInt16(0);
        else w.Write(properties);
        End(w, sizeAt);
        int chunk = (int)Math.Min(frameMax == 0 ? int.MaxValue : frameMax - 8, int.MaxValue);
        while (!body.IsEmpty)
        {
            int n = Math.Min(chunk, body.Length);
            int at = Begin(w, FrameType.Body, channel);
            w.Write(body[..n]);
            End(w, at);
            body = body[n..];
        }
    }

    private static int Begin(ByteWriter w, byte type, ushort channel)
    {
        w.WriteByte(type);
        w.WriteUInt16(channel);
        return w.Reserve(4);
    }

    private static void End(ByteWriter w, int sizeAt)
    {
        w.PatchInt32(sizeAt, w.Length - sizeAt - 4);
        w.WriteByte(FrameType.End);
    }
}
