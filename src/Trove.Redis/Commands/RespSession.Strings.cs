using Trove.Redis.Engine;
using Trove.Redis.Resp;
using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>The string family (t_string.c): SET and its variants, GET*, MSET*, ranges, counters, LCS.</summary>
public sealed partial class RespSession
{
    private static void RegisterStringCommands(CommandTable t)
    {
        const F W = F.Write | F.DenyOom, R = F.ReadOnly;
        t.Add(RespCommand.SET, -3, W, 1, 1, 1, static s => s.SetCmd(), "string", "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.");
        t.Add(RespCommand.SETNX, 3, W | F.Fast, 1, 1, 1, static s => s.SetNx(), "string", "Set the string value of a key only when the key doesn't exist.");
        t.Add(RespCommand.SETEX, 4, W, 1, 1, 1, static s => s.SetEx(1000), "string", "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.");
        t.Add(RespCommand.PSETEX, 4, W, 1, 1, 1, static s => s.SetEx(1), "string", "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.");
        t.Add(RespCommand.GET, 2, R | F.Fast, 1, 1, 1, static s => s.GetCmd(), "string", "Returns the string value of a key.");
        t.Add(RespCommand.GETSET, 3, W | F.Fast, 1, 1, 1, static s => s.GetSet(), "string", "Returns the previous string value of a key after setting it to a new value.");
        t.Add(RespCommand.GETDEL, 2, F.Write | F.Fast, 1, 1, 1, static s => s.GetDel(), "string", "Returns the string value of a key after deleting the key.");
        t.Add(RespCommand.GETEX, -2, F.Write | F.Fast, 1, 1, 1, static s => s.GetEx(), "string", "Returns the string value of a key after setting its expiration time.");
        t.Add(RespCommand.MSET, -3, W, 1, -1, 2, static s => s.MSet(false), "string", "Atomically creates or modifies the string values of one or more keys.");
        t.Add(RespCommand.MSETNX, -3, W, 1, -1, 2, static s => s.MSet(true), "string", "Atomically modifies the string values of one or more keys only when all keys don't exist.");
        t.Add(RespCommand.MGET, -2, R | F.Fast, 1, -1, 1, static s => s.MGet(), "string", "Atomically returns the string values of one or more keys.");
        t.Add(RespCommand.GETRANGE, 4, R, 1, 1, 1, static s => s.GetRange(), "string", "Returns a substring of the string stored at a key.");
        t.Add(RespCommand.SUBSTR, 4, R, 1, 1, 1, static s => s.GetRange(), "string", "Returns a substring from a string value.");
        t.Add(RespCommand.SETRANGE, 4, W, 1, 1, 1, static s => s.SetRange(), "string", "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.");
        t.Add(RespCommand.STRLEN, 2, R | F.Fast, 1, 1, 1, static s => s.StrLen(), "string", "Returns the length of a string value.");
        t.Add(RespCommand.APPEND, 3, W | F.Fast, 1, 1, 1, static s => s.Append(), "string", "Appends a string to the value of a key. Creates the key if it doesn't exist.");
        t.Add(RespCommand.INCR, 2, W | F.Fast, 1, 1, 1, static s => s.IncrBy(1, false), "string", "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.");
        t.Add(RespCommand.DECR, 2, W | F.Fast, 1, 1, 1, static s => s.IncrBy(-1, false), "string", "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.");
        t.Add(RespCommand.INCRBY, 3, W | F.Fast, 1, 1, 1, static s => s.IncrBy(1, true), "string", "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.");
        t.Add(RespCommand.DECRBY, 3, W | F.Fast, 1, 1, 1, static s => s.IncrBy(-1, true), "string", "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.");
        t.Add(RespCommand.INCRBYFLOAT, 3, W | F.Fast, 1, 1, 1, static s => s.IncrByFloat(), "string", "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.");
        t.Add(RespCommand.LCS, -3, R, 1, 2, 1, static s => s.Lcs(), "string", "Finds the longest common substring.");
    }

    /// <summary>The string at argument <paramref name="arg"/>'s key; false after writing WRONGTYPE.</summary>
    private bool TryGetString(int arg, out byte[]? value)
    {
        var st = Db.TryGet(Args[arg], out value);
        if (st == LookupStatus.WrongType) { WriteWrongType(); return false; }
        return true;
    }

    private void GetCmd()
    {
        if (!TryGetString(1, out var v)) return;
        Writer.WriteBulkOrNull(v);
    }

