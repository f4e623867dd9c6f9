using System.Runtime.CompilerServices;
using Trove.Net;
using Trove.Memcached.Engine;
using Trove.Memcached.Protocol;

namespace Trove.Memcached.Server;

/// <summary>Dispatch and the classic text-protocol commands.</summary>
internal sealed partial class MemcachedSession
{
    /// <summary>Runs one command line. True: close the connection.</summary>
    [SkipLocalsInit]
    private bool Dispatch(ReadOnlySpan<byte> line)
    {
        // Skip zeroing the 24-token buffer: the tokenizer writes every token it reports.
        Unsafe.SkipInit(out TokenBuffer buffer);
        Span<Token> tokens = buffer;
        int n = Tokenizer.Split(line, tokens);
        if (n == 0) { Reply(Replies.Error); return false; }
        if (_server.Options.Verbosity > 1) _server.LogCommand(_conn.Id, line);
        var cmd = Commands.CommandTable.Lookup(Slice(line, tokens[0]));
        switch (cmd)
        {
            case Commands.MemcachedCommand.Get when n >= 2: Retrieve(line, tokens, n, 1, cas: false, touch: false); break;
            case Commands.MemcachedCommand.Gets when n >= 2: Retrieve(line, tokens, n, 1, cas: true, touch: false); break;
            case Commands.MemcachedCommand.Gat when n >= 3: Retrieve(line, tokens, n, 2, cas: false, touch: true); break;
            case Commands.MemcachedCommand.Gats when n >= 3: Retrieve(line, tokens, n, 2, cas: true, touch: true); break;
            case Commands.MemcachedCommand.Set when n is 5 or 6: Update(line, tokens, n, StoreMode.Set); break;
            case Commands.MemcachedCommand.Add when n is 5 or 6: Update(line, tokens, n, StoreMode.Add); break;
            case Commands.MemcachedCommand.Replace when n is 5 or 6: Update(line, tokens, n, StoreMode.Replace); break;
            case Commands.MemcachedCommand.Append when n is 5 or 6: Update(line, tokens, n, StoreMode.Append); break;
            case Commands.MemcachedCommand.Prepend when n is 5 or 6: Update(line, tokens, n, StoreMode.Prepend); break;
            case Commands.MemcachedCommand.Cas when n is 6 or 7: Update(line, tokens, n, StoreMode.Cas); break;
            case Commands.MemcachedCommand.Incr when n is 3 or 4: Arithmetic(line, tokens, n, incr: true); break;
            case Commands.MemcachedCommand.Decr when n is 3 or 4: Arithmetic(line, tokens, n, incr: false); break;
            case Commands.MemcachedCommand.Delete when n is >= 2 and <= 4: Delete(line, tokens, n); break;
            case Commands.MemcachedCommand.Touch when n is 3 or 4: Touch(line, tokens, n); break;
            case Commands.MemcachedCommand.FlushAll when n is >= 1 and <= 3: FlushAll(line, tokens, n); break;
            case Commands.MemcachedCommand.Version: Reply(Replies.Version); break;
            case Commands.MemcachedCommand.Verbosity when n is 2 or 3: Verbosity(line, tokens, n); break;
            case Commands.MemcachedCommand.Quit: return true;
            case Commands.MemcachedCommand.Stats: Stats(line, tokens, n); break;
            case Commands.MemcachedCommand.MetaNoop: Reply(Replies.MetaNoop); break;
            case Commands.MemcachedCommand.MetaGet when n >= 2: MetaGet(line, tokens, n); break;
            case Commands.MemcachedCommand.MetaSet when n >= 2: MetaSet(line, tokens, n); break;
            case Commands.MemcachedCommand.MetaDelete when n >= 2: MetaDelete(line, tokens, n); break;
            case Commands.MemcachedCommand.MetaArithmetic when n >= 2: MetaArithmetic(line, tokens, n); break;
            case Commands.MemcachedCommand.MetaDebug when n >= 2: MetaDebug(line, tokens, n); break;
            default:
                // memcached hangs up on anything that looks like an HTTP request line.
                if (n >= 3 && Slice(line, tokens[n - 1]).StartsWith("HTTP/"u8)) return true;
                Reply(Replies.Error);
                break;
        }
        return false;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> line, Token t) => line.Slice(t.Start, t.Length);

    private static bool IsNoReply(ReadOnlySpan<byte> line, Span<Token> tokens, int n) => Slice(line, tokens[n - 1]).SequenceEqual("noreply"u8);

