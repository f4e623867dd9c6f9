using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>
/// The sorted-set commands that work on one member or one count (ZADD, ZINCRBY, ZSCORE, ZRANK,
/// ZREM, ZREMRANGEBY*, ZRANDMEMBER, ZSCAN...). Ranges are in RespSession.SortedSetRanges.cs,
/// set algebra and pops in RespSession.SortedSetOps.cs.
/// </summary>
public sealed partial class RespSession
{
    static partial void RegisterSortedSetCommands(CommandTable t)
    {
        const CommandFlags W = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags R = CommandFlags.ReadOnly | CommandFlags.Fast;
        t.Add(RespCommand.ZADD, -4, W, 1, 1, 1, static s => s.ZAdd(incrOnly: false), "sorted_set", "Adds one or more members to a sorted set, or updates their scores.");
        t.Add(RespCommand.ZINCRBY, 4, W, 1, 1, 1, static s => s.ZAdd(incrOnly: true), "sorted_set", "Increments the score of a member in a sorted set.");
        t.Add(RespCommand.ZCARD, 2, R, 1, 1, 1, static s => s.ZCard(), "sorted_set", "Returns the number of members in a sorted set.");
        t.Add(RespCommand.ZCOUNT, 4, R, 1, 1, 1, static s => s.ZCount(lex: false), "sorted_set", "Returns the count of members in a sorted set that have scores within a range.");
        t.Add(RespCommand.ZLEXCOUNT, 4, R, 1, 1, 1, static s => s.ZCount(lex: true), "sorted_set", "Returns the number of members in a sorted set within a lexicographical range.");
        t.Add(RespCommand.ZSCORE, 3, R, 1, 1, 1, static s => s.ZScore(), "sorted_set", "Returns the score of a member in a sorted set.");
        t.Add(RespCommand.ZMSCORE, -3, R, 1, 1, 1, static s => s.ZMScore(), "sorted_set", "Returns the score of one or more members in a sorted set.");
        t.Add(RespCommand.ZRANK, 3, R, 1, 1, 1, static s => s.ZRank(reverse: false), "sorted_set", "Returns the index of a member in a sorted set ordered by ascending scores.");
        t.Add(RespCommand.ZREVRANK, 3, R, 1, 1, 1, static s => s.ZRank(reverse: true), "sorted_set", "Returns the index of a member in a sorted set ordered by descending scores.");
        t.Add(RespCommand.ZREM, -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, static s => s.ZRem(), "sorted_set", "Removes one or more members from a sorted set.");
        t.Add(RespCommand.ZREMRANGEBYRANK, 4, CommandFlags.Write, 1, 1, 1, static s => s.ZRemRange(ZRangeKind.Rank), "sorted_set", "Removes members in a sorted set within a range of indexes.");
        t.Add(RespCommand.ZREMRANGEBYSCORE, 4, CommandFlags.Write, 1, 1, 1, static s => s.ZRemRange(ZRangeKind.Score), "sorted_set", "Removes members in a sorted set within a range of scores.");
        t.Add(RespCommand.ZREMRANGEBYLEX, 4, CommandFlags.Write, 1, 1, 1, static s => s.ZRemRange(ZRangeKind.Lex), "sorted_set", "Removes members in a sorted set within a lexicographical range.");
        t.Add(RespCommand.ZRANDMEMBER, -2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.ZRandMember(), "sorted_set", "Returns one or more random members from a sorted set.");
        t.Add(RespCommand.ZSCAN, -3, CommandFlags.ReadOnly, 1, 1, 1, static s => s.ZScan(), "sorted_set", "Iterates over members and scores of a sorted set.");
        RegisterSortedSetRangeCommands(t);
        RegisterSortedSetOpCommands(t);
    }

    private enum ZRangeKind { Rank, Score, Lex }

