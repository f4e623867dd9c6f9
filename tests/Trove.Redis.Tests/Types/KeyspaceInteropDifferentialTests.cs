namespace Trove.Redis.Tests.Types;

/// <summary>The collection types seen through the generic key commands: TYPE, OBJECT ENCODING, COPY, RENAME, MOVE, expiry, SCAN TYPE.</summary>
[Collection(TypesCollection.Name)]
public class KeyspaceInteropDifferentialTests(TypesFixture f)
{
    [Fact]
    public void Types_encodings_copy_rename_and_expiry() => Differential.Run(f, """
        HSET h a 1
        RPUSH l a
        SADD si 1 2
        SADD ss a
        ZADD z 1 a
        TYPE h
        TYPE l
        TYPE si
        TYPE z
        OBJECT ENCODING h
        OBJECT ENCODING l
        OBJECT ENCODING si
        OBJECT ENCODING ss
        OBJECT ENCODING z
        SADD si x
        OBJECT ENCODING si
        HSET h long "0123456789012345678901234567890123456789012345678901234567890123456789"
        OBJECT ENCODING h
        COPY h h2
        HSET h2 a changed
        HGET h a
        HGET h2 a
        COPY z z2
        ZADD z2 5 b
        ZCARD z
        COPY l l2
        RPUSH l2 b
        LLEN l
        COPY si si2
        SADD si2 y
        SCARD si
        RENAME z zr
        ZRANGE zr 0 -1 WITHSCORES
        EXISTS z
        MOVE l 1
        EXISTS l
        SELECT 1
        LRANGE l 0 -1
        SELECT 0
        !scan SCAN 0 TYPE zset COUNT 1000
        PEXPIRE h 40
        PEXPIRE zr 40
        PEXPIRE si 40
        PEXPIRE l2 40
        !sleep 100
        HLEN h
        ZCARD zr
        SMEMBERS si
        LLEN l2
        RPUSH l2 fresh
        TTL l2
        ZADD zr 1 a
        TTL zr
        DEL h2 z2 l2 si2 zr
        DBSIZE
        """);

    [Fact]
    public void Emptied_collections_disappear() => Differential.Run(f, """
        HSET h a 1
        HDEL h a
        EXISTS h
        RPUSH l a
        LPOP l
        EXISTS l
        RPUSH l a b
        LREM l 0 a
        LREM l 0 b
        EXISTS l
        SADD s a
        SREM s a
        EXISTS s
        SADD s a
        SPOP s
        EXISTS s
        SADD s a
        SADD t b
        SMOVE s t a
        EXISTS s
        ZADD z 1 a
        ZREM z a
        EXISTS z
        ZADD z 1 a
        ZPOPMIN z
        EXISTS z
        ZADD z 1 a 2 b
        ZREMRANGEBYSCORE z -inf +inf
        EXISTS z
        TYPE z
        """);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Transactions_over_collections(bool resp3) => Differential.Run(f, """
        MULTI
        HSET h a 1
        RPUSH l x y
        SADD s m
        ZADD z 1.5 a
        HGETALL h
        LRANGE l 0 -1
        SMEMBERS s
        ZRANGE z 0 -1 WITHSCORES
        ZSCORE z a
        LPUSH h oops
        EXEC
        MULTI
        ZADD z x a
        EXEC
        MULTI
        HSET h
        EXEC
        """, resp3);
}
