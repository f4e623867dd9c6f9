using System.Text;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Tests.Types;

public class CollectionEngineTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);
    private static string S(byte[] b) => Encoding.UTF8.GetString(b);

    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void List_random_operations_agree_with_a_list_model(int seed)
    {
        var rng = new Random(seed);
        var list = new RedisList();
        var model = new List<string>();
        for (int step = 0; step < 20000; step++)
        {
            // Mostly short values, some over the one-byte length limit, some empty.
            int kind = rng.Next(20);
            string v = kind == 0 ? "" : kind == 1 ? new string((char)('a' + rng.Next(3)), 250 + rng.Next(20)) : "v" + rng.Next(20);
            if (step % 1000 == 999) CheckIteration(list, model, rng);
            switch (rng.Next(11))
            {
                case 0: case 9: list.PushLeft(B(v)); model.Insert(0, v); break;
                case 1: case 10: list.PushRight(B(v)); model.Add(v); break;
                case 2:
                {
                    var p = list.PopLeft();
                    if (model.Count == 0) Assert.Null(p);
                    else { Assert.Equal(model[0], S(p!)); model.RemoveAt(0); }
                    break;
                }
                case 3:
                {
                    var p = list.PopRight();
                    if (model.Count == 0) Assert.Null(p);
                    else { Assert.Equal(model[^1], S(p!)); model.RemoveAt(model.Count - 1); }
                    break;
                }
                case 4:
                {
                    int at = rng.Next(model.Count + 1);
                    list.Insert(at, B(v));
                    model.Insert(at, v);
                    break;
                }
                case 5:
                    if (model.Count > 0)
                    {
                        int at = rng.Next(model.Count);
                        list.RemoveAt(at);
                        model.RemoveAt(at);
                    }
                    break;
                case 6:
                {
                    long count = rng.Next(5) - 2;
                    int removed = list.RemoveValue(B(v), count);
                    int expected = 0;
                    if (count >= 0)
                    {
                        for (int i = 0; i < model.Count && (count == 0 || expected < count);)
                            if (model[i] == v) { model.RemoveAt(i); expected++; } else i++;
                    }
                    else
                    {
                        for (int i = model.Count - 1; i >= 0 && expected < -count; i--)
                            if (model[i] == v) { model.RemoveAt(i); expected++; }
                    }
                    Assert.Equal(expected, removed);
                    break;
                }
                case 7:
                    if (model.Count > 0 && rng.Next(40) == 0)
                    {
                        int a = rng.Next(model.Count), b = rng.Next(a, model.Count);
                        list.Trim(a, b);
                        model = model.GetRange(a, b - a + 1);
                    }
                    break;
                default:
                    if (model.Count > 0)
                    {
                        int at = rng.Next(model.Count);
                        Assert.Equal(model[at], S(list[at]));
                        list[at] = B(v);
                        model[at] = v;
                    }
                    break;
            }
            Assert.Equal(model.Count, list.Count);
        }
        for (int i = 0; i < model.Count; i++) Assert.Equal(model[i], S(list[i]));
        CheckIteration(list, model, rng);
    }

    [Fact]
    public void Long_lists_span_many_chunks_and_middle_inserts_split_them()
    {
        var rng = new Random(3);
        var list = new RedisList();
        var model = new List<string>();
        for (int i = 0; i < 20000; i++)
        {
            string v = "x" + i;
            if (i % 2 == 0) { list.PushRight(B(v)); model.Add(v); }
            else { list.PushLeft(B(v)); model.Insert(0, v); }
        }
        for (int i = 0; i < 3000; i++)
        {
            int at = model.Count / 2 + rng.Next(-50, 50);
            string v = new string('m', rng.Next(1, 400));
            list.Insert(at, B(v));
            model.Insert(at, v);
        }
        for (int i = 0; i < 2000; i++)
        {
            int at = rng.Next(model.Count);
            list.RemoveAt(at);
            model.RemoveAt(at);
        }
        CheckIteration(list, model, rng);
        list.Trim(100, model.Count - 200);
        model = model.GetRange(100, model.Count - 299);
        CheckIteration(list, model, rng);
        while (list.Count > 0)
        {
            Assert.Equal(model[^1], S(list.PopRight()!));
            model.RemoveAt(model.Count - 1);
        }
        Assert.Null(list.PopLeft());
    }

    private static void CheckIteration(RedisList list, List<string> model, Random rng)
    {
        Assert.Equal(model.Count, list.Count);
        var forward = new List<string>();
        for (var it = list.Iterate(0); it.MoveNext();) forward.Add(S(it.Current.ToArray()));
        Assert.Equal(model, forward);
        if (model.Count == 0) return;
        int start = rng.Next(model.Count);
        var backward = new List<string>();
        for (var it = list.Iterate(start, reverse: true); it.MoveNext();) backward.Add(S(it.Current.ToArray()));
        var expected = model.Take(start + 1).Reverse().ToList();
        Assert.Equal(expected, backward);
        int at = rng.Next(model.Count);
        Assert.Equal(model[at], S(list.GetSpan(at).ToArray()));
        Assert.Equal(model.IndexOf(model[at]), list.IndexOf(B(model[at])));
    }

    [Fact]
    public void Hash_keeps_insertion_order_while_small_and_finds_fields_when_large()
    {
        var h = new RedisHash();
        Assert.True(h.Set(B("b"), B("1")));
        Assert.True(h.Set(B("a"), B("2")));
        Assert.True(h.Set(B("c"), B("3")));
        Assert.False(h.Set(B("a"), B("4")));
        Assert.True(h.Remove("b"u8));
        Assert.Equal(new[] { "a", "c" }, h.Entries.Select(e => S(e.Key)));
        Assert.Equal("4", S(h.Get("a"u8)!));
        for (int i = 0; i < 1000; i++) h.Set(B("f" + i), B("v" + i));
        for (int i = 0; i < 1000; i += 2) Assert.True(h.Remove(B("f" + i)));
        for (int i = 1; i < 1000; i += 2) Assert.Equal("v" + i, S(h.Get(B("f" + i))!));
        Assert.Null(h.Get("f0"u8));
        Assert.Equal(502, h.Count);
    }

    [Fact]
    public void Hash_scan_returns_every_stable_field_despite_concurrent_removals()
    {
        var h = new RedisHash();
        for (int i = 0; i < 500; i++) h.Set(B("f" + i), B("v"));
        var seen = new HashSet<string>();
        long cursor = 0;
        int round = 0;
        do
        {
            cursor = h.Scan(cursor, 10, (f, _) => seen.Add(S(f)));
            // Remove fields with numbers >= 400 while the scan runs: the others must all be seen.
            if (round < 100) h.Remove(B("f" + (400 + round)));
            round++;
        } while (cursor != 0);
        for (int i = 0; i < 400; i++) Assert.Contains("f" + i, seen);
    }

    [Fact]
    public void Hash_increments()
    {
        var h = new RedisHash();
        Assert.Equal(HashIncrResult.Ok, h.IncrementBy(B("n"), 5, out long v));
        Assert.Equal(5, v);
        h.Set(B("s"), B("x"));
        Assert.Equal(HashIncrResult.NotAnInteger, h.IncrementBy(B("s"), 1, out _));
        h.Set(B("m"), B(long.MaxValue.ToString()));
        Assert.Equal(HashIncrResult.Overflow, h.IncrementBy(B("m"), 1, out _));
        Assert.Equal("5.5", S(h.IncrementByFloat(B("n"), "0.5"u8, out var st)!));
        Assert.Equal(HashIncrResult.Ok, st);
        Assert.Null(h.IncrementByFloat(B("s"), "1"u8, out st));
        Assert.Equal(HashIncrResult.NotAFloat, st);
    }

    [Fact]
    public void Set_uses_intset_order_then_converts()
    {
        var s = new RedisSet();
        foreach (var m in new[] { "10", "-3", "7", "10" }) s.Add(B(m));
        Assert.True(s.IsIntSet);
        Assert.Equal(new[] { "-3", "7", "10" }, s.Members.Select(S));
        Assert.True(s.Contains("7"u8));
        Assert.False(s.Contains("07"u8));
        Assert.True(s.Add(B("x")));
        Assert.False(s.IsIntSet);
        Assert.Equal(4, s.Count);
        Assert.True(s.Contains("-3"u8) && s.Contains("x"u8));
        var big = new RedisSet();
        for (int i = 0; i < 600; i++) big.Add(B(i.ToString()));
        Assert.False(big.IsIntSet);
        Assert.Equal(600, big.Count);
    }

    [Fact]
    public void Set_algebra_and_random_members()
    {
        var a = RedisSet.From(new[] { "a", "b", "c", "d" }.Select(B));
        var b = RedisSet.From(new[] { "c", "d", "e" }.Select(B));
        Assert.Equal(new[] { "c", "d" }, RedisSet.Intersect([a, b]).Select(S).Order());
        Assert.Empty(RedisSet.Intersect([a, null]));
        Assert.Equal(new[] { "a", "b", "c", "d", "e" }, RedisSet.Union([a, b, null]).Members.Select(S).Order());
        Assert.Equal(new[] { "a", "b" }, RedisSet.Difference([a, b]).Members.Select(S).Order());
        Assert.Equal(1, RedisSet.IntersectCount([a, b], 1));
        Assert.Equal(2, RedisSet.IntersectCount([a, b], 0));
        var rng = new Random(5);
        var distinct = a.RandomDistinct(3, rng).Select(S).ToList();
        Assert.Equal(3, distinct.Distinct().Count());
        Assert.Equal(4, a.RandomDistinct(10, rng).Count);
        var popped = new HashSet<string>();
        while (a.Pop(rng) is { } p) popped.Add(S(p));
        Assert.Equal(4, popped.Count);
        Assert.Equal(0, a.Count);
    }
}
