namespace Trove.Net;

/// <summary>
/// Counters a server reports in its stats/INFO output. Per-connection byte and command counts live
/// on <see cref="TroveConnection"/> as plain fields (written by that connection only, so no
/// interlocked traffic on the hot path); totals add the closed connections' sums to the live ones.
/// </summary>
public sealed class ServerStats
{
    private long _closedBytesIn, _closedBytesOut, _closedCommands;
    private long _totalConnections, _rejectedConnections;
    private int _currentConnections;
    internal readonly System.Collections.Concurrent.ConcurrentDictionary<long, TroveConnection> Live = new();

    /// <summary>When the server started (for uptime).</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>Connections open now.</summary>
    public int CurrentConnections => Volatile.Read(ref _currentConnections);

    /// <summary>Connections accepted since start, refused ones included (memcached's total_connections).</summary>
    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    /// <summary>Connections refused for the connection limit (memcached's rejected_connections).</summary>
    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    /// <summary>Bytes read from clients since start.</summary>
    public long BytesIn => Interlocked.Read(ref _closedBytesIn) + Live.Values.Sum(c => c.BytesIn);

    /// <summary>Bytes written to clients since start.</summary>
    public long BytesOut => Interlocked.Read(ref _closedBytesOut) + Live.Values.Sum(c => c.BytesOut);

    /// <summary>Commands processed since start (as counted by the protocol handlers).</summary>
    public long Commands => Interlocked.Read(ref _closedCommands) + Live.Values.Sum(c => c.Commands);

    /// <summary>The connections open now, for "stats conns" and CLIENT LIST.</summary>
    public IEnumerable<TroveConnection> Connections => Live.Values;

    /// <summary>Zero the resettable counters (memcached "stats reset", redis CONFIG RESETSTAT).</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _closedBytesIn, -Live.Values.Sum(c => c.BytesIn));
        Interlocked.Exchange(ref _closedBytesOut, -Live.Values.Sum(c => c.BytesOut));
        Interlocked.Exchange(ref _closedCommands, -Live.Values.Sum(c => c.Commands));
        Interlocked.Exchange(ref _totalConnections, 0);
        Interlocked.Exchange(ref _rejectedConnections, 0);
    }

    internal void OnAccepted() => Interlocked.Increment(ref _totalConnections);

    internal void OnRejected() => Interlocked.Increment(ref _rejectedConnections);

    internal bool TryOpen(int max)
    {
        while (true)
        {
            int cur = Volatile.Read(ref _currentConnections);
            if (cur >= max) return false;
            if (Interlocked.CompareExchange(ref _currentConnections, cur + 1, cur) == cur) return true;
        }
    }

    internal void OnOpened(TroveConnection c) => Live[c.Id] = c;

    internal void OnClosed(TroveConnection c)
    {
        Live.TryRemove(c.Id, out _);
        Interlocked.Add(ref _closedBytesIn, c.BytesIn);
        Interlocked.Add(ref _closedBytesOut, c.BytesOut);
        Interlocked.Add(ref _closedCommands, c.Commands);
        Interlocked.Decrement(ref _currentConnections);
    }
}
