using Trove.Redis.Engine;
using Trove.Redis.Resp;
using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>Generic keyspace commands: DEL EXISTS KEYS EXPIRE* TTL RENAME SCAN COPY MOVE SWAPDB ...</summary>
public sealed partial class RespSession
{
    private static void RegisterKeyCommands(CommandTable t)
    {
        const F W = F.Write, R = F.ReadOnly;
        t.Add(RespCommand.DEL, -2, W, 1, -1, 1, static s => s.Del(), "generic", "Deletes one or more keys.");
        t.Add(RespCommand.UNLINK, -2, W | F.Fast, 1, -1, 1, static s => s.Del(), "generic", "Asynchronously deletes one or more keys.");
        t.Add(RespCommand.EXISTS, -2, R | F.Fast, 1, -1, 1, static s => s.ExistsCmd(touch: false), "generic", "Determines whether one or more keys exist.");
        t.Add(RespCommand.TOUCH, -2, R | F.Fast, 1, -1, 1, static s => s.ExistsCmd(touch: true), "generic", "Returns the number of existing keys out of those specified after updating the time they were last accessed.");
        t.Add(RespCommand.KEYS, 2, R, 0, 0, 0, static s => s.KeysCmd(), "generic", "Returns all key names that match a pattern.");
        t.Add(RespCommand.EXPIRE, -3, W | F.Fast, 1, 1, 1, static s => s.ExpireCmd(1000, false), "generic", "Sets the expiration time of a key in seconds.");
        t.Add(RespCommand.PEXPIRE, -3, W | F.Fast, 1, 1, 1, static s => s.ExpireCmd(1, false), "generic", "Sets the expiration time of a key in milliseconds.");
        t.Add(RespCommand.EXPIREAT, -3, W | F.Fast, 1, 1, 1, static s => s.ExpireCmd(1000, true), "generic", "Sets the expiration time of a key to a Unix timestamp.");
        t.Add(RespCommand.PEXPIREAT, -3, W | F.Fast, 1, 1, 1, static s => s.ExpireCmd(1, true), "generic", "Sets the expiration time of a key to a Unix milliseconds timestamp.");
        t.Add(RespCommand.TTL, 2, R | F.Fast, 1, 1, 1, static s => s.TtlCmd(false, false), "generic", "Returns the expiration time in seconds of a key.");
        t.Add(RespCommand.PTTL, 2, R | F.Fast, 1, 1, 1, static s => s.TtlCmd(true, false), "generic", "Returns the expiration time in milliseconds of a key.");
        t.Add(RespCommand.EXPIRETIME, 2, R | F.Fast, 1, 1, 1, static s => s.TtlCmd(false, true), "generic", "Returns the expiration time of a key as a Unix timestamp.");
        t.Add(RespCommand.PEXPIRETIME, 2, R | F.Fast, 1, 1, 1, static s => s.TtlCmd(true, true), "generic", "Returns the expiration time of a key as a Unix milliseconds timestamp.");
        t.Add(RespCommand.PERSIST, 2, W | F.Fast, 1, 1, 1, static s => s.Persist(), "generic", "Removes the expiration time of a key.");
        t.Add(RespCommand.RENAME, 3, W, 1, 2, 1, static s => s.Rename(false), "generic", "Renames a key and overwrites the destination.");
        t.Add(RespCommand.RENAMENX, 3, W | F.Fast, 1, 2, 1, static s => s.Rename(true), "generic", "Renames a key only when the target key name doesn't exist.");
        t.Add(RespCommand.RANDOMKEY, 1, R, 0, 0, 0, static s => s.Writer.WriteBulkOrNull(s.Db.RandomKey()), "generic", "Returns a random key name from the database.");
        t.Add(RespCommand.TYPE, 2, R | F.Fast, 1, 1, 1, static s => s.Writer.WriteSimple(RedisTypeNames.Name(RedisTypeNames.TypeOf(s.Db.Peek(s.Args[1])))), "generic", "Determines the type of value stored at a key.");
        t.Add(RespCommand.DBSIZE, 1, R | F.Fast, 0, 0, 0, static s => s.Writer.WriteInteger(s.Db.Count), "server", "Returns the number of keys in the database.");
        t.Add(RespCommand.FLUSHDB, -1, W, 0, 0, 0, static s => s.Flush(false), "server", "Removes all keys from the current database.");
        t.Add(RespCommand.FLUSHALL, -1, W, 0, 0, 0, static s => s.Flush(true), "server", "Removes all keys from all databases.");
        t.Add(RespCommand.COPY, -3, W | F.DenyOom, 1, 2, 1, static s => s.Copy(), "generic", "Copies the value of a key to a new key.");
        t.Add(RespCommand.MOVE, 3, W | F.Fast, 1, 1, 1, static s => s.Move(), "generic", "Moves a key to another database.");
        t.Add(RespCommand.SWAPDB, 3, W | F.Fast, 0, 0, 0, static s => s.SwapDb(), "server", "Swaps two Redis databases.");
        t.Add(RespCommand.SCAN, -2, R, 0, 0, 0, static s => s.ScanCmd(), "generic", "Iterates over the key names in the database.");
        var obj = t.Add(RespCommand.OBJECT, -2, R, 2, 2, 1, static s => s.ObjectCmd(), "generic", "A container for object introspection commands.");
        t.AddSub(obj, "encoding", 3, R, "Returns the internal encoding of a Redis object.");
        t.AddSub(obj, "freq", 3, R, "Returns the logarithmic access frequency counter of a Redis object.");
        t.AddSub(obj, "idletime", 3, R, "Returns the time since the last access to a Redis object.");
        t.AddSub(obj, "refcount", 3, R, "Returns the reference count of a value of a key.");
        t.AddSub(obj, "help", 2, F.Loading | F.Stale, "Returns helpful text about the different subcommands.");
    }