    private void ZAdd(bool incrOnly)
    {
        var flags = incrOnly ? ZAddFlags.Incr : ZAddFlags.None;
        bool ch = false;
        int scoreIdx = 2;
        if (!incrOnly)
        {
            for (; scoreIdx < Args.Count; scoreIdx++)
            {
                if (Args.Is(scoreIdx, "NX"u8)) flags |= ZAddFlags.NX;
                else if (Args.Is(scoreIdx, "XX"u8)) flags |= ZAddFlags.XX;
                else if (Args.Is(scoreIdx, "CH"u8)) ch = true;
                else if (Args.Is(scoreIdx, "INCR"u8)) flags |= ZAddFlags.Incr;
                else if (Args.Is(scoreIdx, "GT"u8)) flags |= ZAddFlags.GT;
                else if (Args.Is(scoreIdx, "LT"u8)) flags |= ZAddFlags.LT;
                else break;
            }
        }
        int elements = Args.Count - scoreIdx;
        if (elements % 2 != 0 || elements == 0) { WriteSyntaxError(); return; }
        elements /= 2;
        bool nx = (flags & ZAddFlags.NX) != 0, xx = (flags & ZAddFlags.XX) != 0;
        bool gt = (flags & ZAddFlags.GT) != 0, lt = (flags & ZAddFlags.LT) != 0;
        bool incr = (flags & ZAddFlags.Incr) != 0;
        if (nx && xx) { Writer.WriteError("ERR XX and NX options at the same time are not compatible"); return; }
        if ((gt && nx) || (lt && nx) || (gt && lt)) { Writer.WriteError("ERR GT, LT, and/or NX options at the same time are not compatible"); return; }
        if (incr && elements > 1) { Writer.WriteError("ERR INCR option supports a single increment-element pair"); return; }
        Span<double> scores = elements <= 64 ? stackalloc double[elements] : new double[elements];
        for (int j = 0; j < elements; j++)
        {
            if (!NumberFormat.TryParseScore(Args[scoreIdx + j * 2], out scores[j])) { Writer.WriteError(Errors.NotFloat); return; }
        }
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        long added = 0, updated = 0;
        bool processed = false;
        double last = 0;
        if (zset is null)
        {
            if (xx)
            {
                if (incr) Writer.WriteNull();
                else Writer.WriteInteger(0);
                return;
            }
            zset = new RedisSortedSet();
            Db.Add(Args.ToArray(1), zset);
        }
        for (int j = 0; j < elements; j++)
        {
            var outcome = zset.Add(Args[scoreIdx + j * 2 + 1], scores[j], flags, out double result);
            if (outcome == ZAddOutcome.NaN)
            {
                Writer.WriteError("ERR resulting score is not a number (NaN)");
                FinishZAdd(added + updated);
                return;
            }
            if (outcome == ZAddOutcome.Added) added++;
            else if (outcome == ZAddOutcome.Updated) updated++;
            // INCR replies nil when NX/XX/GT/LT stopped the update.
            processed = outcome != ZAddOutcome.Unchanged || (incr && !nx && !gt && !lt && zset.TryGetScore(Args[scoreIdx + j * 2 + 1], out _));
            last = result;
        }
        FinishZAdd(added + updated);
        if (incr)
        {
            if (processed) Writer.WriteDouble(last);
            else Writer.WriteNull();
        }
        else Writer.WriteInteger(ch ? added + updated : added);
    }

    private void FinishZAdd(long changes)
    {
        if (Db.TryGet<RedisSortedSet>(Args[1], out var z) == LookupStatus.Found && z!.Count == 0)
        {
            Db.Delete(Args[1]); // created for nothing (every element skipped)
            return;
        }
        if (changes > 0)
        {
            Db.SignalModified(Args[1]);
            Db.SignalReady(Args[1]);
            Dirty(changes);
        }
    }

    private void ZCard()
    {
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        Writer.WriteInteger(zset?.Count ?? 0);
    }

