using Trove.Amqp.Framing;

namespace Trove.Amqp.Broker;

/// <summary>
/// A virtual host: its exchanges (with the default and amq.* ones pre-declared), queues and
/// bindings, routing, and dead-lettering. All members run under <see cref="Broker.Lock"/>.
/// Durable definitions are written through to <see cref="Broker.Definitions"/>.
/// </summary>
public sealed class VirtualHost
{
    private readonly Dictionary<string, Exchange> _exchanges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AmqpQueue> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<AmqpQueue> _routeScratch = new();

    internal VirtualHost(Broker broker, string name)
    {
        Broker = broker;
        Name = name;
        Add(new Exchange("", ExchangeType.Direct, true, false, false, []));
        foreach (var (n, t) in new[] { ("amq.direct", ExchangeType.Direct), ("amq.fanout", ExchangeType.Fanout),
                     ("amq.topic", ExchangeType.Topic), ("amq.headers", ExchangeType.Headers), ("amq.match", ExchangeType.Headers) })
            Add(new Exchange(n, t, true, false, false, []));
    }

    /// <summary>The broker.</summary>
    public Broker Broker { get; }
    /// <summary>Name ("/" by default).</summary>
    public string Name { get; }
    /// <summary>Exchanges by name.</summary>
    public IReadOnlyDictionary<string, Exchange> Exchanges => _exchanges;
    /// <summary>Queues by name.</summary>
    public IReadOnlyDictionary<string, AmqpQueue> Queues => _queues;

    private void Add(Exchange x) => _exchanges[x.Name] = x;

    /// <summary>Finds an exchange.</summary>
    public Exchange? FindExchange(string name) => _exchanges.GetValueOrDefault(name);

    /// <summary>Finds a queue.</summary>
    public AmqpQueue? FindQueue(string name) => _queues.GetValueOrDefault(name);

    /// <summary>Creates an exchange (the caller checked it does not exist) and persists it if durable.</summary>
    public Exchange DeclareExchange(string name, ExchangeType type, bool durable, bool autoDelete, bool @internal, byte[] args, bool persist = true)
    {
        var x = new Exchange(name, type, durable, autoDelete, @internal, args);
        Add(x);
        if (durable && persist)
            Broker.Definitions.SaveExchange(new ExchangeDefinition(Name, name, Exchange.TypeName(type), autoDelete, @internal, args));
        return x;
    }

    /// <summary>Creates a queue (the caller checked it does not exist) and persists it if durable.</summary>
    public AmqpQueue DeclareQueue(string name, bool durable, bool exclusive, long owner, bool autoDelete, byte[] rawArgs, QueueArguments args, bool persist = true)
    {
        var q = new AmqpQueue(this, name, durable, exclusive, owner, autoDelete, rawArgs, args);
        _queues[name] = q;
        if (durable && persist) Broker.Definitions.SaveQueue(new QueueDefinition(Name, name, autoDelete, rawArgs));
        return q;
    }

    /// <summary>Deletes a queue: its bindings, its stored messages, and its consumers (told unless asked not to).</summary>
    public int DeleteQueue(AmqpQueue q, bool notifyConsumers = true)
    {
        if (q.Deleted) return 0;
        int count = q.MessageCount;
        _queues.Remove(q.Name);
        foreach (var (source, binding) in q.BoundFrom.ToArray())
        {
            source.RemoveBindings(b => b == binding);
            MaybeAutoDeleteExchange(source);
        }
        q.BoundFrom.Clear();
        var consumers = q.MarkDeleted();
        if (q.Durable)
        {
            Broker.Definitions.DeleteQueue(Name, q.Name);
            Broker.Store.DeleteQueue(Name, q.Name);
        }
        foreach (var c in consumers) if (notifyConsumers) c.Sink.Cancelled(c);
        return count;
    }

    /// <summary>Deletes an exchange and every binding from or to it.</summary>
    public void DeleteExchange(Exchange x)
    {
        _exchanges.Remove(x.Name);
        foreach (var b in x.Bindings) b.Queue?.BoundFrom.RemoveAll(e => e.Binding == b);
        x.Bindings.Clear();
        foreach (var other in _exchanges.Values) other.RemoveBindings(b => b.Destination == x);
        if (x.Durable) Broker.Definitions.DeleteExchange(Name, x.Name);
    }

    /// <summary>An auto-delete exchange goes when its last binding as source goes.</summary>
    public void MaybeAutoDeleteExchange(Exchange x)
    {
        if (x.AutoDelete && x.Bindings.Count == 0 && _exchanges.ContainsKey(x.Name)) DeleteExchange(x);
    }