    /// <summary>get/gets/gat/gats: VALUE blocks for the hits, in request order, then END.</summary>
    private void Retrieve(ReadOnlySpan<byte> line, Span<Token> tokens, int n, int firstKey, bool cas, bool touch)
    {
        long exptime = 0;
        if (touch)
        {
            if (!Wire.TryParseInt64(Slice(line, tokens[1]), out exptime)) { Reply(Replies.InvalidExptime); return; }
        }
        // Keys come from the whole rest of the line (a multi-get may exceed the token limit). Check
        // them all first: a bad key fails the command before any VALUE is written, as in memcached.
        var rest = line[tokens[firstKey].Start..];
        for (var r = rest; !r.IsEmpty;)
        {
            var key = NextWord(ref r);
            if (key.IsEmpty) break;
            if (!ValidKey(key)) { Reply(Replies.BadFormat); return; }
        }
        var w = Out;
        var c = Counters;
        while (true)
        {
            var key = NextWord(ref rest);
            if (key.IsEmpty) break;
            c.CmdGet++;
            if (touch) c.CmdTouch++;
            bool hit = touch ? _store.TryGet(key, out var item, out var miss, exptime) : _store.TryGet(key, out item, out miss);
            if (!hit)
            {
                c.GetMisses++;
                if (touch) c.TouchMisses++;
                if (miss == MissKind.Expired) c.GetExpired++;
                else if (miss == MissKind.Flushed) c.GetFlushed++;
                continue;
            }
            c.GetHits++;
            if (touch) c.TouchHits++;
            WriteValue(w, key, item, cas);
        }
        w.Put(Replies.End);
    }

    private static ReadOnlySpan<byte> NextWord(ref ReadOnlySpan<byte> s)
    {
        int i = 0;
        while (i < s.Length && s[i] == (byte)' ') i++;
        int start = i;
        while (i < s.Length && s[i] != (byte)' ') i++;
        var word = s[start..i];
        s = s[i..];
        return word;
    }

    private static void WriteValue(LoopOutput w, ReadOnlySpan<byte> key, in ItemView item, bool cas)
    {
        var span = w.GetSpan(key.Length + 64);
        "VALUE "u8.CopyTo(span);
        int p = 6;
        key.CopyTo(span[p..]);
        p += key.Length;
        span[p++] = (byte)' ';
        System.Buffers.Text.Utf8Formatter.TryFormat(item.Flags, span[p..], out int k); p += k;
        span[p++] = (byte)' ';
        System.Buffers.Text.Utf8Formatter.TryFormat(item.ValueLength, span[p..], out k); p += k;
        if (cas)
        {
            span[p++] = (byte)' ';
            System.Buffers.Text.Utf8Formatter.TryFormat(item.Cas, span[p..], out k); p += k;
        }
        span[p++] = (byte)'\r';
        span[p++] = (byte)'\n';
        w.Advance(p);
        var value = item.Value;
        var dst = w.GetSpan(value.Length + 2);
        if (dst.Length >= value.Length + 2)
        {
            value.CopyTo(dst);
            dst[value.Length] = (byte)'\r';
            dst[value.Length + 1] = (byte)'\n';
            w.Advance(value.Length + 2);
        }
        else
        {
            w.Put(value);
            w.Put(Replies.Crlf);
        }
    }

    /// <summary>set/add/replace/append/prepend/cas header: validate, then read the data block.</summary>
    private void Update(ReadOnlySpan<byte> line, Span<Token> tokens, int n, StoreMode mode)
    {
        bool isCas = mode == StoreMode.Cas;
        bool noReply = n == (isCas ? 7 : 6) && IsNoReply(line, tokens, n);
        var key = Slice(line, tokens[1]);
        if (key.Length > 250) { Reply(Replies.BadFormat, noReply); return; }
        if (!Wire.TryParseUInt32(Slice(line, tokens[2]), out uint flags)
            || !Wire.TryParseInt32(Slice(line, tokens[3]), out int exptime)
            || !Wire.TryParseInt32(Slice(line, tokens[4]), out int length))
        {
            Reply(Replies.BadFormat, noReply);
            return;
        }
        ulong cas = 0;
        if (isCas && !Wire.TryParseUInt64(Slice(line, tokens[5]), out cas)) { Reply(Replies.BadFormat, noReply); return; }
        if (length < 0 || length > int.MaxValue - 2) { Reply(Replies.BadFormat, noReply); return; }
        var pending = new PendingStore { Mode = mode, Flags = flags, Exptime = exptime, Cas = (long)cas, NoReply = noReply };
        Counters.CmdSet++;
        if (!ValidKey(key))
        {
            _pendingStore = pending;
            Reply(Replies.BadFormat, noReply);
            BeginSwallow(length + 2L, 0);
            return;
        }
        if (ItemTooLarge(key.Length, length))
        {
            Counters.StoreTooLarge++;
            _pendingStore = pending;
            // A failed set must not leave the old value readable (memcached unlinks it too).
            if (mode == StoreMode.Set) _store.Delete(key);
            BeginSwallow(length + 2L, 1);
            return;
        }
        BeginData(key, length, pending);
    }

