namespace Trove.Amqp.Broker;

/// <summary>
/// One queue: ready messages in FIFO order, its consumers served round-robin, and its arguments
/// (TTL, max-length and overflow, dead-lettering, expiry of the unused queue).
/// <para>
/// Concurrency: every member is called under the broker lock (<see cref="Broker.Lock"/>); the queue
/// takes no lock of its own. Unacked messages are not here: the channel that delivered them holds
/// them and gives them back through <see cref="Requeue"/> or settles them through <see cref="Settle"/>.
/// </para>
/// </summary>
public sealed class AmqpQueue
{
    private readonly LinkedList<QueuedMessage> _ready = new();
    private readonly List<Consumer> _consumers = new();
    private int _next;
    private bool _dispatching;

    /// <summary>Creates a queue in <paramref name="vhost"/>.</summary>
    public AmqpQueue(VirtualHost vhost, string name, bool durable, bool exclusive, long ownerConnection, bool autoDelete,
        byte[] rawArguments, QueueArguments arguments)
    {
        Vhost = vhost; Name = name; Durable = durable; Exclusive = exclusive; OwnerConnection = ownerConnection;
        AutoDelete = autoDelete; RawArguments = rawArguments; Arguments = arguments;
        LastUsed = Environment.TickCount64;
    }

    /// <summary>The vhost.</summary>
    public VirtualHost Vhost { get; }
    /// <summary>Name.</summary>
    public string Name { get; }
    /// <summary>Survives a restart.</summary>
    public bool Durable { get; }
    /// <summary>Owned by one connection.</summary>
    public bool Exclusive { get; }
    /// <summary>Owning connection id when exclusive.</summary>
    public long OwnerConnection { get; }
    /// <summary>Deleted when its last consumer is cancelled (after it had one).</summary>
    public bool AutoDelete { get; }
    /// <summary>Wire-encoded declare arguments.</summary>
    public byte[] RawArguments { get; }
    /// <summary>Parsed arguments.</summary>
    public QueueArguments Arguments { get; }
    /// <summary>Bindings that target this queue (so deleting the queue can remove them).</summary>
    public List<(Exchange Source, Binding Binding)> BoundFrom { get; } = new();
    /// <summary>Set once the queue is deleted; late operations on it are no-ops.</summary>
    public bool Deleted { get; private set; }
    /// <summary>Environment.TickCount64 of the last use (x-expires).</summary>
    public long LastUsed { get; set; }

    /// <summary>Ready messages.</summary>
    public int MessageCount => _ready.Count;
    /// <summary>Consumers.</summary>
    public int ConsumerCount => _consumers.Count;
    /// <summary>The consumers.</summary>
    public IReadOnlyList<Consumer> Consumers => _consumers;
    /// <summary>True when an exclusive consumer holds the queue.</summary>
    public bool HasExclusiveConsumer => _consumers.Count == 1 && _consumers[0].Exclusive;

    private IMessageStore Store => Vhost.Broker.Store;

    /// <summary>
    /// Adds a routed message. Returns false when x-overflow reject-publish refuses it (the publisher
    /// gets a nack). <paramref name="durable"/> receives the store's durability task, if persisted.
    /// </summary>
    public bool Enqueue(Message message, out Task? durable)
    {
        durable = null;
        var a = Arguments;
        if (a.MaxLength >= 0 && _ready.Count >= a.MaxLength)
        {
            if (a.RejectPublish) return false;
            while (_ready.Count >= a.MaxLength && _ready.Count > 0)
            {
                var head = _ready.First!.Value;
                _ready.RemoveFirst();
                Drop(head, "maxlen");
            }
            if (a.MaxLength == 0)
            {
                var m = new QueuedMessage(message, 0, long.MaxValue);
                Drop(m, "maxlen");
                return true;
            }
        }
        long storeId = 0;
        if (message.Persistent && Durable)
        {
            var w = Store.Append(Vhost.Name, Name, message.Exchange, message.RoutingKey, message.Properties, message.Body);
            storeId = w.Id;
            durable = w.Durable;
        }
        long ttl = a.MessageTtl;
        if (message.ExpirationMs >= 0 && (ttl < 0 || message.ExpirationMs < ttl)) ttl = message.ExpirationMs;
        long expiresAt = ttl >= 0 ? Environment.TickCount64 + ttl : long.MaxValue;
        _ready.AddLast(new QueuedMessage(message, storeId, expiresAt));
        Dispatch();
        return true;
    }

