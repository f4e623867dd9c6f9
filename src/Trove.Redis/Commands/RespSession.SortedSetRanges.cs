using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>
/// ZRANGE in all its forms (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), the older ZREVRANGE,
/// ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX and ZREVRANGEBYLEX, and ZRANGESTORE, parsed in
/// the order redis-server 7.0's zrangeGenericCommand parses them so errors match.
/// </summary>
public sealed partial class RespSession
{
    private static void RegisterSortedSetRangeCommands(CommandTable t)
    {
        const CommandFlags R = CommandFlags.ReadOnly;
        t.Add(RespCommand.ZRANGE, -4, R, 1, 1, 1, static s => s.ZRange(1, null, false, false), "sorted_set", "Returns members in a sorted set within a range of indexes.");
        t.Add(RespCommand.ZREVRANGE, -4, R, 1, 1, 1, static s => s.ZRange(1, ZRangeKind.Rank, true, false), "sorted_set", "Returns members in a sorted set within a range of indexes in reverse order.");
        t.Add(RespCommand.ZRANGEBYSCORE, -4, R, 1, 1, 1, static s => s.ZRange(1, ZRangeKind.Score, false, false), "sorted_set", "Returns members in a sorted set within a range of scores.");
        t.Add(RespCommand.ZREVRANGEBYSCORE, -4, R, 1, 1, 1, static s => s.ZRange(1, ZRangeKind.Score, true, false), "sorted_set", "Returns members in a sorted set within a range of scores in reverse order.");
        t.Add(RespCommand.ZRANGEBYLEX, -4, R, 1, 1, 1, static s => s.ZRange(1, ZRangeKind.Lex, false, false), "sorted_set", "Returns members in a sorted set within a lexicographical range.");
        t.Add(RespCommand.ZREVRANGEBYLEX, -4, R, 1, 1, 1, static s => s.ZRange(1, ZRangeKind.Lex, true, false), "sorted_set", "Returns members in a sorted set within a lexicographical range in reverse order.");
        t.Add(RespCommand.ZRANGESTORE, -5, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, static s => s.ZRange(2, null, false, true), "sorted_set", "Stores a range of members from sorted set in a key.");
    }

    /// <param name="keyArg">Position of the source key (2 for ZRANGESTORE).</param>
    /// <param name="preset">The range type fixed by the command name (null for ZRANGE / ZRANGESTORE).</param>
    /// <param name="presetReverse">True for the ZREV* commands.</param>
    /// <param name="store">ZRANGESTORE.</param>
    private void ZRange(int keyArg, ZRangeKind? preset, bool presetReverse, bool store)
    {
        var kind = preset;
        bool reverse = presetReverse, directionSet = presetReverse, withScores = false;
        long offset = 0, limit = -1;
        bool hasLimit = false;
        for (int j = keyArg + 3; j < Args.Count; j++)
        {
            int left = Args.Count - j - 1;
            if (!store && Args.Is(j, "WITHSCORES"u8)) withScores = true;
            else if (Args.Is(j, "LIMIT"u8) && left >= 2)
            {
                if (!Args.TryGetLong(j + 1, out offset) || !Args.TryGetLong(j + 2, out limit)) { WriteNotInteger(); return; }
                hasLimit = true;
                j += 2;
            }
            else if (!directionSet && Args.Is(j, "REV"u8)) { reverse = true; directionSet = true; }
            else if (kind is null && Args.Is(j, "BYLEX"u8)) kind = ZRangeKind.Lex;
            else if (kind is null && Args.Is(j, "BYSCORE"u8)) kind = ZRangeKind.Score;
            else { WriteSyntaxError(); return; }
        }
        var type = kind ?? ZRangeKind.Rank;
        if (hasLimit && type == ZRangeKind.Rank)
        {
            Writer.WriteError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
            return;
        }
        if (withScores && type == ZRangeKind.Lex)
        {
            Writer.WriteError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
            return;
        }
        int minIdx = keyArg + 1, maxIdx = keyArg + 2;
        if (reverse && type != ZRangeKind.Rank) (minIdx, maxIdx) = (maxIdx, minIdx);
        long start = 0, end = 0;
        ScoreRange range = default;
        LexRange lexRange = default;
        switch (type)
        {
            case ZRangeKind.Rank:
                if (!Args.TryGetLong(minIdx, out start) || !Args.TryGetLong(maxIdx, out end)) { WriteNotInteger(); return; }
                break;
            case ZRangeKind.Score:
                if (!ScoreRange.TryParse(Args[minIdx], Args[maxIdx], out range)) { Writer.WriteError("ERR min or max is not a float"); return; }
                break;
            default:
                if (!LexRange.TryParse(Args[minIdx], Args[maxIdx], out lexRange)) { Writer.WriteError("ERR min or max not valid string range item"); return; }
                break;
        }
        if (!TryLookup<RedisSortedSet>(keyArg, out var zset)) return;
        var result = new List<SortedSetNode>();
        if (zset is not null)
        {
            switch (type)
            {
                case ZRangeKind.Rank: CollectByRank(zset, start, end, reverse, result); break;
                case ZRangeKind.Score: CollectByScore(zset, range, reverse, offset, limit, result); break;
                default: CollectByLex(zset, lexRange, reverse, offset, limit, result); break;
            }
        }
        if (store)
        {
            var stored = new RedisSortedSet();
            foreach (var n in result) stored.Add(n.Member, n.Score, ZAddFlags.None, out _);
            StoreOrDelete(Args[1], stored, stored.Count);
            Writer.WriteInteger(stored.Count);
            return;
        }
        WriteNodes(result, withScores);
    }