    private void Del()
    {
        int n = 0;
        for (int i = 1; i < Args.Count; i++)
            if (Db.Delete(Args[i])) n++;
        Dirty(n);
        Writer.WriteInteger(n);
    }

    private void ExistsCmd(bool touch)
    {
        int n = 0;
        for (int i = 1; i < Args.Count; i++)
            if (touch ? Db.Touch(Args[i]) : Db.Exists(Args[i])) n++;
        Writer.WriteInteger(n);
    }

    private void KeysCmd()
    {
        var keys = Db.Keys(Args[1]);
        Writer.WriteArrayHeader(keys.Count);
        foreach (var k in keys) Writer.WriteBulk(k);
    }

    private void ExpireCmd(long unitMs, bool absolute)
    {
        if (!Args.TryGetLong(2, out long when)) { WriteNotInteger(); return; }
        bool nx = false, xx = false, gt = false, lt = false;
        for (int i = 3; i < Args.Count; i++)
        {
            if (Args.Is(i, "NX"u8)) nx = true;
            else if (Args.Is(i, "XX"u8)) xx = true;
            else if (Args.Is(i, "GT"u8)) gt = true;
            else if (Args.Is(i, "LT"u8)) lt = true;
            else { Writer.WriteError("ERR Unsupported option " + Args.GetString(i)); return; }
        }
        if (nx && (xx || gt || lt)) { Writer.WriteError("ERR NX and XX, GT or LT options at the same time are not compatible"); return; }
        if (gt && lt) { Writer.WriteError("ERR GT and LT options at the same time are not compatible"); return; }
        long basetime = absolute ? 0 : Keyspace.Now();
        if (when > long.MaxValue / unitMs || when < long.MinValue / unitMs ||
            (when * unitMs > 0 && basetime > long.MaxValue - when * unitMs))
        {
            Writer.WriteError($"ERR invalid expire time in '{Current!.Name}' command");
            return;
        }
        long at = when * unitMs + basetime;
        long current = Db.GetExpire(Args[1]);
        if (current == -2) { Writer.WriteInteger(0); return; }
        if ((nx && current != 0) || (xx && current == 0) ||
            (gt && (current == 0 || at <= current)) || (lt && current != 0 && at >= current))
        {
            Writer.WriteInteger(0);
            return;
        }
        // A time in the past deletes the key (Redis propagates it as DEL); 0 would mean "none" here.
        Db.SetExpire(Args[1], at <= 0 ? 1 : at);
        Dirty();
        PropagateExpireAt(1, at <= 0 ? 1 : at);
        Writer.WriteInteger(1);
    }

    private void TtlCmd(bool ms, bool absolute)
    {
        long exp = Db.GetExpire(Args[1]);
        if (exp == -2) { Writer.WriteInteger(-2); return; }
        if (exp == 0) { Writer.WriteInteger(-1); return; }
        if (absolute) { Writer.WriteInteger(ms ? exp : exp / 1000); return; }
        long ttl = Math.Max(0, exp - Keyspace.Now());
        Writer.WriteInteger(ms ? ttl : (ttl + 500) / 1000);
    }

