using System.Buffers.Text;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Trove.Memcached.Engine;

/// <summary>
/// The item store: keys hashed into a power-of-two number of <see cref="Shard"/>s, each with its own
/// lock, hash table and LRU list.
/// Concurrency: every operation on a key runs under that key's shard lock, so CAS checks, incr/decr
/// and append are atomic; no operation holds two shard locks at once except through
/// Lock.TryEnter (eviction from another shard), so there is no deadlock.
/// Memory: <see cref="BytesUsed"/> counts each item's data array plus its slot and bucket; a store
/// that would pass <see cref="MemoryLimit"/> first evicts least recently used items (its own shard's
/// tail, then other shards' tails), or fails with <see cref="StoreResult.OutOfMemory"/> when
/// evictions are disabled. LRU order is per shard, an approximation of a global LRU as memcached's
/// per-slab-class LRU is.
/// Not its business: protocol syntax, replies, key validation (the protocol layer checks keys).
/// </summary>
public sealed class ItemStore
{
    /// <summary>Fixed cost of an item beyond its data: slot struct, bucket entry, array header.</summary>
    public const int ItemOverhead = 48 + 8 + 24;

    private readonly Shard[] _shards;
    private readonly int _mask;
    private long _bytesUsed;
    private long _casCounter;
    private int _flushAt; // server time of a pending or past flush_all; 0 = none

