using System.Buffers.Text;
using Trove.Net;
using Trove.Memcached.Engine;
using Trove.Memcached.Protocol;

namespace Trove.Memcached.Server;

/// <summary>
/// The meta protocol of memcached 1.6 (mg ms md ma mn me). Return flags are echoed in request order;
/// stampede control follows memcached: a miss with N vivifies an empty item and hands the caller
/// the win token (W); later readers see Z; an invalidated (stale) item reports X and hands out one W.
/// </summary>
internal sealed partial class MemcachedSession
{
    // Key text (as sent, possibly base64) and opaque of a pending ms, echoed after its data arrives.
    private readonly byte[] _echo = new byte[256 + 32];
    private int _echoKeyLength, _echoOpaqueLength;

    /// <summary>Decodes the key token (base64 with b). False: the error reply was written.</summary>
    private bool TryMetaKey(ReadOnlySpan<byte> token, in MetaFlags f, Span<byte> buffer, out ReadOnlySpan<byte> key, bool noReply = false)
    {
        key = token;
        if (token.Length > 250) { Reply(Replies.BadFormat, noReply); return false; }
        if (f.Base64)
        {
            if (Base64.DecodeFromUtf8(token, buffer, out _, out int written) != System.Buffers.OperationStatus.Done || written == 0)
            {
                Reply(Replies.KeyEncoding, noReply);
                return false;
            }
            key = buffer[..written];
            return true;
        }
        if (!ValidKey(token)) { Reply(Replies.BadFormat, noReply); return false; }
        return true;
    }

    /// <summary>Writes the return flags a miss or hit carries, in request order.</summary>
    private static void WriteFlags(LoopOutput w, in MetaFlags f, ReadOnlySpan<byte> keyText, ReadOnlySpan<byte> opaque,
        bool hit, in ItemView item, int now)
    {
        for (int i = 0; i < f.OrderCount; i++) WriteFlag(w, f, f.Order[i], keyText, opaque, hit, item, now);
    }

    /// <summary>Writes one return flag (nothing for flags that return nothing).</summary>
    private static void WriteFlag(LoopOutput w, in MetaFlags f, byte c, ReadOnlySpan<byte> keyText, ReadOnlySpan<byte> opaque,
        bool hit, in ItemView item, int now)
    {
        {
            switch (c)
            {
                case (byte)'O':
                    w.PutByte((byte)' '); w.PutByte((byte)'O'); w.Put(opaque);
                    return;
                case (byte)'k':
                    w.PutByte((byte)' '); w.PutByte((byte)'k'); w.Put(keyText);
                    if (f.Base64) w.Put(" b"u8);
                    return;
            }
            if (!hit) return;
            switch (c)
            {
                case (byte)'c': w.Put(" c"u8); w.PutNumber(item.Cas); break;
                case (byte)'f': w.Put(" f"u8); w.PutNumber((ulong)item.Flags); break;
                case (byte)'s': w.Put(" s"u8); w.PutNumber((long)item.ValueLength); break;
                case (byte)'t': w.Put(" t"u8); w.PutNumber(item.Exptime == 0 ? -1L : Math.Max(0, item.Exptime - now)); break;
                case (byte)'l': w.Put(" l"u8); w.PutNumber((long)Math.Max(0, now - item.Time)); break;
                case (byte)'h': w.Put((item.Bits & ItemBits.Fetched) != 0 ? " h1"u8 : " h0"u8); break;
            }
        }
    }

    private static ReadOnlySpan<byte> OpaqueOf(ReadOnlySpan<byte> line, in MetaFlags f) =>
        f.HasOpaque ? line.Slice(f.Opaque.Start, f.Opaque.Length) : default;

