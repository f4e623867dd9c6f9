namespace Trove.Redis.Engine;

/// <summary>Result of a typed lookup (<see cref="Database.TryGet{T}"/>).</summary>
public enum LookupStatus
{
    /// <summary>The key holds a value of the asked type.</summary>
    Found,
    /// <summary>No such key (or it has expired).</summary>
    Missing,
    /// <summary>The key holds another type: reply WRONGTYPE.</summary>
    WrongType,
}

/// <summary>
/// One of the numbered databases (SELECT n). Every method must be called with
/// <see cref="Keyspace.Sync"/> held. Reads expire keys lazily (a key whose time has passed is
/// deleted when touched, as Redis's expireIfNeeded); <see cref="Keyspace"/> also sweeps actively.
/// <para>
/// Writers must report what they change so WATCH, blocked clients and the write log stay right:
/// the methods here that add, replace or delete a key call <see cref="SignalModified"/> themselves;
/// a command that mutates a <see cref="RedisObject"/> in place calls <see cref="SignalModified"/>
/// (and <see cref="SignalReady"/> after adding elements a blocked client may take) and adds to
/// <see cref="Keyspace.Dirty"/>.
/// </para>
/// </summary>
public sealed class Database
{
    private KeyTable _table = new();
    private readonly Keyspace _owner;

    internal Database(Keyspace owner, int index)
    {
        _owner = owner;
        Index = index;
    }

    /// <summary>The database number.</summary>
    public int Index { get; internal set; }

    /// <summary>The keyspace this database belongs to.</summary>
    public Keyspace Owner => _owner;

    /// <summary>Keys held (DBSIZE), expired ones not yet removed included, as Redis counts.</summary>
    public int Count => _table.Count;

    /// <summary>Keys with an expiry (INFO keyspace "expires").</summary>
    public int ExpiresCount => _table.ExpiresCount;

    internal KeyTable Table => _table;

    internal void SwapTables(Database other) => (_table, other._table) = (other._table, _table);

    /// <summary>
    /// Slot of a live key (expiring it first if its time has passed), or -1; records the access
    /// in the key's clock (OBJECT IDLETIME / FREQ), as Redis's lookupKey does.
    /// </summary>
    public int FindSlot(ReadOnlySpan<byte> key)
    {
        int slot = PeekSlot(key);
        if (slot >= 0) Touch(slot);
        return slot;
    }

    private void Touch(int slot)
    {
        if (!_owner.Lfu) _table.SetClock(slot, _owner.LruClock);
        else _table.SetClock(slot, AccessClock.LfuTouch(_table.ClockAt(slot), _owner.LfuMinutes, _owner.LfuDecayTime, _owner.LfuLogFactor));
    }

    private int NewClock() => AccessClock.Initial(_owner.Lfu, _owner.LruClock, _owner.LfuMinutes);

    /// <summary>
    /// Seconds since the key was last accessed (LRU mode), or its decayed access counter (LFU
    /// mode); -1 when the key does not exist. Does not count as an access.
    /// </summary>
    public long AccessInfo(ReadOnlySpan<byte> key)
    {
        int slot = PeekSlot(key);
        if (slot < 0) return -1;
        int clock = _table.ClockAt(slot);
        return _owner.Lfu
            ? AccessClock.LfuCounter(clock, _owner.LfuMinutes, _owner.LfuDecayTime)
            : AccessClock.IdleSeconds(clock, _owner.LruClock);
    }

    /// <summary>Like <see cref="FindSlot"/> without recording an access (EXISTS, TTL, TYPE, OBJECT).</summary>
    public int PeekSlot(ReadOnlySpan<byte> key)
    {
        int slot = _table.Find(key);
        if (slot < 0) return -1;
        long exp = _table.ExpireAt(slot);
        if (exp != 0 && exp <= _owner.Now())
        {
            ExpireSlot(slot);
            return -1;
        }
        return slot;
    }

    internal void ExpireSlot(int slot)
    {
        var key = _table.KeyAt(slot);
        _table.RemoveAt(slot);
        _owner.ExpiredKeys++;
        _owner.OnExpired(this, key);
    }

    /// <summary>The value of a key (byte[] or <see cref="RedisObject"/>), or null when absent or expired.</summary>
    public object? Get(ReadOnlySpan<byte> key)
    {
        int slot = FindSlot(key);
        if (slot < 0) { _owner.KeyspaceMisses++; return null; }
        _owner.KeyspaceHits++;
        return _table.ValueAt(slot);
    }

    /// <summary>Like <see cref="Get"/> without recording an access (TYPE, OBJECT); counts hits and misses.</summary>
    public object? Peek(ReadOnlySpan<byte> key)
    {
        int slot = PeekSlot(key);
        if (slot < 0) { _owner.KeyspaceMisses++; return null; }
        _owner.KeyspaceHits++;
        return _table.ValueAt(slot);
    }

