namespace Trove.Amqp.Broker;

/// <summary>
/// Result of <see cref="IMessageStore.Append"/>: the message's id in the queue's log, and a task that
/// completes when the record is fsynced (shared by every append of the same group commit).
/// </summary>
/// <param name="Id">Durable id, unique and increasing per queue.</param>
/// <param name="Durable">Completes once the record is on disk; faults if it can never be.</param>
public readonly record struct StoreWrite(long Id, Task Durable);
