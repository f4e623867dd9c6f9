namespace Trove.Redis.Engine.Types;

/// <summary>
/// The storage shared by hashes and sets: members (and, for hashes, values) kept in dense
/// arrays so that a random member is one array read (SPOP, SRANDMEMBER, HRANDFIELD) and a
/// SCAN cursor is an array position, plus a member→slot dictionary once the table is
/// larger than a few entries.
/// </summary>
/// <remarks>
/// Order: while the table holds at most <see cref="OrderedLimit"/> entries, removal shifts
/// the tail down so the arrays keep insertion order, which is the order Redis's listpack
/// encoding replies in (HGETALL on a small hash). Beyond that Redis's order is its hash
/// table's, so removal swaps the last entry into the hole (O(1)).
/// SCAN walks slots from the top down: an entry present for the whole scan can only move
/// from a higher slot to a lower one (swap-remove), so it is never skipped.
/// Not thread-safe: the keyspace serialises access to a value.
/// </remarks>
internal sealed class DenseTable
{
    /// <summary>Largest size for which removal keeps insertion order.</summary>
    public const int OrderedLimit = 128;

    /// <summary>
    /// Size above which lookups go through the dictionary instead of a linear scan. A dictionary
    /// costs about 55 bytes an entry; scanning 32 entries (lengths compared first) costs well under
    /// a microsecond, and small hashes and sets are the common case.
    /// </summary>
    private const int IndexThreshold = 32;

    private byte[][] _keys;
    private byte[][]? _values;
    private int _count;
    private Dictionary<byte[], int>? _index;

    public DenseTable(bool withValues, int capacity = 4)
    {
        capacity = Math.Max(capacity, 1);
        _keys = new byte[capacity][];
        _values = withValues ? new byte[capacity][] : null;
    }

    public int Count => _count;

    public byte[] KeyAt(int slot) => _keys[slot];

    public byte[] ValueAt(int slot) => _values![slot];

    public void SetValueAt(int slot, byte[] value) => _values![slot] = value;

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key)
    {
        if (_index is not null)
        {
            var lookup = _index.GetAlternateLookup<ReadOnlySpan<byte>>();
            return lookup.TryGetValue(key, out int slot) ? slot : -1;
        }
        var keys = _keys;
        for (int i = 0; i < _count; i++)
        {
            var k = keys[i];
            if (k.Length == key.Length && key.SequenceEqual(k)) return i;
        }
        return -1;
    }

    /// <summary>Appends an entry the caller knows to be absent; returns its slot.</summary>
    public int Add(byte[] key, byte[]? value)
    {
        if (_count == _keys.Length) Grow();
        int slot = _count++;
        _keys[slot] = key;
        if (_values is not null) _values[slot] = value!;
        if (_index is not null) _index.Add(key, slot);
        else if (_count > IndexThreshold) BuildIndex();
        return slot;
    }

    /// <summary>Removes the entry in <paramref name="slot"/>.</summary>
    public void RemoveAt(int slot)
    {
        int last = _count - 1;
        _index?.Remove(_keys[slot]);
        if (_count <= OrderedLimit)
        {
            int tail = last - slot;
            if (tail > 0)
            {
                Array.Copy(_keys, slot + 1, _keys, slot, tail);
                if (_values is not null) Array.Copy(_values, slot + 1, _values, slot, tail);
                if (_index is not null)
                    for (int i = slot; i < last; i++) _index[_keys[i]] = i;
            }
        }
        else if (slot != last)
        {
            _keys[slot] = _keys[last];
            if (_values is not null) _values[slot] = _values[last];
            _index![_keys[slot]] = slot;
        }
        _keys[last] = null!;
        if (_values is not null) _values[last] = null!;
        _count = last;
        if (_count <= IndexThreshold / 2 && _index is not null) _index = null;
        if (_keys.Length > 64 && _count < _keys.Length / 4) Shrink();
    }

    /// <summary>A copy sharing the (immutable) member and value arrays.</summary>
    public DenseTable Clone()
    {
        var copy = new DenseTable(_values is not null, Math.Max(_count, 4));
        for (int i = 0; i < _count; i++) copy.Add(_keys[i], _values?[i]);
        return copy;
    }

    /// <summary>Bytes held by members and values plus per-entry overhead (MEMORY USAGE).</summary>
    public long EstimateSize()
    {
        long size = 32 + _keys.Length * 8L * (_values is null ? 1 : 2);
        for (int i = 0; i < _count; i++) size += 24 + _keys[i].Length + (_values is null ? 0 : 24 + _values[i].Length);
        if (_index is not null) size += _index.Count * 28L;
        return size;
    }

    private void Grow()
    {
        int size = _keys.Length < 4 ? 4 : _keys.Length * 2;
        Array.Resize(ref _keys, size);
        if (_values is not null) Array.Resize(ref _values, size);
    }

    private void Shrink()
    {
        int size = Math.Max(_count * 2, 4);
        Array.Resize(ref _keys, size);
        if (_values is not null) Array.Resize(ref _values, size);
    }

    private void BuildIndex()
    {
        var index = new Dictionary<byte[], int>(_count * 2, BytesComparer.Instance);
        for (int i = 0; i < _count; i++) index.Add(_keys[i], i);
        _index = index;
    }

    /// <summary>
    /// One SCAN step: visits up to about <paramref name="count"/> slots below the cursor
    /// (cursor 0 starts at the top) and returns the next cursor, 0 when done. A small table
    /// is visited whole, in order, as Redis does for its compact encodings.
    /// </summary>
    public long Scan(long cursor, int count, Action<int> visit)
    {
        if (cursor == 0 && _count <= OrderedLimit)
        {
            for (int i = 0; i < _count; i++) visit(i);
            return 0;
        }
        long top = cursor == 0 ? _count : Math.Min(cursor, _count);
        long stop = Math.Max(0, top - Math.Max(count, 1));
        for (long i = top - 1; i >= stop; i--) visit((int)i);
        return stop;
    }
}
