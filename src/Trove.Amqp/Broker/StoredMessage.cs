namespace Trove.Amqp.Broker;

/// <summary>A recovered, unacked persistent message (see <see cref="IMessageStore.Recover"/>).</summary>
/// <param name="Id">The id <see cref="IMessageStore.Append"/> gave it.</param>
/// <param name="Exchange">Exchange it was published to.</param>
/// <param name="RoutingKey">Routing key it was published with.</param>
/// <param name="Properties">Content-header property block as received.</param>
/// <param name="Body">The body, or empty when <paramref name="BodyOnDisk"/>.</param>
/// <param name="BodySize">Body length in bytes (also when the body is on disk).</param>
/// <param name="BodyOnDisk">True when the body must be read with <see cref="IMessageStore.ReadBody"/>.</param>
public readonly record struct StoredMessage(long Id, string Exchange, string RoutingKey,
    ReadOnlyMemory<byte> Properties, ReadOnlyMemory<byte> Body, long BodySize, bool BodyOnDisk);
