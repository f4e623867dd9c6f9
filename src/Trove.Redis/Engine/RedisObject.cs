namespace Trove.Redis.Engine;

/// <summary>The TYPE of a key, with Redis's names.</summary>
public enum RedisType : byte
{
    /// <summary>No such key ("none").</summary>
    None,
    /// <summary>A byte string, stored in the keyspace as a plain <c>byte[]</c>.</summary>
    String,
    /// <summary>A list.</summary>
    List,
    /// <summary>A set.</summary>
    Set,
    /// <summary>A sorted set.</summary>
    ZSet,
    /// <summary>A hash.</summary>
    Hash,
}

/// <summary>
/// Base class of every non-string value in the keyspace. <b>Value contract</b>: a keyspace value is
/// either a <c>byte[]</c> (a Redis string: the array is owned by the keyspace and replaced, never
/// mutated in place, unless the writer owns it exclusively as SETRANGE/APPEND do) or a
/// <see cref="RedisObject"/> subclass (hash, list, set, sorted set), which commands mutate in place
/// under the keyspace lock. A collection that becomes empty must be removed from the keyspace by
/// the command that emptied it (Redis never keeps empty collections).
/// </summary>
public abstract class RedisObject
{
    /// <summary>What TYPE reports.</summary>
    public abstract RedisType Type { get; }

    /// <summary>What OBJECT ENCODING reports ("listpack", "hashtable", "quicklist", "skiplist", "intset").</summary>
    public abstract string Encoding { get; }

    /// <summary>A deep copy (COPY, and later snapshots).</summary>
    public abstract RedisObject Clone();

    /// <summary>Approximate bytes used (MEMORY USAGE).</summary>
    public abstract long EstimateSize();
}

/// <summary>Names of <see cref="RedisType"/> as TYPE and SCAN TYPE spell them.</summary>
public static class RedisTypeNames
{
    /// <summary>"string", "list", "set", "zset", "hash" or "none".</summary>
    public static string Name(RedisType t) => t switch
    {
        RedisType.String => "string",
        RedisType.List => "list",
        RedisType.Set => "set",
        RedisType.ZSet => "zset",
        RedisType.Hash => "hash",
        _ => "none",
    };

    /// <summary>The type of a keyspace value.</summary>
    public static RedisType TypeOf(object? value) => value switch
    {
        null => RedisType.None,
        byte[] => RedisType.String,
        RedisObject o => o.Type,
        _ => RedisType.None,
    };
}
