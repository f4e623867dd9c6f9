using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>Strings: replies compared byte for byte with redis-server 7.0.</summary>
[Collection("redis-diff")]
public sealed class StringDiffTests(DiffFixture f)
{
    [Fact]
    public Task SetGetVariants() => f.AssertSameAsync(
        "SET k v", "GET k", "SET k v2 NX", "SET k v3 XX", "GET k", "SET n 1 XX", "GET n",
        "SET k v4 GET", "SET k2 x GET", "SET k v EX 100", "TTL k", "SET k v PX 100000", "!PTTL k",
        "SET k v KEEPTTL", "TTL k", "SET k v EX 0", "SET k v EX -1", "SET k v EX abc", "SET k v EX 10 PX 10",
        "SET k v NX XX", "SET k v FOO", "SET k v KEEPTTL EX 10", "SET k v EXAT 99999999999", "TTL k",
        "SET \"\" empty", "GET \"\"", "SET e \"\"", "GET e", "STRLEN e",
        "SET bin \"a\0b\r\nc\"", "GET bin", "STRLEN bin",
        "SETNX k x", "SETNX nk x", "SETEX sk 10 v", "TTL sk", "SETEX sk 0 v", "SETEX sk x v", "PSETEX pk 5000 v",
        "GETSET k new", "GETSET missing new", "GETDEL k", "GETDEL k", "GET", "GET a b", "SET k");

    [Fact]
    public Task GetExAndMulti() => f.AssertSameAsync(
        "SET k v", "GETEX k EX 100", "TTL k", "GETEX k PERSIST", "TTL k", "GETEX k PX 0", "GETEX k EX 10 PERSIST",
        "GETEX missing EX 10", "GETEX k FOO",
        "MSET a 1 b 2 c 3", "MGET a b c d", "MSET a", "MSETNX a 1 z 2", "MSETNX y 1 z 2", "MGET y z",
        "SET list x", "GET list");

    [Fact]
    public Task Ranges() => f.AssertSameAsync(
        "SET s \"Hello World\"", "GETRANGE s 0 4", "GETRANGE s -5 -1", "GETRANGE s 5 2", "GETRANGE s -1 -5",
        "GETRANGE s 0 100", "GETRANGE s -100 2", "GETRANGE missing 0 1", "SUBSTR s 1 3", "GETRANGE s a 1",
        "SETRANGE s 6 Redis", "GET s", "SETRANGE new 5 x", "GET new", "SETRANGE s -1 x", "SETRANGE e 0 \"\"", "EXISTS e",
        "SETRANGE s 100 \"\"", "STRLEN s", "APPEND s !", "APPEND fresh abc", "GET fresh", "STRLEN missing",
        "SET cn 张三丰", "GETRANGE cn 0 2", "GETRANGE cn 0 3", "STRLEN cn");

    [Fact]
    public Task Counters() => f.AssertSameAsync(
        "INCR c", "INCRBY c 10", "DECR c", "DECRBY c 5", "DECRBY missing 3", "INCRBY c -2", "GET c",
        "SET big 9223372036854775807", "INCR big", "SET small -9223372036854775808", "DECR small",
        "INCRBY c 9223372036854775808", "DECRBY c -9223372036854775808", "SET s abc", "INCR s", "SET sp \" 1\"", "INCR sp",
        "SET z 007", "INCR z", "INCRBY c abc", "INCRBYFLOAT f 1.5", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -1.6",
        "INCRBYFLOAT f 1e3", "INCRBYFLOAT f abc", "INCRBYFLOAT f inf", "SET g 3.0", "INCRBYFLOAT g 1", "SET h 10.5",
        "INCRBYFLOAT h 0.1", "INCRBYFLOAT s 1", "SET e 1e2", "INCRBYFLOAT e 1", "INCRBYFLOAT x 5.0e3", "INCR f",
        "SET t 5", "EXPIRE t 100", "INCR t", "TTL t", "SET u 10.5", "INCRBYFLOAT u 0.1", "INCRBYFLOAT u 1.23456789012345678", "INCRBYFLOAT u -0.00000001",
        "SET w 5.0e3", "INCRBYFLOAT w 2.0e2", "INCRBYFLOAT w 1e300", "INCRBYFLOAT v 3", "INCRBYFLOAT v \"\"", "SET x \"\"", "INCRBYFLOAT x 1");