    /// <summary>TOUCH: records an access; false when the key does not exist.</summary>
    public bool Touch(ReadOnlySpan<byte> key) => FindSlot(key) >= 0;

    /// <summary>
    /// The shared WRONGTYPE check: <see cref="LookupStatus.WrongType"/> when the key holds
    /// something other than <typeparamref name="T"/> (use <c>byte[]</c> for strings).
    /// </summary>
    public LookupStatus TryGet<T>(ReadOnlySpan<byte> key, out T? value) where T : class
    {
        var v = Get(key);
        if (v is null) { value = null; return LookupStatus.Missing; }
        value = v as T;
        return value is null ? LookupStatus.WrongType : LookupStatus.Found;
    }

    /// <summary>True when the key exists (expiring it first if due). Does not count hits/misses.</summary>
    public bool Exists(ReadOnlySpan<byte> key) => PeekSlot(key) >= 0;

    /// <summary>
    /// Sets a key to a value, replacing whatever it held (Redis's setKey). The expiry is cleared
    /// unless <paramref name="keepTtl"/>; <paramref name="expireAt"/> (Unix ms, 0 = none) sets a new one.
    /// </summary>
    public void Set(ReadOnlySpan<byte> key, object value, long expireAt = 0, bool keepTtl = false)
    {
        int slot = FindSlot(key);
        if (slot >= 0)
        {
            _table.SetValueAt(slot, value);
            if (!keepTtl) _table.SetExpireAt(slot, expireAt);
        }
        else
        {
            _table.Add(key.ToArray(), value, expireAt, NewClock());
        }
        SignalModified(key);
        SignalReady(key);
    }

    /// <summary>
    /// Replaces the value of the live key in <paramref name="slot"/> (from <see cref="FindSlot"/>
    /// in the same command), keeping its expiry: a read-modify-write (INCR) without a second lookup.
    /// </summary>
    public void ReplaceAt(int slot, ReadOnlySpan<byte> key, object value)
    {
        _table.SetValueAt(slot, value);
        SignalModified(key);
        SignalReady(key);
    }

    /// <summary>Adds a key known to be absent (call <see cref="Get"/> first). The keyspace keeps <paramref name="key"/>.</summary>
    public void Add(byte[] key, object value)
    {
        _table.Add(key, value, 0, NewClock());
        SignalModified(key);
        SignalReady(key);
    }