    private void SetCmd()
    {
        bool nx = false, xx = false, get = false, keepTtl = false;
        int expArg = 0;
        long unit = 0;
        bool absolute = false;
        for (int i = 3; i < Args.Count; i++)
        {
            bool next = i + 1 < Args.Count;
            if (Args.Is(i, "NX"u8) && !xx) nx = true;
            else if (Args.Is(i, "XX"u8) && !nx) xx = true;
            else if (Args.Is(i, "GET"u8)) get = true;
            else if (Args.Is(i, "KEEPTTL"u8) && expArg == 0) keepTtl = true;
            else if (next && expArg == 0 && !keepTtl && (Args.Is(i, "EX"u8) || Args.Is(i, "PX"u8) || Args.Is(i, "EXAT"u8) || Args.Is(i, "PXAT"u8)))
            {
                unit = Args[i][0] is (byte)'e' or (byte)'E' ? 1000 : 1;
                absolute = Args[i].Length == 4;
                expArg = ++i;
            }
            else { WriteSyntaxError(); return; }
        }
        long expireAt = 0;
        if (expArg != 0 && !TryGetExpireAt(expArg, unit, absolute, out expireAt)) return;
        byte[]? old = null;
        if (get && !TryGetString(1, out old)) return;
        bool exists = get ? old is not null : Db.Exists(Args[1]);
        if ((nx && exists) || (xx && !exists))
        {
            if (get) Writer.WriteBulkOrNull(old); else Writer.WriteNull();
            return;
        }
        Db.Set(Args[1], Args.ToArray(2), expireAt, keepTtl);
        Dirty();
        if (expArg != 0 && Keyspace.WriteLog is not null)
            Propagate(Propagation.Set, Args.Memory(1), Args.Memory(2), Propagation.PxAt, Propagation.Number(expireAt));
        if (get) Writer.WriteBulkOrNull(old); else Writer.WriteOk();
    }

    /// <summary>Reads an expire argument as Redis's getExpireMillisecondsOrReply does; writes the error when invalid.</summary>
    private bool TryGetExpireAt(int arg, long unit, bool absolute, out long expireAt)
    {
        expireAt = 0;
        if (!Args.TryGetLong(arg, out long v)) { WriteNotInteger(); return false; }
        if (v <= 0 || v > long.MaxValue / unit || (!absolute && v * unit > long.MaxValue - Keyspace.Now()))
        {
            Writer.WriteError($"ERR invalid expire time in '{Current!.Name}' command");
            return false;
        }
        expireAt = v * unit + (absolute ? 0 : Keyspace.Now());
        return true;
    }

    private void SetNx()
    {
        if (Db.Exists(Args[1])) { Writer.WriteInteger(0); return; }
        Db.Set(Args[1], Args.ToArray(2));
        Dirty();
        Writer.WriteInteger(1);
    }

    private void SetEx(long unit)
    {
        if (!TryGetExpireAt(2, unit, false, out long at)) return;
        Db.Set(Args[1], Args.ToArray(3), at);
        Dirty();
        if (Keyspace.WriteLog is not null)
            Propagate(Propagation.Set, Args.Memory(1), Args.Memory(3), Propagation.PxAt, Propagation.Number(at));
        Writer.WriteOk();
    }

    private void GetSet()
    {
        if (!TryGetString(1, out var old)) return;
        Db.Set(Args[1], Args.ToArray(2));
        Dirty();
        Writer.WriteBulkOrNull(old);
    }

    private void GetDel()
    {
        if (!TryGetString(1, out var old)) return;
        if (old is not null) { Db.Delete(Args[1]); Dirty(); }
        Writer.WriteBulkOrNull(old);
    }

    private void GetEx()
    {
        long at = -1;
        bool persist = false;
        for (int i = 2; i < Args.Count; i++)
        {
            bool next = i + 1 < Args.Count;
            if (Args.Is(i, "PERSIST"u8) && at == -1 && !persist) persist = true;
            else if (next && at == -1 && !persist && (Args.Is(i, "EX"u8) || Args.Is(i, "PX"u8) || Args.Is(i, "EXAT"u8) || Args.Is(i, "PXAT"u8)))
            {
                long unit = Args[i][0] is (byte)'e' or (byte)'E' ? 1000 : 1;
                bool absolute = Args[i].Length == 4;
                if (!TryGetExpireAt(++i, unit, absolute, out at)) return;
            }
            else { WriteSyntaxError(); return; }
        }
        if (!TryGetString(1, out var v)) return;
        if (v is not null)
        {
            if (at > 0) { Db.SetExpire(Args[1], at); Dirty(); PropagateExpireAt(1, at); }
            else if (persist && Db.GetExpire(Args[1]) > 0) { Db.SetExpire(Args[1], 0); Dirty(); Propagate(Propagation.Persist, Args.Memory(1)); }
        }
        Writer.WriteBulkOrNull(v);
    }

