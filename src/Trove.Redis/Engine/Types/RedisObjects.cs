namespace Trove.Redis.Engine.Types;

// The keyspace side of the four collection types: TYPE, OBJECT ENCODING (named as
// redis-server 7.0 names the encoding it would use for the same contents), COPY and MEMORY USAGE.

public sealed partial class RedisHash : RedisObject
{
    /// <inheritdoc />
    public override RedisType Type => RedisType.Hash;

    /// <inheritdoc />
    public override string Encoding => IsCompact(_table, withValues: true) ? "listpack" : "hashtable";

    /// <inheritdoc />
    public override RedisObject Clone()
    {
        var copy = new RedisHash();
        for (int i = 0; i < Count; i++) copy._table.Add(_table.KeyAt(i), _table.ValueAt(i));
        return copy;
    }

    /// <inheritdoc />
    public override long EstimateSize() => 48 + _table.EstimateSize();

    /// <summary>Redis keeps up to 128 entries of up to 64 bytes in a listpack.</summary>
    internal static bool IsCompact(DenseTable table, bool withValues)
    {
        if (table.Count > 128) return false;
        for (int i = 0; i < table.Count; i++)
        {
            if (table.KeyAt(i).Length > 64) return false;
            if (withValues && table.ValueAt(i).Length > 64) return false;
        }
        return true;
    }
}

public sealed partial class RedisList : RedisObject
{
    /// <inheritdoc />
    public override RedisType Type => RedisType.List;

    /// <inheritdoc />
    public override string Encoding => "quicklist";

    /// <inheritdoc />
    public override RedisObject Clone()
    {
        var copy = new RedisList();
        for (var it = Iterate(0); it.MoveNext();) copy.PushRight(it.Current);
        return copy;
    }

    /// <inheritdoc />
    public override long EstimateSize() => 48 + ChunkBytesUsed();
}

public sealed partial class RedisSet : RedisObject
{
    /// <inheritdoc />
    public override RedisType Type => RedisType.Set;

    /// <inheritdoc />
    public override string Encoding => IsIntSet ? "intset" : "hashtable";

    /// <inheritdoc />
    public override RedisObject Clone()
    {
        var copy = new RedisSet();
        if (_ints is not null)
        {
            copy._ints = (long[])_ints.Clone();
            copy._intCount = _intCount;
        }
        else
        {
            copy._ints = null;
            copy._table = _table!.Clone();
        }
        return copy;
    }

    /// <inheritdoc />
    public override long EstimateSize() => 48 + (_ints is not null ? _ints.Length * 8L : _table!.EstimateSize());
}

public sealed partial class RedisSortedSet : RedisObject
{
    /// <inheritdoc />
    public override RedisType Type => RedisType.ZSet;

    /// <inheritdoc />
    public override string Encoding
    {
        get
        {
            if (Count > 128) return "skiplist";
            foreach (var n in Ascending)
                if (n.Member.Length > 64) return "skiplist";
            return "listpack";
        }
    }

    /// <inheritdoc />
    public override RedisObject Clone()
    {
        var copy = new RedisSortedSet();
        foreach (var n in Ascending) copy.Add(n.Member, n.Score, ZAddFlags.None, out _);
        return copy;
    }

    /// <inheritdoc />
    public override long EstimateSize()
    {
        long size = 96;
        foreach (var n in Ascending) size += 24 + n.Member.Length + 72 + 16L * n.Levels.Length;
        return size;
    }
}
