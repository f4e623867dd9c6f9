namespace Trove.Redis.Tests.Types;

[Collection(TypesCollection.Name)]
public class SetDifferentialTests(TypesFixture f)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Integer_sets_reply_in_order(bool resp3) => Differential.Run(f, """
        SADD s 5 3 -1 10 3
        SMEMBERS s
        SCARD s
        SISMEMBER s 3
        SISMEMBER s 03
        SMISMEMBER s 3 4 5
        SMISMEMBER nokey a
        SREM s 3 4
        SMEMBERS s
        SADD t 10 20 5
        SINTER s t
        SUNION s t
        SDIFF s t
        SDIFF t s
        SINTERSTORE i s t
        SMEMBERS i
        SUNIONSTORE u s t
        SMEMBERS u
        SDIFFSTORE d s t
        SMEMBERS d
        SINTERSTORE i s nokey
        EXISTS i
        SINTERCARD 2 s t
        SINTERCARD 2 s t LIMIT 1
        SINTERCARD 1 s LIMIT 0
        SINTERCARD 0 s
        SINTERCARD 3 s t
        SINTERCARD 1 s LIMIT -1
        SINTERCARD 1 s foo
        SINTERCARD x s
        SSCAN s 0
        SSCAN s 0 MATCH 1*
        SSCAN s 0 COUNT 0
        SSCAN s x
        SSCAN nokey 0
        SPOP s 100
        EXISTS s
        SMEMBERS nokey
        SCARD nokey
        SPOP nokey
        SPOP nokey 3
        SRANDMEMBER nokey
        SRANDMEMBER nokey 3
        SADD e ""
        SMEMBERS e
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void String_sets_compare_as_multisets(bool resp3) => Differential.Run(f, """
        SADD s a b c "\0x" "a\r\nb"
        SADD s a
        SADD s 1 2
        !sort SMEMBERS s
        SCARD s
        SISMEMBER s "a\r\nb"
        SADD t b c d
        !sort SINTER s t
        !sort SUNION s t nokey
        !sort SDIFF s t
        SINTER s nokey
        SDIFF nokey s
        SUNION nokey
        SINTERSTORE i s t
        !sort SMEMBERS i
        SMOVE s t a
        SMOVE s t nosuch
        SMOVE nokey t a
        SMOVE s s b
        SMOVE s s nosuch
        SMOVE t newkey d
        SMEMBERS newkey
        !sort SMEMBERS t
        SET str x
        SMOVE nokey str a
        SMOVE s str b
        SMOVE str s b
        SADD str a
        SREM str a
        SCARD str
        SMEMBERS str
        SISMEMBER str a
        SMISMEMBER str a
        SINTER s str
        SINTER nokey str
        SUNION s str
        SDIFF str s
        SINTERSTORE d str
        SINTERCARD 2 s str
        SPOP str
        SRANDMEMBER str
        SSCAN str 0
        !scan SSCAN s 0 COUNT 100
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Random_members_and_pops(bool resp3) => Differential.Run(f, """
        SADD s a b c d e
        !count SRANDMEMBER s
        SRANDMEMBER s 0
        !count SRANDMEMBER s 3
        !sort SRANDMEMBER s 5
        !sort SRANDMEMBER s 50
        !count SRANDMEMBER s -8
        SRANDMEMBER s x
        SRANDMEMBER s 1 2
        SRANDMEMBER s -9223372036854775808
        !count SPOP s
        !count SPOP s 2
        SPOP s 0
        SPOP s -1
        SPOP s x
        SPOP s 1 2
        SCARD s
        !count SPOP s 2
        EXISTS s
        SADD n 1 2 3
        SPOP n 3
        EXISTS n
        """, resp3);

    [Fact]
    public void Large_sets_convert_and_agree()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 600; i++) sb.Append($"SADD big {i * 7}\n");
        sb.Append("SCARD big\n!sort SMEMBERS big\nSISMEMBER big 49\nSREM big 49 50\nSCARD big\n");
        for (int i = 0; i < 200; i++) sb.Append($"SADD mixed {i} m{i}\n");
        sb.Append("!sort SINTER big mixed\nSINTERCARD 2 big mixed\n!sort SDIFF mixed big\nSUNIONSTORE u big mixed\nSCARD u\n");
        Differential.Run(f, sb.ToString());
    }
}