    /// <summary>Members, or with scores: flat pairs in RESP2, [member, double] arrays in RESP3 (as Redis 7.0).</summary>
    private void WriteNodes(List<SortedSetNode> nodes, bool withScores)
    {
        bool pairs = withScores && Writer.Resp3;
        Writer.WriteArrayHeader(withScores && !pairs ? nodes.Count * 2L : nodes.Count);
        foreach (var n in nodes) WriteScoredItem(n, withScores, pairs);
    }

    private static void CollectByRank(RedisSortedSet zset, long start, long end, bool reverse, List<SortedSetNode> result)
    {
        if (!NormalizeRange(start, end, zset.Count, out long from, out long to)) return;
        long n = to - from + 1;
        var node = reverse ? zset.ByRank(zset.Count - 1 - from) : zset.ByRank(from);
        for (long i = 0; i < n && node is not null; i++)
        {
            result.Add(node);
            node = reverse ? node.Previous : node.Next;
        }
    }

    private static void CollectByScore(RedisSortedSet zset, in ScoreRange range, bool reverse, long offset, long limit, List<SortedSetNode> result)
    {
        // A negative offset walks off the end in Redis (its skip loop never reaches zero): nothing.
        if (offset < 0 || (offset > 0 && offset >= zset.Count)) return;
        var node = reverse ? zset.LastInRange(range) : zset.FirstInRange(range);
        while (node is not null && offset-- > 0) node = reverse ? node.Previous : node.Next;
        while (node is not null && limit-- != 0)
        {
            if (reverse ? !range.AboveMin(node.Score) : !range.BelowMax(node.Score)) break;
            result.Add(node);
            node = reverse ? node.Previous : node.Next;
        }
    }

    private static void CollectByLex(RedisSortedSet zset, in LexRange range, bool reverse, long offset, long limit, List<SortedSetNode> result)
    {
        if (offset < 0 || (offset > 0 && offset >= zset.Count)) return;
        var node = reverse ? zset.LastInRange(range) : zset.FirstInRange(range);
        while (node is not null && offset-- > 0) node = reverse ? node.Previous : node.Next;
        while (node is not null && limit-- != 0)
        {
            if (reverse ? !range.AboveMin(node.Member) : !range.BelowMax(node.Member)) break;
            result.Add(node);
            node = reverse ? node.Previous : node.Next;
        }
    }
}
