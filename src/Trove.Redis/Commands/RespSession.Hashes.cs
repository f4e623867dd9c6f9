using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>The hash commands (HSET ... HRANDFIELD) over <see cref="RedisHash"/>.</summary>
public sealed partial class RespSession
{
    static partial void RegisterHashCommands(CommandTable t)
    {
        const CommandFlags W = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags R = CommandFlags.ReadOnly | CommandFlags.Fast;
        t.Add(RespCommand.HSET, -4, W, 1, 1, 1, static s => s.HSet(), "hash", "Creates or modifies the value of a field in a hash.");
        t.Add(RespCommand.HMSET, -4, W, 1, 1, 1, static s => s.HSet(), "hash", "Sets the values of multiple fields.");
        t.Add(RespCommand.HSETNX, 4, W, 1, 1, 1, static s => s.HSetNx(), "hash", "Sets the value of a field in a hash only when the field doesn't exist.");
        t.Add(RespCommand.HGET, 3, R, 1, 1, 1, static s => s.HGet(), "hash", "Returns the value of a field in a hash.");
        t.Add(RespCommand.HMGET, -3, R, 1, 1, 1, static s => s.HMGet(), "hash", "Returns the values of all fields in a hash.");
        t.Add(RespCommand.HGETALL, 2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.HGetAll(), "hash", "Returns all fields and values in a hash.");
        t.Add(RespCommand.HKEYS, 2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.HKeysOrVals(keys: true), "hash", "Returns all fields in a hash.");
        t.Add(RespCommand.HVALS, 2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.HKeysOrVals(keys: false), "hash", "Returns all values in a hash.");
        t.Add(RespCommand.HLEN, 2, R, 1, 1, 1, static s => s.HLen(), "hash", "Returns the number of fields in a hash.");
        t.Add(RespCommand.HEXISTS, 3, R, 1, 1, 1, static s => s.HExists(), "hash", "Determines whether a field exists in a hash.");
        t.Add(RespCommand.HSTRLEN, 3, R, 1, 1, 1, static s => s.HStrLen(), "hash", "Returns the length of the value of a field.");
        t.Add(RespCommand.HDEL, -3, CommandFlags.Write | CommandFlags.Fast, 1, 1, 1, static s => s.HDel(), "hash", "Deletes one or more fields and their values from a hash.");
        t.Add(RespCommand.HINCRBY, 4, W, 1, 1, 1, static s => s.HIncrBy(), "hash", "Increments the integer value of a field in a hash by a number.");
        t.Add(RespCommand.HINCRBYFLOAT, 4, W, 1, 1, 1, static s => s.HIncrByFloat(), "hash", "Increments the floating point value of a field by a number.");
        t.Add(RespCommand.HSCAN, -3, CommandFlags.ReadOnly, 1, 1, 1, static s => s.HScan(), "hash", "Iterates over fields and values of a hash.");
        t.Add(RespCommand.HRANDFIELD, -2, CommandFlags.ReadOnly, 1, 1, 1, static s => s.HRandField(), "hash", "Returns one or more random fields from a hash.");
    }

    private void HSet()
    {
        if (Args.Count % 2 != 0) { WriteArityError(Current!.Name); return; }
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        bool created = hash is null;
        hash ??= new RedisHash();
        int added = 0;
        for (int i = 2; i < Args.Count; i += 2)
            if (hash.Set(Args[i], Args.ToArray(i + 1))) added++;
        if (created) Db.Add(Args.ToArray(1), hash);
        else Db.SignalModified(Args[1]);
        Dirty((Args.Count - 2) / 2);
        if (Current!.Id == RespCommand.HMSET) Writer.WriteOk();
        else Writer.WriteInteger(added);
    }