    private void MSet(bool nx)
    {
        if (Args.Count % 2 == 0) { WriteArityError(Current!.Name); return; }
        if (nx)
        {
            for (int i = 1; i < Args.Count; i += 2)
                if (Db.Exists(Args[i])) { Writer.WriteInteger(0); return; }
        }
        for (int i = 1; i < Args.Count; i += 2) Db.Set(Args[i], Args.ToArray(i + 1));
        Dirty(Args.Count / 2);
        if (nx) Writer.WriteInteger(1); else Writer.WriteOk();
    }

    private void MGet()
    {
        Writer.WriteArrayHeader(Args.Count - 1);
        for (int i = 1; i < Args.Count; i++)
            Writer.WriteBulkOrNull(Db.Get(Args[i]) as byte[]);
    }

    private void GetRange()
    {
        if (!Args.TryGetLong(2, out long start) || !Args.TryGetLong(3, out long end)) { WriteNotInteger(); return; }
        if (!TryGetString(1, out var v)) return;
        if (v is null) { Writer.WriteBulk(ReadOnlySpan<byte>.Empty); return; }
        long len = v.Length;
        if (start < 0 && end < 0 && start > end) { Writer.WriteBulk(ReadOnlySpan<byte>.Empty); return; }
        if (start < 0) start = len + start;
        if (end < 0) end = len + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= len) end = len - 1;
        if (start > end || len == 0) { Writer.WriteBulk(ReadOnlySpan<byte>.Empty); return; }
        Writer.WriteBulk(v.AsSpan((int)start, (int)(end - start + 1)));
    }

    private bool CheckStringLength(long size)
    {
        if (size > Server.Config.ProtoMaxBulkLen) { Writer.WriteError(Errors.StringTooLong); return false; }
        return true;
    }

    private void SetRange()
    {
        if (!Args.TryGetLong(2, out long offset)) { WriteNotInteger(); return; }
        if (offset < 0) { Writer.WriteError("ERR offset is out of range"); return; }
        if (!TryGetString(1, out var v)) return;
        var value = Args[3];
        if (v is null)
        {
            if (value.Length == 0) { Writer.WriteInteger(0); return; }
            if (!CheckStringLength(offset + value.Length)) return;
            var nv = new byte[offset + value.Length];
            value.CopyTo(nv.AsSpan((int)offset));
            Db.Set(Args[1], nv);
            Dirty();
            Writer.WriteInteger(nv.Length);
            return;
        }
        if (value.Length == 0) { Writer.WriteInteger(v.Length); return; }
        if (!CheckStringLength(offset + value.Length)) return;
        var result = v;
        if (offset + value.Length > v.Length)
        {
            result = new byte[offset + value.Length];
            v.CopyTo(result, 0);
        }
        else result = v.AsSpan().ToArray();
        value.CopyTo(result.AsSpan((int)offset));
        Db.Set(Args[1], result, keepTtl: true);
        Dirty();
        Writer.WriteInteger(result.Length);
    }

    private void StrLen()
    {
        if (!TryGetString(1, out var v)) return;
        Writer.WriteInteger(v?.Length ?? 0);
    }

    private void Append()
    {
        if (!TryGetString(1, out var v)) return;
        var add = Args[2];
        if (v is null)
        {
            Db.Set(Args[1], add.ToArray());
            Dirty();
            Writer.WriteInteger(add.Length);
            return;
        }
        if (!CheckStringLength((long)v.Length + add.Length)) return;
        var nv = new byte[v.Length + add.Length];
        v.CopyTo(nv, 0);
        add.CopyTo(nv.AsSpan(v.Length));
        Db.Set(Args[1], nv, keepTtl: true);
        Dirty();
        Writer.WriteInteger(nv.Length);
    }

    private void IncrBy(long sign, bool hasArg)
    {
        long by = 1;
        if (hasArg && !Args.TryGetLong(2, out by)) { WriteNotInteger(); return; }
        if (sign < 0)
        {
            if (by == long.MinValue) { Writer.WriteError("ERR decrement would overflow"); return; }
            by = -by;
        }
        // One lookup for the read and the write (the key is hashed once).
        int slot = Db.FindSlot(Args[1]);
        long cur = 0;
        if (slot >= 0)
        {
            Keyspace.KeyspaceHits++;
            if (Db.Table.ValueAt(slot) is not byte[] v) { WriteWrongType(); return; }
            if (!ParseState.TryParseLong(v, out cur)) { WriteNotInteger(); return; }
        }
        else Keyspace.KeyspaceMisses++;
        if ((by > 0 && cur > long.MaxValue - by) || (by < 0 && cur < long.MinValue - by))
        {
            Writer.WriteError(Errors.Overflow);
            return;
        }
        long result = cur + by;
        if (slot >= 0) Db.ReplaceAt(slot, Args[1], RedisNumbers.LongToBytes(result));
        else Db.Set(Args[1], RedisNumbers.LongToBytes(result));
        Dirty();
        Writer.WriteInteger(result);
    }

    private void IncrByFloat()
    {
        if (!TryGetString(1, out var v)) return;
        // Long-double arithmetic and %.17Lf-style output, digit for digit as redis-server (shared
        // with HINCRBYFLOAT).
        var bytes = Trove.Redis.Engine.Types.NumberFormat.AddLongDoubleStrings(v ?? "0"u8, Args[2], out var status);
        if (bytes is null)
        {
            Writer.WriteError(status == Trove.Redis.Engine.Types.FloatAddStatus.NaNOrInfinity ? Errors.NaNOrInfinity : Errors.NotFloat);
            return;
        }
        Db.Set(Args[1], bytes, keepTtl: true);
        Dirty();
        Writer.WriteBulk(bytes);
    }

    private void Lcs()
    {
        bool getLen = false, getIdx = false, withMatchLen = false;
        long minMatchLen = 0;
        for (int i = 3; i < Args.Count; i++)
        {
            if (Args.Is(i, "IDX"u8)) getIdx = true;
            else if (Args.Is(i, "LEN"u8)) getLen = true;
            else if (Args.Is(i, "WITHMATCHLEN"u8)) withMatchLen = true;
            else if (Args.Is(i, "MINMATCHLEN"u8) && i + 1 < Args.Count)
            {
                if (!Args.TryGetLong(++i, out minMatchLen)) { WriteNotInteger(); return; }
                if (minMatchLen < 0) minMatchLen = 0;
            }
            else { WriteSyntaxError(); return; }
        }
        var ao = Db.Get(Args[1]);
        var bo = Db.Get(Args[2]);
        if ((ao is not null && ao is not byte[]) || (bo is not null && bo is not byte[]))
        {
            Writer.WriteError("ERR The specified keys must contain string values");
            return;
        }
        if (getIdx && getLen)
        {
            Writer.WriteError("ERR If you want both the length and indexes, please just use IDX.");
            return;
        }
        var a = (byte[]?)ao ?? [];
        var b = (byte[]?)bo ?? [];
        int alen = a.Length, blen = b.Length;
        if ((long)(alen + 1) * (blen + 1) * 4 > Server.Config.ProtoMaxBulkLen)
        {
            Writer.WriteError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
            return;
        }
        var dp = new uint[(alen + 1) * (blen + 1)];
        int W1 = blen + 1;
        for (int i = 1; i <= alen; i++)
            for (int j = 1; j <= blen; j++)
                dp[i * W1 + j] = a[i - 1] == b[j - 1] ? dp[(i - 1) * W1 + j - 1] + 1 : Math.Max(dp[(i - 1) * W1 + j], dp[i * W1 + j - 1]);
        int idx = (int)dp[alen * W1 + blen];
        if (getLen) { Writer.WriteInteger(idx); return; }
        var result = new byte[idx];
        var matches = new List<(long As, long Ae, long Bs, long Be, long Len)>();
        int ia = alen, jb = blen, k = idx;
        long aStart = alen, aEnd = 0, bStart = 0, bEnd = 0;
        while (ia > 0 && jb > 0)
        {
            bool emit = false;
            if (a[ia - 1] == b[jb - 1])
            {
                result[k - 1] = a[ia - 1];
                if (aStart == alen) { aStart = ia - 1; aEnd = ia - 1; bStart = jb - 1; bEnd = jb - 1; }
                else if (aStart == ia && bStart == jb) { aStart--; bStart--; }
                else emit = true;
                if (aStart == 0 || bStart == 0) emit = true;
                k--; ia--; jb--;
            }
            else
            {
                if (dp[(ia - 1) * W1 + jb] > dp[ia * W1 + jb - 1]) ia--; else jb--;
                if (aStart != alen) emit = true;
            }
            if (emit)
            {
                long len = aEnd - aStart + 1;
                if (minMatchLen == 0 || len >= minMatchLen) matches.Add((aStart, aEnd, bStart, bEnd, len));
                aStart = alen;
            }
        }
        if (!getIdx) { Writer.WriteBulk(result); return; }
        Writer.WriteMapHeader(2);
        Writer.WriteBulk("matches"u8);
        Writer.WriteArrayHeader(matches.Count);
        foreach (var m in matches)
        {
            Writer.WriteArrayHeader(withMatchLen ? 3 : 2);
            Writer.WriteArrayHeader(2); Writer.WriteInteger(m.As); Writer.WriteInteger(m.Ae);
            Writer.WriteArrayHeader(2); Writer.WriteInteger(m.Bs); Writer.WriteInteger(m.Be);
            if (withMatchLen) Writer.WriteInteger(m.Len);
        }
        Writer.WriteBulk("len"u8);
        Writer.WriteInteger(idx);
    }
}
