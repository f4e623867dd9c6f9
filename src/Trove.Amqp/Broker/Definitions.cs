namespace Trove.Amqp.Broker;

/// <summary>Everything an <see cref="IDefinitionStore"/> holds, as loaded at start.</summary>
public sealed class Definitions
{
    /// <summary>Virtual host names.</summary>
    public List<string> Vhosts { get; } = new();
    /// <summary>Users.</summary>
    public List<UserDefinition> Users { get; } = new();
    /// <summary>Permissions per (vhost, user).</summary>
    public List<PermissionDefinition> Permissions { get; } = new();
    /// <summary>Durable exchanges.</summary>
    public List<ExchangeDefinition> Exchanges { get; } = new();
    /// <summary>Durable queues.</summary>
    public List<QueueDefinition> Queues { get; } = new();
    /// <summary>Bindings between durable objects.</summary>
    public List<BindingDefinition> Bindings { get; } = new();
}

/// <summary>A user. <paramref name="PasswordHash"/> is RabbitMQ's scheme: base64(salt4 ‖ SHA-256(salt4 ‖ utf8(password))).</summary>
public sealed record UserDefinition(string Name, string PasswordHash, string Tags);

/// <summary>A user's configure/write/read regular expressions in a vhost (RabbitMQ's semantics).</summary>
public sealed record PermissionDefinition(string Vhost, string User, string Configure, string Write, string Read);

/// <summary>A durable exchange; <paramref name="Arguments"/> is a wire-encoded field table.</summary>
public sealed record ExchangeDefinition(string Vhost, string Name, string Type, bool AutoDelete, bool Internal, byte[] Arguments);

/// <summary>A durable queue; <paramref name="Arguments"/> is a wire-encoded field table.</summary>
public sealed record QueueDefinition(string Vhost, string Name, bool AutoDelete, byte[] Arguments);

/// <summary>
/// A binding from exchange <paramref name="Source"/> to a queue or (when
/// <paramref name="DestinationIsExchange"/>) an exchange. <paramref name="Arguments"/> is a
/// wire-encoded field table. Identity is all fields, arguments compared byte-wise.
/// </summary>
public sealed record BindingDefinition(string Vhost, string Source, string Destination, bool DestinationIsExchange,
    string RoutingKey, byte[] Arguments)
{
    /// <inheritdoc />
    public bool Equals(BindingDefinition? other) => other is not null && Vhost == other.Vhost && Source == other.Source
        && Destination == other.Destination && DestinationIsExchange == other.DestinationIsExchange
        && RoutingKey == other.RoutingKey && Arguments.AsSpan().SequenceEqual(other.Arguments);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Vhost, Source, Destination, DestinationIsExchange, RoutingKey, Arguments.Length);
}