    /// <summary>Adds a message recovered from the store at start.</summary>
    public void Restore(StoredMessage m)
    {
        var qm = new QueuedMessage(m.BodyOnDisk ? null : new Message(m.Exchange, m.RoutingKey, m.Properties.ToArray(), m.Body, true),
            m.Id, long.MaxValue) { Stored = m };
        _ready.AddLast(qm);
    }

    /// <summary>Attaches a consumer and starts delivering to it.</summary>
    public void AddConsumer(Consumer c)
    {
        _consumers.Add(c);
        LastUsed = Environment.TickCount64;
        Dispatch();
    }

    /// <summary>Detaches a consumer; deletes an auto-delete queue that lost its last one.</summary>
    public void RemoveConsumer(Consumer c)
    {
        int i = _consumers.IndexOf(c);
        if (i < 0) return;
        _consumers.RemoveAt(i);
        if (_next > i) _next--;
        LastUsed = Environment.TickCount64;
        if (AutoDelete && _consumers.Count == 0 && !Deleted) Vhost.DeleteQueue(this, notifyConsumers: false);
    }

    /// <summary>
    /// Delivers ready messages to consumers that can take them, round-robin, until the queue is empty
    /// or no consumer can accept. Re-entrant calls (a delivery that triggers another dispatch) return.
    /// </summary>
    public void Dispatch()
    {
        if (_dispatching || Deleted) return;
        _dispatching = true;
        try
        {
            while (_ready.Count > 0 && _consumers.Count > 0)
            {
                Consumer? chosen = null;
                for (int tries = 0; tries < _consumers.Count; tries++)
                {
                    if (_next >= _consumers.Count) _next = 0;
                    var c = _consumers[_next++];
                    if (c.Sink.CanAccept(c)) { chosen = c; break; }
                }
                if (chosen is null) return;
                var qm = TakeHead();
                if (qm is null) return;
                chosen.Sink.Deliver(chosen, this, qm, Content(qm));
                if (chosen.NoAck) Settle(qm);
            }
        }
        finally { _dispatching = false; }
    }

    /// <summary>The next unexpired ready message (expired ones are dead-lettered), or null.</summary>
    public QueuedMessage? TakeHead()
    {
        long now = Environment.TickCount64;
        while (_ready.First is { } node)
        {
            _ready.RemoveFirst();
            if (node.Value.ExpiresAt < now) { Drop(node.Value, "expired"); continue; }
            return node.Value;
        }
        return null;
    }

    /// <summary>The message content, reading a paged-out body from the store.</summary>
    public Message Content(QueuedMessage qm)
    {
        if (qm.Message is { } m) return m;
        var s = qm.Stored;
        var body = Store.ReadBody(Vhost.Name, Name, s.Id);
        return new Message(s.Exchange, s.RoutingKey, s.Properties.ToArray(), body, true);
    }

    /// <summary>Dead-letters expired messages at the head (RabbitMQ expires from the head only).</summary>
    public void ExpireHead()
    {
        long now = Environment.TickCount64;
        while (_ready.First is { } node && node.Value.ExpiresAt < now)
        {
            _ready.RemoveFirst();
            Drop(node.Value, "expired");
        }
    }

    /// <summary>Puts unacked messages back at the head, in the given order, marked redelivered.</summary>
    public void Requeue(IReadOnlyList<QueuedMessage> messages)
    {
        if (Deleted) { foreach (var m in messages) Settle(m); return; }
        for (int i = messages.Count - 1; i >= 0; i--)
        {
            messages[i].Redelivered = true;
            _ready.AddFirst(messages[i]);
        }
        Dispatch();
    }

    /// <summary>The message is done with (acked or auto-acked): forget it in the store.</summary>
    public void Settle(QueuedMessage qm)
    {
        if (qm.StoreId != 0 && !Deleted) Store.Ack(Vhost.Name, Name, qm.StoreId);
    }

    /// <summary>Rejected without requeue, expired or pushed out: dead-letter when configured, then settle.</summary>
    public void Drop(QueuedMessage qm, string reason)
    {
        if (Arguments.DeadLetterExchange is { } dlx) Vhost.DeadLetter(this, Content(qm), dlx, reason);
        Settle(qm);
    }

    /// <summary>Removes every ready message; returns how many.</summary>
    public int Purge()
    {
        int n = _ready.Count;
        foreach (var qm in _ready) Settle(qm);
        _ready.Clear();
        if (Durable) Store.PurgeQueue(Vhost.Name, Name);
        return n;
    }

    /// <summary>Marks the queue deleted and returns its consumers (the vhost tells their channels).</summary>
    internal List<Consumer> MarkDeleted()
    {
        Deleted = true;
        var cs = new List<Consumer>(_consumers);
        _consumers.Clear();
        _ready.Clear();
        return cs;
    }
}
