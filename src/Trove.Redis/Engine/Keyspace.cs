namespace Trove.Redis.Engine;

/// <summary>
/// Receives every write the server applies, in order, as the command that made it (the future
/// append-only log and replication). Called with <see cref="Keyspace.Sync"/> held.
/// </summary>
public interface IWriteLog
{
    /// <summary>A write command (its arguments, name first) changed database <paramref name="db"/>.</summary>
    void Append(int db, IReadOnlyList<ReadOnlyMemory<byte>> args);

    /// <summary>
    /// The end of a batch of commands, before their replies are sent: make what was appended
    /// durable as the log's policy promises (lock held).
    /// </summary>
    void Flush() { }
}

/// <summary>
/// All databases of one server plus the state that spans them (WATCH, blocked clients, counters).
/// <para>
/// <b>Concurrency</b>: one lock, <see cref="Sync"/>, guards the whole engine, as Redis's single
/// thread does. A connection takes it once per batch of pipelined commands it parsed from one
/// read, so a pipelined client pays one lock per packet, and MULTI/EXEC, WATCH and blocking pops
/// are atomic with no further machinery. Parsing and socket I/O happen outside the lock, in
/// parallel. Measured against per-key locking this loses nothing on 2 cores (the lock is held for
/// microseconds) and keeps every multi-key command trivially correct.
/// </para>
/// The engine knows nothing of RESP: values are byte arrays and <see cref="RedisObject"/>s.
/// </summary>
public sealed class Keyspace : IDisposable
{
    private Database[] _dbs;
    private readonly Timer _activeExpire;

    /// <summary>Creates <paramref name="databases"/> empty databases and starts active expiry.</summary>
    public Keyspace(int databases = 16)
    {
        _dbs = new Database[databases];
        for (int i = 0; i < databases; i++) _dbs[i] = new Database(this, i);
        Watches = new WatchRegistry(this);
        Blocking = new BlockingRegistry(this);
        _activeExpire = new Timer(_ => ActiveExpire(), null, 100, 100);
    }

    /// <summary>The engine lock: hold it for every call into a <see cref="Database"/>.</summary>
    public object Sync { get; } = new();

    /// <summary>Number of databases.</summary>
    public int DatabaseCount => _dbs.Length;

    /// <summary>Database <paramref name="index"/> (0-based).</summary>
    public Database this[int index] => _dbs[index];

    /// <summary>WATCH bookkeeping.</summary>
    public WatchRegistry Watches { get; }

    /// <summary>Clients blocked on keys (BLPOP and friends).</summary>
    public BlockingRegistry Blocking { get; }

    /// <summary>Where writes are recorded (persistence comes later; null = nowhere).</summary>
    public IWriteLog? WriteLog { get; set; }

    /// <summary>Changes since start (Redis's server.dirty); commands add to it for each change they make.</summary>
    public long Dirty;

    /// <summary>Keys removed because their time passed (INFO expired_keys).</summary>
    public long ExpiredKeys;

    /// <summary>Successful key lookups (INFO keyspace_hits).</summary>
    public long KeyspaceHits;

    /// <summary>Failed key lookups (INFO keyspace_misses).</summary>
    public long KeyspaceMisses;

    /// <summary>
    /// The LRU clock in seconds (24 bits) that key accesses record, refreshed by each batch of
    /// commands (<see cref="RefreshClock"/>) and every 100 ms, so an access costs no clock read.
    /// </summary>
    public int LruClock { get; private set; } = AccessClock.LruAt(Environment.TickCount64);

    /// <summary>Minutes for LFU access counters, refreshed with <see cref="LruClock"/>.</summary>
    public int LfuMinutes { get; private set; } = AccessClock.MinutesAt(Environment.TickCount64);

    /// <summary>True when maxmemory-policy is an LFU policy: the access clock counts accesses instead.</summary>
    public bool Lfu { get; set; }

    /// <summary>lfu-log-factor (10).</summary>
    public int LfuLogFactor { get; set; } = 10;

    /// <summary>lfu-decay-time in minutes (1).</summary>
    public int LfuDecayTime { get; set; } = 1;

    /// <summary>Reads the clock into <see cref="LruClock"/> and <see cref="LfuMinutes"/>.</summary>
    public void RefreshClock()
    {
        long ms = Environment.TickCount64;
        LruClock = AccessClock.LruAt(ms);
        LfuMinutes = AccessClock.MinutesAt(ms);
    }

    /// <summary>Fixed "now" for tests and for a command's duration; null = the clock.</summary>
    public long? FrozenNow { get; set; }

    /// <summary>Current time in Unix milliseconds.</summary>
    public long Now() => FrozenNow ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Called when a key expires (lazily or actively): WATCH sees it as a change.</summary>
    internal void OnExpired(Database db, byte[] key) => Watches.Touch(db.Index, key);

    /// <summary>SWAPDB: exchanges the contents of two databases; WATCHers of both are told.</summary>
    public void SwapDatabases(int a, int b)
    {
        if (a == b) return;
        Watches.TouchAll(_dbs[a]);
        Watches.TouchAll(_dbs[b]);
        _dbs[a].SwapTables(_dbs[b]);
        Watches.TouchAll(_dbs[a]);
        Watches.TouchAll(_dbs[b]);
        // Keys now in either database may satisfy clients blocked there.
        foreach (var (key, _, _) in _dbs[a].Entries()) _dbs[a].SignalReady(key);
        foreach (var (key, _, _) in _dbs[b].Entries()) _dbs[b].SignalReady(key);
    }

    /// <summary>FLUSHALL.</summary>
    public void FlushAll()
    {
        foreach (var db in _dbs) db.Flush();
    }

    /// <summary>
    /// Redis's activeExpireCycle, simplified: every 100 ms, per database, look at up to 20 keys
    /// with a TTL and delete the expired ones; repeat while more than a quarter of the sample was
    /// expired, within 25 ms, so expired keys nobody reads do not hold memory for long.
    /// </summary>
    private void ActiveExpire()
    {
        var start = Environment.TickCount64;
        RefreshClock();
        foreach (var db in _dbs)
        {
            while (true)
            {
                (int sampled, int expired) r;
                lock (Sync) r = db.ActiveExpireCycle(400, 20);
                if (r.sampled == 0 || r.expired * 4 <= r.sampled) break;
                if (Environment.TickCount64 - start > 25) return;
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _activeExpire.Dispose();
}
