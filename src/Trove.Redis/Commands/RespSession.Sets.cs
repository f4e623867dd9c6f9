using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>The set commands (SADD ... SSCAN) over <see cref="RedisSet"/>.</summary>
public sealed partial class RespSession
{
    static partial void RegisterSetCommands(CommandTable t)
    {
        const CommandFlags W = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags R = CommandFlags.ReadOnly | CommandFlags.Fast;
        t.Add(RespCommand.SADD, -3, W, 1, 1, 1, static s => s.SAdd(), "set", "Adds one or more members to a set.");
        t.Add(RespCommand.SREM, -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, static s => s.SRem(), "set", "Removes one or more members from a set.");
        t.Add(RespCommand.SCARD, 2, R, 1, 1, 1, static s => s.SCard(), "set", "Returns the number of members in a set.");
        t.Add(RespCommand.SISMEMBER, 3, R, 1, 1, 1, static s => s.SIsMember(), "set", "Determines whether a member belongs to a set.");
        t.Add(RespCommand.SMISMEMBER, -3, R, 1, 1, 1, static s => s.SMIsMember(), "set", "Determines whether multiple members belong to a set.");
        t.Add(RespCommand.SMEMBERS, 2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.SMembers(), "set", "Returns all members of a set.");
        t.Add(RespCommand.SMOVE, 4, CommandFlags.Write | CommandFlags.Fast, 1, 2, 1, static s => s.SMove(), "set", "Moves a member from one set to another.");
        t.Add(RespCommand.SPOP, -2, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, static s => s.SPop(), "set", "Returns one or more random members from a set after removing them.");
        t.Add(RespCommand.SRANDMEMBER, -2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.SRandMember(), "set", "Get one or multiple random members from a set");
        t.Add(RespCommand.SINTER, -2, CommandFlags.ReadOnly, 1, -1, 1, static s => s.SAlgebra(SetOp.Inter, store: false), "set", "Returns the intersect of multiple sets.");
        t.Add(RespCommand.SUNION, -2, CommandFlags.ReadOnly, 1, -1, 1, static s => s.SAlgebra(SetOp.Union, store: false), "set", "Returns the union of multiple sets.");
        t.Add(RespCommand.SDIFF, -2, CommandFlags.ReadOnly, 1, -1, 1, static s => s.SAlgebra(SetOp.Diff, store: false), "set", "Returns the difference of multiple sets.");
        t.Add(RespCommand.SINTERSTORE, -3, CommandFlags.Write | CommandFlags.DenyOom, 1, -1, 1, static s => s.SAlgebra(SetOp.Inter, store: true), "set", "Stores the intersect of multiple sets in a key.");
        t.Add(RespCommand.SUNIONSTORE, -3, CommandFlags.Write | CommandFlags.DenyOom, 1, -1, 1, static s => s.SAlgebra(SetOp.Union, store: true), "set", "Stores the union of multiple sets in a key.");
        t.Add(RespCommand.SDIFFSTORE, -3, CommandFlags.Write | CommandFlags.DenyOom, 1, -1, 1, static s => s.SAlgebra(SetOp.Diff, store: true), "set", "Stores the difference of multiple sets in a key.");
        t.Add(RespCommand.SINTERCARD, -3, CommandFlags.ReadOnly, 2, 2, 1, static s => s.SInterCard(), "set", "Returns the number of members of the intersect of multiple sets.");
        t.Add(RespCommand.SSCAN, -3, CommandFlags.ReadOnly, 1, 1, 1, static s => s.SScan(), "set", "Iterates over members of a set.");
    }

    private enum SetOp { Inter, Union, Diff }

    private void SAdd()
    {
        if (!TryLookup<RedisSet>(1, out var set)) return;
        bool created = set is null;
        set ??= new RedisSet();
        int added = 0;
        for (int i = 2; i < Args.Count; i++)
            if (set.Add(Args[i])) added++;
        if (created) Db.Add(Args.ToArray(1), set);
        else if (added > 0) Db.SignalModified(Args[1]);
        Dirty(added);
        Writer.WriteInteger(added);
    }

    private void SRem()
    {
        if (!TryLookup<RedisSet>(1, out var set)) return;
        if (set is null) { Writer.WriteInteger(0); return; }
        int removed = 0;
        for (int i = 2; i < Args.Count; i++)
        {
            if (set.Remove(Args[i])) removed++;
            if (set.Count == 0) break;
        }
        AfterWrite(Args[1], set.Count, removed);
        Writer.WriteInteger(removed);
    }

    private void SCard()
    {
        if (!TryLookup<RedisSet>(1, out var set)) return;
        Writer.WriteInteger(set?.Count ?? 0);
    }

    private void SIsMember()
    {
        if (!TryLookup<RedisSet>(1, out var set)) return;
        Writer.WriteInteger(set is not null && set.Contains(Args[2]) ? 1 : 0);
    }

    private void SMIsMember()
    {
        if (!TryLookup<RedisSet>(1, out var set)) return;
        Writer.WriteArrayHeader(Args.Count - 2);
        for (int i = 2; i < Args.Count; i++) Writer.WriteInteger(set is not null && set.Contains(Args[i]) ? 1 : 0);
    }

    private void SMembers()
    {
        if (!TryLookup<RedisSet>(1, out var set)) return;
        WriteSetReply(set);
    }

    private void WriteSetReply(RedisSet? set)
    {
        if (set is null) { Writer.WriteSetHeader(0); return; }
        int n = set.Count;
        Writer.WriteSetHeader(n);
        for (int i = 0; i < n; i++) Writer.WriteBulk(set.MemberAt(i));
    }

