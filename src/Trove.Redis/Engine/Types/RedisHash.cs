namespace Trove.Redis.Engine.Types;

/// <summary>
/// A Redis hash: field → value, both byte strings compared bytewise.
/// </summary>
/// <remarks>
/// Small hashes reply in insertion order (as Redis's listpack encoding does); see
/// <see cref="DenseTable"/> for the layout. Not thread-safe: the keyspace serialises access.
/// Empty hashes must be removed from the keyspace by the caller, as Redis does.
/// </remarks>
public sealed partial class RedisHash
{
    private readonly DenseTable _table = new(withValues: true);

    /// <summary>Number of fields.</summary>
    public int Count => _table.Count;

    /// <summary>Sets a field; returns true when the field is new.</summary>
    public bool Set(byte[] field, byte[] value)
    {
        int slot = _table.Find(field);
        if (slot >= 0)
        {
            _table.SetValueAt(slot, value);
            return false;
        }
        _table.Add(field, value);
        return true;
    }

    /// <summary>Sets a field given as a span; the field's bytes are copied only when it is new.</summary>
    public bool Set(ReadOnlySpan<byte> field, byte[] value)
    {
        int slot = _table.Find(field);
        if (slot >= 0)
        {
            _table.SetValueAt(slot, value);
            return false;
        }
        _table.Add(field.ToArray(), value);
        return true;
    }

    /// <summary>Sets a field only when absent; returns true when it was set.</summary>
    public bool SetIfAbsent(byte[] field, byte[] value)
    {
        if (_table.Find(field) >= 0) return false;
        _table.Add(field, value);
        return true;
    }

    /// <summary>The value of a field, or null.</summary>
    public byte[]? Get(ReadOnlySpan<byte> field)
    {
        int slot = _table.Find(field);
        return slot >= 0 ? _table.ValueAt(slot) : null;
    }

    /// <summary>True when the field exists.</summary>
    public bool Contains(ReadOnlySpan<byte> field) => _table.Find(field) >= 0;

    /// <summary>Removes a field; returns true when it existed.</summary>
    public bool Remove(ReadOnlySpan<byte> field)
    {
        int slot = _table.Find(field);
        if (slot < 0) return false;
        _table.RemoveAt(slot);
        return true;
    }

    /// <summary>The field in position <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public byte[] FieldAt(int index) => _table.KeyAt(index);

    /// <summary>The value in position <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    public byte[] ValueAt(int index) => _table.ValueAt(index);

    /// <summary>Fields and values in reply order.</summary>
    public IEnumerable<KeyValuePair<byte[], byte[]>> Entries
    {
        get
        {
            for (int i = 0; i < _table.Count; i++) yield return new(_table.KeyAt(i), _table.ValueAt(i));
        }
    }

    /// <summary>One HSCAN step; <paramref name="visit"/> gets (field, value). Returns the next cursor.</summary>
    public long Scan(long cursor, int count, Action<byte[], byte[]> visit) =>
        _table.Scan(cursor, count, i => visit(_table.KeyAt(i), _table.ValueAt(i)));

    /// <summary>
    /// Adds <paramref name="delta"/> to an integer field (missing = 0).
    /// </summary>
    /// <returns>The outcome; <paramref name="result"/> holds the new value on success.</returns>
    public HashIncrResult IncrementBy(byte[] field, long delta, out long result)
    {
        result = 0;
        int slot = _table.Find(field);
        long current = 0;
        if (slot >= 0 && !NumberFormat.TryParseInt64(_table.ValueAt(slot), out current))
            return HashIncrResult.NotAnInteger;
        if ((delta > 0 && current > long.MaxValue - delta) || (delta < 0 && current < long.MinValue - delta))
            return HashIncrResult.Overflow;
        result = current + delta;
        var bytes = NumberFormat.FormatInt64(result);
        if (slot >= 0) _table.SetValueAt(slot, bytes);
        else _table.Add(field, bytes);
        return HashIncrResult.Ok;
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to a float field (missing = 0) with the precision and
    /// formatting of Redis's HINCRBYFLOAT; returns the stored bytes, or null with a reason.
    /// </summary>
    public byte[]? IncrementByFloat(byte[] field, ReadOnlySpan<byte> delta, out HashIncrResult outcome)
    {
        int slot = _table.Find(field);
        ReadOnlySpan<byte> current = slot >= 0 ? _table.ValueAt(slot) : "0"u8;
        var sum = NumberFormat.AddLongDoubleStrings(current, delta, out var status);
        outcome = status switch
        {
            FloatAddStatus.Ok => HashIncrResult.Ok,
            FloatAddStatus.CurrentNotFloat => HashIncrResult.NotAFloat,
            FloatAddStatus.DeltaNotFloat => HashIncrResult.IncrementNotAFloat,
            _ => HashIncrResult.NaNOrInfinity,
        };
        if (sum is null) return null;
        if (slot >= 0) _table.SetValueAt(slot, sum);
        else _table.Add(field, sum);
        return sum;
    }
}

/// <summary>Outcome of HINCRBY / HINCRBYFLOAT.</summary>
public enum HashIncrResult
{
    /// <summary>Stored.</summary>
    Ok,
    /// <summary>The field's value is not an integer ("ERR hash value is not an integer").</summary>
    NotAnInteger,
    /// <summary>The result would overflow ("ERR increment or decrement would overflow").</summary>
    Overflow,
    /// <summary>The field's value is not a float ("ERR hash value is not a float").</summary>
    NotAFloat,
    /// <summary>The increment is not a float ("ERR value is not a valid float").</summary>
    IncrementNotAFloat,
    /// <summary>The result is NaN or infinite ("ERR increment would produce NaN or Infinity").</summary>
    NaNOrInfinity,
}
