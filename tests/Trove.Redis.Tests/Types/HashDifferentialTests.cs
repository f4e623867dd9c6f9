namespace Trove.Redis.Tests.Types;

[Collection(TypesCollection.Name)]
public class HashDifferentialTests(TypesFixture f)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Basic_hash_commands(bool resp3) => Differential.Run(f, """
        HSET h a 1 b 2 c 3
        HSET h a 10 d 4
        HSET h x
        HSET h x 1 y
        HMSET h e 5 f 6
        HMSET h e
        HSETNX h a 99
        HSETNX h z 26
        HGET h a
        HGET h nosuch
        HGET nokey a
        HMGET h a nosuch b
        HMGET nokey a b
        HGETALL h
        HGETALL nokey
        HKEYS h
        HVALS h
        HKEYS nokey
        HLEN h
        HLEN nokey
        HEXISTS h a
        HEXISTS h nosuch
        HEXISTS nokey a
        HSTRLEN h a
        HSTRLEN h nosuch
        HDEL h a nosuch b
        HGETALL h
        HDEL h c d e f z
        EXISTS h
        HDEL nokey a
        HGET
        HGETALL h extra
        HSET "" "" ""
        HGETALL ""
        HSET bin "a\r\nb" "\0\x01\xff" "\0" "x\r\n"
        HGETALL bin
        HGET bin "a\r\nb"
        HSTRLEN bin "a\r\nb"
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Increments_and_errors(bool resp3) => Differential.Run(f, """
        HINCRBY h n 5
        HINCRBY h n -7
        HINCRBY h n x
        HINCRBY h n 9223372036854775807
        HSET h big 9223372036854775807
        HINCRBY h big 1
        HSET h s abc
        HINCRBY h s 1
        HINCRBY h sp " 1"
        HINCRBYFLOAT h f 0.1
        HINCRBYFLOAT h f 0.2
        HINCRBYFLOAT h f 1e20
        HINCRBYFLOAT h g 3
        HINCRBYFLOAT h g -3
        HINCRBYFLOAT h g 1.5e-7
        HINCRBYFLOAT h s 1
        HINCRBYFLOAT h f x
        HINCRBYFLOAT h f nan
        HINCRBYFLOAT h f inf
        HINCRBYFLOAT h n 2.5
        HGETALL h
        SET str v
        HSET str a 1
        HGET str a
        HMGET str a
        HGETALL str
        HINCRBY str a 1
        HINCRBYFLOAT str a 1
        HLEN str
        HDEL str a
        HSETNX str a 1
        HKEYS str
        HSTRLEN str a
        HEXISTS str a
        HSCAN str 0
        HRANDFIELD str
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scan_and_random_fields(bool resp3) => Differential.Run(f, """
        HSET h a 1 b 2 c 3 ab 4
        HSCAN h 0
        HSCAN h 0 MATCH a*
        HSCAN h 0 MATCH a* COUNT 100
        HSCAN h 0 COUNT 0
        HSCAN h 0 COUNT x
        HSCAN h x
        HSCAN h 0 MATCH
        HSCAN h 0 foo bar
        HSCAN nokey 0
        HSCAN nokey 0 COUNT 0
        !count HRANDFIELD h
        HRANDFIELD nokey
        HRANDFIELD nokey 3
        HRANDFIELD h 0
        !sort HRANDFIELD h 4
        !sort HRANDFIELD h 10
        !sort HRANDFIELD h 10 WITHVALUES
        !count HRANDFIELD h 2
        !count HRANDFIELD h -5
        !count HRANDFIELD h -5 WITHVALUES
        HRANDFIELD h 1 foo
        HRANDFIELD h 1 WITHVALUES extra
        HRANDFIELD h x
        HRANDFIELD h -9223372036854775808
        HRANDFIELD h 9223372036854775807 WITHVALUES
        HRANDFIELD h -9223372036854775807 WITHVALUES
        """, resp3);

    [Fact]
    public void Large_hash_agrees_as_a_set_of_pairs()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 300; i++) sb.Append($"HSET big f{i} v{i}\n");
        sb.Append("HLEN big\n!sort HKEYS big\n!sort HVALS big\nHDEL big f1 f2 f3\nHLEN big\nHGET big f100\n");
        for (int i = 0; i < 300; i += 3) sb.Append($"HDEL big f{i}\n");
        sb.Append("HLEN big\n!sort HKEYS big\nHSET long f ").Append(new string('x', 100)).Append("\nHGETALL long\n");
        Differential.Run(f, sb.ToString());
    }

    [Fact]
    public void Expired_hash_is_gone()
    {
        Differential.Run(f, """
            HSET h a 1
            PEXPIRE h 50
            HGET h a
            !sleep 120
            HGET h a
            HLEN h
            HSETNX h a 2
            HGETALL h
            TTL h
            """);
    }
}