    private void MetaGet(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        Counters.CmdMeta++;
        if (!MetaFlags.TryParse(line, tokens, 2, n, MetaFlags.GetFlags, false, out var f, out var error)) { Reply(error); return; }
        var keyText = Slice(line, tokens[1]);
        Span<byte> keyBuffer = stackalloc byte[256];
        if (!TryMetaKey(keyText, f, keyBuffer, out var key)) return;
        var opaque = OpaqueOf(line, f);
        var w = Out;
        int now = _store.Clock.Now;
        using var h = _store.Acquire(key);
        Counters.CmdGet++;
        bool vivified = false;
        if (!h.Exists)
        {
            Counters.GetMisses++;
            if (!f.HasVivify)
            {
                if (f.Quiet) return;
                w.Put("EN"u8);
                WriteFlags(w, f, keyText, opaque, false, default, now);
                w.Put(Replies.Crlf);
                return;
            }
            var data = key.ToArray();
            if (h.Put(data, key.Length, 0, _store.Clock.ToServerTime(f.VivifyTtl), 0, out _) != StoreResult.Stored)
            {
                Reply(Replies.OutOfMemory);
                return;
            }
            vivified = true;
        }
        else Counters.GetHits++;
        var item = h.View;
        bool won = vivified;
        w.Put(f.ReturnValue ? "VA "u8 : "HD"u8);
        if (f.ReturnValue) w.PutNumber((long)item.ValueLength);
        // memcached walks the flags in request order: T changes the TTL at its position (a t
        // before it reports the old TTL), R compares against the TTL at its position.
        for (int i = 0; i < f.OrderCount; i++)
        {
            switch (f.Order[i])
            {
                case (byte)'T':
                    h.Exptime = _store.Clock.ToServerTime(f.Ttl);
                    item = h.View;
                    break;
                case (byte)'R':
                    if (!vivified && item.Exptime != 0 && item.Exptime < _store.Clock.ToServerTime(f.RecacheTtl)
                        && (item.Bits & ItemBits.WinSent) == 0)
                        won = true;
                    break;
                default:
                    WriteFlag(w, f, f.Order[i], keyText, opaque, true, item, now);
                    break;
            }
        }
        if (!vivified)
        {
            if ((item.Bits & ItemBits.WinSent) != 0) w.Put(" Z"u8);
            if ((item.Bits & ItemBits.Stale) != 0)
            {
                w.Put(" X"u8);
                if ((item.Bits & ItemBits.WinSent) == 0) won = true;
            }
        }
        if (won)
        {
            w.Put(" W"u8);
            h.Bits |= ItemBits.WinSent;
        }
        w.Put(Replies.Crlf);
        if (f.ReturnValue)
        {
            w.Put(item.Value);
            w.Put(Replies.Crlf);
        }
        if (!f.NoBump && !vivified) h.MarkFetched();
    }

    private void MetaSet(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        Counters.CmdMeta++;
        if (n < 3 || !Wire.TryParseInt32(Slice(line, tokens[2]), out int length) || length < 0) { Reply(Replies.BadFormat); return; }
        var pending = new PendingStore { Meta = true, Mode = StoreMode.Set };
        if (!MetaFlags.TryParse(line, tokens, 3, n, MetaFlags.SetFlags, false, out var f, out var error))
        {
            Reply(error);
            _pendingStore = pending;
            BeginSwallow(length + 2L, 0);
            return;
        }
        pending.MetaFlags = f;
        pending.NoReply = f.Quiet;
        switch (f.Mode)
        {
            case 0 or (byte)'S' or (byte)'s': pending.Mode = StoreMode.Set; break;
            case (byte)'E' or (byte)'e': pending.Mode = StoreMode.Add; break;
            case (byte)'R' or (byte)'r': pending.Mode = StoreMode.Replace; break;
            case (byte)'A' or (byte)'a': pending.Mode = StoreMode.Append; break;
            case (byte)'P' or (byte)'p': pending.Mode = StoreMode.Prepend; break;
            default:
                Reply(Replies.InvalidMode);
                _pendingStore = pending;
                BeginSwallow(length + 2L, 0);
                return;
        }
        var keyText = Slice(line, tokens[1]);
        Span<byte> keyBuffer = stackalloc byte[256];
        // A bad key fails the header only: memcached then reads the data block as a command line.
        if (!TryMetaKey(keyText, f, keyBuffer, out var key)) return;
        Counters.CmdSet++;
        if (ItemTooLarge(key.Length, length))
        {
            Counters.StoreTooLarge++;
            pending.NoReply = false;
            _pendingStore = pending;
            BeginSwallow(length + 2L, 1);
            return;
        }
        keyText.CopyTo(_echo);
        _echoKeyLength = keyText.Length;
        var opaque = OpaqueOf(line, f);
        opaque.CopyTo(_echo.AsSpan(_echoKeyLength));
        _echoOpaqueLength = opaque.Length;
        BeginData(key, length, pending);
    }

