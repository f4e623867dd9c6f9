namespace Trove.Redis.Tests.Types;

[Collection(TypesCollection.Name)]
public class ListDifferentialTests(TypesFixture f)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Push_pop_index_range(bool resp3) => Differential.Run(f, """
        LPUSH l a b c
        RPUSH l d e
        LPUSHX nokey a
        RPUSHX nokey a
        LPUSHX l z
        RPUSHX l y
        LLEN l
        LLEN nokey
        LRANGE l 0 -1
        LRANGE l -3 -1
        LRANGE l -100 100
        LRANGE l 5 2
        LRANGE l 100 200
        LRANGE l x 1
        LRANGE nokey 0 -1
        LINDEX l 0
        LINDEX l -1
        LINDEX l 100
        LINDEX l -100
        LINDEX l x
        LINDEX nokey x
        LPOP l
        RPOP l
        LPOP l 2
        RPOP l 0
        RPOP l -1
        LPOP l x
        LPOP l 1 2
        LPOP nokey
        LPOP nokey 2
        RPOP l 100
        EXISTS l
        RPUSH e ""
        LRANGE e 0 -1
        RPUSH bin "a\r\nb" "\0" "\xff\x00"
        LRANGE bin 0 -1
        LPOP bin 9223372036854775807
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Insert_set_rem_trim(bool resp3) => Differential.Run(f, """
        RPUSH l a b c b a b
        LINSERT l BEFORE b x
        LINSERT l after b y
        LINSERT l before nosuch z
        LINSERT l middle a b
        LINSERT nokey before a b
        LRANGE l 0 -1
        LSET l 0 first
        LSET l -1 last
        LSET l 100 x
        LSET l x x
        LSET nokey 0 x
        LRANGE l 0 -1
        LREM l 1 b
        LREM l -1 b
        LREM l 0 a
        LREM l x a
        LREM nokey 0 a
        LRANGE l 0 -1
        LTRIM l 1 -2
        LRANGE l 0 -1
        LTRIM l 1 0
        EXISTS l
        LTRIM nokey 0 1
        LTRIM l x 1
        RPUSH t 1 2 3 4 5
        LTRIM t -2 100
        LRANGE t 0 -1
        LREM t 0 4
        LREM t 0 5
        EXISTS t
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Move_pos_mpop(bool resp3) => Differential.Run(f, """
        RPUSH s a b c
        RPOPLPUSH s d
        LMOVE s d LEFT RIGHT
        LMOVE s d left left
        LMOVE s d up left
        LMOVE nokey d left left
        RPOPLPUSH nokey d
        LRANGE d 0 -1
        EXISTS s
        RPUSH r 1 2 3
        RPOPLPUSH r r
        LMOVE r r LEFT RIGHT
        LRANGE r 0 -1
        SET str x
        RPOPLPUSH r str
        RPOPLPUSH str r
        LMOVE r str LEFT LEFT
        LRANGE r 0 -1
        RPUSH p a b c a b c a
        LPOS p a
        LPOS p a RANK 2
        LPOS p a RANK -1
        LPOS p a RANK -2 COUNT 2
        LPOS p a COUNT 0
        LPOS p a COUNT 2 MAXLEN 4
        LPOS p a RANK 2 MAXLEN 3
        LPOS p nosuch
        LPOS p nosuch COUNT 3
        LPOS p a RANK 0
        LPOS p a RANK -9223372036854775808
        LPOS p a RANK 9223372036854775807
        LPOS p a COUNT -1
        LPOS p a MAXLEN -1
        LPOS p a foo
        LPOS p a RANK
        LPOS p a RANK x
        LPOS nokey a
        LPOS nokey a COUNT 0
        LPOS str a
        LMPOP 1 p LEFT
        LMPOP 1 p RIGHT COUNT 2
        LMPOP 3 nokey str p LEFT
        LMPOP 2 nokey p LEFT COUNT 100
        LMPOP 2 nokey p LEFT
        LMPOP 0 p left
        LMPOP x p left
        LMPOP 2 p left
        LMPOP 1 p middle
        LMPOP 1 p left count 0
        LMPOP 1 p left count x
        LMPOP 1 p left foo
        LMPOP 1 p left count 1 count 2
        LMPOP 1 str left
        """, resp3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_types_and_blocking_forms_that_do_not_block(bool resp3) => Differential.Run(f, """
        SET str x
        LPUSH str a
        RPUSH str a
        LPUSHX str a
        LLEN str
        LRANGE str 0 -1
        LINDEX str 0
        LSET str 0 a
        LREM str 0 a
        LTRIM str 0 1
        LPOP str
        RPOP str 1
        LINSERT str before a b
        RPUSH l a b
        BLPOP l 0
        BRPOP l 0
        BLPOP l str 0
        BLPOP str l 0
        RPUSH l a b
        BLPOP nokey l 0
        BRPOPLPUSH l l2 0
        BLMOVE l2 l RIGHT LEFT 0
        BLMOVE l l2 up left 0
        BLMPOP 0 2 nokey l LEFT COUNT 5
        BLPOP l x
        BLPOP l -1
        BLPOP l inf
        BLPOP l 1e300
        BLMPOP 0 0 l left
        BLMPOP x 1 l left
        BRPOPLPUSH str l 0
        BLPOP nokey 0.01
        BRPOP nokey nokey2 0.01
        BRPOPLPUSH nokey l 0.01
        BLMOVE nokey l LEFT LEFT 0.01
        BLMPOP 0.01 1 nokey LEFT
        MULTI
        BLPOP nokey 0
        BRPOPLPUSH nokey l 0
        BLMPOP 0 1 nokey LEFT
        EXEC
        """, resp3);

    [Fact]
    public void Long_list_agrees()
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < 400; i++) sb.Append(i % 2 == 0 ? $"RPUSH big v{i % 37}\n" : $"LPUSH big v{i % 37}\n");
        sb.Append("LLEN big\nLRANGE big 0 -1\nLREM big 3 v1\nLREM big -2 v2\nLINSERT big AFTER v5 new\nLINDEX big 200\nLSET big 150 x\nLTRIM big 10 -10\nLRANGE big 0 -1\nLPOS big v3 COUNT 0\n");
        Differential.Run(f, sb.ToString());
    }
}
