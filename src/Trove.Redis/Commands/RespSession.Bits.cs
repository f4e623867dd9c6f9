using System.Numerics;
using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>Bit operations on strings (bitops.c): SETBIT GETBIT BITCOUNT BITOP BITPOS BITFIELD.</summary>
public sealed partial class RespSession
{
    private static void RegisterBitCommands(CommandTable t)
    {
        t.Add(RespCommand.SETBIT, 4, F.Write | F.DenyOom, 1, 1, 1, static s => s.SetBit(), "bitmap", "Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.");
        t.Add(RespCommand.GETBIT, 3, F.ReadOnly | F.Fast, 1, 1, 1, static s => s.GetBit(), "bitmap", "Returns a bit value by offset.");
        t.Add(RespCommand.BITCOUNT, -2, F.ReadOnly, 1, 1, 1, static s => s.BitCount(), "bitmap", "Counts the number of set bits (population counting) in a string.");
        t.Add(RespCommand.BITOP, -4, F.Write | F.DenyOom, 2, -1, 1, static s => s.BitOp(), "bitmap", "Performs bitwise operations on multiple strings, and stores the result.");
        t.Add(RespCommand.BITPOS, -3, F.ReadOnly, 1, 1, 1, static s => s.BitPos(), "bitmap", "Finds the first set (1) or clear (0) bit in a string.");
        t.Add(RespCommand.BITFIELD, -2, F.Write | F.DenyOom, 1, 1, 1, static s => s.BitField(false), "bitmap", "Performs arbitrary bitfield integer operations on strings.");
        t.Add(RespCommand.BITFIELD_RO, -2, F.ReadOnly | F.Fast, 1, 1, 1, static s => s.BitField(true), "bitmap", "Performs arbitrary read-only bitfield integer operations on strings.");
    }

    /// <summary>Bit offset as Redis's getBitOffsetFromArgument (optionally '#'-multiplied by <paramref name="bits"/>).</summary>
    private bool TryGetBitOffset(int arg, bool hash, int bits, out long offset)
    {
        var a = Args[arg];
        bool usehash = hash && a.Length > 1 && a[0] == (byte)'#';
        if (!Resp.ParseState.TryParseLong(usehash ? a[1..] : a, out offset)) { Writer.WriteError(Errors.BitOffset); return false; }
        if (usehash) offset *= bits;
        if (offset < 0 || (offset >> 3) >= Server.Config.ProtoMaxBulkLen) { Writer.WriteError(Errors.BitOffset); return false; }
        return true;
    }

    private void SetBit()
    {
        if (!TryGetBitOffset(2, false, 0, out long offset)) return;
        if (!Args.TryGetLong(3, out long bit) || (bit != 0 && bit != 1)) { Writer.WriteError(Errors.BitValue); return; }
        if (!TryGetString(1, out var v)) return;
        long byteIndex = offset >> 3;
        var nv = v is null ? new byte[byteIndex + 1]
            : byteIndex >= v.Length ? GrowCopy(v, byteIndex + 1) : v.AsSpan().ToArray();
        int mask = 1 << (7 - (int)(offset & 7));
        int old = (nv[byteIndex] & mask) != 0 ? 1 : 0;
        if (bit == 1) nv[byteIndex] |= (byte)mask; else nv[byteIndex] &= (byte)~mask;
        Db.Set(Args[1], nv, keepTtl: true);
        Dirty();
        Writer.WriteInteger(old);
    }

    private static byte[] GrowCopy(byte[] v, long size)
    {
        var n = new byte[size];
        v.CopyTo(n, 0);
        return n;
    }

    private void GetBit()
    {
        if (!TryGetBitOffset(2, false, 0, out long offset)) return;
        if (!TryGetString(1, out var v)) return;
        long byteIndex = offset >> 3;
        if (v is null || byteIndex >= v.Length) { Writer.WriteInteger(0); return; }
        Writer.WriteInteger((v[byteIndex] >> (7 - (int)(offset & 7))) & 1);
    }

    /// <summary>Parses "[start end [BYTE|BIT]]" from argument <paramref name="first"/>; returns false after an error.</summary>
    private bool TryGetRange(int first, long strlen, bool endOptional, out long start, out long end, out bool bitMode, out bool empty)
    {
        start = 0; end = 0; bitMode = false; empty = false;
        if (!Args.TryGetLong(first, out start)) { WriteNotInteger(); return false; }
        bool hasEnd = Args.Count > first + 1;
        if (hasEnd)
        {
            if (!Args.TryGetLong(first + 1, out end)) { WriteNotInteger(); return false; }
            if (Args.Count > first + 2)
            {
                if (Args.Is(first + 2, "BIT"u8)) bitMode = true;
                else if (!Args.Is(first + 2, "BYTE"u8)) { WriteSyntaxError(); return false; }
                if (Args.Count > first + 3) { WriteSyntaxError(); return false; }
            }
        }
        else if (!endOptional) { WriteSyntaxError(); return false; }
        long total = bitMode ? strlen * 8 : strlen;
        if (!hasEnd) end = total - 1;
        if (start < 0) start = total + start;
        if (end < 0) end = total + end;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        if (start > end) empty = true;
        return true;
    }

