using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>The non-blocking list commands over <see cref="RedisList"/>; blocking ones are in RespSession.ListsBlocking.cs.</summary>
public sealed partial class RespSession
{
    static partial void RegisterListCommands(CommandTable t)
    {
        const CommandFlags W = CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast;
        const CommandFlags D = CommandFlags.Write | CommandFlags.Fast;
        const CommandFlags R = CommandFlags.ReadOnly | CommandFlags.Fast;
        t.Add(RespCommand.LPUSH, -3, W, 1, 1, 1, static s => s.Push(left: true, onlyExisting: false), "list", "Prepends one or more elements to a list.");
        t.Add(RespCommand.RPUSH, -3, W, 1, 1, 1, static s => s.Push(left: false, onlyExisting: false), "list", "Appends one or more elements to a list.");
        t.Add(RespCommand.LPUSHX, -3, W, 1, 1, 1, static s => s.Push(left: true, onlyExisting: true), "list", "Prepends one or more elements to a list only when the list exists.");
        t.Add(RespCommand.RPUSHX, -3, W, 1, 1, 1, static s => s.Push(left: false, onlyExisting: true), "list", "Appends an element to a list only when the list exists.");
        t.Add(RespCommand.LLEN, 2, R, 1, 1, 1, static s => s.LLen(), "list", "Returns the length of a list.");
        t.Add(RespCommand.LINSERT, 5, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, static s => s.LInsert(), "list", "Inserts an element before or after another element in a list.");
        t.Add(RespCommand.LSET, 4, CommandFlags.Write | CommandFlags.DenyOom, 1, 1, 1, static s => s.LSet(), "list", "Sets the value of an element in a list by its index.");
        t.Add(RespCommand.LREM, 4, CommandFlags.Write, 1, 1, 1, static s => s.LRem(), "list", "Removes elements from a list.");
        t.Add(RespCommand.LPOP, -2, D, 1, 1, 1, static s => s.Pop(left: true), "list", "Returns the first elements in a list after removing it.");
        t.Add(RespCommand.RPOP, -2, D, 1, 1, 1, static s => s.Pop(left: false), "list", "Returns and removes the last elements of a list.");
        t.Add(RespCommand.LINDEX, 3, CommandFlags.ReadOnly, 1, 1, 1, static s => s.LIndex(), "list", "Returns an element from a list by its index.");
        t.Add(RespCommand.LRANGE, 4, CommandFlags.ReadOnly, 1, 1, 1, static s => s.LRange(), "list", "Returns a range of elements from a list.");
        t.Add(RespCommand.LTRIM, 4, CommandFlags.Write, 1, 1, 1, static s => s.LTrim(), "list", "Removes elements from both ends a list.");
        t.Add(RespCommand.RPOPLPUSH, 3, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, static s => s.LMove(rpoplpush: true), "list", "Returns the last element of a list after removing and pushing it to another list.");
        t.Add(RespCommand.LMOVE, 5, CommandFlags.Write | CommandFlags.DenyOom, 1, 2, 1, static s => s.LMove(rpoplpush: false), "list", "Returns an element after popping it from one list and pushing it to another.");
        t.Add(RespCommand.LPOS, -3, CommandFlags.ReadOnly, 1, 1, 1, static s => s.LPos(), "list", "Returns the index of matching elements in a list.");
        t.Add(RespCommand.LMPOP, -4, CommandFlags.Write, 2, 2, 1, static s => s.LMPop(blocking: false), "list", "Returns multiple elements from a list after removing them.");
        RegisterBlockingListCommands(t);
    }

