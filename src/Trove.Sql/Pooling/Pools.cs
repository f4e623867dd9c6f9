using System.Data.Common;
using System.Diagnostics;

namespace Trove.Sql.Pooling;

/// <summary>
/// SQLAlchemy's QueuePool: up to <c>poolSize</c> idle connections kept, up to <c>maxOverflow</c> more opened
/// under load and closed on return; a checkout beyond both waits up to <c>timeout</c> and then throws
/// <see cref="PoolTimeoutException"/>. Capacity is a semaphore so sync and async checkouts share it.
/// </summary>
public sealed class QueuePool : Pool
{
    private readonly Queue<PooledConnection> _idle = new();
    private readonly SemaphoreSlim _capacity;
    private readonly object _lock = new();
    private int _open;
    private bool _disposed;

    /// <summary>Creates the pool.</summary>
    public QueuePool(Func<DbConnection> creator, int poolSize = 5, int maxOverflow = 10, TimeSpan? timeout = null,
        TimeSpan? recycle = null, bool prePing = false)
        : base(creator)
    {
        if (poolSize < 0) throw new ArgumentOutOfRangeException(nameof(poolSize));
        PoolSize = poolSize; MaxOverflow = maxOverflow; Timeout = timeout ?? TimeSpan.FromSeconds(30); Recycle = recycle; PrePing = prePing;
        _capacity = new SemaphoreSlim(maxOverflow < 0 ? int.MaxValue : poolSize + maxOverflow);
    }

    /// <summary>Idle connections kept.</summary>
    public int PoolSize { get; }
    /// <summary>Extra connections allowed (-1: unlimited).</summary>
    public int MaxOverflow { get; }
    /// <summary>Checkout wait limit.</summary>
    public TimeSpan Timeout { get; }
    /// <summary>Connections older than this are replaced at checkout.</summary>
    public TimeSpan? Recycle { get; }
    /// <summary>Test each connection with <c>SELECT 1</c> at checkout.</summary>
    public bool PrePing { get; }
    /// <inheritdoc/>
    public override int CheckedOut { get { lock (_lock) return _open - _idle.Count; } }
    /// <summary>Idle connections in the pool.</summary>
    public int Idle { get { lock (_lock) return _idle.Count; } }
    /// <summary>Open connections beyond <see cref="PoolSize"/>.</summary>
    public int Overflow { get { lock (_lock) return _open - PoolSize; } }

    /// <inheritdoc/>
    public override PooledConnection Connect()
    {
        if (!_capacity.Wait(Timeout)) throw new PoolTimeoutException(PoolSize, MaxOverflow, Timeout);
        return Acquire();
    }

    /// <inheritdoc/>
    public override async ValueTask<PooledConnection> ConnectAsync(CancellationToken ct = default)
    {
        if (!await _capacity.WaitAsync(Timeout, ct).ConfigureAwait(false)) throw new PoolTimeoutException(PoolSize, MaxOverflow, Timeout);
        return Acquire();
    }

    private PooledConnection Acquire()
    {
        try
        {
            while (true)
            {
                PooledConnection? c = null;
                lock (_lock)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    if (_idle.Count > 0) c = _idle.Dequeue();
                    else _open++;
                }
                if (c == null)
                {
                    try { c = CreateConnection(); }
                    catch { lock (_lock) _open--; throw; }
                }
                else if (Stale(c))
                {
                    c.ClosePhysical();
                    lock (_lock) _open--;
                    continue;
                }
                c.MarkCheckedOut();
                return c;
            }
        }
        catch
        {
            _capacity.Release();
            throw;
        }
    }

    private bool Stale(PooledConnection c)
    {
        if (Recycle is TimeSpan r && Stopwatch.GetElapsedTime(c.CreatedAt) > r) return true;
        if (c.Connection.State != System.Data.ConnectionState.Open) return true;
        if (PrePing)
        {
            try
            {
                using var cmd = c.Connection.CreateCommand();
                cmd.CommandText = "SELECT 1";
                cmd.ExecuteScalar();
            }
            catch (Exception) { return true; } // a failed ping means a dead connection: replace it
        }
        return false;
    }

    internal override void Return(PooledConnection c)
    {
        bool close;
        lock (_lock)
        {
            close = _disposed || c.Invalidated || _idle.Count >= PoolSize;
            if (close) _open--;
            else _idle.Enqueue(c);
        }
        if (close) c.ClosePhysical();
        _capacity.Release();
    }

    /// <inheritdoc/>
    public override string Status()
    {
        lock (_lock)
            return $"Pool size: {PoolSize}  Connections in pool: {_idle.Count} Current Overflow: {_open - PoolSize} Current Checked out connections: {_open - _idle.Count}";
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        List<PooledConnection> idle;
        lock (_lock) { _disposed = true; idle = [.. _idle]; _open -= _idle.Count; _idle.Clear(); }
        foreach (var c in idle) c.ClosePhysical();
    }
}

/// <summary>No pooling: a new physical connection per checkout, closed on return.</summary>
public sealed class NullPool(Func<DbConnection> creator) : Pool(creator)
{
    private int _out;
    /// <inheritdoc/>
    public override PooledConnection Connect() { var c = CreateConnection(); c.MarkCheckedOut(); Interlocked.Increment(ref _out); return c; }
    /// <inheritdoc/>
    public override ValueTask<PooledConnection> ConnectAsync(CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return ValueTask.FromResult(Connect()); }
    internal override void Return(PooledConnection c) { Interlocked.Decrement(ref _out); c.ClosePhysical(); }
    /// <inheritdoc/>
    public override int CheckedOut => Volatile.Read(ref _out);
    /// <inheritdoc/>
    public override string Status() => "NullPool";
    /// <inheritdoc/>
    public override void Dispose() { }
}

/// <summary>
/// Exactly one connection, handed to every checkout (for in-memory SQLite, where each connection is a separate
/// database). Not for concurrent use of the same connection from several threads.
/// </summary>
public sealed class StaticPool(Func<DbConnection> creator) : Pool(creator)
{
    private readonly object _lock = new();
    private PooledConnection? _conn;
    private int _out;

    /// <inheritdoc/>
    public override PooledConnection Connect()
    {
        lock (_lock)
        {
            _conn ??= CreateConnection();
            _out++;
            _conn.MarkCheckedOut();
            return _conn;
        }
    }

    /// <inheritdoc/>
    public override ValueTask<PooledConnection> ConnectAsync(CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return ValueTask.FromResult(Connect()); }
    internal override void Return(PooledConnection c) { lock (_lock) _out = Math.Max(0, _out - 1); }
    /// <inheritdoc/>
    public override int CheckedOut { get { lock (_lock) return _out; } }
    /// <inheritdoc/>
    public override string Status() => "StaticPool";
    /// <inheritdoc/>
    public override void Dispose() { lock (_lock) { _conn?.ClosePhysical(); _conn = null; } }
}
