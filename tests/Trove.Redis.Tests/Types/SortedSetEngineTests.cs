using System.Text;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Tests.Types;

public class SortedSetEngineTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static int Order((byte[] M, double S) a, (byte[] M, double S) b)
    {
        int c = a.S.CompareTo(b.S);
        return c != 0 ? c : a.M.AsSpan().SequenceCompareTo(b.M);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_operations_agree_with_a_naive_model(int seed)
    {
        var rng = new Random(seed);
        var z = new RedisSortedSet();
        var model = new Dictionary<string, double>();
        for (int step = 0; step < 4000; step++)
        {
            string m = "m" + rng.Next(300);
            double score = rng.Next(50) / 4.0 - 5;
            switch (rng.Next(8))
            {
                case 0:
                case 1:
                case 2:
                {
                    var outcome = z.Add(B(m), score, ZAddFlags.None, out _);
                    bool existed = model.TryGetValue(m, out double old);
                    Assert.Equal(!existed ? ZAddOutcome.Added : old == score ? ZAddOutcome.Unchanged : ZAddOutcome.Updated, outcome);
                    model[m] = score;
                    break;
                }
                case 3:
                    z.Add(B(m), score, ZAddFlags.Incr, out double after);
                    model[m] = model.TryGetValue(m, out double cur) ? cur + score : score;
                    Assert.Equal(model[m], after);
                    break;
                case 4:
                    Assert.Equal(model.Remove(m), z.Remove(B(m)));
                    break;
                case 5:
                {
                    var sorted = Sorted(model);
                    long rank = z.Rank(B(m), reverse: false);
                    int expected = sorted.FindIndex(x => Encoding.UTF8.GetString(x.M) == m);
                    Assert.Equal(expected, rank);
                    if (expected >= 0) Assert.Equal(sorted.Count - 1 - expected, z.Rank(B(m), reverse: true));
                    break;
                }
                case 6:
                {
                    double lo = rng.Next(50) / 4.0 - 5, hi = lo + rng.Next(20) / 4.0;
                    bool loEx = rng.Next(2) == 0, hiEx = rng.Next(2) == 0;
                    var range = new ScoreRange(lo, hi, loEx, hiEx);
                    var expected = Sorted(model).Where(x => (loEx ? x.S > lo : x.S >= lo) && (hiEx ? x.S < hi : x.S <= hi)).ToList();
                    Assert.Equal(expected.Count, z.CountInRange(range));
                    var first = z.FirstInRange(range);
                    var last = z.LastInRange(range);
                    if (expected.Count == 0) { Assert.Null(first); Assert.Null(last); }
                    else
                    {
                        Assert.Equal(expected[0].M, first!.Member);
                        Assert.Equal(expected[^1].M, last!.Member);
                    }
                    break;
                }
                default:
                {
                    var sorted = Sorted(model);
                    if (sorted.Count == 0) { Assert.Null(z.ByRank(0)); break; }
                    int r = rng.Next(sorted.Count);
                    var node = z.ByRank(r)!;
                    Assert.Equal(sorted[r].M, node.Member);
                    Assert.Equal(sorted[r].S, node.Score);
                    break;
                }
            }
            Assert.Equal(model.Count, z.Count);
        }
        var all = Sorted(model);
        var walked = z.Ascending.Select(n => (n.Member, n.Score)).ToList();
        Assert.Equal(all.Select(x => Encoding.UTF8.GetString(x.M)), walked.Select(x => Encoding.UTF8.GetString(x.Member)));
        // Backward links agree with forward order.
        var back = new List<string>();
        for (var n = z.Last; n is not null; n = n.Previous) back.Add(Encoding.UTF8.GetString(n.Member));
        back.Reverse();
        Assert.Equal(walked.Select(x => Encoding.UTF8.GetString(x.Member)), back);
    }

    private static List<(byte[] M, double S)> Sorted(Dictionary<string, double> model)
    {
        var l = model.Select(kv => (B(kv.Key), kv.Value)).ToList();
        l.Sort(Order);
        return l;
    }

    [Fact]
    public void Scan_pages_a_large_set_and_returns_every_stable_member()
    {
        var z = new RedisSortedSet();
        for (int i = 0; i < 500; i++) z.Add(B("m" + i), i, ZAddFlags.None, out _);
        var seen = new HashSet<string>();
        long cursor = 0;
        int calls = 0, round = 0;
        do
        {
            cursor = z.Scan(cursor, 10, n => seen.Add(Encoding.UTF8.GetString(n.Member)));
            calls++;
            // Churn while scanning: remove members >= 400, re-score some stable ones, add new ones.
            if (round < 100) z.Remove(B("m" + (400 + round)));
            z.Add(B("m" + (round % 400)), -round, ZAddFlags.None, out _);
            z.Add(B("new" + round), round, ZAddFlags.None, out _);
            round++;
        } while (cursor != 0);
        Assert.True(calls > 1);
        for (int i = 0; i < 400; i++) Assert.Contains("m" + i, seen);
    }

    [Fact]
    public void Zadd_flags_follow_redis()
    {
        var z = new RedisSortedSet();
        Assert.Equal(ZAddOutcome.Added, z.Add(B("a"), 1, ZAddFlags.None, out _));
        Assert.Equal(ZAddOutcome.Unchanged, z.Add(B("a"), 5, ZAddFlags.NX, out _));
        Assert.Equal(ZAddOutcome.Unchanged, z.Add(B("b"), 5, ZAddFlags.XX, out _));
        Assert.Equal(ZAddOutcome.Unchanged, z.Add(B("a"), 0, ZAddFlags.GT, out _));
        Assert.Equal(ZAddOutcome.Updated, z.Add(B("a"), 2, ZAddFlags.GT, out _));
        Assert.Equal(ZAddOutcome.Unchanged, z.Add(B("a"), 3, ZAddFlags.LT, out _));
        Assert.Equal(ZAddOutcome.Added, z.Add(B("c"), 9, ZAddFlags.GT, out _));
        Assert.Equal(ZAddOutcome.Updated, z.Add(B("a"), 1.5, ZAddFlags.Incr, out double s));
        Assert.Equal(3.5, s);
        z.Add(B("inf"), double.PositiveInfinity, ZAddFlags.None, out _);
        Assert.Equal(ZAddOutcome.NaN, z.Add(B("inf"), double.NegativeInfinity, ZAddFlags.Incr, out _));
    }

    [Fact]
    public void Lex_ranges_and_removal()
    {
        var z = new RedisSortedSet();
        foreach (var m in new[] { "a", "b", "c", "d", "e" }) z.Add(B(m), 0, ZAddFlags.None, out _);
        Assert.True(LexRange.TryParse("(a"u8, "[c"u8, out var r));
        Assert.Equal(2, z.CountInRange(r));
        Assert.Equal("b", Encoding.UTF8.GetString(z.FirstInRange(r)!.Member));
        Assert.Equal("c", Encoding.UTF8.GetString(z.LastInRange(r)!.Member));
        Assert.Equal(2, z.RemoveRange(r));
        Assert.Equal(new[] { "a", "d", "e" }, z.Ascending.Select(n => Encoding.UTF8.GetString(n.Member)));
        Assert.Equal(2, z.RemoveRangeByRank(1, 2));
        Assert.Equal(1, z.Count);
    }

    [Fact]
    public void Union_and_intersection_weight_and_aggregate()
    {
        var a = new RedisSortedSet();
        a.Add(B("x"), 1, ZAddFlags.None, out _);
        a.Add(B("y"), 2, ZAddFlags.None, out _);
        var s = new RedisSet();
        s.Add(B("y"));
        s.Add(B("z"));
        var sources = new[] { new ZSource(a), new ZSource(s) };
        var u = SortedSetAlgebra.Union(sources, [2, 10], ZAggregate.Sum);
        Assert.True(u.TryGetScore("x"u8, out double x) && x == 2);
        Assert.True(u.TryGetScore("y"u8, out double y) && y == 14);
        Assert.True(u.TryGetScore("z"u8, out double zz) && zz == 10);
        var i = SortedSetAlgebra.Intersect(sources, [1, 1], ZAggregate.Max);
        Assert.Equal(1, i.Count);
        Assert.True(i.TryGetScore("y"u8, out y) && y == 2);
        var d = SortedSetAlgebra.Difference(sources);
        Assert.Equal(1, d.Count);
        Assert.True(d.TryGetScore("x"u8, out _));
        var inf = new RedisSortedSet();
        inf.Add(B("x"), double.PositiveInfinity, ZAddFlags.None, out _);
        var zeroWeight = SortedSetAlgebra.Union([new ZSource(inf)], [0], ZAggregate.Sum);
        Assert.True(zeroWeight.TryGetScore("x"u8, out x) && x == 0);
    }
}
