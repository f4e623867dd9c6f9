using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>
/// Sorted-set algebra (ZUNION, ZINTER, ZDIFF, their STORE forms, ZINTERCARD) and pops
/// (ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP).
/// </summary>
public sealed partial class RespSession
{
    private enum ZOp { Union, Inter, Diff }

    private static void RegisterSortedSetOpCommands(CommandTable t)
    {
        const CommandFlags S = CommandFlags.Write | CommandFlags.DenyOom;
        t.Add(RespCommand.ZUNIONSTORE, -4, S, 1, 1, 1, static s => s.ZAlgebra(ZOp.Union, store: true, cardOnly: false), "sorted_set", "Stores the union of multiple sorted sets in a key.");
        t.Add(RespCommand.ZINTERSTORE, -4, S, 1, 1, 1, static s => s.ZAlgebra(ZOp.Inter, store: true, cardOnly: false), "sorted_set", "Stores the intersect of multiple sorted sets in a key.");
        t.Add(RespCommand.ZDIFFSTORE, -4, S, 1, 1, 1, static s => s.ZAlgebra(ZOp.Diff, store: true, cardOnly: false), "sorted_set", "Stores the difference of multiple sorted sets in a key.");
        t.Add(RespCommand.ZUNION, -3, CommandFlags.ReadOnly, 2, 2, 1, static s => s.ZAlgebra(ZOp.Union, store: false, cardOnly: false), "sorted_set", "Returns the union of multiple sorted sets.");
        t.Add(RespCommand.ZINTER, -3, CommandFlags.ReadOnly, 2, 2, 1, static s => s.ZAlgebra(ZOp.Inter, store: false, cardOnly: false), "sorted_set", "Returns the intersect of multiple sorted sets.");
        t.Add(RespCommand.ZDIFF, -3, CommandFlags.ReadOnly, 2, 2, 1, static s => s.ZAlgebra(ZOp.Diff, store: false, cardOnly: false), "sorted_set", "Returns the difference between multiple sorted sets.");
        t.Add(RespCommand.ZINTERCARD, -3, CommandFlags.ReadOnly, 2, 2, 1, static s => s.ZAlgebra(ZOp.Inter, store: false, cardOnly: true), "sorted_set", "Returns the number of members of the intersect of multiple sorted sets.");
        t.Add(RespCommand.ZPOPMIN, -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, static s => s.ZPop(max: false), "sorted_set", "Returns the lowest-scoring members from a sorted set after removing them.");
        t.Add(RespCommand.ZPOPMAX, -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, static s => s.ZPop(max: true), "sorted_set", "Returns the highest-scoring members from a sorted set after removing them.");
        t.Add(RespCommand.ZMPOP, -4, CommandFlags.Write, 2, 2, 1, static s => s.ZMPop(blocking: false), "sorted_set", "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them.");
        t.Add(RespCommand.BZPOPMIN, -3, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.Fast, 1, -2, 1, static s => s.BZPop(max: false), "sorted_set", "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise.");
        t.Add(RespCommand.BZPOPMAX, -3, CommandFlags.Write | CommandFlags.Blocking | CommandFlags.Fast, 1, -2, 1, static s => s.BZPop(max: true), "sorted_set", "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member is available otherwise.");
        t.Add(RespCommand.BZMPOP, -5, CommandFlags.Write | CommandFlags.Blocking, 3, 3, 1, static s => s.ZMPop(blocking: true), "sorted_set", "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise.");
    }