    /// <summary>memcached's item_size_ok: header, CAS, key and its NUL, value and its CRLF within -I.</summary>
    private bool ItemTooLarge(int keyLength, long valueLength) => 48 + 8 + keyLength + 1 + valueLength + 2 > _server.Options.MaxItemSize;

    /// <summary>The data block arrived intact: store it and reply.</summary>
    private void CompleteStore(byte[] data)
    {
        ref var p = ref _pendingStore;
        if (p.Meta) { CompleteMetaSet(data); return; }
        var r = _store.Store(p.Mode, data, _pendingKeyLength, p.Flags, p.Exptime, p.Cas, out _);
        if (p.Mode == StoreMode.Cas)
        {
            if (r == StoreResult.Stored) Counters.CasHits++;
            else if (r == StoreResult.Exists) Counters.CasBadval++;
            else if (r == StoreResult.NotFound) Counters.CasMisses++;
        }
        if (r == StoreResult.OutOfMemory) Counters.StoreNoMemory++;
        Reply(r switch
        {
            StoreResult.Stored => Replies.Stored,
            StoreResult.NotStored => Replies.NotStored,
            StoreResult.Exists => Replies.Exists,
            StoreResult.NotFound => Replies.NotFound,
            _ => Replies.OutOfMemory,
        }, p.NoReply);
    }

    private void Arithmetic(ReadOnlySpan<byte> line, Span<Token> tokens, int n, bool incr)
    {
        bool noReply = n == 4 && IsNoReply(line, tokens, n);
        var key = Slice(line, tokens[1]);
        if (!ValidKey(key)) { Reply(Replies.BadFormat, noReply); return; }
        if (!Wire.TryParseUInt64(Slice(line, tokens[2]), out ulong delta)) { Reply(Replies.InvalidDelta, noReply); return; }
        var r = _store.Arith(key, incr, delta, out ulong value);
        switch (r)
        {
            case ArithResult.Ok:
                if (incr) Counters.IncrHits++; else Counters.DecrHits++;
                if (!noReply)
                {
                    var w = Out;
                    w.PutNumber(value);
                    w.Put(Replies.Crlf);
                }
                break;
            case ArithResult.NotFound:
                if (incr) Counters.IncrMisses++; else Counters.DecrMisses++;
                Reply(Replies.NotFound, noReply);
                break;
            case ArithResult.NonNumeric: Reply(Replies.NonNumeric, noReply); break;
            default: Reply(Replies.OutOfMemory, noReply); break;
        }
    }

    private void Delete(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        bool noReply = IsNoReply(line, tokens, n);
        // "delete <key> 0" is accepted for old clients; any other extra token is an error.
        int extra = n - 2 - (noReply ? 1 : 0);
        if (extra > 1 || (extra == 1 && !Slice(line, tokens[2]).SequenceEqual("0"u8))) { Reply(Replies.DeleteUsage, noReply); return; }
        var key = Slice(line, tokens[1]);
        if (!ValidKey(key)) { Reply(Replies.BadFormat, noReply); return; }
        if (_store.Delete(key)) { Counters.DeleteHits++; Reply(Replies.Deleted, noReply); }
        else { Counters.DeleteMisses++; Reply(Replies.NotFound, noReply); }
    }

    private void Touch(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        bool noReply = n == 4 && IsNoReply(line, tokens, n);
        var key = Slice(line, tokens[1]);
        if (!ValidKey(key)) { Reply(Replies.BadFormat, noReply); return; }
        if (!Wire.TryParseInt64(Slice(line, tokens[2]), out long exptime)) { Reply(Replies.InvalidExptime, noReply); return; }
        Counters.CmdTouch++;
        if (_store.Touch(key, exptime)) { Counters.TouchHits++; Reply(Replies.Touched, noReply); }
        else { Counters.TouchMisses++; Reply(Replies.NotFound, noReply); }
    }

    private void FlushAll(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        bool noReply = IsNoReply(line, tokens, n);
        int args = n - 1 - (noReply ? 1 : 0);
        long delay = 0;
        if (args > 1 || (args == 1 && !Wire.TryParseInt64(Slice(line, tokens[1]), out delay)))
        {
            Reply(Replies.InvalidExptime, noReply);
            return;
        }
        Counters.CmdFlush++;
        _store.FlushAll(delay);
        Reply(Replies.Ok, noReply);
    }

    private void Verbosity(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        bool noReply = IsNoReply(line, tokens, n);
        if (Wire.TryParseInt32(Slice(line, tokens[1]), out int level)) _server.Options.Verbosity = Math.Clamp(level, 0, 2);
        Reply(Replies.Ok, noReply);
    }
}
