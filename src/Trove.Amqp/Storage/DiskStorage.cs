using Trove.Amqp.Broker;

namespace Trove.Amqp.Storage;

/// <summary>
/// The disk implementation of <see cref="IStorageProvider"/> for <c>trove amqp --data DIR</c>:
/// messages in <c>DIR/msgs/</c> (<see cref="MessageStore"/>), definitions in
/// <c>DIR/definitions.log</c> (<see cref="DefinitionStore"/>), flow control on DIR's file system and
/// this process's memory (<see cref="ResourceMonitor"/>).
/// </summary>
public sealed class DiskStorage(MessageStoreOptions? messages = null, ResourceMonitorOptions? monitor = null) : IStorageProvider
{
    /// <summary>Defaults: 8 MiB segments with fsync, 0.4 of memory, 50 MB free disk.</summary>
    public static DiskStorage Default { get; } = new();

    /// <inheritdoc />
    public IMessageStore OpenMessages(string dataDir) => MessageStore.Open(Path.Combine(dataDir, "msgs"), messages);

    /// <inheritdoc />
    public IDefinitionStore OpenDefinitions(string dataDir) => DefinitionStore.Open(dataDir);

    /// <inheritdoc />
    public IResourceMonitor? OpenMonitor(string dataDir) => new ResourceMonitor(dataDir, monitor);
}
