namespace Trove.Amqp.Broker;

/// <summary>
/// A published message, shared by every queue it was routed to. Immutable after publish except for
/// <see cref="Body"/>, which the queue may drop after paging it to the store.
/// </summary>
public sealed class Message(string exchange, string routingKey, byte[] properties, ReadOnlyMemory<byte> body, bool persistent)
{
    /// <summary>Exchange it was published to ("" for the default exchange).</summary>
    public string Exchange { get; } = exchange;
    /// <summary>Routing key it was published with.</summary>
    public string RoutingKey { get; } = routingKey;
    /// <summary>The content-header property block as received (passed through unchanged).</summary>
    public byte[] Properties { get; } = properties;
    /// <summary>The body.</summary>
    public ReadOnlyMemory<byte> Body { get; } = body;
    /// <summary>delivery-mode 2.</summary>
    public bool Persistent { get; } = persistent;
    /// <summary>Per-message expiration in ms (the expiration property), or -1.</summary>
    public long ExpirationMs { get; init; } = -1;
}

/// <summary>
/// A message in one queue: the shared <see cref="Message"/> (or only a store reference when its body
/// lives on disk), the store id when persisted, the expiry deadline and the redelivered flag.
/// </summary>
public sealed class QueuedMessage(Message? message, long storeId, long expiresAt)
{
    /// <summary>The message; null when the body is paged out (<see cref="Stored"/> holds it).</summary>
    public Message? Message { get; set; } = message;
    /// <summary>Header fields of a paged-out message (exchange, routing key, properties, body size).</summary>
    public StoredMessage Stored { get; set; }
    /// <summary>Id in the message store, 0 when not persisted.</summary>
    public long StoreId { get; } = storeId;
    /// <summary>Environment.TickCount64 deadline, or long.MaxValue.</summary>
    public long ExpiresAt { get; } = expiresAt;
    /// <summary>Delivered before and requeued.</summary>
    public bool Redelivered { get; set; }
}
