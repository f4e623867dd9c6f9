namespace Trove.Amqp.Broker;

/// <summary>
/// Opens the stores for a data directory. The broker takes one of these in its options:
/// <see cref="InMemoryStorage"/> for tests and transient use, Storage/'s disk implementation for
/// `trove amqp --data DIR`. The management CLI uses only <see cref="OpenDefinitions"/>.
/// </summary>
public interface IStorageProvider
{
    /// <summary>The message store under <paramref name="dataDir"/> (created when missing).</summary>
    IMessageStore OpenMessages(string dataDir);
    /// <summary>The definitions store under <paramref name="dataDir"/> (created when missing).</summary>
    IDefinitionStore OpenDefinitions(string dataDir);
    /// <summary>Flow-control alarms for <paramref name="dataDir"/>'s disk and this process's memory, or null for none.</summary>
    IResourceMonitor? OpenMonitor(string dataDir);
}
