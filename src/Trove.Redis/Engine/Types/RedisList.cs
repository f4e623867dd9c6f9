using System.Buffers.Binary;

namespace Trove.Redis.Engine.Types;

/// <summary>
/// A Redis list stored like Redis's quicklist: a ring of chunks, each one byte array holding
/// many elements back to back (about 6 bytes of overhead for a short element instead of a
/// 32-byte .NET array per element). Push and pop at both ends are O(1); access by index walks
/// the chunks from the nearer end, then the entries of one chunk.
/// </summary>
/// <remarks>
/// Entry layout inside a chunk: a length prefix, the bytes, and the length again as a suffix
/// so that a chunk can be read backwards from its tail (listpack's backlen). Lengths under 255
/// take one byte; longer ones 0xFF plus 4 bytes (prefix) or 4 bytes plus 0xFF (suffix).
/// Indexes are 0-based and already normalised by the command layer. Not thread-safe: the
/// keyspace serialises access. Empty lists must be removed from the keyspace by the caller.
/// </remarks>
public sealed partial class RedisList
{
    /// <summary>Bytes of entries a chunk grows to before a new chunk is started.</summary>
    internal const int ChunkBytes = 4096;

    private sealed class Chunk
    {
        public byte[] Buf;
        public int Head, Tail, Count;

        public Chunk(int capacity, bool growLeft)
        {
            Buf = new byte[capacity];
            Head = Tail = growLeft ? capacity : 0;
        }

        public int Size => Tail - Head;
    }

    private Chunk[] _chunks = new Chunk[2];
    private int _first;
    private int _chunkCount;
    private int _count;

    /// <summary>Creates an empty list.</summary>
    public RedisList(int capacity = 4) { }

    /// <summary>Number of elements.</summary>
    public int Count => _count;

    private Chunk ChunkAt(int i)
    {
        int s = _first + i;
        return _chunks[s >= _chunks.Length ? s - _chunks.Length : s];
    }

    private static int EntrySize(int len) => len < 255 ? len + 2 : len + 10;

