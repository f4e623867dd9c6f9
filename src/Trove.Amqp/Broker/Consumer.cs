namespace Trove.Amqp.Broker;

/// <summary>
/// The protocol side of a consumer (a channel): the queue asks it whether it can take a message
/// now (prefetch, flow, output backpressure) and hands it messages. Called under the broker lock.
/// </summary>
public interface IConsumerSink
{
    /// <summary>Connection id (exclusive-queue ownership).</summary>
    long ConnectionId { get; }
    /// <summary>True when <paramref name="consumer"/> may receive one more message now.</summary>
    bool CanAccept(Consumer consumer);
    /// <summary>Sends the message to the client (basic.deliver) and records it as unacked unless no-ack.</summary>
    void Deliver(Consumer consumer, AmqpQueue queue, QueuedMessage message, Message content);
    /// <summary>The queue went away: tell the client (server-sent basic.cancel).</summary>
    void Cancelled(Consumer consumer);
}

/// <summary>A basic.consume subscription.</summary>
public sealed class Consumer(IConsumerSink sink, string tag, AmqpQueue queue, bool noAck, bool exclusive, int prefetch)
{
    /// <summary>The channel that consumes.</summary>
    public IConsumerSink Sink { get; } = sink;
    /// <summary>Consumer tag.</summary>
    public string Tag { get; } = tag;
    /// <summary>The queue.</summary>
    public AmqpQueue Queue { get; } = queue;
    /// <summary>Auto-ack.</summary>
    public bool NoAck { get; } = noAck;
    /// <summary>Exclusive consumer.</summary>
    public bool Exclusive { get; } = exclusive;
    /// <summary>Per-consumer prefetch (basic.qos global=false at consume time), 0 = unlimited.</summary>
    public int Prefetch { get; } = prefetch;
    /// <summary>Messages delivered and not yet settled.</summary>
    public int Unacked { get; set; }
}
