namespace Trove.Amqp.Broker;

/// <summary>
/// Flow control (implemented by Storage/): memory and free-disk alarms. While <see cref="IsBlocked"/>,
/// connections that publish get connection.blocked(<see cref="Reason"/>) and their publishes are not
/// read until connection.unblocked.
/// </summary>
public interface IResourceMonitor
{
    /// <summary>True while an alarm is raised.</summary>
    bool IsBlocked { get; }
    /// <summary>Why ("low on memory", "low on disk space").</summary>
    string Reason { get; }
    /// <summary>Raised (on any thread) when <see cref="IsBlocked"/> changes.</summary>
    event Action? Changed;
}