    private void CompleteMetaSet(byte[] data)
    {
        ref var p = ref _pendingStore;
        ref var f = ref p.MetaFlags;
        int keyLength = _pendingKeyLength;
        int now = _store.Clock.Now;
        var result = StoreResult.Stored;
        ItemView item = default;
        using (var h = _store.Acquire(data.AsSpan(0, keyLength)))
        {
            bool stale = false;
            if (p.Mode == StoreMode.Add && h.Exists) result = StoreResult.NotStored;
            else if (p.Mode is StoreMode.Replace && !h.Exists) result = StoreResult.NotStored;
            else if (p.Mode is StoreMode.Append or StoreMode.Prepend && !h.Exists) result = StoreResult.NotStored;
            else if (f.HasCompareCas)
            {
                if (!h.Exists) result = StoreResult.NotFound;
                else if (h.Cas != f.CompareCas)
                {
                    if (f.Invalidate && f.CompareCas < h.Cas) stale = true;
                    else result = StoreResult.Exists;
                }
            }
            if (result == StoreResult.Stored)
            {
                uint flags = f.HasClientFlags ? f.ClientFlags : 0;
                int exptime = f.HasTtl ? _store.Clock.ToServerTime(f.Ttl) : 0;
                if (p.Mode is StoreMode.Append or StoreMode.Prepend && h.Exists)
                {
                    var old = h.View;
                    var combined = new byte[old.Data.Length + data.Length - keyLength];
                    old.Key.CopyTo(combined);
                    var add = data.AsSpan(keyLength);
                    if (p.Mode == StoreMode.Append) { old.Value.CopyTo(combined.AsSpan(keyLength)); add.CopyTo(combined.AsSpan(old.Data.Length)); }
                    else { add.CopyTo(combined.AsSpan(keyLength)); old.Value.CopyTo(combined.AsSpan(keyLength + add.Length)); }
                    data = combined;
                    flags = old.Flags;
                    exptime = old.Exptime;
                }
                result = h.Put(data, keyLength, flags, exptime, f.HasNewCas ? f.NewCas : 0, out _);
                if (result == StoreResult.Stored)
                {
                    if (stale) h.Bits |= ItemBits.Stale;
                    item = h.View;
                }
            }
        }
        if (result == StoreResult.OutOfMemory) { Counters.StoreNoMemory++; Reply(Replies.OutOfMemory); return; }
        if (result == StoreResult.Stored && f.Quiet) return;
        var w = Out;
        w.Put(result switch
        {
            StoreResult.Stored => "HD"u8,
            StoreResult.NotStored => "NS"u8,
            StoreResult.Exists => "EX"u8,
            _ => "NF"u8,
        });
        WriteFlags(w, f, _echo.AsSpan(0, _echoKeyLength), _echo.AsSpan(_echoKeyLength, _echoOpaqueLength),
            result == StoreResult.Stored, item, now);
        w.Put(Replies.Crlf);
    }

    private void MetaDelete(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        Counters.CmdMeta++;
        if (!MetaFlags.TryParse(line, tokens, 2, n, MetaFlags.DeleteFlags, true, out var f, out var error)) { Reply(error); return; }
        var keyText = Slice(line, tokens[1]);
        Span<byte> keyBuffer = stackalloc byte[256];
        if (!TryMetaKey(keyText, f, keyBuffer, out var key)) return;
        var opaque = OpaqueOf(line, f);
        ReadOnlySpan<byte> code;
        using (var h = _store.Acquire(key))
        {
            if (!h.Exists) { Counters.DeleteMisses++; code = "NF"u8; }
            else if (f.HasCompareCas && h.Cas != f.CompareCas) code = "EX"u8;
            else
            {
                Counters.DeleteHits++;
                if (f.Invalidate)
                {
                    h.Bits = (h.Bits | ItemBits.Stale) & ~ItemBits.WinSent;
                    if (f.HasTtl) h.Exptime = _store.Clock.ToServerTime(f.Ttl);
                    h.Cas = f.HasNewCas ? f.NewCas : _store.NextCas();
                }
                else h.Remove();
                if (f.Quiet) return;
                code = "HD"u8;
            }
        }
        var w = Out;
        w.Put(code);
        WriteFlags(w, f, keyText, opaque, false, default, 0);
        w.Put(Replies.Crlf);
    }

