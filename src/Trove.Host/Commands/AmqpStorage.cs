using Trove.Amqp.Broker;

namespace Trove.Host.Commands;

/// <summary>
/// The storage `trove amqp --data DIR` uses. In-memory until the disk store (Trove.Amqp.Storage)
/// is wired in by the durability work; one line to change.
/// </summary>
internal static class AmqpStorage
{
    /// <summary>The provider for data directories.</summary>
    public static IStorageProvider Provider => InMemoryStorage.Instance;
}
