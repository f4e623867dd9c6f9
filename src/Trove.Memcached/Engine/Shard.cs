using System.Runtime.CompilerServices;

namespace Trove.Memcached.Engine;

/// <summary>
/// One lock domain of the item store: an open hash table with chaining through slot indices, a
/// free list, and a doubly linked LRU list, all stored as indices in one <see cref="Slot"/> array so
/// that an item costs one struct slot plus its data array. Indices are stored plus one so that a
/// zeroed array means "empty". Slots live in fixed chunks of <see cref="ChunkSize"/> (only the first
/// chunk grows by doubling), so growing never copies the table or leaves the old one behind as
/// garbage: with a million items that garbage would cost as much as the table itself.
/// Every member is called with the shard's lock held.
/// </summary>
internal sealed class Shard
{
    private const int InitialCapacity = 16;
    private const int ChunkShift = 12;
    private const int ChunkSize = 1 << ChunkShift;
    private const int ChunkMask = ChunkSize - 1;

    /// <summary>The shard's lock (System.Threading.Lock: a managed fast path, no runtime call per command).</summary>
    public readonly Lock Gate = new();

    private Slot[][] _chunks = [new Slot[InitialCapacity]];
    private int _capacity = InitialCapacity;

    /// <summary>The slot at an index.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Slot At(int index) => ref _chunks[index >> ChunkShift][index & ChunkMask];

    private void GrowSlots()
    {
        if (_capacity < ChunkSize)
        {
            Array.Resize(ref _chunks[0], _capacity * 2);
            _capacity *= 2;
            return;
        }
        Array.Resize(ref _chunks, _chunks.Length + 1);
        _chunks[^1] = new Slot[ChunkSize];
        _capacity += ChunkSize;
    }

    public int[] Buckets = new int[InitialCapacity];
    public int Count;
    private int _highWater;    // slots ever used; beyond it the array is untouched
    private int _freeHead;     // index+1 of a free slot, chained through Next
    public int LruHead, LruTail; // index+1; head = most recently used
    public long Bytes;

    // Counters read by stats (written under the lock).
    public long TotalItems, Evictions, Reclaimed, ExpiredUnfetched, EvictedUnfetched, EvictedActive, EvictedNonzero;

    /// <summary>Index of the item with this key, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        int i = Buckets[hash & (Buckets.Length - 1)];
        while (i != 0)
        {
            ref Slot s = ref At(i - 1);
            if (s.Hash == hash && s.KeyLength == key.Length && key.SequenceEqual(s.Data.AsSpan(0, s.KeyLength)))
                return i - 1;
            i = s.Next;
        }
        return -1;
    }

    /// <summary>Links a new item at the LRU head; returns its index.</summary>
    public int Link(byte[] data, int keyLength, int hash, uint flags, int exptime, long cas, int now, long cost)
    {
        if (Count >= Buckets.Length) GrowBuckets();
        int index;
        if (_freeHead != 0)
        {
            index = _freeHead - 1;
            _freeHead = At(index).Next;
        }
        else
        {
            if (_highWater == _capacity) GrowSlots();
            index = _highWater++;
        }
        ref Slot s = ref At(index);
        s.Data = data;
        s.KeyLength = (byte)keyLength;
        s.Hash = hash;
        s.Flags = flags;
        s.Exptime = exptime;
        s.Cas = cas;
        s.Time = now;
        s.Bits = ItemBits.None;
        ref int bucket = ref Buckets[hash & (Buckets.Length - 1)];
        s.Next = bucket;
        bucket = index + 1;
        LruPushHead(index);
        Count++;
        TotalItems++;
        Bytes += cost;
        return index;
    }

    /// <summary>Removes an item from the hash chain and the LRU and frees its slot.</summary>
    public void Unlink(int index, long cost)
    {
        ref Slot s = ref At(index);
        ref int link = ref Buckets[s.Hash & (Buckets.Length - 1)];
        while (link != index + 1) link = ref At(link - 1).Next;
        link = s.Next;
        LruRemove(index);
        s = default;
        s.Next = _freeHead;
        _freeHead = index + 1;
        Count--;
        Bytes -= cost;
    }

    /// <summary>Moves an item to the LRU head (most recently used).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void LruBump(int index)
    {
        if (LruHead == index + 1) return;
        LruRemove(index);
        LruPushHead(index);
    }

    private void LruPushHead(int index)
    {
        ref Slot s = ref At(index);
        s.LruPrev = 0;
        s.LruNext = LruHead;
        if (LruHead != 0) At(LruHead - 1).LruPrev = index + 1;
        LruHead = index + 1;
        if (LruTail == 0) LruTail = index + 1;
    }

    private void LruRemove(int index)
    {
        ref Slot s = ref At(index);
        if (s.LruPrev != 0) At(s.LruPrev - 1).LruNext = s.LruNext; else LruHead = s.LruNext;
        if (s.LruNext != 0) At(s.LruNext - 1).LruPrev = s.LruPrev; else LruTail = s.LruPrev;
        s.LruPrev = s.LruNext = 0;
    }

    private void GrowBuckets()
    {
        var buckets = new int[Buckets.Length * 2];
        int mask = buckets.Length - 1;
        for (int i = 0; i < _highWater; i++)
        {
            ref Slot s = ref At(i);
            if (s.Data is null) continue;
            ref int b = ref buckets[s.Hash & mask];
            s.Next = b;
            b = i + 1;
        }
        Buckets = buckets;
    }

    /// <summary>Drops every item (flush_all): fresh small arrays, so the memory goes back too.</summary>
    public void Clear()
    {
        _chunks = [new Slot[InitialCapacity]];
        _capacity = InitialCapacity;
        Buckets = new int[InitialCapacity];
        Count = 0;
        _highWater = 0;
        _freeHead = 0;
        LruHead = LruTail = 0;
        Bytes = 0;
    }

    /// <summary>Visits live items (stats cachedump-like walks, tests).</summary>
    public int HighWater => _highWater;
}
