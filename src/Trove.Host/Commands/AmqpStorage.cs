using Trove.Amqp.Broker;
using Trove.Amqp.Storage;

namespace Trove.Host.Commands;

/// <summary>
/// The storage `trove amqp --data DIR` uses: the disk stores of Trove.Amqp.Storage (segment message
/// store, definitions log, memory and disk alarms with RabbitMQ's default thresholds).
/// </summary>
internal static class AmqpStorage
{
    /// <summary>The provider for data directories.</summary>
    public static IStorageProvider Provider => DiskStorage.Default;
}
