namespace Trove.Amqp.Broker;

/// <summary>
/// Durable definitions: vhosts, users, permissions, and durable exchanges, queues and bindings
/// (implemented by Storage/). Each Save/Delete is durable when it returns (the broker replies
/// declare-ok after it). Saving an existing key replaces it. The broker calls these under its lock;
/// the management CLI (`trove amqp user add ...`) opens the same directory while no broker runs.
/// Arguments are AMQP field tables in wire encoding (the store keeps them as opaque bytes;
/// Framing.FieldTable decodes them for display).
/// </summary>
public interface IDefinitionStore : IDisposable
{
    /// <summary>Everything saved so far; called once at start.</summary>
    Definitions Load();

    /// <summary>Creates or replaces a vhost.</summary>
    void SaveVhost(string name);
    /// <summary>Removes a vhost and everything in it (its exchanges, queues, bindings, permissions).</summary>
    void DeleteVhost(string name);

    /// <summary>Creates or replaces a user.</summary>
    void SaveUser(UserDefinition user);
    /// <summary>Removes a user and its permissions.</summary>
    void DeleteUser(string name);

    /// <summary>Creates or replaces a user's permissions in a vhost.</summary>
    void SavePermission(PermissionDefinition permission);
    /// <summary>Removes a user's permissions in a vhost.</summary>
    void DeletePermission(string vhost, string user);

    /// <summary>Creates or replaces a durable exchange.</summary>
    void SaveExchange(ExchangeDefinition exchange);
    /// <summary>Removes a durable exchange and the bindings with it as source or destination.</summary>
    void DeleteExchange(string vhost, string name);

    /// <summary>Creates or replaces a durable queue.</summary>
    void SaveQueue(QueueDefinition queue);
    /// <summary>Removes a durable queue and the bindings with it as destination.</summary>
    void DeleteQueue(string vhost, string name);

    /// <summary>Adds a binding between durable objects (idempotent).</summary>
    void SaveBinding(BindingDefinition binding);
    /// <summary>Removes a binding (no-op when absent).</summary>
    void DeleteBinding(BindingDefinition binding);
}
