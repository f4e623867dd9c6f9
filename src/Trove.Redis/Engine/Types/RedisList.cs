namespace Trove.Redis.Engine.Types;

/// <summary>
/// A Redis list: a ring buffer of byte strings, O(1) push and pop at both ends and O(1)
/// access by index; insertion and removal in the middle move the shorter side.
/// </summary>
/// <remarks>
/// Indexes here are 0-based and already normalised (the command layer turns Redis's negative
/// indexes into these). Not thread-safe: the keyspace serialises access. Empty lists must
/// be removed from the keyspace by the caller, as Redis does.
/// </remarks>
public sealed partial class RedisList
{
    private byte[][] _items;
    private int _head;
    private int _count;

    /// <summary>Creates an empty list.</summary>
    public RedisList(int capacity = 4) => _items = new byte[Math.Max(capacity, 1)][];

    /// <summary>Number of elements.</summary>
    public int Count => _count;

    private int Slot(int index)
    {
        int s = _head + index;
        return s >= _items.Length ? s - _items.Length : s;
    }

    /// <summary>The element at <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public byte[] this[int index]
    {
        get => _items[Slot(index)];
        set => _items[Slot(index)] = value;
    }

    /// <summary>Pushes at the head (LPUSH).</summary>
    public void PushLeft(byte[] value)
    {
        if (_count == _items.Length) Grow();
        _head = _head == 0 ? _items.Length - 1 : _head - 1;
        _items[_head] = value;
        _count++;
    }

    /// <summary>Pushes at the tail (RPUSH).</summary>
    public void PushRight(byte[] value)
    {
        if (_count == _items.Length) Grow();
        _items[Slot(_count)] = value;
        _count++;
    }

    /// <summary>Pops the head, or null when empty.</summary>
    public byte[]? PopLeft()
    {
        if (_count == 0) return null;
        var v = _items[_head];
        _items[_head] = null!;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        _count--;
        MaybeShrink();
        return v;
    }

    /// <summary>Pops the tail, or null when empty.</summary>
    public byte[]? PopRight()
    {
        if (_count == 0) return null;
        int s = Slot(_count - 1);
        var v = _items[s];
        _items[s] = null!;
        _count--;
        MaybeShrink();
        return v;
    }

    /// <summary>Inserts so that the new element ends up at <paramref name="index"/> (0 ≤ index ≤ Count).</summary>
    public void Insert(int index, byte[] value)
    {
        if (index == 0) { PushLeft(value); return; }
        if (index == _count) { PushRight(value); return; }
        if (_count == _items.Length) Grow();
        if (index < _count / 2)
        {
            _head = _head == 0 ? _items.Length - 1 : _head - 1;
            for (int i = 0; i < index; i++) _items[Slot(i)] = _items[Slot(i + 1)];
        }
        else
        {
            for (int i = _count; i > index; i--) _items[Slot(i)] = _items[Slot(i - 1)];
        }
        _items[Slot(index)] = value;
        _count++;
    }

    /// <summary>Removes the element at <paramref name="index"/>.</summary>
    public void RemoveAt(int index)
    {
        if (index < _count / 2)
        {
            for (int i = index; i > 0; i--) _items[Slot(i)] = _items[Slot(i - 1)];
            _items[_head] = null!;
            _head = _head + 1 == _items.Length ? 0 : _head + 1;
        }
        else
        {
            for (int i = index; i < _count - 1; i++) _items[Slot(i)] = _items[Slot(i + 1)];
            _items[Slot(_count - 1)] = null!;
        }
        _count--;
        MaybeShrink();
    }

    /// <summary>Index of the first element equal to <paramref name="value"/> at or after <paramref name="start"/>, or -1.</summary>
    public int IndexOf(ReadOnlySpan<byte> value, int start = 0)
    {
        for (int i = start; i < _count; i++)
            if (value.SequenceEqual(_items[Slot(i)])) return i;
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
        if (count >= 0)
        {
            // Compact in one pass so that removing many elements stays linear.
            int write = 0;
            for (int read = 0; read < _count; read++)
            {
                var item = _items[Slot(read)];
                if (removed < limit && value.SequenceEqual(item)) { removed++; continue; }
                if (write != read) _items[Slot(write)] = item;
                write++;
            }
            for (int i = write; i < _count; i++) _items[Slot(i)] = null!;
            _count = write;
        }
        else
        {
            int write = _count - 1;
            for (int read = _count - 1; read >= 0; read--)
            {
                var item = _items[Slot(read)];
                if (removed < limit && value.SequenceEqual(item)) { removed++; continue; }
                if (write != read) _items[Slot(write)] = item;
                write--;
            }
            int drop = write + 1;
            for (int i = 0; i < drop; i++) _items[Slot(i)] = null!;
            _head = Slot(drop);
            _count -= drop;
        }
        MaybeShrink();
        return removed;
    }

    /// <summary>Keeps only elements start..end inclusive (normalised, start ≤ end), as LTRIM does.</summary>
    public void Trim(int start, int end)
    {
        for (int i = end + 1; i < _count; i++) _items[Slot(i)] = null!;
        for (int i = 0; i < start; i++) _items[Slot(i)] = null!;
        _head = Slot(start);
        _count = end - start + 1;
        MaybeShrink();
    }

    /// <summary>Removes every element.</summary>
    public void Clear()
    {
        _items = new byte[4][];
        _head = 0;
        _count = 0;
    }

    private void Grow() => Resize(_items.Length < 4 ? 4 : _items.Length * 2);

    private void MaybeShrink()
    {
        if (_items.Length > 64 && _count < _items.Length / 4) Resize(Math.Max(_count * 2, 4));
    }

    private void Resize(int size)
    {
        var next = new byte[size][];
        int first = Math.Min(_count, _items.Length - _head);
        Array.Copy(_items, _head, next, 0, first);
        Array.Copy(_items, 0, next, first, _count - first);
        _items = next;
        _head = 0;
    }
}