    /// <summary>Binds; false when the binding already existed.</summary>
    public bool Bind(Exchange source, AmqpQueue? queue, Exchange? destination, string key, byte[] rawArgs)
    {
        var b = new Binding(key, FieldTable.Decode(rawArgs), rawArgs, queue, destination);
        if (!source.AddBinding(b)) return false;
        queue?.BoundFrom.Add((source, b));
        bool durable = source.Durable && (queue?.Durable ?? destination!.Durable);
        if (durable && source.Name != "")
            Broker.Definitions.SaveBinding(new BindingDefinition(Name, source.Name, queue?.Name ?? destination!.Name, queue is null, key, rawArgs));
        return true;
    }

    /// <summary>Unbinds (no-op when absent).</summary>
    public void Unbind(Exchange source, AmqpQueue? queue, Exchange? destination, string key, byte[] rawArgs)
    {
        var removed = source.RemoveBindings(b => b.SameAs(key, rawArgs, queue, destination));
        foreach (var b in removed)
        {
            queue?.BoundFrom.RemoveAll(e => e.Binding == b);
            Broker.Definitions.DeleteBinding(new BindingDefinition(Name, source.Name, queue?.Name ?? destination!.Name, queue is null, key, rawArgs));
        }
        if (removed.Count > 0) MaybeAutoDeleteExchange(source);
    }

    /// <summary>
    /// The queues a message reaches. The default exchange routes to the queue named by the key.
    /// The returned set is scratch space reused by the next call.
    /// </summary>
    public HashSet<AmqpQueue> Route(Exchange x, string routingKey, Func<Dictionary<string, object?>?> headers)
    {
        _routeScratch.Clear();
        if (x.Name == "")
        {
            if (_queues.TryGetValue(routingKey, out var q)) _routeScratch.Add(q);
        }
        else x.Route(routingKey, headers, _routeScratch, null);
        return _routeScratch;
    }

    /// <summary>
    /// Republishes a dropped message to the queue's dead-letter exchange with an x-death record, as
    /// RabbitMQ does (reason rejected, expired or maxlen). A missing exchange drops it.
    /// </summary>
    internal void DeadLetter(AmqpQueue from, Message m, string dlxName, string reason)
    {
        if (!_exchanges.TryGetValue(dlxName, out var dlx)) return;
        string key = from.Arguments.DeadLetterRoutingKey ?? m.RoutingKey;
        var props = BasicProperties.Decode(m.Properties);
        var headers = props.Headers ?? new Dictionary<string, object?>(StringComparer.Ordinal);
        var deaths = headers.TryGetValue("x-death", out var xd) && xd is List<object?> list ? list : new List<object?>();
        Dictionary<string, object?>? existing = null;
        foreach (var d in deaths)
            if (d is Dictionary<string, object?> t && t.GetValueOrDefault("queue") as string == from.Name && t.GetValueOrDefault("reason") as string == reason)
                existing = t;
        if (existing is not null)
        {
            existing["count"] = Convert.ToInt64(existing.GetValueOrDefault("count") ?? 0L) + 1;
            deaths.Remove(existing);
            deaths.Insert(0, existing);
        }
        else
        {
            var death = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["count"] = 1L, ["reason"] = reason, ["queue"] = from.Name,
                ["time"] = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
                ["exchange"] = m.Exchange, ["routing-keys"] = new List<object?> { m.RoutingKey },
            };
            if (reason == "expired" && props.Expiration is { } exp) death["original-expiration"] = exp;
            deaths.Insert(0, death);
        }
        headers["x-death"] = deaths;
        if (!headers.ContainsKey("x-first-death-reason"))
        {
            headers["x-first-death-reason"] = reason;
            headers["x-first-death-queue"] = from.Name;
            headers["x-first-death-exchange"] = m.Exchange;
        }
        props.Values[2] = headers;
        if (reason == "expired") props.Values[7] = null;
        var dead = new Message(dlxName, key, props.Encode(), m.Body, m.Persistent);
        foreach (var q in Route(dlx, key, () => headers).ToArray())
            if (q != from || reason != "expired") q.Enqueue(dead, out _);
    }

    /// <summary>Periodic work: expire message heads, delete queues unused for x-expires.</summary>
    internal void Sweep()
    {
        long now = Environment.TickCount64;
        foreach (var q in _queues.Values.ToArray())
        {
            q.ExpireHead();
            if (q.Arguments.Expires > 0 && q.ConsumerCount == 0 && now - q.LastUsed > q.Arguments.Expires) DeleteQueue(q);
        }
    }
}
