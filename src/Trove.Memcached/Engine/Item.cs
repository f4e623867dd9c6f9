namespace Trove.Memcached.Engine;

/// <summary>Per-item state bits used by the meta protocol's stampede control.</summary>
[Flags]
public enum ItemBits : byte
{
    /// <summary>No bits.</summary>
    None = 0,
    /// <summary>Read at least once since stored (mg h, stats expired_unfetched).</summary>
    Fetched = 1,
    /// <summary>Marked stale by an invalidation (ms I, md I); readers see X.</summary>
    Stale = 2,
    /// <summary>A reader already got the win token (W); later readers get Z.</summary>
    WinSent = 4,
}

/// <summary>
/// One slot of a shard's item table. The item's key and value live together in <see cref="Data"/>
/// (key bytes first, then value bytes, no CRLF): one array per item keeps the per-item cost close to
/// memcached's slab chunk. Data arrays are never changed after the item is linked, so a reader may
/// take the reference under the shard lock and copy the value outside it.
/// </summary>
internal struct Slot
{
    public byte[]? Data;      // null: free slot
    public long Cas;
    public int Next;          // hash chain (index+1, 0 = end) or free-list link
    public int LruPrev;       // index+1, 0 = none; LRU head is most recent
    public int LruNext;
    public int Hash;
    public uint Flags;
    public int Exptime;       // server time, 0 = never
    public int Time;          // server time of last access or update
    public byte KeyLength;
    public ItemBits Bits;
}

/// <summary>A consistent snapshot of one item, taken under its shard lock.</summary>
public readonly struct ItemView
{
    internal ItemView(byte[] data, int keyLength, uint flags, long cas, int exptime, int time, ItemBits bits)
    {
        Data = data; KeyLength = keyLength; Flags = flags; Cas = cas; Exptime = exptime; Time = time; Bits = bits;
    }

    /// <summary>Key followed by value. Never modified after being stored.</summary>
    public byte[] Data { get; }

    /// <summary>Length of the key prefix of <see cref="Data"/>.</summary>
    public int KeyLength { get; }

    /// <summary>Client flags (32 bits).</summary>
    public uint Flags { get; }

    /// <summary>CAS unique.</summary>
    public long Cas { get; }

    /// <summary>Expiry in server time; 0 = never.</summary>
    public int Exptime { get; }

    /// <summary>Server time of the last access before this one.</summary>
    public int Time { get; }

    /// <summary>State bits before this access.</summary>
    public ItemBits Bits { get; }

    /// <summary>The key.</summary>
    public ReadOnlySpan<byte> Key => Data.AsSpan(0, KeyLength);

    /// <summary>The value.</summary>
    public ReadOnlySpan<byte> Value => Data.AsSpan(KeyLength);

    /// <summary>Value length.</summary>
    public int ValueLength => Data.Length - KeyLength;
}

/// <summary>How a storage command treats an existing or missing item.</summary>
public enum StoreMode : byte
{
    /// <summary>Store unconditionally.</summary>
    Set,
    /// <summary>Store only if missing.</summary>
    Add,
    /// <summary>Store only if present.</summary>
    Replace,
    /// <summary>Add the value after the existing one.</summary>
    Append,
    /// <summary>Add the value before the existing one.</summary>
    Prepend,
    /// <summary>Store only if the CAS unique matches.</summary>
    Cas,
}

/// <summary>Outcome of a store, mapped by the protocol layer to STORED, NOT_STORED, EXISTS, NOT_FOUND or SERVER_ERROR.</summary>
public enum StoreResult : byte
{
    /// <summary>Stored.</summary>
    Stored,
    /// <summary>Condition failed (add of a present key, replace/append/prepend of a missing one).</summary>
    NotStored,
    /// <summary>CAS mismatch.</summary>
    Exists,
    /// <summary>CAS on a missing item.</summary>
    NotFound,
    /// <summary>Memory full and evictions disabled (-M), or the item alone exceeds the limit.</summary>
    OutOfMemory,
}

/// <summary>Outcome of incr/decr.</summary>
public enum ArithResult : byte
{
    /// <summary>Done; the new value is returned.</summary>
    Ok,
    /// <summary>No such item.</summary>
    NotFound,
    /// <summary>The stored value is not a decimal number.</summary>
    NonNumeric,
    /// <summary>CAS mismatch (meta ma C).</summary>
    Exists,
    /// <summary>Memory full with -M.</summary>
    OutOfMemory,
}
