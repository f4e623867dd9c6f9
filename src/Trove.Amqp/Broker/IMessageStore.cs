namespace Trove.Amqp.Broker;

/// <summary>
/// The broker's seam to message persistence (implemented by Storage/, owned by the durability work).
/// <para>
/// Contract. Only persistent messages (delivery_mode 2) routed to durable queues reach the store;
/// transient messages never do. One <see cref="Append"/> per (queue, message): a message routed to
/// two durable queues is appended twice. The broker calls every method under its own lock for the
/// vhost, so implementations see calls for one queue in order; they must still be thread-safe across
/// vhosts and against their own background flusher.
/// </para>
/// <para>
/// Durability. <see cref="Append"/> assigns the id at once (so FIFO order and acks can refer to it
/// before the disk write) and returns a task that completes when the record is fsynced; many appends
/// share one fsync (group commit). The broker sends the publisher confirm only after that task
/// completes, and may call <see cref="Ack"/> for an id whose write is still in flight.
/// </para>
/// <para>
/// Not the store's job: routing, TTL, dead-lettering, redelivery counts, consumer state.
/// </para>
/// </summary>
public interface IMessageStore : IAsyncDisposable
{
    /// <summary>
    /// Appends a message to <paramref name="queue"/>'s log. <paramref name="properties"/> is the AMQP
    /// content-header property block exactly as received (flags plus property list, no class id,
    /// weight or body size). Returns the durable id (unique and increasing per queue) and a task that
    /// completes once the record is on disk, or faults when it can never be (the broker then nacks).
    /// </summary>
    StoreWrite Append(string vhost, string queue, string exchange, string routingKey,
        ReadOnlyMemory<byte> properties, ReadOnlyMemory<byte> body);

    /// <summary>
    /// The message is settled (acked, dropped by TTL/max-length, or dead-lettered elsewhere): it must
    /// not come back after a restart. Need not be durable at once (an ack lost in a crash means a
    /// redelivery, which AMQP allows).
    /// </summary>
    void Ack(string vhost, string queue, long id);

    /// <summary>
    /// The unacked messages of a durable queue after a restart, in append order. Called once per queue
    /// at start, before any client connects. <see cref="StoredMessage.Body"/> may be empty with
    /// <see cref="StoredMessage.BodyOnDisk"/> set; the broker then calls <see cref="ReadBody"/> when
    /// it delivers the message.
    /// </summary>
    IEnumerable<StoredMessage> Recover(string vhost, string queue);

    /// <summary>Reads the body of a message whose body was left on disk (paging).</summary>
    ReadOnlyMemory<byte> ReadBody(string vhost, string queue, long id);

    /// <summary>Every message of the queue is gone (queue.purge).</summary>
    void PurgeQueue(string vhost, string queue);

    /// <summary>The queue is deleted: drop its files.</summary>
    void DeleteQueue(string vhost, string queue);
}