    private void ZAlgebra(ZOp op, bool store, bool cardOnly)
    {
        int numKeysIdx = store ? 2 : 1;
        if (!Args.TryGetLong(numKeysIdx, out long setNum)) { WriteNotInteger(); return; }
        if (setNum < 1)
        {
            Writer.WriteError($"ERR at least 1 input key is needed for '{Current!.Name}' command");
            return;
        }
        if (setNum > Args.Count - (numKeysIdx + 1)) { WriteSyntaxError(); return; }
        int n = (int)setNum;
        var sources = new ZSource[n];
        var weights = new double[n];
        int j = numKeysIdx + 1;
        for (int i = 0; i < n; i++, j++)
        {
            var value = Db.Get(Args[j]);
            if (value is RedisSortedSet z) sources[i] = new ZSource(z);
            else if (value is RedisSet s) sources[i] = new ZSource(s);
            else if (value is null) sources[i] = new ZSource((RedisSortedSet?)null);
            else { WriteWrongType(); return; }
            weights[i] = 1;
        }
        var aggregate = ZAggregate.Sum;
        bool withScores = false;
        long limit = 0;
        while (j < Args.Count)
        {
            int remaining = Args.Count - j;
            if (op != ZOp.Diff && !cardOnly && remaining >= n + 1 && Args.Is(j, "WEIGHTS"u8))
            {
                j++;
                for (int i = 0; i < n; i++, j++)
                {
                    if (!NumberFormat.TryParseScore(Args[j], out weights[i]))
                    {
                        Writer.WriteError("ERR weight value is not a float");
                        return;
                    }
                }
            }
            else if (op != ZOp.Diff && !cardOnly && remaining >= 2 && Args.Is(j, "AGGREGATE"u8))
            {
                if (Args.Is(j + 1, "SUM"u8)) aggregate = ZAggregate.Sum;
                else if (Args.Is(j + 1, "MIN"u8)) aggregate = ZAggregate.Min;
                else if (Args.Is(j + 1, "MAX"u8)) aggregate = ZAggregate.Max;
                else { WriteSyntaxError(); return; }
                j += 2;
            }
            else if (cardOnly && remaining >= 2 && Args.Is(j, "LIMIT"u8))
            {
                if (!Args.TryGetLong(j + 1, out limit) || limit < 0) { Writer.WriteError("ERR LIMIT can't be negative"); return; }
                j += 2;
            }
            else if (!store && !cardOnly && Args.Is(j, "WITHSCORES"u8))
            {
                withScores = true;
                j++;
            }
            else { WriteSyntaxError(); return; }
        }
        var result = op switch
        {
            ZOp.Union => SortedSetAlgebra.Union(sources, weights, aggregate),
            ZOp.Inter => SortedSetAlgebra.Intersect(sources, weights, aggregate),
            _ => SortedSetAlgebra.Difference(sources),
        };
        if (cardOnly)
        {
            Writer.WriteInteger(limit > 0 ? Math.Min(limit, result.Count) : result.Count);
            return;
        }
        if (store)
        {
            StoreOrDelete(Args[1], result, result.Count);
            Writer.WriteInteger(result.Count);
            return;
        }
        WriteNodes(result.Ascending.ToList(), withScores);
    }

    private void ZPop(bool max)
    {
        if (Args.Count > 3) { WriteSyntaxError(); return; }
        bool hasCount = Args.Count == 3;
        long count = 1;
        if (hasCount && (!Args.TryGetLong(2, out count) || count < 0)) { Writer.WriteError(Errors.MustBePositive); return; }
        if (!TryLookup<RedisSortedSet>(1, out var zset)) return;
        if (zset is null || count == 0) { Writer.WriteArrayHeader(0); return; }
        var popped = PopScored(Db, Args.ToArray(1), zset, max, count);
        if (!hasCount)
        {
            // Without COUNT the reply is one flat [member, score] in both protocols.
            Writer.WriteArrayHeader(2);
            Writer.WriteBulk(popped[0].Member);
            Writer.WriteDouble(popped[0].Score);
            return;
        }
        bool pairs = Writer.Resp3;
        Writer.WriteArrayHeader(pairs ? popped.Count : popped.Count * 2L);
        foreach (var (m, s) in popped)
        {
            if (pairs) Writer.WriteArrayHeader(2);
            Writer.WriteBulk(m);
            Writer.WriteDouble(s);
        }
    }

    /// <summary>Pops up to <paramref name="count"/> lowest (or highest) members; deletes the key when it empties.</summary>
    internal static List<(byte[] Member, double Score)> PopScored(Database db, byte[] key, RedisSortedSet zset, bool max, long count)
    {
        int n = (int)Math.Min(count, zset.Count);
        var popped = new List<(byte[], double)>(n);
        for (int i = 0; i < n; i++)
        {
            var node = (max ? zset.Last : zset.First)!;
            popped.Add((node.Member, node.Score));
            zset.Remove(node);
        }
        if (zset.Count == 0) db.Delete(key);
        else db.SignalModified(key);
        db.Owner.Dirty += n;
        return popped;
    }