    private void HSetNx()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        if (hash is not null && hash.Contains(Args[2])) { Writer.WriteInteger(0); return; }
        bool created = hash is null;
        hash ??= new RedisHash();
        hash.Set(Args.ToArray(2), Args.ToArray(3));
        if (created) Db.Add(Args.ToArray(1), hash);
        else Db.SignalModified(Args[1]);
        Dirty();
        Writer.WriteInteger(1);
    }

    private void HGet()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        Writer.WriteBulkOrNull(hash?.Get(Args[2]));
    }

    private void HMGet()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        Writer.WriteArrayHeader(Args.Count - 2);
        for (int i = 2; i < Args.Count; i++) Writer.WriteBulkOrNull(hash?.Get(Args[i]));
    }

    private void HGetAll()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        if (hash is null) { Writer.WriteMapHeader(0); return; }
        Writer.WriteMapHeader(hash.Count);
        for (int i = 0; i < hash.Count; i++)
        {
            Writer.WriteBulk(hash.FieldAt(i));
            Writer.WriteBulk(hash.ValueAt(i));
        }
    }

    private void HKeysOrVals(bool keys)
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        if (hash is null) { Writer.WriteArrayHeader(0); return; }
        Writer.WriteArrayHeader(hash.Count);
        for (int i = 0; i < hash.Count; i++) Writer.WriteBulk(keys ? hash.FieldAt(i) : hash.ValueAt(i));
    }

    private void HLen()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        Writer.WriteInteger(hash?.Count ?? 0);
    }

    private void HExists()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        Writer.WriteInteger(hash is not null && hash.Contains(Args[2]) ? 1 : 0);
    }

    private void HStrLen()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        Writer.WriteInteger(hash?.Get(Args[2])?.Length ?? 0);
    }

    private void HDel()
    {
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        if (hash is null) { Writer.WriteInteger(0); return; }
        int removed = 0;
        for (int i = 2; i < Args.Count; i++)
        {
            if (hash.Remove(Args[i])) removed++;
            if (hash.Count == 0) break;
        }
        AfterWrite(Args[1], hash.Count, removed);
        Writer.WriteInteger(removed);
    }

    private void HIncrBy()
    {
        if (!Args.TryGetLong(3, out long delta)) { WriteNotInteger(); return; }
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        bool created = hash is null;
        hash ??= new RedisHash();
        switch (hash.IncrementBy(Args.ToArray(2), delta, out long result))
        {
            case HashIncrResult.NotAnInteger: Writer.WriteError("ERR hash value is not an integer"); return;
            case HashIncrResult.Overflow: Writer.WriteError(Errors.Overflow); return;
        }
        if (created) Db.Add(Args.ToArray(1), hash);
        else Db.SignalModified(Args[1]);
        Dirty();
        Writer.WriteInteger(result);
    }

    private void HIncrByFloat()
    {
        if (!NumberFormat.TryParseLongDouble(Args[3], out bool infinite)) { Writer.WriteError(Errors.NotFloat); return; }
        if (infinite) { Writer.WriteError("ERR value is NaN or Infinity"); return; }
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        bool created = hash is null;
        hash ??= new RedisHash();
        var stored = hash.IncrementByFloat(Args.ToArray(2), Args[3], out var outcome);
        switch (outcome)
        {
            case HashIncrResult.NotAFloat: Writer.WriteError("ERR hash value is not a float"); return;
            case HashIncrResult.IncrementNotAFloat: Writer.WriteError(Errors.NotFloat); return;
            case HashIncrResult.NaNOrInfinity: Writer.WriteError(Errors.NaNOrInfinity); return;
        }
        if (created) Db.Add(Args.ToArray(1), hash);
        else Db.SignalModified(Args[1]);
        Dirty();
        Writer.WriteBulk(stored!);
    }

    private void HScan()
    {
        if (!TryParseCursor(2, out long cursor)) return;
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        if (hash is null) { WriteEmptyScan(); return; }
        if (!TryParseScanOptions(3, out var pattern, out int count)) return;
        var items = new List<byte[]>();
        long next = hash.Scan(cursor, count, (f, v) =>
        {
            if (pattern is not null && !Glob.Match(pattern, f)) return;
            items.Add(f);
            items.Add(v);
        });
        WriteScanReply(next, items);
    }

    private void HRandField()
    {
        if (Args.Count == 2)
        {
            if (!TryLookup<RedisHash>(1, out var one)) return;
            Writer.WriteBulkOrNull(one is null ? null : one.FieldAt(Random.Shared.Next(one.Count)));
            return;
        }
        if (!TryGetRandomCount(2, out long count)) return;
        bool withValues = false;
        if (Args.Count > 4 || (Args.Count == 4 && !Args.Is(3, "WITHVALUES"u8))) { WriteSyntaxError(); return; }
        if (Args.Count == 4)
        {
            withValues = true;
            if (count < -long.MaxValue / 2 || count > long.MaxValue / 2) { Writer.WriteError(ErrOutOfRange); return; }
        }
        if (!TryLookup<RedisHash>(1, out var hash)) return;
        if (hash is null || count == 0) { Writer.WriteArrayHeader(0); return; }
        bool pairs = withValues && Writer.Resp3;
        if (count < 0)
        {
            // With repetition: stream the picks rather than materialise a possibly huge list.
            Writer.WriteArrayHeader(withValues && !pairs ? -count * 2 : -count);
            for (long k = 0; k < -count; k++)
            {
                int i = Random.Shared.Next(hash.Count);
                if (pairs) Writer.WriteArrayHeader(2);
                Writer.WriteBulk(hash.FieldAt(i));
                if (withValues) Writer.WriteBulk(hash.ValueAt(i));
            }
            return;
        }
        var indexes = RandomIndexes(hash.Count, count);
        Writer.WriteArrayHeader(withValues && !pairs ? indexes.Count * 2L : indexes.Count);
        foreach (int i in indexes)
        {
            if (pairs) Writer.WriteArrayHeader(2);
            Writer.WriteBulk(hash.FieldAt(i));
            if (withValues) Writer.WriteBulk(hash.ValueAt(i));
        }
    }

    /// <summary>
    /// Positions for the random-member commands with a positive count: min(count, size)
    /// distinct positions (all of them, in order, when count covers the collection, as Redis replies).
    /// </summary>
    private static List<int> RandomIndexes(int size, long count)
    {
        var rng = Random.Shared;
        if (count >= size)
        {
            var all = new List<int>(size);
            for (int i = 0; i < size; i++) all.Add(i);
            return all;
        }
        var picked = new Dictionary<int, int>();
        var result = new List<int>((int)count);
        for (int i = 0; i < count; i++)
        {
            int j = rng.Next(i, size);
            int vj = picked.TryGetValue(j, out var pj) ? pj : j;
            picked[j] = picked.TryGetValue(i, out var pi) ? pi : i;
            result.Add(vj);
        }
        return result;
    }
}
