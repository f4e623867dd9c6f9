using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Trove.Memcached.Client.Connections;

/// <summary>
/// One server of the list: its connection pool and its dead/alive state.
/// Concurrency: any thread may acquire and release; idle connections sit in a lock-free queue,
/// open connections are counted by a semaphore, and the dead-until time is a single 64-bit
/// field written with <see cref="Volatile"/>. A server that fails (refused or timed-out connect,
/// socket error, timeout on a reply) is dead for <c>DeadRetry</c>: no connection is tried until
/// then, as python-memcached's <c>mark_dead</c>/<c>_check_dead</c> do, and its idle connections are closed.
/// </summary>
internal sealed class ServerNode : IDisposable
{
    private readonly MemcacheClientOptions _options;
    private readonly ConcurrentQueue<MemcacheConnection> _idle = new();
    private readonly SemaphoreSlim _slots;
    private long _deadUntil;
    private int _idleCount;
    private int _openCount;
    private bool _disposed;

    public ServerNode(MemcacheServerEndpoint endpoint, MemcacheClientOptions options)
    {
        Endpoint = endpoint;
        _options = options;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConnectionsPerServer));
    }

    public MemcacheServerEndpoint Endpoint { get; }

    /// <summary>True while the server is inside its dead_retry window.</summary>
    public bool IsDead
    {
        get
        {
            long until = Volatile.Read(ref _deadUntil);
            return until != 0 && Environment.TickCount64 < until;
        }
    }

    /// <summary>Takes the server out of rotation for DeadRetry and closes its idle connections.</summary>
    public void MarkDead(string reason)
    {
        Volatile.Write(ref _deadUntil, Environment.TickCount64 + (long)_options.DeadRetry.TotalMilliseconds);
        _options.Logger?.LogWarning("memcached {Server}: {Reason}. Marking dead for {Seconds} s.", Endpoint, reason, _options.DeadRetry.TotalSeconds);
        while (_idle.TryDequeue(out var c))
        {
            Interlocked.Decrement(ref _idleCount);
            Close(c);
        }
    }

    /// <summary>Ends the dead_retry window now (python-memcached's <c>forget_dead_hosts</c>).</summary>
    public void Revive() => Volatile.Write(ref _deadUntil, 0);

    /// <summary>
    /// python-memcached's <c>connect()</c> probe: false when dead; true when a connection is open;
    /// otherwise opens one (marking the server dead if that fails) and parks it in the pool.
    /// </summary>
    public async ValueTask<bool> EnsureReachableAsync(bool useAsync, CancellationToken ct)
    {
        if (IsDead) return false;
        if (Volatile.Read(ref _openCount) > 0) return true;
        var c = await AcquireAsync(useAsync, ct).ConfigureAwait(false);
        if (c is null) return false;
        Release(c, reusable: true);
        return true;
    }

    private void Close(MemcacheConnection c)
    {
        Interlocked.Decrement(ref _openCount);
        c.Dispose();
    }

    /// <summary>
    /// A connection to use, or null when the server is dead or cannot be reached (in which case it
    /// is marked dead). Waiting for a free slot is bounded by ConnectTimeout.
    /// </summary>
    public async ValueTask<MemcacheConnection?> AcquireAsync(bool useAsync, CancellationToken ct)
    {
        if (IsDead) return null;
        bool gotSlot = useAsync
            ? await _slots.WaitAsync(_options.ConnectTimeout, ct).ConfigureAwait(false)
            : _slots.Wait(_options.ConnectTimeout, ct);
        if (!gotSlot) throw new TimeoutException($"all {_options.MaxConnectionsPerServer} connections to {Endpoint} are busy");
        if (_idle.TryDequeue(out var idle))
        {
            Interlocked.Decrement(ref _idleCount);
            return idle;
        }
        try
        {
            var c = await MemcacheConnection.ConnectAsync(Endpoint, _options.ConnectTimeout, _options.SocketTimeout, useAsync, ct).ConfigureAwait(false);
            Interlocked.Increment(ref _openCount);
            c.OnNoreplyError = line => _options.Logger?.LogWarning("memcached {Server}: error reply to a noreply command: {Line}", Endpoint, line);
            return c;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _slots.Release();
            throw;
        }
        catch (Exception ex)
        {
            _slots.Release();
            MarkDead("connect: " + ex.Message);
            return null;
        }
    }

    /// <summary>Returns a connection: kept for reuse when <paramref name="reusable"/>, closed otherwise.</summary>
    public void Release(MemcacheConnection connection, bool reusable)
    {
        bool keep = reusable && !_disposed && !IsDead;
        if (keep && Interlocked.Increment(ref _idleCount) > _options.MaxIdleConnectionsPerServer)
        {
            Interlocked.Decrement(ref _idleCount);
            keep = false;
        }
        if (keep)
        {
            connection.Trim();
            _idle.Enqueue(connection);
        }
        else
        {
            Close(connection);
        }
        _slots.Release();
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var c)) Close(c);
    }
}