    private void BitCount()
    {
        if (!TryGetString(1, out var v) ) return;
        if (Args.Count == 2)
        {
            Writer.WriteInteger(v is null ? 0 : PopCount(v, 0, v.Length * 8L - 1));
            return;
        }
        if (Args.Count == 3) { WriteSyntaxError(); return; }
        if (!TryGetRange(2, v?.Length ?? 0, false, out long start, out long end, out bool bit, out bool empty)) return;
        if (v is null || empty || v.Length == 0) { Writer.WriteInteger(0); return; }
        if (!bit) { start *= 8; end = end * 8 + 7; }
        Writer.WriteInteger(PopCount(v, start, end));
    }

    private static long PopCount(byte[] v, long firstBit, long lastBit)
    {
        long n = 0;
        for (long bit = firstBit; bit <= lastBit && (bit & 7) != 0; bit++, firstBit++)
            n += (v[bit >> 3] >> (7 - (int)(bit & 7))) & 1;
        long firstByte = firstBit >> 3, lastFull = ((lastBit + 1) >> 3) - 1;
        for (long i = firstByte; i <= lastFull; i++) n += BitOperations.PopCount(v[i]);
        for (long bit = Math.Max(firstBit, (lastFull + 1) * 8); bit <= lastBit; bit++)
            n += (v[bit >> 3] >> (7 - (int)(bit & 7))) & 1;
        return n;
    }

    private void BitOp()
    {
        int op;
        if (Args.Is(1, "AND"u8)) op = 0;
        else if (Args.Is(1, "OR"u8)) op = 1;
        else if (Args.Is(1, "XOR"u8)) op = 2;
        else if (Args.Is(1, "NOT"u8)) op = 3;
        else { WriteSyntaxError(); return; }
        if (op == 3 && Args.Count != 4) { Writer.WriteError("ERR BITOP NOT must be called with a single source key."); return; }
        var srcs = new List<byte[]>();
        int maxLen = 0;
        for (int i = 3; i < Args.Count; i++)
        {
            if (!TryGetString(i, out var v)) return;
            v ??= [];
            srcs.Add(v);
            maxLen = Math.Max(maxLen, v.Length);
        }
        if (maxLen == 0)
        {
            if (Db.Delete(Args[2])) Dirty();
            Writer.WriteInteger(0);
            return;
        }
        var res = new byte[maxLen];
        for (int j = 0; j < maxLen; j++)
        {
            int acc = j < srcs[0].Length ? srcs[0][j] : 0;
            if (op == 3) acc = ~acc;
            for (int s = 1; s < srcs.Count; s++)
            {
                int b = j < srcs[s].Length ? srcs[s][j] : 0;
                acc = op switch { 0 => acc & b, 1 => acc | b, _ => acc ^ b };
            }
            res[j] = (byte)acc;
        }
        Db.Set(Args[2], res);
        Dirty();
        Writer.WriteInteger(maxLen);
    }

    private void BitPos()
    {
        if (!Args.TryGetLong(2, out long bit) || (bit != 0 && bit != 1)) { Writer.WriteError("ERR The bit argument must be 1 or 0."); return; }
        if (!TryGetString(1, out var v)) return;
        bool endGiven = Args.Count > 4;
        long start = 0, end;
        bool bitMode = false, empty = false;
        long strlen = v?.Length ?? 0;
        if (Args.Count > 3)
        {
            if (!TryGetRange(3, strlen, true, out start, out end, out bitMode, out empty)) return;
        }
        else end = strlen - 1;
        if (v is null) { Writer.WriteInteger(bit == 1 ? -1 : 0); return; }
        if (empty || strlen == 0) { Writer.WriteInteger(-1); return; }
        long firstBit = bitMode ? start : start * 8;
        long lastBit = bitMode ? end : end * 8 + 7;
        for (long b = firstBit; b <= lastBit; b++)
        {
            if ((b & 7) == 0 && b + 7 <= lastBit)
            {
                byte x = v[b >> 3];
                if ((bit == 1 && x == 0) || (bit == 0 && x == 0xFF)) { b += 7; continue; }
            }
            if (((v[b >> 3] >> (7 - (int)(b & 7))) & 1) == bit) { Writer.WriteInteger(b); return; }
        }
        // Looking for a clear bit without an explicit end: the string is padded with zeros on the right.
        if (bit == 0 && !endGiven) { Writer.WriteInteger(bitMode ? lastBit + 1 : (end + 1) * 8); return; }
        Writer.WriteInteger(-1);
    }
}