    private void ZMPop(bool blocking)
    {
        long timeoutMs = 0;
        if (blocking && !TryGetBlockTimeout(1, out timeoutMs)) return;
        if (!TryParseMPop(blocking ? 2 : 1, "MIN"u8, "MAX"u8, out int firstKey, out int keyCount, out bool min, out long count)) return;
        for (int i = 0; i < keyCount; i++)
        {
            if (!TryLookup<RedisSortedSet>(firstKey + i, out var zset)) return;
            if (zset is null || zset.Count == 0) continue;
            var key = Args.ToArray(firstKey + i);
            var popped = PopScored(Db, key, zset, !min, count);
            Propagate(Propagation.ZPop(!min), key, Propagation.Number(popped.Count));
            WriteZMPopReply(Writer, key, popped);
            return;
        }
        if (!blocking || InExec) { Writer.WriteNullArray(); return; }
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) keys[i] = Args.ToArray(firstKey + i);
        var waiter = new ZSetWaiter(Db, keys, !min, count);
        Block(waiter, timeoutMs, w => WriteZMPopReply(w, waiter.ServedKey!, waiter.Popped!));
    }

    private static void WriteZMPopReply(Resp.RespWriter w, byte[] key, List<(byte[] Member, double Score)> popped)
    {
        w.WriteArrayHeader(2);
        w.WriteBulk(key);
        w.WriteArrayHeader(popped.Count);
        foreach (var (m, s) in popped)
        {
            w.WriteArrayHeader(2);
            w.WriteBulk(m);
            w.WriteDouble(s);
        }
    }

    private void BZPop(bool max)
    {
        if (!TryGetBlockTimeout(Args.Count - 1, out long timeoutMs)) return;
        int keyCount = Args.Count - 2;
        for (int i = 1; i <= keyCount; i++)
        {
            if (!TryLookup<RedisSortedSet>(i, out var zset)) return;
            if (zset is null || zset.Count == 0) continue;
            var key = Args.ToArray(i);
            var popped = PopScored(Db, key, zset, max, 1);
            Propagate(Propagation.ZPop(max), key);
            WriteBZPopReply(Writer, key, popped[0]);
            return;
        }
        if (InExec) { Writer.WriteNullArray(); return; }
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) keys[i] = Args.ToArray(i + 1);
        var waiter = new ZSetWaiter(Db, keys, max, 1);
        Block(waiter, timeoutMs, w => WriteBZPopReply(w, waiter.ServedKey!, waiter.Popped![0]));
    }

    private static void WriteBZPopReply(Resp.RespWriter w, byte[] key, (byte[] Member, double Score) item)
    {
        w.WriteArrayHeader(3);
        w.WriteBulk(key);
        w.WriteBulk(item.Member);
        w.WriteDouble(item.Score);
    }

    /// <summary>A client blocked in BZPOPMIN, BZPOPMAX or BZMPOP.</summary>
    internal sealed class ZSetWaiter : BlockedClient
    {
        private readonly bool _max;
        private readonly long _count;

        public ZSetWaiter(Database db, byte[][] keys, bool max, long count) : base(db, keys)
        {
            _max = max;
            _count = count;
        }

        /// <summary>The key served from.</summary>
        public byte[]? ServedKey { get; private set; }

        /// <summary>What was popped.</summary>
        public List<(byte[] Member, double Score)>? Popped { get; private set; }

        /// <inheritdoc />
        public override bool TryServe(byte[] key)
        {
            if (Db.TryGet<RedisSortedSet>(key, out var zset) != LookupStatus.Found || zset!.Count == 0) return false;
            Popped = PopScored(Db, key, zset, _max, _count);
            ServedKey = key;
            return true;
        }

        /// <inheritdoc />
        public override ReadOnlyMemory<byte>[] PropagatedCommand() => _count == 1
            ? [Propagation.ZPop(_max), ServedKey!]
            : [Propagation.ZPop(_max), ServedKey!, Propagation.Number(Popped!.Count)];
    }
}