    /// <summary>Creates a store with the given item-memory limit.</summary>
    public ItemStore(long memoryLimit, bool evictions = true, int shardCount = 64, Clock? clock = null)
    {
        MemoryLimit = memoryLimit;
        EvictionsEnabled = evictions;
        int n = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, shardCount));
        _shards = new Shard[n];
        for (int i = 0; i < n; i++) _shards[i] = new Shard();
        _mask = n - 1;
        Clock = clock ?? new Clock();
    }

    /// <summary>The server clock (seconds since start).</summary>
    public Clock Clock { get; }

    /// <summary>Item memory limit in bytes (-m).</summary>
    public long MemoryLimit { get; }

    /// <summary>False with -M: a full store fails instead of evicting.</summary>
    public bool EvictionsEnabled { get; }

    /// <summary>Bytes charged to items now.</summary>
    public long BytesUsed => Interlocked.Read(ref _bytesUsed);

    /// <summary>Store failures for lack of memory (stats store_no_memory).</summary>
    public long OutOfMemoryCount => Interlocked.Read(ref _oom);
    private long _oom;

    /// <summary>Charged size of an item whose data array has this length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Cost(int dataLength) => ((dataLength + 7) & ~7) + ItemOverhead;

    /// <summary>A fresh CAS unique.</summary>
    public long NextCas() => Interlocked.Increment(ref _casCounter);

    /// <summary>Hash of a key (process-local; only used to pick shard and bucket).</summary>
    public static int Hash(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            h = (h ^ BitConverter.ToUInt64(key)) * 0xBF58476D1CE4E5B9UL;
            h ^= h >> 31;
            key = key[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < key.Length; i++) tail |= (ulong)key[i] << (8 * i);
        h = (h ^ tail) * 0x94D049BB133111EBUL;
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 32;
        return (int)h;
    }

    /// <summary>
    /// Locks the key's shard and looks the key up (an expired or flushed item is removed and reported
    /// missing). Dispose the handle to unlock; do not await while holding it.
    /// </summary>
    public ItemHandle Acquire(ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        var shard = _shards[(hash >> 16) & _mask];
        shard.Gate.Enter();
        int index = shard.Find(key, hash);
        var miss = MissKind.None;
        if (index >= 0)
        {
            ref Slot s = ref shard.At(index);
            int now = Clock.Now;
            if (s.Exptime != 0 && s.Exptime <= now)
            {
                miss = MissKind.Expired;
                if ((s.Bits & ItemBits.Fetched) == 0) shard.ExpiredUnfetched++;
                shard.Reclaimed++;
                Unlink(shard, index);
                index = -1;
            }
            else if (_flushAt != 0 && _flushAt <= now && s.Time <= _flushAt)
            {
                miss = MissKind.Flushed;
                Unlink(shard, index);
                index = -1;
            }
        }
        return new ItemHandle(this, shard, index, hash, miss);
    }

    internal void AddBytes(long delta) => Interlocked.Add(ref _bytesUsed, delta);

    internal void Unlink(Shard shard, int index)
    {
        long cost = Cost(shard.At(index).Data!.Length);
        shard.Unlink(index, cost);
        Interlocked.Add(ref _bytesUsed, -cost);
        Freed(cost);
    }

    /// <summary>
    /// Counts bytes of items dropped (evicted, deleted, overwritten). The GC would let such garbage
    /// pile up well past -m before collecting gen2; once the dropped bytes reach
    /// <see cref="GarbageThreshold"/>, a full compacting collection returns them, which bounds the
    /// process's memory to about -m plus that threshold plus the runtime's own.
    /// </summary>
    internal void Freed(long bytes)
    {
        if (Interlocked.Add(ref _garbage, bytes) < GarbageThreshold) return;
        if (Interlocked.Exchange(ref _garbage, 0) < GarbageThreshold) return;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    private long _garbage;

    /// <summary>Dropped item bytes between forced collections: half of -m, at least 16 MiB.</summary>
    public long GarbageThreshold => Math.Max(MemoryLimit / 2, 16L << 20);

    /// <summary>
    /// Makes room for <paramref name="delta"/> more bytes, evicting LRU tails (own shard first, which
    /// the caller holds locked, never evicting <paramref name="keep"/>). False: no room (-M or nothing
    /// left to evict).
    /// </summary>
    internal bool Reserve(Shard own, int keep, long delta)
    {
        if (delta <= 0 || Interlocked.Read(ref _bytesUsed) + delta <= MemoryLimit) return true;
        if (!EvictionsEnabled || delta > MemoryLimit) { Interlocked.Increment(ref _oom); return false; }
        while (Interlocked.Read(ref _bytesUsed) + delta > MemoryLimit)
        {
            if (EvictTail(own, keep)) continue;
            bool any = false;
            int start = Environment.CurrentManagedThreadId;
            for (int k = 0; k < _shards.Length && Interlocked.Read(ref _bytesUsed) + delta > MemoryLimit; k++)
            {
                var other = _shards[(start + k) & _mask];
                if (other == own || !other.Gate.TryEnter()) continue;
                try
                {
                    while (Interlocked.Read(ref _bytesUsed) + delta > MemoryLimit && EvictTail(other, -1)) any = true;
                }
                finally { other.Gate.Exit(); }
            }
            if (!any) { Interlocked.Increment(ref _oom); return false; }
        }
        return true;
    }

    private bool EvictTail(Shard shard, int keep)
    {
        int i = shard.LruTail - 1;
        if (i >= 0 && i == keep) i = shard.At(i).LruPrev - 1;
        if (i < 0) return false;
        ref Slot s = ref shard.At(i);
        int now = Clock.Now;
        if (s.Exptime != 0 && s.Exptime <= now) shard.Reclaimed++;
        else
        {
            shard.Evictions++;
            if (s.Exptime != 0) shard.EvictedNonzero++;
            if ((s.Bits & ItemBits.Fetched) == 0) shard.EvictedUnfetched++;
        }
        Unlink(shard, i);
        return true;
    }

    /// <summary>
    /// flush_all: with no delay every item goes at once; with a delay, items last touched before the
    /// deadline become invisible when it passes (memcached's oldest_live).
    /// </summary>
    public void FlushAll(long delaySeconds = 0)
    {
        if (delaySeconds > 0)
        {
            Volatile.Write(ref _flushAt, Clock.ToServerTime(delaySeconds) - 1);
            return;
        }
        Volatile.Write(ref _flushAt, 0);
        foreach (var shard in _shards)
        {
            lock (shard.Gate)
            {
                Interlocked.Add(ref _bytesUsed, -shard.Bytes);
                shard.Clear();
            }
        }
    }

    /// <summary>Store totals for stats.</summary>
    public StoreTotals Totals()
    {
        var t = new StoreTotals();
        foreach (var s in _shards)
        {
            lock (s.Gate)
            {
                t.CurrItems += s.Count;
                t.TotalItems += s.TotalItems;
                t.Evictions += s.Evictions;
                t.Reclaimed += s.Reclaimed;
                t.ExpiredUnfetched += s.ExpiredUnfetched;
                t.EvictedUnfetched += s.EvictedUnfetched;
                t.EvictedNonzero += s.EvictedNonzero;
                t.Bytes += s.Bytes;
            }
        }
        return t;
    }

    // ---- Whole operations used by the text protocol -------------------------------------------

    /// <summary>get/gets/gat: the item if present (bumped in the LRU, marked fetched, TTL updated if asked).</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out ItemView item, out MissKind miss, long? newExptime = null)
    {
        using var h = Acquire(key);
        miss = h.Miss;
        if (!h.Exists) { item = default; return false; }
        if (newExptime is long e) h.Exptime = Clock.ToServerTime(e);
        item = h.View;
        h.MarkFetched();
        return true;
    }

    /// <summary>
    /// set/add/replace/append/prepend/cas. <paramref name="data"/> holds key then value and becomes
    /// the item's (or, for append/prepend, is combined into a new array).
    /// </summary>
    public StoreResult Store(StoreMode mode, byte[] data, int keyLength, uint flags, long exptime, long cas, out long newCas)
    {
        newCas = 0;
        using var h = Acquire(data.AsSpan(0, keyLength));
        switch (mode)
        {
            case StoreMode.Add when h.Exists:
                h.Bump(); // memcached refreshes a present item's LRU position on a failed add
                return StoreResult.NotStored;
            case StoreMode.Replace or StoreMode.Append or StoreMode.Prepend when !h.Exists:
                return StoreResult.NotStored;
            case StoreMode.Cas when !h.Exists:
                return StoreResult.NotFound;
            case StoreMode.Cas when h.Cas != cas:
                return StoreResult.Exists;
            case StoreMode.Append or StoreMode.Prepend:
                {
                    var old = h.View;
                    var combined = new byte[old.Data.Length + data.Length - keyLength];
                    old.Key.CopyTo(combined);
                    var newValue = data.AsSpan(keyLength);
                    if (mode == StoreMode.Append)
                    {
                        old.Value.CopyTo(combined.AsSpan(keyLength));
                        newValue.CopyTo(combined.AsSpan(old.Data.Length));
                    }
                    else
                    {
                        newValue.CopyTo(combined.AsSpan(keyLength));
                        old.Value.CopyTo(combined.AsSpan(keyLength + newValue.Length));
                    }
                    return h.Put(combined, keyLength, old.Flags, old.Exptime, 0, out newCas);
                }
        }
        return h.Put(data, keyLength, flags, Clock.ToServerTime(exptime), 0, out newCas);
    }

    /// <summary>delete: true when an item was removed.</summary>
    public bool Delete(ReadOnlySpan<byte> key)
    {
        using var h = Acquire(key);
        if (!h.Exists) return false;
        h.Remove();
        return true;
    }

    /// <summary>touch: sets a new exptime; false when missing.</summary>
    public bool Touch(ReadOnlySpan<byte> key, long exptime)
    {
        using var h = Acquire(key);
        if (!h.Exists) return false;
        h.Exptime = Clock.ToServerTime(exptime);
        h.Bump();
        return true;
    }

    /// <summary>
    /// incr/decr under the shard lock: 64-bit unsigned, incr wraps, decr stops at 0. As memcached
    /// does, a result shorter than the stored text is padded with spaces to the old length.
    /// </summary>
    public ArithResult Arith(ReadOnlySpan<byte> key, bool incr, ulong delta, out ulong value)
    {
        using var h = Acquire(key);
        value = 0;
        if (!h.Exists) return ArithResult.NotFound;
        return h.Arith(incr, delta, out value, out _);
    }

    /// <summary>Parses a stored decimal (digits, then optional trailing spaces), as safe_strtoull does.</summary>
    public static bool TryParseCounter(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty) return false;
        int end = text.Length;
        while (end > 0 && text[end - 1] == (byte)' ') end--;
        if (end == 0 || end > 20) return false;
        return Utf8Parser.TryParse(text[..end], out value, out int used) && used == end;
    }
}

/// <summary>Why a lookup missed although the key had an item.</summary>
public enum MissKind : byte
{
    /// <summary>No item, or a hit.</summary>
    None,
    /// <summary>The item had expired (stats get_expired).</summary>
    Expired,
    /// <summary>The item was invalidated by flush_all (stats get_flushed).</summary>
    Flushed,
}

/// <summary>Store-wide counters summed over shards.</summary>
public struct StoreTotals
{
    /// <summary>stats curr_items.</summary>
    public long CurrItems;
    /// <summary>stats total_items.</summary>
    public long TotalItems;
    /// <summary>stats evictions.</summary>
    public long Evictions;
    /// <summary>stats reclaimed.</summary>
    public long Reclaimed;
    /// <summary>stats expired_unfetched.</summary>
    public long ExpiredUnfetched;
    /// <summary>stats evicted_unfetched.</summary>
    public long EvictedUnfetched;
    /// <summary>items evicted that had an expiry time.</summary>
    public long EvictedNonzero;
    /// <summary>stats bytes.</summary>
    public long Bytes;
}