    private void Persist()
    {
        long exp = Db.GetExpire(Args[1]);
        if (exp <= 0) { Writer.WriteInteger(0); return; }
        Db.SetExpire(Args[1], 0);
        Dirty();
        Writer.WriteInteger(1);
    }

    private void Rename(bool nx)
    {
        int slot = Db.FindSlot(Args[1]);
        if (slot < 0) { Writer.WriteError(Errors.NoSuchKey); return; }
        if (Args[1].SequenceEqual(Args[2]))
        {
            if (nx) Writer.WriteInteger(0); else Writer.WriteOk();
            return;
        }
        if (nx && Db.Exists(Args[2])) { Writer.WriteInteger(0); return; }
        var (value, exp) = Db.Take(Args[1])!.Value;
        Db.Delete(Args[2]);
        Db.AddWithExpiry(Args.ToArray(2), value, exp);
        Dirty();
        if (nx) Writer.WriteInteger(1); else Writer.WriteOk();
    }

    private void Flush(bool all)
    {
        if (Args.Count > 2 || (Args.Count == 2 && !Args.Is(1, "ASYNC"u8) && !Args.Is(1, "SYNC"u8)))
        {
            WriteSyntaxError();
            return;
        }
        if (all) Keyspace.FlushAll(); else Db.Flush();
        Dirty();
        Writer.WriteOk();
    }

    private bool TryGetDbIndex(int arg, out Database db)
    {
        db = Db;
        if (!Args.TryGetLong(arg, out long idx)) { WriteNotInteger(); return false; }
        if (idx < 0 || idx >= Keyspace.DatabaseCount) { Writer.WriteError(Errors.DbIndexOutOfRange); return false; }
        db = Keyspace[(int)idx];
        return true;
    }

    private void Copy()
    {
        var target = Db;
        bool replace = false;
        for (int i = 3; i < Args.Count; i++)
        {
            if (Args.Is(i, "REPLACE"u8)) replace = true;
            else if (Args.Is(i, "DB"u8) && i + 1 < Args.Count)
            {
                if (!TryGetDbIndex(++i, out target)) return;
            }
            else { WriteSyntaxError(); return; }
        }
        if (target == Db && Args[1].SequenceEqual(Args[2])) { Writer.WriteError(Errors.SameObject); return; }
        int slot = Db.FindSlot(Args[1]);
        if (slot < 0) { Writer.WriteInteger(0); return; }
        if (target.Exists(Args[2]))
        {
            if (!replace) { Writer.WriteInteger(0); return; }
            target.Delete(Args[2]);
        }
        var value = Db.Table.ValueAt(slot);
        long exp = Db.Table.ExpireAt(slot);
        object copy = value is byte[] b ? b.AsSpan().ToArray() : ((RedisObject)value).Clone();
        target.AddWithExpiry(Args.ToArray(2), copy, exp);
        Dirty();
        Writer.WriteInteger(1);
    }