    private static void WriteEntry(byte[] buf, int at, ReadOnlySpan<byte> value)
    {
        int len = value.Length;
        if (len < 255)
        {
            buf[at] = (byte)len;
            value.CopyTo(buf.AsSpan(at + 1));
            buf[at + 1 + len] = (byte)len;
        }
        else
        {
            buf[at] = 0xFF;
            BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(at + 1), len);
            value.CopyTo(buf.AsSpan(at + 5));
            BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(at + 5 + len), len);
            buf[at + 9 + len] = 0xFF;
        }
    }

    /// <summary>The entry starting at <paramref name="pos"/>: where its bytes are, how long, and where the next entry starts.</summary>
    private static (int Data, int Length, int Next) ReadForward(byte[] buf, int pos)
    {
        int b = buf[pos];
        if (b < 255) return (pos + 1, b, pos + b + 2);
        int len = BinaryPrimitives.ReadInt32LittleEndian(buf.AsSpan(pos + 1));
        return (pos + 5, len, pos + len + 10);
    }

    /// <summary>The entry ending at <paramref name="end"/>: where it starts, where its bytes are, how long.</summary>
    private static (int Start, int Data, int Length) ReadBackward(byte[] buf, int end)
    {
        int b = buf[end - 1];
        if (b < 255) return (end - b - 2, end - b - 1, b);
        int len = BinaryPrimitives.ReadInt32LittleEndian(buf.AsSpan(end - 5));
        return (end - len - 10, end - len - 5, len);
    }

    // ---- chunk ring ------------------------------------------------------------------------

    private void InsertChunk(int at, Chunk chunk)
    {
        if (_chunkCount == _chunks.Length)
        {
            var bigger = new Chunk[_chunks.Length * 2];
            for (int i = 0; i < _chunkCount; i++) bigger[i] = ChunkAt(i);
            _chunks = bigger;
            _first = 0;
        }
        if (at == 0)
        {
            _first = _first == 0 ? _chunks.Length - 1 : _first - 1;
            _chunks[_first] = chunk;
        }
        else
        {
            for (int i = _chunkCount; i > at; i--) SetChunk(i, ChunkAt(i - 1));
            SetChunk(at, chunk);
        }
        _chunkCount++;
    }

    private void SetChunk(int i, Chunk c)
    {
        int s = _first + i;
        _chunks[s >= _chunks.Length ? s - _chunks.Length : s] = c;
    }

    private void RemoveChunk(int at)
    {
        if (at == 0)
        {
            _chunks[_first] = null!;
            _first = _first + 1 == _chunks.Length ? 0 : _first + 1;
        }
        else
        {
            for (int i = at; i < _chunkCount - 1; i++) SetChunk(i, ChunkAt(i + 1));
            SetChunk(_chunkCount - 1, null!);
        }
        _chunkCount--;
        if (_chunkCount == 0) _first = 0;
    }

    /// <summary>Makes room for <paramref name="need"/> bytes before Head (left) or after Tail (right).</summary>
    private static void Reserve(Chunk c, int need, bool left)
    {
        if (left ? c.Head >= need : c.Buf.Length - c.Tail >= need) return;
        int size = c.Size;
        int capacity = Math.Max(c.Buf.Length * 2, size + need + 16);
        if (capacity > ChunkBytes && size + need <= ChunkBytes) capacity = ChunkBytes + 16;
        var buf = new byte[capacity];
        // Growing at one end: leave the new space at that end, a little slack at the other.
        int at = left ? capacity - size - Math.Min(16, capacity - size - need) : Math.Min(16, capacity - size - need);
        Array.Copy(c.Buf, c.Head, buf, at, size);
        c.Buf = buf;
        c.Head = at;
        c.Tail = at + size;
    }

    // ---- ends --------------------------------------------------------------------------------

    /// <summary>Pushes at the head (LPUSH).</summary>
    public void PushLeft(ReadOnlySpan<byte> value)
    {
        int need = EntrySize(value.Length);
        Chunk c;
        if (_chunkCount == 0 || ChunkAt(0).Size + need > ChunkBytes && ChunkAt(0).Count > 0)
        {
            c = new Chunk(Math.Max(need, 64), growLeft: true);
            InsertChunk(0, c);
        }
        else c = ChunkAt(0);
        Reserve(c, need, left: true);
        c.Head -= need;
        WriteEntry(c.Buf, c.Head, value);
        c.Count++;
        _count++;
    }

    /// <summary>Pushes at the tail (RPUSH).</summary>
    public void PushRight(ReadOnlySpan<byte> value)
    {
        int need = EntrySize(value.Length);
        Chunk c;
        if (_chunkCount == 0 || ChunkAt(_chunkCount - 1).Size + need > ChunkBytes && ChunkAt(_chunkCount - 1).Count > 0)
        {
            c = new Chunk(Math.Max(need, 64), growLeft: false);
            InsertChunk(_chunkCount, c);
        }
        else c = ChunkAt(_chunkCount - 1);
        Reserve(c, need, left: false);
        WriteEntry(c.Buf, c.Tail, value);
        c.Tail += need;
        c.Count++;
        _count++;
    }

    /// <summary>Pops the head, or null when empty.</summary>
    public byte[]? PopLeft()
    {
        if (_count == 0) return null;
        var c = ChunkAt(0);
        var (data, len, next) = ReadForward(c.Buf, c.Head);
        var value = c.Buf.AsSpan(data, len).ToArray();
        c.Head = next;
        AfterRemoveAtEnd(c, 0);
        return value;
    }

    /// <summary>Pops the tail, or null when empty.</summary>
    public byte[]? PopRight()
    {
        if (_count == 0) return null;
        var c = ChunkAt(_chunkCount - 1);
        var (start, data, len) = ReadBackward(c.Buf, c.Tail);
        var value = c.Buf.AsSpan(data, len).ToArray();
        c.Tail = start;
        AfterRemoveAtEnd(c, _chunkCount - 1);
        return value;
    }

    private void AfterRemoveAtEnd(Chunk c, int chunkIndex)
    {
        c.Count--;
        _count--;
        if (c.Count == 0) RemoveChunk(chunkIndex);
    }

    // ---- by index ----------------------------------------------------------------------------

    /// <summary>Finds the chunk holding element <paramref name="index"/> and the entry's start position in it.</summary>
    private (int Chunk, int Pos) Locate(int index)
    {
        int ci;
        int within;
        if (index < _count / 2)
        {
            ci = 0;
            while (index >= ChunkAt(ci).Count) { index -= ChunkAt(ci).Count; ci++; }
            within = index;
        }
        else
        {
            int fromEnd = _count - 1 - index;
            ci = _chunkCount - 1;
            while (fromEnd >= ChunkAt(ci).Count) { fromEnd -= ChunkAt(ci).Count; ci--; }
            within = ChunkAt(ci).Count - 1 - fromEnd;
        }
        var c = ChunkAt(ci);
        int pos;
        if (within <= c.Count / 2)
        {
            pos = c.Head;
            for (int k = 0; k < within; k++) pos = ReadForward(c.Buf, pos).Next;
        }
        else
        {
            pos = c.Tail;
            for (int k = c.Count; k > within; k--) pos = ReadBackward(c.Buf, pos).Start;
        }
        return (ci, pos);
    }

    /// <summary>The bytes of element <paramref name="index"/> (valid until the list changes).</summary>
    public ReadOnlySpan<byte> GetSpan(int index)
    {
        var (ci, pos) = Locate(index);
        var c = ChunkAt(ci);
        var (data, len, _) = ReadForward(c.Buf, pos);
        return c.Buf.AsSpan(data, len);
    }

    /// <summary>A copy of element <paramref name="index"/>; setting replaces it (LSET).</summary>
    public byte[] this[int index]
    {
        get => GetSpan(index).ToArray();
        set
        {
            var (ci, pos) = Locate(index);
            var c = ChunkAt(ci);
            int next = ReadForward(c.Buf, pos).Next;
            Splice(c, pos, next - pos, value);
        }
    }

    /// <summary>Replaces <paramref name="removeBytes"/> at <paramref name="pos"/> by one entry holding <paramref name="value"/> (or nothing).</summary>
    private static void Splice(Chunk c, int pos, int removeBytes, ReadOnlySpan<byte> value, bool insert = true)
    {
        int add = insert ? EntrySize(value.Length) : 0;
        int delta = add - removeBytes;
        int tailLen = c.Tail - (pos + removeBytes);
        if (delta > 0 && c.Buf.Length - c.Tail < delta)
        {
            int size = c.Size + delta;
            var buf = new byte[Math.Max(size + 16, c.Buf.Length * 2)];
            int at = 8;
            Array.Copy(c.Buf, c.Head, buf, at, pos - c.Head);
            Array.Copy(c.Buf, pos + removeBytes, buf, at + (pos - c.Head) + add, tailLen);
            pos = at + (pos - c.Head);
            c.Buf = buf;
            c.Head = at;
            c.Tail = at + size;
        }
        else
        {
            Array.Copy(c.Buf, pos + removeBytes, c.Buf, pos + add, tailLen);
            c.Tail += delta;
        }
        if (insert) WriteEntry(c.Buf, pos, value);
    }

    /// <summary>Inserts so that the new element ends up at <paramref name="index"/> (0 ≤ index ≤ Count).</summary>
    public void Insert(int index, ReadOnlySpan<byte> value)
    {
        if (index == 0) { PushLeft(value); return; }
        if (index == _count) { PushRight(value); return; }
        var (ci, pos) = Locate(index);
        var c = ChunkAt(ci);
        Splice(c, pos, 0, value);
        c.Count++;
        _count++;
        if (c.Size > ChunkBytes * 2 && c.Count > 1) Split(ci);
    }

    /// <summary>Splits an overgrown chunk in two halves (by entries).</summary>
    private void Split(int ci)
    {
        var c = ChunkAt(ci);
        int half = c.Count / 2, pos = c.Head;
        for (int k = 0; k < half; k++) pos = ReadForward(c.Buf, pos).Next;
        var right = new Chunk(c.Tail - pos + 16, growLeft: false);
        Array.Copy(c.Buf, pos, right.Buf, 0, c.Tail - pos);
        right.Tail = c.Tail - pos;
        right.Count = c.Count - half;
        c.Tail = pos;
        c.Count = half;
        InsertChunk(ci + 1, right);
    }

    /// <summary>Removes the element at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        var (ci, pos) = Locate(index);
        var c = ChunkAt(ci);
        int next = ReadForward(c.Buf, pos).Next;
        Splice(c, pos, next - pos, default, insert: false);
        c.Count--;
        _count--;
        if (c.Count == 0) RemoveChunk(ci);
    }

    /// <summary>Walks the elements from <paramref name="start"/> towards the tail (or the head when <paramref name="reverse"/>).</summary>
    public Iterator Iterate(int start, bool reverse = false) => new(this, start, reverse);

    /// <summary>A forward or backward walk over the elements; <see cref="Current"/> is valid until the list changes.</summary>
    public ref struct Iterator
    {
        private readonly RedisList _list;
        private readonly bool _reverse;
        private int _chunk, _pos, _left;
        private bool _started;
        private int _data, _len;

        internal Iterator(RedisList list, int start, bool reverse)
        {
            _list = list;
            _reverse = reverse;
            _left = reverse ? start + 1 : list._count - start;
            if (start < 0 || start >= list._count) { _left = 0; return; }
            (_chunk, _pos) = list.Locate(start);
        }

        /// <summary>The current element's bytes.</summary>
        public readonly ReadOnlySpan<byte> Current => _list.ChunkAt(_chunk).Buf.AsSpan(_data, _len);

        /// <summary>Moves to the next element; false at the end.</summary>
        public bool MoveNext()
        {
            if (_left == 0) return false;
            var c = _list.ChunkAt(_chunk);
            if (_started)
            {
                if (!_reverse)
                {
                    _pos = ReadForward(c.Buf, _pos).Next;
                    if (_pos >= c.Tail) { c = _list.ChunkAt(++_chunk); _pos = c.Head; }
                }
                else if (_pos <= c.Head) { c = _list.ChunkAt(--_chunk); _pos = ReadBackward(c.Buf, c.Tail).Start; }
                else _pos = ReadBackward(c.Buf, _pos).Start;
            }
            _started = true;
            (_data, _len, _) = ReadForward(c.Buf, _pos);
            _left--;
            return true;
        }
    }

    /// <summary>Index of the first element equal to <paramref name="value"/> at or after <paramref name="start"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> value, int start = 0)
    {
        int i = start;
        for (var it = Iterate(start); it.MoveNext(); i++)
            if (value.SequenceEqual(it.Current)) return i;
        return -1;
    }

    /// <summary>
    /// LREM: removes up to |count| elements equal to <paramref name="value"/> (from the head
    /// when count ≥ 0, from the tail when negative; 0 = all). Returns how many were removed.
    /// </summary>
    public int RemoveValue(ReadOnlySpan<byte> value, long count)
    {
        long limit = count == 0 ? long.MaxValue : Math.Abs(count);
        int removed = 0;
        // Rebuilding is linear like Redis's LREM and keeps the chunks compact afterwards.
        var kept = new RedisList();
        if (count >= 0)
        {
            for (var it = Iterate(0); it.MoveNext();)
            {
                if (removed < limit && value.SequenceEqual(it.Current)) { removed++; continue; }
                kept.PushRight(it.Current);
            }
        }
        else
        {
            for (var it = Iterate(_count - 1, reverse: true); it.MoveNext();)
            {
                if (removed < limit && value.SequenceEqual(it.Current)) { removed++; continue; }
                kept.PushLeft(it.Current);
            }
        }
        if (removed > 0) TakeFrom(kept);
        return removed;
    }

    private void TakeFrom(RedisList other)
    {
        _chunks = other._chunks;
        _first = other._first;
        _chunkCount = other._chunkCount;
        _count = other._count;
    }

    /// <summary>Keeps only elements start..end inclusive (normalised, start ≤ end), as LTRIM does; O(removed).</summary>
    public void Trim(int start, int end)
    {
        int dropRight = _count - 1 - end;
        DropLeft(start);
        DropRight(dropRight);
    }

    private void DropLeft(int n)
    {
        while (n > 0)
        {
            var c = ChunkAt(0);
            if (c.Count <= n) { n -= c.Count; _count -= c.Count; RemoveChunk(0); continue; }
            for (; n > 0; n--) { c.Head = ReadForward(c.Buf, c.Head).Next; c.Count--; _count--; }
        }
    }

    private void DropRight(int n)
    {
        while (n > 0)
        {
            var c = ChunkAt(_chunkCount - 1);
            if (c.Count <= n) { n -= c.Count; _count -= c.Count; RemoveChunk(_chunkCount - 1); continue; }
            for (; n > 0; n--) { c.Tail = ReadBackward(c.Buf, c.Tail).Start; c.Count--; _count--; }
        }
    }

    /// <summary>Removes every element.</summary>
    public void Clear()
    {
        _chunks = new Chunk[2];
        _first = 0;
        _chunkCount = 0;
        _count = 0;
    }

    /// <summary>Bytes held by the chunks (MEMORY USAGE).</summary>
    internal long ChunkBytesUsed()
    {
        long size = 24 + _chunks.Length * 8L;
        for (int i = 0; i < _chunkCount; i++) size += 48 + ChunkAt(i).Buf.Length;
        return size;
    }
}