    private void Push(bool left, bool onlyExisting)
    {
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null)
        {
            if (onlyExisting) { Writer.WriteInteger(0); return; }
            list = new RedisList();
            PushAll(list, left);
            Db.Add(Args.ToArray(1), list);
        }
        else
        {
            PushAll(list, left);
            Db.SignalModified(Args[1]);
            Db.SignalReady(Args[1]);
        }
        Dirty(Args.Count - 2);
        Writer.WriteInteger(list.Count);
    }

    private void PushAll(RedisList list, bool left)
    {
        for (int i = 2; i < Args.Count; i++)
        {
            // The list packs the bytes into its chunks: no per-element array.
            if (left) list.PushLeft(Args[i]);
            else list.PushRight(Args[i]);
        }
    }

    private void LLen()
    {
        if (!TryLookup<RedisList>(1, out var list)) return;
        Writer.WriteInteger(list?.Count ?? 0);
    }

    private void LInsert()
    {
        bool after;
        if (Args.Is(2, "AFTER"u8)) after = true;
        else if (Args.Is(2, "BEFORE"u8)) after = false;
        else { WriteSyntaxError(); return; }
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null) { Writer.WriteInteger(0); return; }
        int at = list.IndexOf(Args[3]);
        if (at < 0) { Writer.WriteInteger(-1); return; }
        list.Insert(after ? at + 1 : at, Args.ToArray(4));
        Db.SignalModified(Args[1]);
        Dirty();
        Writer.WriteInteger(list.Count);
    }

    private void LSet()
    {
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null) { Writer.WriteError(Errors.NoSuchKey); return; }
        if (!Args.TryGetLong(2, out long index)) { WriteNotInteger(); return; }
        if (index < 0) index += list.Count;
        if (index < 0 || index >= list.Count) { Writer.WriteError(Errors.IndexOutOfRange); return; }
        list[(int)index] = Args.ToArray(3);
        Db.SignalModified(Args[1]);
        Dirty();
        Writer.WriteOk();
    }

    private void LRem()
    {
        if (!Args.TryGetLong(2, out long count)) { WriteNotInteger(); return; }
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null) { Writer.WriteInteger(0); return; }
        int removed = list.RemoveValue(Args[3], count);
        AfterWrite(Args[1], list.Count, removed);
        Writer.WriteInteger(removed);
    }

    private void Pop(bool left)
    {
        if (Args.Count > 3) { WriteArityError(Current!.Name); return; }
        bool hasCount = Args.Count == 3;
        long count = 0;
        if (hasCount && (!Args.TryGetLong(2, out count) || count < 0)) { Writer.WriteError(Errors.MustBePositive); return; }
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null)
        {
            if (hasCount) Writer.WriteNullArray();
            else Writer.WriteNull();
            return;
        }
        if (!hasCount)
        {
            var v = left ? list.PopLeft() : list.PopRight();
            AfterWrite(Args[1], list.Count, 1);
            Writer.WriteBulk(v!);
            return;
        }
        if (count == 0) { Writer.WriteArrayHeader(0); return; }
        int n = (int)Math.Min(count, list.Count);
        Writer.WriteArrayHeader(n);
        for (int i = 0; i < n; i++) Writer.WriteBulk((left ? list.PopLeft() : list.PopRight())!);
        AfterWrite(Args[1], list.Count, n);
    }

    private void LIndex()
    {
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null) { Writer.WriteNull(); return; }
        if (!Args.TryGetLong(2, out long index)) { WriteNotInteger(); return; }
        if (index < 0) index += list.Count;
        if (index >= 0 && index < list.Count) Writer.WriteBulk(list.GetSpan((int)index));
        else Writer.WriteNull();
    }

    private void LRange()
    {
        if (!Args.TryGetLong(2, out long start) || !Args.TryGetLong(3, out long end)) { WriteNotInteger(); return; }
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null || !NormalizeRange(start, end, list.Count, out long from, out long to))
        {
            Writer.WriteArrayHeader(0);
            return;
        }
        long n = to - from + 1;
        Writer.WriteArrayHeader(n);
        var it = list.Iterate((int)from);
        for (long i = 0; i < n && it.MoveNext(); i++) Writer.WriteBulk(it.Current);
    }

    private void LTrim()
    {
        if (!Args.TryGetLong(2, out long start) || !Args.TryGetLong(3, out long end)) { WriteNotInteger(); return; }
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null) { Writer.WriteOk(); return; }
        int before = list.Count;
        if (!NormalizeRange(start, end, list.Count, out long from, out long to)) list.Clear();
        else list.Trim((int)from, (int)to);
        if (list.Count == 0) Db.Delete(Args[1]);
        else Db.SignalModified(Args[1]);
        Dirty(Math.Max(1, before - list.Count));
        Writer.WriteOk();
    }

    /// <summary>LEFT or RIGHT at argument <paramref name="arg"/>; null when neither.</summary>
    private bool? ParseSide(int arg)
    {
        if (Args.Is(arg, "LEFT"u8)) return true;
        if (Args.Is(arg, "RIGHT"u8)) return false;
        return null;
    }

    private void LMove(bool rpoplpush)
    {
        bool fromLeft = false, toLeft = true;
        if (!rpoplpush)
        {
            if (ParseSide(3) is not bool f || ParseSide(4) is not bool t) { WriteSyntaxError(); return; }
            fromLeft = f;
            toLeft = t;
        }
        var moved = TryMove(Db, Args.ToArray(1), Args.ToArray(2), fromLeft, toLeft, out bool wrongType);
        if (wrongType) { WriteWrongType(); return; }
        Writer.WriteBulkOrNull(moved);
    }

    /// <summary>
    /// LMOVE's work, shared with BLMOVE when it is served: pops from <paramref name="source"/>
    /// and pushes onto <paramref name="destination"/>. Returns the element, or null when the
    /// source is missing; <paramref name="wrongType"/> when either key holds another type.
    /// </summary>
    internal static byte[]? TryMove(Database db, byte[] source, byte[] destination, bool fromLeft, bool toLeft, out bool wrongType)
    {
        wrongType = false;
        var st = db.TryGet<RedisList>(source, out var src);
        if (st == LookupStatus.WrongType) { wrongType = true; return null; }
        if (src is null) return null;
        st = db.TryGet<RedisList>(destination, out var dst);
        if (st == LookupStatus.WrongType) { wrongType = true; return null; }
        var value = (fromLeft ? src.PopLeft() : src.PopRight())!;
        bool same = ReferenceEquals(src, dst);
        if (src.Count == 0 && !same) db.Delete(source);
        else db.SignalModified(source);
        if (dst is null)
        {
            dst = new RedisList();
            if (toLeft) dst.PushLeft(value); else dst.PushRight(value);
            db.Add(destination, dst);
        }
        else
        {
            if (toLeft) dst.PushLeft(value); else dst.PushRight(value);
            db.SignalModified(destination);
            db.SignalReady(destination);
        }
        db.Owner.Dirty += 2;
        return value;
    }

    private void LPos()
    {
        long rank = 1, count = -1, maxLen = 0;
        for (int i = 3; i < Args.Count; i++)
        {
            bool more = i + 1 < Args.Count;
            if (Args.Is(i, "RANK"u8) && more)
            {
                if (!Args.TryGetLong(i + 1, out rank)) { WriteNotInteger(); return; }
                if (rank == 0)
                {
                    Writer.WriteError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
                    return;
                }
            }
            else if (Args.Is(i, "COUNT"u8) && more)
            {
                if (!Args.TryGetLong(i + 1, out count)) { WriteNotInteger(); return; }
                if (count < 0) { Writer.WriteError("ERR COUNT can't be negative"); return; }
            }
            else if (Args.Is(i, "MAXLEN"u8) && more)
            {
                if (!Args.TryGetLong(i + 1, out maxLen)) { WriteNotInteger(); return; }
                if (maxLen < 0) { Writer.WriteError("ERR MAXLEN can't be negative"); return; }
            }
            else { WriteSyntaxError(); return; }
            i++;
        }
        if (!TryLookup<RedisList>(1, out var list)) return;
        if (list is null)
        {
            if (count != -1) Writer.WriteArrayHeader(0);
            else Writer.WriteNull();
            return;
        }
        bool fromTail = rank < 0;
        // Negating LONG_MIN leaves it negative in Redis, so every match satisfies it: the first one counts.
        long wanted = fromTail ? (rank == long.MinValue ? 1 : -rank) : rank;
        var matches = new List<long>();
        long matched = 0;
        int n = list.Count;
        var element = Args[2];
        var it = list.Iterate(fromTail ? n - 1 : 0, reverse: fromTail);
        for (long scanned = 0; scanned < n && (maxLen == 0 || scanned < maxLen) && it.MoveNext(); scanned++)
        {
            int index = (int)(fromTail ? n - 1 - scanned : scanned);
            if (!element.SequenceEqual(it.Current)) continue;
            if (++matched < wanted) continue;
            matches.Add(index);
            if (count == -1 || (count != 0 && matches.Count == count)) break;
        }
        if (count == -1)
        {
            if (matches.Count == 0) Writer.WriteNull();
            else Writer.WriteInteger(matches[0]);
            return;
        }
        Writer.WriteArrayHeader(matches.Count);
        foreach (var m in matches) Writer.WriteInteger(m);
    }

    /// <summary>
    /// Parses LMPOP/BLMPOP (and ZMPOP/BZMPOP) arguments from <paramref name="numKeysArg"/>:
    /// numkeys, the keys, the side word and an optional COUNT. Writes Redis's error and returns false when invalid.
    /// </summary>
    private bool TryParseMPop(int numKeysArg, ReadOnlySpan<byte> sideA, ReadOnlySpan<byte> sideB, out int firstKey, out int keyCount, out bool sideIsA, out long count)
    {
        firstKey = numKeysArg + 1;
        keyCount = 0;
        sideIsA = false;
        count = 1;
        if (!Args.TryGetLong(numKeysArg, out long numKeys) || numKeys < 1)
        {
            Writer.WriteError("ERR numkeys should be greater than 0");
            return false;
        }
        long sideArg = numKeysArg + numKeys + 1;
        if (sideArg >= Args.Count) { WriteSyntaxError(); return false; }
        keyCount = (int)numKeys;
        if (Args.Is((int)sideArg, sideA)) sideIsA = true;
        else if (!Args.Is((int)sideArg, sideB)) { WriteSyntaxError(); return false; }
        bool seenCount = false;
        for (int i = (int)sideArg + 1; i < Args.Count; i++)
        {
            if (!seenCount && Args.Is(i, "COUNT"u8) && i + 1 < Args.Count)
            {
                if (!Args.TryGetLong(i + 1, out count) || count < 1)
                {
                    Writer.WriteError("ERR count should be greater than 0");
                    return false;
                }
                seenCount = true;
                i++;
            }
            else { WriteSyntaxError(); return false; }
        }
        return true;
    }

    private void LMPop(bool blocking)
    {
        long timeoutMs = 0;
        if (blocking && !TryGetBlockTimeout(1, out timeoutMs)) return;
        if (!TryParseMPop(blocking ? 2 : 1, "LEFT"u8, "RIGHT"u8, out int firstKey, out int keyCount, out bool left, out long count)) return;
        for (int i = 0; i < keyCount; i++)
        {
            if (!TryLookup<RedisList>(firstKey + i, out var list)) return;
            if (list is null || list.Count == 0) continue;
            var key = Args.ToArray(firstKey + i);
            var popped = PopMany(Db, key, list, left, count);
            Propagate(Propagation.Pop(left), key, Propagation.Number(popped.Count));
            WriteMPopReply(Writer, key, popped);
            return;
        }
        if (!blocking || InExec) { Writer.WriteNullArray(); return; }
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) keys[i] = Args.ToArray(firstKey + i);
        var waiter = new ListWaiter(Db, keys, ListWaiter.Kind.MPop, left, count, null, false);
        Block(waiter, timeoutMs, w => WriteMPopReply(w, waiter.ServedKey!, waiter.Elements!));
    }

    /// <summary>Pops up to <paramref name="count"/> elements and deletes the list when it empties.</summary>
    internal static List<byte[]> PopMany(Database db, byte[] key, RedisList list, bool left, long count)
    {
        int n = (int)Math.Min(count, list.Count);
        var popped = new List<byte[]>(n);
        for (int i = 0; i < n; i++) popped.Add((left ? list.PopLeft() : list.PopRight())!);
        if (list.Count == 0) db.Delete(key);
        else db.SignalModified(key);
        db.Owner.Dirty += n;
        return popped;
    }

    private static void WriteMPopReply(Resp.RespWriter w, byte[] key, List<byte[]> elements)
    {
        w.WriteArrayHeader(2);
        w.WriteBulk(key);
        w.WriteArrayHeader(elements.Count);
        foreach (var e in elements) w.WriteBulk(e);
    }
}
