namespace Trove.Redis.Tests.Types;

[Collection(TypesCollection.Name)]
public class SortedSetDifferentialTests(TypesFixture f)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Zadd_flags_scores_and_errors(bool resp3) => Differential.Run(f, """
        ZADD z 1 a 2 b 3 c
        ZADD z 1.5 a 0.1 x 1e20 y -inf n +inf p
        ZRANGE z 0 -1 WITHSCORES
        ZADD z NX 9 a 9 new
        ZADD z XX 9 a 9 new2
        ZADD z XX CH 10 a 10 b
        ZADD z GT CH 1 a 20 b
        ZADD z LT CH 1 a 30 b
        ZADD z INCR 5 a
        ZADD z INCR -inf n
        ZADD z INCR +inf n
        ZADD z NX INCR 1 a
        ZADD z XX INCR 1 nosuch
        ZADD z GT INCR -1 a
        ZADD z INCR 0 a
        ZADD nokey XX 1 a
        ZADD nokey XX INCR 1 a
        EXISTS nokey
        ZADD z NX XX 1 a
        ZADD z GT LT 1 a
        ZADD z NX GT 1 a
        ZADD z INCR 1 a 2 b
        ZADD z 1 a 2
        ZADD z x a
        ZADD z nan a
        ZADD z 1e400 a
        ZADD z " 1" a
        ZADD z 1
        ZADD z CH
        ZINCRBY z 2.5 a
        ZINCRBY z 1 brandnew
        ZINCRBY z x a
        ZINCRBY z -inf p
        ZSCORE z a
        ZSCORE z y
        ZSCORE z n
        ZSCORE z nosuch
        ZSCORE nokey a
        ZMSCORE z a nosuch y
        ZMSCORE nokey a b
        ZCARD z
        ZCARD nokey
        ZADD neg -0 a
        ZSCORE neg a
        ZADD fl 0.1 a 3.14159 b 1e-7 c 123456789012345678 d
        ZRANGE fl 0 -1 WITHSCORES
        ZADD e 1 ""
        ZADD e 2 "\0\r\n"
        ZRANGE e 0 -1 WITHSCORES
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Ranges_by_rank_score_and_lex(bool resp3) => Differential.Run(f, """
        ZADD z 1 a 2 b 3 c 4 d 5 e 5 f
        ZRANGE z 0 -1
        ZRANGE z 1 3 WITHSCORES
        ZRANGE z -2 -1 REV WITHSCORES
        ZRANGE z 5 1
        ZRANGE z 100 200
        ZRANGE z x 1
        ZREVRANGE z 0 2 WITHSCORES
        ZREVRANGE z 0 -1 REV
        ZRANGE z 2 4 BYSCORE
        ZRANGE z (2 4 BYSCORE WITHSCORES
        ZRANGE z (2 (4 BYSCORE
        ZRANGE z -inf +inf BYSCORE LIMIT 1 2
        ZRANGE z +inf -inf BYSCORE REV LIMIT 0 3 WITHSCORES
        ZRANGE z -inf +inf BYSCORE LIMIT -1 2
        ZRANGE z -inf +inf BYSCORE LIMIT 2 -1
        ZRANGE z -inf +inf BYSCORE LIMIT 10 1
        ZRANGE z -inf +inf BYSCORE LIMIT 1 0
        ZRANGE z (5 5 BYSCORE
        ZRANGE z 0 -1 LIMIT 0 1
        ZRANGE z a b BYLEX WITHSCORES
        ZRANGE z 0 1 BYSCORE BYLEX
        ZRANGE z 0 1 REV REV
        ZRANGE z 0 1 foo
        ZRANGE z x 1 BYSCORE
        ZRANGE z 1 x BYSCORE
        ZRANGE z "(" "(5" BYSCORE
        ZRANGE z "" 5 BYSCORE
        ZRANGEBYSCORE z 2 4
        ZRANGEBYSCORE z 2 4 WITHSCORES LIMIT 1 1
        ZRANGEBYSCORE z -inf (3
        ZRANGEBYSCORE z 0 10 BYSCORE
        ZRANGEBYSCORE z a b
        ZREVRANGEBYSCORE z 4 2
        ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 1 2
        ZREVRANGEBYSCORE z (4 (2
        ZCOUNT z 2 4
        ZCOUNT z (2 4
        ZCOUNT z -inf +inf
        ZCOUNT z 4 2
        ZCOUNT z x 1
        ZCOUNT nokey 0 1
        ZADD l 0 a 0 b 0 c 0 d 0 e 0 ab
        ZRANGEBYLEX l - +
        ZRANGEBYLEX l [a [c
        ZRANGEBYLEX l (a (c
        ZRANGEBYLEX l [b +
        ZRANGEBYLEX l - (b LIMIT 1 1
        ZRANGEBYLEX l + -
        ZRANGEBYLEX l a c
        ZRANGEBYLEX l [a +x
        ZRANGEBYLEX l - + WITHSCORES
        ZREVRANGEBYLEX l + -
        ZREVRANGEBYLEX l [c (a
        ZREVRANGEBYLEX l + - LIMIT 1 2
        ZRANGE l [e [b BYLEX REV
        ZLEXCOUNT l - +
        ZLEXCOUNT l [b [d
        ZLEXCOUNT l (b (d
        ZLEXCOUNT l a b
        ZLEXCOUNT nokey - +
        ZRANGE nokey 0 -1
        ZRANGE nokey 0 -1 WITHSCORES
        ZRANGESTORE dst z 0 2
        ZRANGE dst 0 -1 WITHSCORES
        ZRANGESTORE dst z (1 4 BYSCORE REV LIMIT 0 2
        ZRANGE dst 0 -1 WITHSCORES
        ZRANGESTORE dst2 l [a [b BYLEX
        ZRANGE dst2 0 -1
        ZRANGESTORE dst z 10 20
        EXISTS dst
        ZRANGESTORE dst nokey 0 -1
        ZRANGESTORE dst z 0 -1 WITHSCORES
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rank_remove_and_wrong_types(bool resp3) => Differential.Run(f, """
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZRANK z a
        ZRANK z e
        ZRANK z nosuch
        ZREVRANK z a
        ZRANK nokey a
        ZREM z a nosuch
        ZREM nokey a
        ZREMRANGEBYRANK z 0 0
        ZREMRANGEBYRANK z -1 -1
        ZREMRANGEBYRANK z 5 10
        ZREMRANGEBYRANK z x 1
        ZRANGE z 0 -1
        ZADD z 10 x 20 y 30 w
        ZREMRANGEBYSCORE z (10 20
        ZREMRANGEBYSCORE z x 1
        ZREMRANGEBYSCORE nokey 0 1
        ZRANGE z 0 -1 WITHSCORES
        ZADD l 0 a 0 b 0 c 0 d
        ZREMRANGEBYLEX l [b (d
        ZREMRANGEBYLEX l a b
        ZRANGE l 0 -1
        ZREMRANGEBYLEX l - +
        EXISTS l
        ZREM z b c d x w
        EXISTS z
        SET str x
        ZADD str 1 a
        ZINCRBY str 1 a
        ZSCORE str a
        ZMSCORE str a
        ZCARD str
        ZCOUNT str 0 1
        ZLEXCOUNT str - +
        ZRANGE str 0 -1
        ZRANGEBYSCORE str 0 1
        ZRANGEBYLEX str - +
        ZRANK str a
        ZREM str a
        ZREMRANGEBYRANK str 0 1
        ZREMRANGEBYSCORE str 0 1
        ZREMRANGEBYLEX str - +
        ZPOPMIN str
        ZRANDMEMBER str
        ZSCAN str 0
        ZRANGESTORE d str 0 1
        ZUNION 1 str
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Union_inter_diff(bool resp3) => Differential.Run(f, """
        ZADD a 1 x 2 y 3 z
        ZADD b 10 y 20 z 30 w
        SADD s y w q
        ZUNION 2 a b WITHSCORES
        ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES
        ZUNION 2 a b AGGREGATE MIN WITHSCORES
        ZUNION 2 a b AGGREGATE MAX WITHSCORES
        ZUNION 3 a b s WITHSCORES
        ZINTER 2 a b WITHSCORES
        ZINTER 2 a b WEIGHTS 1 -1 AGGREGATE SUM WITHSCORES
        ZINTER 3 a b s WITHSCORES
        ZINTER 2 a nokey
        ZDIFF 2 a b WITHSCORES
        ZDIFF 2 b s
        ZDIFF 1 nokey
        ZUNIONSTORE out 2 a b
        ZRANGE out 0 -1 WITHSCORES
        ZINTERSTORE out 2 a b AGGREGATE MAX
        ZRANGE out 0 -1 WITHSCORES
        ZDIFFSTORE out 2 a b
        ZRANGE out 0 -1 WITHSCORES
        ZINTERSTORE out 2 a nokey
        EXISTS out
        ZADD inf 1 x
        ZADD inf +inf y
        ZUNION 2 inf a WEIGHTS 0 1 WITHSCORES
        ZADD ninf -inf y
        ZUNION 2 inf ninf WITHSCORES
        ZINTERCARD 2 a b
        ZINTERCARD 2 a b LIMIT 1
        ZINTERCARD 0 a
        ZINTERCARD 3 a b
        ZINTERCARD 1 a LIMIT -1
        ZINTERCARD 1 a WITHSCORES
        ZUNIONSTORE out 0 a
        ZUNION 0 a
        ZUNION 3 a b
        ZUNION x a
        ZUNION 1 a WEIGHTS x
        ZUNION 1 a WEIGHTS 1 2
        ZUNION 1 a AGGREGATE foo
        ZUNION 1 a AGGREGATE
        ZDIFF 1 a WEIGHTS 1
        ZDIFF 1 a AGGREGATE SUM
        ZUNIONSTORE out 1 a WITHSCORES
        SET str x
        ZUNION 2 a str
        ZINTERSTORE out 2 str a
        ZUNION 1 a foo
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pops_random_and_scan(bool resp3) => Differential.Run(f, """
        ZADD z 1 a 2 b 3 c 4 d 5 e
        ZPOPMIN z
        ZPOPMAX z
        ZPOPMIN z 2
        ZPOPMAX z 0
        ZPOPMIN z -1
        ZPOPMIN z x
        ZPOPMIN z 1 2
        ZPOPMIN nokey
        ZPOPMIN nokey 3
        ZPOPMAX z 10
        EXISTS z
        ZADD z 1 a 2 b 3 c
        ZMPOP 1 z MIN
        ZMPOP 1 z MAX COUNT 5
        ZMPOP 2 nokey z MIN
        ZADD z 1 a 2 b 3 c
        ZMPOP 2 nokey z MAX COUNT 2
        ZMPOP 0 z MIN
        ZMPOP 1 z middle
        ZMPOP 1 z MIN COUNT 0
        ZMPOP 2 z MIN
        ZADD z 1 a 2 b 3 c
        BZPOPMIN z 0
        BZPOPMAX nokey z 0
        BZPOPMIN nokey 0.01
        BZMPOP 0.01 1 nokey MIN
        BZPOPMIN z x
        BZPOPMIN z -1
        MULTI
        BZPOPMIN nokey 0
        BZMPOP 0 1 nokey MAX
        EXEC
        ZADD r 1 a 2 b 3 c
        !count ZRANDMEMBER r
        ZRANDMEMBER nokey
        ZRANDMEMBER nokey 2
        ZRANDMEMBER r 0
        !sort ZRANDMEMBER r 3
        !sort ZRANDMEMBER r 10 WITHSCORES
        !count ZRANDMEMBER r 2
        !count ZRANDMEMBER r -6 WITHSCORES
        ZRANDMEMBER r 1 foo
        ZRANDMEMBER r x
        ZRANDMEMBER r -9223372036854775808
        ZRANDMEMBER r 9223372036854775807 WITHSCORES
        ZSCAN r 0
        ZSCAN r 0 MATCH b*
        ZSCAN r 0 COUNT 0
        ZSCAN r x
        ZSCAN nokey 0
        ZADD sc 0.1 m 1e20 n +inf o
        ZSCAN sc 0
        """, resp3);

    [Fact]
    public void Large_sorted_set_agrees()
    {
        var sb = new System.Text.StringBuilder();
        var rng = new Random(11);
        for (int i = 0; i < 400; i++) sb.Append($"ZADD big {rng.Next(100) / 4.0} m{rng.Next(300)}\n");
        sb.Append("ZCARD big\nZRANGE big 0 -1 WITHSCORES\nZRANGE big 10 20 REV\nZRANGEBYSCORE big (5 10 WITHSCORES LIMIT 3 7\nZCOUNT big 3 (9\n");
        sb.Append("ZRANK big m17\nZREVRANK big m17\nZREMRANGEBYRANK big 5 50\nZREMRANGEBYSCORE big 20 (22\nZRANGE big 0 -1 WITHSCORES\n");
        sb.Append("ZRANGEBYLEX big - + LIMIT 0 5\nZINCRBY big 100 m5\nZRANGE big -3 -1 WITHSCORES\n!scan ZSCAN big 0 COUNT 1000\n");
        Differential.Run(f, sb.ToString());
    }
}