    private void Move()
    {
        if (!Args.TryGetLong(2, out long idx)) { WriteNotInteger(); return; }
        if (idx < 0 || idx >= Keyspace.DatabaseCount)
        {
            Writer.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        var target = Keyspace[(int)idx];
        if (target == Db) { Writer.WriteError(Errors.SameObject); return; }
        if (!Db.Exists(Args[1]) || target.Exists(Args[1])) { Writer.WriteInteger(0); return; }
        var (value, exp) = Db.Take(Args[1])!.Value;
        target.AddWithExpiry(Args.ToArray(1), value, exp);
        Dirty();
        Writer.WriteInteger(1);
    }

    private void SwapDb()
    {
        if (!Args.TryGetLong(1, out long a)) { Writer.WriteError("ERR invalid first DB index"); return; }
        if (!Args.TryGetLong(2, out long b)) { Writer.WriteError("ERR invalid second DB index"); return; }
        if (a < 0 || a >= Keyspace.DatabaseCount || b < 0 || b >= Keyspace.DatabaseCount)
        {
            Writer.WriteError(Errors.DbIndexOutOfRange);
            return;
        }
        Keyspace.SwapDatabases((int)a, (int)b);
        Dirty();
        Writer.WriteOk();
    }

    /// <summary>
    /// Parses "cursor [MATCH p] [COUNT n] [TYPE t]" from argument <paramref name="first"/> (the
    /// cursor) on; shared by SCAN and the collection SCANs (which pass allowType: false).
    /// Writes the error and returns false when invalid.
    /// </summary>
    public bool TryParseScanArgs(int first, bool allowType, out ulong cursor, out int count, out ReadOnlyMemory<byte> pattern, out RedisType? type)
    {
        count = 10;
        pattern = default;
        type = null;
        // strtoul semantics, as Redis: an optional sign, digits, no spaces; "-1" wraps around.
        var a = Args[first];
        bool neg = a.Length > 0 && a[0] == (byte)'-';
        var digits = a.Length > 0 && a[0] is (byte)'-' or (byte)'+' ? a[1..] : a;
        bool ok = digits.Length > 0;
        foreach (var d in digits) ok &= d is >= (byte)'0' and <= (byte)'9';
        if (!ok || !ulong.TryParse(digits, out cursor))
        {
            cursor = 0;
            Writer.WriteError(Errors.InvalidCursor);
            return false;
        }
        if (neg) cursor = unchecked(0UL - cursor);
        for (int i = first + 1; i < Args.Count; i++)
        {
            bool hasValue = i + 1 < Args.Count;
            if (Args.Is(i, "COUNT"u8) && hasValue)
            {
                if (!Args.TryGetLong(++i, out long c)) { WriteNotInteger(); return false; }
                if (c < 1) { WriteSyntaxError(); return false; }
                count = (int)Math.Min(c, int.MaxValue / 16);
            }
            else if (Args.Is(i, "MATCH"u8) && hasValue)
            {
                pattern = Args.Memory(++i);
                if (pattern.Length == 1 && pattern.Span[0] == (byte)'*') pattern = default;
            }
            else if (allowType && Args.Is(i, "TYPE"u8) && hasValue)
            {
                var name = Args.GetString(++i).ToLowerInvariant();
                type = name switch
                {
                    "string" => RedisType.String, "list" => RedisType.List, "set" => RedisType.Set,
                    "zset" => RedisType.ZSet, "hash" => RedisType.Hash, _ => RedisType.None,
                };
            }
            else { WriteSyntaxError(); return false; }
        }
        return true;
    }

    private void ScanCmd()
    {
        if (!TryParseScanArgs(1, true, out ulong cursor, out int count, out var pattern, out var type)) return;
        var keys = new List<byte[]>();
        ulong next = type == RedisType.None ? 0 : Db.Scan(cursor, count, pattern.Span, type, keys);
        Writer.WriteArrayHeader(2);
        Writer.WriteBulk(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Writer.WriteArrayHeader(keys.Count);
        foreach (var k in keys) Writer.WriteBulk(k);
    }

    private void ObjectCmd()
    {
        if (Args.Is(1, "HELP"u8))
        {
            string[] help =
            [
                "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "ENCODING <key>", "    Return the kind of internal representation used in order to store the value",
                "    associated with a <key>.",
                "FREQ <key>", "    Return the access frequency index of the <key>. The returned integer is",
                "    proportional to the logarithm of the recent access frequency of the key.",
                "IDLETIME <key>", "    Return the idle time of the <key>, that is the approximated number of",
                "    seconds elapsed since the last access to the key.",
                "REFCOUNT <key>", "    Return the number of references of the value associated with the specified",
                "    <key>.",
                "HELP", "    Prints this help.",
            ];
            Writer.WriteArrayHeader(help.Length);
            foreach (var h in help) Writer.WriteSimple(h);
            return;
        }
        string sub = Args.GetString(1).ToLowerInvariant();
        if (sub is not ("encoding" or "freq" or "idletime" or "refcount"))
        {
            Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try OBJECT HELP.");
            return;
        }
        if (Args.Count != 3) { WriteArityError("object|" + sub); return; }
        var value = Db.Peek(Args[2]);
        if (value is null) { Writer.WriteNull(); return; }
        switch (sub)
        {
            case "encoding":
                Writer.WriteBulk(value is RedisObject o ? o.Encoding : StringEncoding((byte[])value));
                break;
            case "refcount":
                Writer.WriteInteger(value is byte[] v && ParseState.TryParseLong(v, out long n) && n is >= 0 and < 10000 ? int.MaxValue : 1);
                break;
            case "idletime":
                if (Keyspace.Lfu) Writer.WriteError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
                else Writer.WriteInteger(Db.AccessInfo(Args[2]));
                break;
            default:
                if (!Keyspace.Lfu) Writer.WriteError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.");
                else Writer.WriteInteger(Db.AccessInfo(Args[2]));
                break;
        }
    }

    private static string StringEncoding(byte[] v)
        => v.Length <= 20 && ParseState.TryParseLong(v, out _) ? "int" : v.Length <= 44 ? "embstr" : "raw";
}