    private void ZCount(bool lex)
    {
        ScoreRange range = default;
        LexRange lexRange = default;
        if (lex ? !LexRange.TryParse(Args[2], Args[3], out lexRange) : !ScoreRange.TryParse(Args[2], Args[3], out range))
        {
            Writer.WriteError(lex ? "ERR min or max not valid string range item" : "ERR min or max is not a float");
            return;
        }
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is null) { Writer.WriteInteger(0); return; }
        Writer.WriteInteger(lex ? zset.CountInRange(lexRange) : zset.CountInRange(range));
    }

    private void ZScore()
    {
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is not null && zset.TryGetScore(Args[2], out double score)) Writer.WriteDouble(score);
        else Writer.WriteNull();
    }

    private void ZMScore()
    {
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        Writer.WriteArrayHeader(Args.Count - 2);
        for (int i = 2; i < Args.Count; i++)
        {
            if (zset is not null && zset.TryGetScore(Args[i], out double score)) Writer.WriteDouble(score);
            else Writer.WriteNull();
        }
    }

    private void ZRank(bool reverse)
    {
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        long rank = zset?.Rank(Args[2], reverse) ?? -1;
        if (rank < 0) Writer.WriteNull();
        else Writer.WriteInteger(rank);
    }

    private void ZRem()
    {
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is null) { Writer.WriteInteger(0); return; }
        int removed = 0;
        for (int i = 2; i < Args.Count; i++)
        {
            if (zset.Remove(Args[i])) removed++;
            if (zset.Count == 0) break;
        }
        AfterWrite(Args[1], zset.Count, removed);
        Writer.WriteInteger(removed);
    }

    private void ZRemRange(ZRangeKind kind)
    {
        long start = 0, end = 0;
        ScoreRange range = default;
        LexRange lexRange = default;
        switch (kind)
        {
            case ZRangeKind.Rank:
                if (!Args.TryGetLong(2, out start) || !Args.TryGetLong(3, out end)) { WriteNotInteger(); return; }
                break;
            case ZRangeKind.Score:
                if (!ScoreRange.TryParse(Args[2], Args[3], out range)) { Writer.WriteError("ERR min or max is not a float"); return; }
                break;
            default:
                if (!LexRange.TryParse(Args[2], Args[3], out lexRange)) { Writer.WriteError("ERR min or max not valid string range item"); return; }
                break;
        }
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is null) { Writer.WriteInteger(0); return; }
        long removed = 0;
        switch (kind)
        {
            case ZRangeKind.Rank:
                if (NormalizeRange(start, end, zset.Count, out long from, out long to)) removed = zset.RemoveRangeByRank(from, to);
                break;
            case ZRangeKind.Score:
                removed = zset.RemoveRange(range);
                break;
            default:
                removed = zset.RemoveRange(lexRange);
                break;
        }
        AfterWrite(Args[1], zset.Count, removed);
        Writer.WriteInteger(removed);
    }

    private void ZRandMember()
    {
        if (Args.Count == 2)
        {
            if (!TryLookup<RedisSortedSet>(1, out var one)) return;
            Writer.WriteBulkOrNull(one?.ByRank(Random.Shared.Next(one.Count))!.Member);
            return;
        }
        if (!TryGetRandomCount(2, out long count)) return;
        bool withScores = false;
        if (Args.Count > 4 || (Args.Count == 4 && !Args.Is(3, "WITHSCORES"u8))) { WriteSyntaxError(); return; }
        if (Args.Count == 4)
        {
            withScores = true;
            if (count < -long.MaxValue / 2 || count > long.MaxValue / 2) { Writer.WriteError(ErrOutOfRange); return; }
        }
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is null || count == 0) { Writer.WriteArrayHeader(0); return; }
        bool pairs = withScores && Writer.Resp3;
        if (count < 0)
        {
            Writer.WriteArrayHeader(withScores && !pairs ? -count * 2 : -count);
            for (long k = 0; k < -count; k++) WriteScoredItem(zset.ByRank(Random.Shared.Next(zset.Count))!, withScores, pairs);
            return;
        }
        var indexes = RandomIndexes(zset.Count, count);
        Writer.WriteArrayHeader(withScores && !pairs ? indexes.Count * 2L : indexes.Count);
        if (indexes.Count == zset.Count)
        {
            foreach (var n in zset.Ascending) WriteScoredItem(n, withScores, pairs);
            return;
        }
        foreach (int i in indexes) WriteScoredItem(zset.ByRank(i)!, withScores, pairs);
    }

    private void WriteScoredItem(SortedSetNode n, bool withScores, bool pairs)
    {
        if (pairs) Writer.WriteArrayHeader(2);
        Writer.WriteBulk(n.Member);
        if (withScores) Writer.WriteDouble(n.Score);
    }

    private void ZScan()
    {
        if (!TryParseCursor(2, out long cursor)) return;
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is null) { WriteEmptyScan(); return; }
        if (!TryParseScanOptions(3, out var pattern, out int count)) return;
        var items = new List<byte[]>();
        long next = zset.Scan(cursor, count, n =>
        {
            if (pattern is not null && !Glob.Match(pattern, n.Member)) return;
            items.Add(n.Member);
            items.Add(NumberFormat.FormatScore(n.Score));
        });
        WriteScanReply(next, items);
    }
}
