namespace Trove.Amqp.Broker;

/// <summary>
/// Stores that keep nothing across a restart: the message store hands out ids and completes at once,
/// the definition store keeps definitions in memory (so a broker without a data directory still
/// behaves the same within one process).
/// </summary>
public sealed class InMemoryStorage : IStorageProvider
{
    /// <summary>The shared instance.</summary>
    public static InMemoryStorage Instance { get; } = new();

    /// <inheritdoc />
    public IMessageStore OpenMessages(string dataDir) => new NullMessageStore();

    /// <inheritdoc />
    public IDefinitionStore OpenDefinitions(string dataDir) => new MemoryDefinitionStore();

    /// <inheritdoc />
    public IResourceMonitor? OpenMonitor(string dataDir) => null;
}

/// <summary>A message store that stores nothing (transient use): appends are "durable" at once.</summary>
public sealed class NullMessageStore : IMessageStore
{
    private long _nextId;

    /// <inheritdoc />
    public StoreWrite Append(string vhost, string queue, string exchange, string routingKey,
        ReadOnlyMemory<byte> properties, ReadOnlyMemory<byte> body)
        => new(Interlocked.Increment(ref _nextId), Task.CompletedTask);

    /// <inheritdoc />
    public void Ack(string vhost, string queue, long id) { }

    /// <inheritdoc />
    public IEnumerable<StoredMessage> Recover(string vhost, string queue) => [];

    /// <inheritdoc />
    public ReadOnlyMemory<byte> ReadBody(string vhost, string queue, long id)
        => throw new InvalidOperationException("the null store never pages bodies out");

    /// <inheritdoc />
    public void PurgeQueue(string vhost, string queue) { }

    /// <inheritdoc />
    public void DeleteQueue(string vhost, string queue) { }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Definitions in memory only.</summary>
public sealed class MemoryDefinitionStore : IDefinitionStore
{
    private readonly Lock _lock = new();
    private readonly Definitions _d = new();

    /// <inheritdoc />
    public Definitions Load()
    {
        lock (_lock)
        {
            var copy = new Definitions();
            copy.Vhosts.AddRange(_d.Vhosts); copy.Users.AddRange(_d.Users); copy.Permissions.AddRange(_d.Permissions);
            copy.Exchanges.AddRange(_d.Exchanges); copy.Queues.AddRange(_d.Queues); copy.Bindings.AddRange(_d.Bindings);
            return copy;
        }
    }

    /// <inheritdoc />
    public void SaveVhost(string name) { lock (_lock) if (!_d.Vhosts.Contains(name)) _d.Vhosts.Add(name); }

    /// <inheritdoc />
    public void DeleteVhost(string name)
    {
        lock (_lock)
        {
            _d.Vhosts.Remove(name);
            _d.Permissions.RemoveAll(p => p.Vhost == name);
            _d.Exchanges.RemoveAll(e => e.Vhost == name);
            _d.Queues.RemoveAll(q => q.Vhost == name);
            _d.Bindings.RemoveAll(b => b.Vhost == name);
        }
    }

    /// <inheritdoc />
    public void SaveUser(UserDefinition user) { lock (_lock) { _d.Users.RemoveAll(u => u.Name == user.Name); _d.Users.Add(user); } }

    /// <inheritdoc />
    public void DeleteUser(string name) { lock (_lock) { _d.Users.RemoveAll(u => u.Name == name); _d.Permissions.RemoveAll(p => p.User == name); } }

    /// <inheritdoc />
    public void SavePermission(PermissionDefinition permission)
    {
        lock (_lock) { DeletePermission(permission.Vhost, permission.User); _d.Permissions.Add(permission); }
    }

    /// <inheritdoc />
    public void DeletePermission(string vhost, string user) { lock (_lock) _d.Permissions.RemoveAll(p => p.Vhost == vhost && p.User == user); }

    /// <inheritdoc />
    public void SaveExchange(ExchangeDefinition exchange)
    {
        lock (_lock) { _d.Exchanges.RemoveAll(e => e.Vhost == exchange.Vhost && e.Name == exchange.Name); _d.Exchanges.Add(exchange); }
    }

    /// <inheritdoc />
    public void DeleteExchange(string vhost, string name)
    {
        lock (_lock)
        {
            _d.Exchanges.RemoveAll(e => e.Vhost == vhost && e.Name == name);
            _d.Bindings.RemoveAll(b => b.Vhost == vhost && (b.Source == name || (b.DestinationIsExchange && b.Destination == name)));
        }
    }

    /// <inheritdoc />
    public void SaveQueue(QueueDefinition queue)
    {
        lock (_lock) { _d.Queues.RemoveAll(q => q.Vhost == queue.Vhost && q.Name == queue.Name); _d.Queues.Add(queue); }
    }

    /// <inheritdoc />
    public void DeleteQueue(string vhost, string name)
    {
        lock (_lock)
        {
            _d.Queues.RemoveAll(q => q.Vhost == vhost && q.Name == name);
            _d.Bindings.RemoveAll(b => b.Vhost == vhost && !b.DestinationIsExchange && b.Destination == name);
        }
    }

    /// <inheritdoc />
    public void SaveBinding(BindingDefinition binding) { lock (_lock) if (!_d.Bindings.Contains(binding)) _d.Bindings.Add(binding); }

    /// <inheritdoc />
    public void DeleteBinding(BindingDefinition binding) { lock (_lock) _d.Bindings.Remove(binding); }

    /// <inheritdoc />
    public void Dispose() { }
}