    [Fact]
    public Task Bits() => f.AssertSameAsync(
        "SET foo bar", "SETBIT foo 7 1", "GET foo", "GETBIT foo 7", "GETBIT foo 100000", "SETBIT foo -1 1", "SETBIT foo 1 2",
        "SETBIT nb 100 1", "STRLEN nb", "GETBIT missing 3", "BITCOUNT foo", "BITCOUNT foo 0 0", "BITCOUNT foo 1 -1",
        "BITCOUNT foo 0 7 BIT", "BITCOUNT foo 5 30 BIT", "BITCOUNT foo 0", "BITCOUNT foo 0 1 FOO", "BITCOUNT missing",
        "BITCOUNT foo -2 -1 BYTE", "BITCOUNT foo 3 1",
        "SET a abc", "SET b xyz", "BITOP AND d a b", "GET d", "BITOP OR d a b", "GET d", "BITOP XOR d a b", "GET d",
        "BITOP NOT d a", "GET d", "BITOP NOT d a b", "BITOP FOO d a", "BITOP AND d missing", "EXISTS d", "SET p \"\xff\xf0\x00\"", "BITPOS p 0", "BITPOS p 1", "BITPOS p 0 1", "BITPOS p 1 2", "BITPOS p 0 0 -1 BIT",
        "BITPOS p 1 7 15 BIT", "BITPOS missing 0", "BITPOS missing 1", "BITPOS p 2", "SET ones \"\xff\xff\"", "BITPOS ones 0",
        "BITPOS ones 0 0 -1", "BITPOS p 0 5 3");

    [Fact]
    public Task BitFieldAndLcs() => f.AssertSameAsync(
        "BITFIELD bf SET i8 0 100 GET i8 0", "BITFIELD bf INCRBY i8 0 100", "BITFIELD bf OVERFLOW SAT INCRBY i8 0 100",
        "BITFIELD bf OVERFLOW FAIL INCRBY i8 0 100", "BITFIELD bf GET u4 0 GET u4 4 GET i4 #1", "BITFIELD bf SET u8 #2 255 GET u16 8",
        "BITFIELD bf GET i65 0", "BITFIELD bf GET u64 0", "BITFIELD bf GET i64 0", "BITFIELD bf FOO", "BITFIELD bf OVERFLOW X GET i8 0",
        "BITFIELD_RO bf GET i8 0", "BITFIELD_RO bf SET i8 0 1", "GET bf", "BITFIELD bf INCRBY u2 100 1 OVERFLOW WRAP INCRBY u2 100 5",
        "MSET k1 ohmytext k2 mynewtext", "LCS k1 k2", "LCS k1 k2 LEN", "LCS k1 k2 IDX", "LCS k1 k2 IDX MINMATCHLEN 4",
        "LCS k1 k2 IDX MINMATCHLEN 4 WITHMATCHLEN", "LCS k1 k2 LEN IDX", "LCS k1 missing", "LCS k1 k2 FOO");

    [Fact]
    public Task WrongTypesAndExpiredKeys() => f.AssertSameAsync(
        "LPUSH l x", "GET l", "GETSET l v", "GETDEL l", "GETEX l", "APPEND l x", "STRLEN l", "INCR l", "INCRBYFLOAT l 1",
        "SETRANGE l 0 x", "GETRANGE l 0 1", "SETBIT l 1 1", "GETBIT l 1", "BITCOUNT l", "BITPOS l 1", "BITFIELD l GET i8 0",
        "MGET l missing", "SET l v GET", "SET l v NX GET", "SET l v", "TYPE l", "SADD s a", "BITOP AND d s", "LCS s l",
        "HSET h f v", "COPY h h2", "HGET h2 f", "RENAME h2 h3", "TYPE h3", "OBJECT ENCODING h3", "MOVE h3 1", "SELECT 1", "TYPE h3",
        "SELECT 0", "ZADD z 1 a", "SCAN 0 TYPE zset", "SET e v PX 20", "LPUSH el x", "PEXPIRE el 20", "#sleep 60",
        "GET e", "LLEN el", "EXISTS e el", "TTL e", "APPEND e x", "TTL e", "INCR el", "DBSIZE");
}