    /// <summary>Deletes a key; false when it did not exist.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        int slot = FindSlot(key);
        if (slot < 0) return false;
        _table.RemoveAt(slot);
        SignalModified(key);
        return true;
    }

    /// <summary>Expiry of a live key in Unix ms: 0 = none, -2 = no such key.</summary>
    public long GetExpire(ReadOnlySpan<byte> key)
    {
        int slot = PeekSlot(key);
        return slot < 0 ? -2 : _table.ExpireAt(slot);
    }

    /// <summary>
    /// Sets (or with 0 removes) the expiry of a live key; a time already past deletes the key, as
    /// Redis does. Returns false when the key does not exist.
    /// </summary>
    public bool SetExpire(ReadOnlySpan<byte> key, long when)
    {
        int slot = FindSlot(key);
        if (slot < 0) return false;
        if (when != 0 && when <= _owner.Now())
        {
            _table.RemoveAt(slot);
            SignalModified(key);
            return true;
        }
        _table.SetExpireAt(slot, when);
        SignalModified(key);
        return true;
    }

    /// <summary>WATCH bookkeeping: a key was changed (EXEC of its watchers will fail).</summary>
    public void SignalModified(ReadOnlySpan<byte> key) => _owner.Watches.Touch(Index, key);

    /// <summary>A key may now satisfy a blocked client (list push, zadd...).</summary>
    public void SignalReady(ReadOnlySpan<byte> key) => _owner.Blocking.SignalReady(this, key);

    /// <summary>Removes every key (FLUSHDB); WATCHers of keys that existed are told.</summary>
    public void Flush()
    {
        if (_table.Count == 0) return;
        _owner.Watches.TouchAll(this);
        _table = new KeyTable();
    }

    /// <summary>A random live key or null (RANDOMKEY); expired keys found on the way are removed.</summary>
    public byte[]? RandomKey()
    {
        for (int tries = 0; tries < 100 && _table.Count > 0; tries++)
        {
            int slot = Random.Shared.Next(_table.SlotCount);
            if (!_table.IsLive(slot)) continue;
            long exp = _table.ExpireAt(slot);
            if (exp != 0 && exp <= _owner.Now()) { ExpireSlot(slot); continue; }
            return _table.KeyAt(slot);
        }
        // A sparse table: fall back to a linear pass.
        for (int slot = 0; slot < _table.SlotCount; slot++)
            if (_table.IsLive(slot) && (_table.ExpireAt(slot) == 0 || _table.ExpireAt(slot) > _owner.Now()))
                return _table.KeyAt(slot);
        return null;
    }

    /// <summary>Every live key matching a glob pattern (KEYS).</summary>
    public List<byte[]> Keys(ReadOnlySpan<byte> pattern)
    {
        var result = new List<byte[]>();
        bool all = pattern.Length == 1 && pattern[0] == (byte)'*';
        long now = _owner.Now();
        var expired = new List<int>();
        for (int slot = 0; slot < _table.SlotCount; slot++)
        {
            if (!_table.IsLive(slot)) continue;
            long exp = _table.ExpireAt(slot);
            if (exp != 0 && exp <= now) { expired.Add(slot); continue; }
            var key = _table.KeyAt(slot);
            if (all || Glob.Match(pattern, key)) result.Add(key);
        }
        for (int i = expired.Count - 1; i >= 0; i--) ExpireSlot(expired[i]);
        return result;
    }

    /// <summary>
    /// One SCAN call: visits buckets from <paramref name="cursor"/> until about
    /// <paramref name="count"/> keys were looked at; adds the live keys matching the filters to
    /// <paramref name="output"/> and returns the next cursor (0 = done).
    /// </summary>
    public ulong Scan(ulong cursor, int count, ReadOnlySpan<byte> pattern, RedisType? type, List<byte[]> output)
    {
        var slots = new List<int>();
        int maxIterations = count * 10;
        do
        {
            cursor = _table.ScanStep(cursor, slots.Add);
        } while (cursor != 0 && maxIterations-- > 0 && slots.Count < count);
        long now = _owner.Now();
        var keys = new List<(byte[] Key, object Value, long Exp)>(slots.Count);
        foreach (var s in slots) keys.Add((_table.KeyAt(s), _table.ValueAt(s), _table.ExpireAt(s)));
        foreach (var (key, value, exp) in keys)
        {
            if (exp != 0 && exp <= now)
            {
                int slot = _table.Find(key);
                if (slot >= 0) ExpireSlot(slot);
                continue;
            }
            if (!pattern.IsEmpty && !Glob.Match(pattern, key)) continue;
            if (type is { } t && RedisTypeNames.TypeOf(value) != t) continue;
            output.Add(key);
        }
        return cursor;
    }

    /// <summary>
    /// Active expiry for this database: looks at up to <paramref name="budget"/> slots from a
    /// rotating position and deletes keys whose time has passed. Returns (sampled with TTL, expired).
    /// </summary>
    internal (int Sampled, int Expired) ActiveExpireCycle(int budget, int wanted)
    {
        if (_table.ExpiresCount == 0 || _table.SlotCount == 0) return (0, 0);
        long now = _owner.Now();
        int sampled = 0, expired = 0;
        for (int i = 0; i < budget && sampled < wanted; i++)
        {
            if (_sweep >= _table.SlotCount) _sweep = 0;
            int slot = _sweep++;
            if (!_table.IsLive(slot)) continue;
            long exp = _table.ExpireAt(slot);
            if (exp == 0) continue;
            sampled++;
            if (exp <= now)
            {
                ExpireSlot(slot);
                expired++;
            }
        }
        return (sampled, expired);
    }

    private int _sweep;

    /// <summary>The key/value/expiry in a slot, for whole-database walks (MOVE, SWAPDB, DEBUG).</summary>
    internal IEnumerable<(byte[] Key, object Value, long ExpireAt)> Entries()
    {
        for (int slot = 0; slot < _table.SlotCount; slot++)
            if (_table.IsLive(slot)) yield return (_table.KeyAt(slot), _table.ValueAt(slot), _table.ExpireAt(slot));
    }

    /// <summary>Adds a key with its value and expiry (MOVE, COPY, RENAME). The key must be absent.</summary>
    public void AddWithExpiry(byte[] key, object value, long expireAt)
    {
        _table.Add(key, value, expireAt, NewClock());
        SignalModified(key);
        SignalReady(key);
    }

    /// <summary>Removes a key and returns its value and expiry (RENAME, MOVE); null when absent.</summary>
    public (object Value, long ExpireAt)? Take(ReadOnlySpan<byte> key)
    {
        int slot = FindSlot(key);
        if (slot < 0) return null;
        var v = _table.ValueAt(slot);
        long e = _table.ExpireAt(slot);
        _table.RemoveAt(slot);
        SignalModified(key);
        return (v, e);
    }
}