    private void MetaArithmetic(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        Counters.CmdMeta++;
        if (!MetaFlags.TryParse(line, tokens, 2, n, MetaFlags.ArithFlags, false, out var f, out var error))
        {
            // memcached's ma reports a bad numeric token with its flag error.
            Reply(error == Replies.BadToken ? Replies.InvalidOrDuplicateFlag : error);
            return;
        }
        bool incr;
        switch (f.Mode)
        {
            case 0 or (byte)'I' or (byte)'i' or (byte)'+': incr = true; break;
            case (byte)'D' or (byte)'d' or (byte)'-': incr = false; break;
            default: Reply("CLIENT_ERROR invalid mode for ma M token\r\n"u8); return;
        }
        var keyText = Slice(line, tokens[1]);
        Span<byte> keyBuffer = stackalloc byte[256];
        if (!TryMetaKey(keyText, f, keyBuffer, out var key)) return;
        var opaque = OpaqueOf(line, f);
        ulong delta = f.HasDelta ? f.Delta : 1;
        int now = _store.Clock.Now;
        ReadOnlySpan<byte> code = "HD"u8;
        ulong value = 0;
        ItemView item = default;
        bool ok = false;
        using (var h = _store.Acquire(key))
        {
            if (!h.Exists)
            {
                if (incr) Counters.IncrMisses++; else Counters.DecrMisses++;
                if (f.HasVivify)
                {
                    Span<byte> digits = stackalloc byte[20];
                    value = f.HasInitial ? f.Initial : 0;
                    Utf8Formatter.TryFormat(value, digits, out int len);
                    var data = new byte[key.Length + len];
                    key.CopyTo(data);
                    digits[..len].CopyTo(data.AsSpan(key.Length));
                    if (h.Put(data, key.Length, 0, _store.Clock.ToServerTime(f.VivifyTtl), f.HasNewCas ? f.NewCas : 0, out _) == StoreResult.Stored)
                    {
                        ok = true;
                        item = h.View;
                    }
                    else code = "NS"u8;
                }
                else code = "NF"u8;
            }
            else if (f.HasCompareCas && h.Cas != f.CompareCas) code = "EX"u8;
            else
            {
                var r = h.Arith(incr, delta, out value, out _, f.HasNewCas ? f.NewCas : 0);
                if (r == ArithResult.NonNumeric) { Reply(Replies.NonNumeric); return; }
                if (r != ArithResult.Ok) code = "NS"u8;
                else
                {
                    if (incr) Counters.IncrHits++; else Counters.DecrHits++;
                    if (f.HasTtl) h.Exptime = _store.Clock.ToServerTime(f.Ttl);
                    ok = true;
                    item = h.View;
                }
            }
        }
        var w = Out;
        if (ok && f.ReturnValue)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(value, digits, out int len);
            w.Put("VA "u8);
            w.PutNumber((long)len);
            WriteFlags(w, f, keyText, opaque, true, item, now);
            w.Put(Replies.Crlf);
            w.Put(digits[..len]);
            w.Put(Replies.Crlf);
            return;
        }
        if (ok && f.Quiet) return;
        w.Put(code);
        WriteFlags(w, f, keyText, opaque, ok, item, now);
        w.Put(Replies.Crlf);
    }

    private void MetaDebug(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        var keyText = Slice(line, tokens[1]);
        bool base64 = n > 2 && Slice(line, tokens[2]).SequenceEqual("b"u8);
        var f = new MetaFlags { Base64 = base64 };
        Span<byte> keyBuffer = stackalloc byte[256];
        if (!TryMetaKey(keyText, f, keyBuffer, out var key)) return;
        int now = _store.Clock.Now;
        var w = Out;
        using var h = _store.Acquire(key);
        if (!h.Exists) { w.Put("EN\r\n"u8); return; }
        var item = h.View;
        w.Put("ME "u8);
        w.Put(keyText);
        w.Put(" exp="u8);
        w.PutNumber(item.Exptime == 0 ? -1L : item.Exptime - now);
        w.Put(" la="u8);
        w.PutNumber((long)(now - item.Time));
        w.Put(" cas="u8);
        w.PutNumber(item.Cas);
        w.Put((item.Bits & ItemBits.Fetched) != 0 ? " fetch=yes"u8 : " fetch=no"u8);
        w.Put(" cls=1 size="u8);
        w.PutNumber(48L + 8 + item.KeyLength + 1 + item.ValueLength + 2);
        w.Put(Replies.Crlf);
    }
}