    private void SMove()
    {
        var st = Db.TryGet<RedisSet>(Args[1], out var src);
        if (st == LookupStatus.Missing) { Writer.WriteInteger(0); return; }
        if (st == LookupStatus.WrongType || Db.TryGet<RedisSet>(Args[2], out var dst) == LookupStatus.WrongType)
        {
            WriteWrongType();
            return;
        }
        if (ReferenceEquals(src, dst))
        {
            Writer.WriteInteger(src!.Contains(Args[3]) ? 1 : 0);
            return;
        }
        if (!src!.Remove(Args[3])) { Writer.WriteInteger(0); return; }
        if (src.Count == 0) Db.Delete(Args[1]);
        else Db.SignalModified(Args[1]);
        if (dst is null)
        {
            dst = new RedisSet();
            dst.Add(Args.ToArray(3));
            Db.Add(Args.ToArray(2), dst);
        }
        else if (dst.Add(Args.ToArray(3))) Db.SignalModified(Args[2]);
        Dirty();
        Writer.WriteInteger(1);
    }

    private void SPop()
    {
        if (Args.Count > 3) { WriteSyntaxError(); return; }
        if (Args.Count == 2)
        {
            if (!TryLookup<RedisSet>(1, out var one)) return;
            if (one is null) { Writer.WriteNull(); return; }
            var m = one.Pop(Random.Shared)!;
            AfterWrite(Args[1], one.Count, 1);
            // A random choice: logged as the removal it made, so a replay removes the same member.
            if (Keyspace.WriteLog is not null) Propagate(Propagation.SRem, Args.Memory(1), m);
            Writer.WriteBulk(m);
            return;
        }
        if (!Args.TryGetLong(2, out long count) || count < 0) { Writer.WriteError(Errors.MustBePositive); return; }
        if (!TryLookup<RedisSet>(1, out var set)) return;
        if (set is null || count == 0) { Writer.WriteSetHeader(0); return; }
        if (count >= set.Count)
        {
            WriteSetReply(set);
            Db.Delete(Args[1]);
            Dirty();
            return;
        }
        Writer.WriteSetHeader(count);
        var removed = Keyspace.WriteLog is not null ? new ReadOnlyMemory<byte>[count + 2] : null;
        for (long i = 0; i < count; i++)
        {
            var m = set.Pop(Random.Shared)!;
            if (removed is not null) removed[i + 2] = m;
            Writer.WriteBulk(m);
        }
        AfterWrite(Args[1], set.Count, count);
        if (removed is not null)
        {
            removed[0] = Propagation.SRem;
            removed[1] = Args.Memory(1);
            Propagate(removed);
        }
    }

    private void SRandMember()
    {
        if (Args.Count > 3) { WriteSyntaxError(); return; }
        if (Args.Count == 2)
        {
            if (!TryLookup<RedisSet>(1, out var one)) return;
            Writer.WriteBulkOrNull(one?.RandomMember(Random.Shared));
            return;
        }
        if (!TryGetRandomCount(2, out long count)) return;
        if (!TryLookup<RedisSet>(1, out var set)) return;
        if (set is null || count == 0) { Writer.WriteArrayHeader(0); return; }
        if (count < 0)
        {
            Writer.WriteArrayHeader(-count);
            for (long i = 0; i < -count; i++) Writer.WriteBulk(set.RandomMember(Random.Shared)!);
            return;
        }
        var picked = set.RandomDistinct((int)Math.Min(count, int.MaxValue), Random.Shared);
        Writer.WriteArrayHeader(picked.Count);
        foreach (var m in picked) Writer.WriteBulk(m);
    }

    private void SAlgebra(SetOp op, bool store)
    {
        int first = store ? 2 : 1;
        if (!TryLookupSets(first, Args.Count - first, out var sets)) return;
        if (!store && op == SetOp.Inter)
        {
            // Reply in the walk order of the smallest set, as Redis does.
            var members = RedisSet.Intersect(sets);
            Writer.WriteSetHeader(members.Count);
            foreach (var m in members) Writer.WriteBulk(m);
            return;
        }
        var result = op switch
        {
            SetOp.Inter => RedisSet.From(RedisSet.Intersect(sets)),
            SetOp.Union => RedisSet.Union(sets),
            _ => RedisSet.Difference(sets),
        };
        if (!store)
        {
            WriteSetReply(result);
            return;
        }
        StoreOrDelete(Args[1], result, result.Count);
        Writer.WriteInteger(result.Count);
    }

    private void SInterCard()
    {
        if (!Args.TryGetLong(1, out long numKeys) || numKeys < 1)
        {
            Writer.WriteError("ERR numkeys should be greater than 0");
            return;
        }
        if (numKeys > Args.Count - 2)
        {
            Writer.WriteError("ERR Number of keys can't be greater than number of args");
            return;
        }
        long limit = 0;
        for (int i = 2 + (int)numKeys; i < Args.Count; i++)
        {
            if (Args.Is(i, "LIMIT"u8) && i + 1 < Args.Count)
            {
                if (!Args.TryGetLong(i + 1, out limit) || limit < 0) { Writer.WriteError("ERR LIMIT can't be negative"); return; }
                i++;
            }
            else { WriteSyntaxError(); return; }
        }
        if (!TryLookupSets(2, (int)numKeys, out var sets)) return;
        Writer.WriteInteger(RedisSet.IntersectCount(sets, limit));
    }

    private void SScan()
    {
        if (!TryParseCursor(2, out long cursor)) return;
        if (!TryLookup<RedisSet>(1, out var set)) return;
        if (set is null) { WriteEmptyScan(); return; }
        if (!TryParseScanOptions(3, out var pattern, out int count)) return;
        var items = new List<byte[]>();
        long next = set.Scan(cursor, count, m =>
        {
            if (pattern is null || Glob.Match(pattern, m)) items.Add(m);
        });
        WriteScanReply(next, items);
    }
}
