using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>BITFIELD and BITFIELD_RO: typed integer fields inside a string (bitops.c bitfieldGeneric).</summary>
public sealed partial class RespSession
{
    private enum BfOp { Get, Set, IncrBy }

    private enum BfOverflow { Wrap, Sat, Fail }

    private readonly record struct BfCmd(BfOp Op, long Offset, int Bits, bool Signed, long Value, BfOverflow Overflow);

    private void BitField(bool readOnly)
    {
        var ops = new List<BfCmd>();
        var overflow = BfOverflow.Wrap;
        bool writes = false;
        for (int i = 2; i < Args.Count; i++)
        {
            int remaining = Args.Count - i - 1;
            if (Args.Is(i, "GET"u8) && remaining >= 2)
            {
                if (!TryBfType(i + 1, out int bits, out bool signed) || !TryGetBitOffset(i + 2, true, bits, out long off)) return;
                ops.Add(new BfCmd(BfOp.Get, off, bits, signed, 0, overflow));
                i += 2;
            }
            else if ((Args.Is(i, "SET"u8) || Args.Is(i, "INCRBY"u8)) && remaining >= 3)
            {
                bool set = Args.Is(i, "SET"u8);
                if (readOnly) { Writer.WriteError("ERR BITFIELD_RO only supports the GET subcommand"); return; }
                if (!TryBfType(i + 1, out int bits, out bool signed) || !TryGetBitOffset(i + 2, true, bits, out long off)) return;
                if (!Args.TryGetLong(i + 3, out long value)) { WriteNotInteger(); return; }
                ops.Add(new BfCmd(set ? BfOp.Set : BfOp.IncrBy, off, bits, signed, value, overflow));
                writes = true;
                i += 3;
            }
            else if (Args.Is(i, "OVERFLOW"u8) && remaining >= 1)
            {
                i++;
                if (Args.Is(i, "WRAP"u8)) overflow = BfOverflow.Wrap;
                else if (Args.Is(i, "SAT"u8)) overflow = BfOverflow.Sat;
                else if (Args.Is(i, "FAIL"u8)) overflow = BfOverflow.Fail;
                else { Writer.WriteError("ERR Invalid OVERFLOW type specified"); return; }
            }
            else { WriteSyntaxError(); return; }
        }
        if (!TryGetString(1, out var v)) return;
        byte[] data = v ?? [];
        bool changed = false;
        if (writes)
        {
            long maxByte = 0;
            foreach (var op in ops)
                if (op.Op != BfOp.Get) maxByte = Math.Max(maxByte, (op.Offset + op.Bits - 1) >> 3);
            data = maxByte >= data.Length ? GrowCopy(data, maxByte + 1) : data.AsSpan().ToArray();
        }
        Writer.WriteArrayHeader(ops.Count);
        foreach (var op in ops)
        {
            ulong raw = ReadBits(data, op.Offset, op.Bits);
            long cur = op.Signed ? SignExtend(raw, op.Bits) : (long)raw;
            if (op.Op == BfOp.Get) { Writer.WriteInteger(cur); continue; }
            long result;
            bool fail = false;
            if (op.Op == BfOp.Set)
            {
                result = Fit(op.Value, op.Bits, op.Signed, op.Overflow, out fail, isSet: true);
                if (!fail) { WriteBits(data, op.Offset, op.Bits, (ulong)result); changed = true; Writer.WriteInteger(cur); }
                else Writer.WriteNull();
            }
            else
            {
                result = AddFit(cur, op.Value, op.Bits, op.Signed, op.Overflow, out fail);
                if (!fail) { WriteBits(data, op.Offset, op.Bits, (ulong)result); changed = true; Writer.WriteInteger(result); }
                else Writer.WriteNull();
            }
        }
        if (changed || (writes && v is null))
        {
            if (changed) { Db.Set(Args[1], data, keepTtl: true); Dirty(); }
        }
    }

    private bool TryBfType(int arg, out int bits, out bool signed)
    {
        var a = Args[arg];
        bits = 0;
        signed = a.Length > 0 && a[0] is (byte)'i' or (byte)'I';
        bool ok = a.Length > 1 && (signed || a[0] is (byte)'u' or (byte)'U') && Resp.ParseState.TryParseLong(a[1..], out long b)
                  && b >= 1 && (signed ? b <= 64 : b <= 63) && (bits = (int)b) > 0;
        if (!ok) Writer.WriteError("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
        return ok;
    }

    private static ulong ReadBits(byte[] data, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++)
        {
            long bit = offset + j;
            long bi = bit >> 3;
            int b = bi < data.Length ? (data[bi] >> (7 - (int)(bit & 7))) & 1 : 0;
            value = (value << 1) | (uint)b;
        }
        return value;
    }

    private static void WriteBits(byte[] data, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++)
        {
            int b = (int)((value >> (bits - 1 - j)) & 1);
            long bit = offset + j;
            int mask = 1 << (7 - (int)(bit & 7));
            if (b == 1) data[bit >> 3] |= (byte)mask; else data[bit >> 3] &= (byte)~mask;
        }
    }

    private static long SignExtend(ulong raw, int bits)
    {
        if (bits == 64) return (long)raw;
        ulong sign = 1UL << (bits - 1);
        return (long)((raw ^ sign) - sign);
    }

    private static (long Min, long Max) Bounds(int bits, bool signed)
        => signed ? (bits == 64 ? long.MinValue : -(1L << (bits - 1)), bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1)
                  : (0, (long)((1UL << bits) - 1));

    private static long Wrap(long value, int bits, bool signed)
    {
        if (bits == 64) return value;
        ulong mask = (1UL << bits) - 1;
        ulong v = (ulong)value & mask;
        return signed ? SignExtend(v, bits) : (long)v;
    }

    private static long Fit(long value, int bits, bool signed, BfOverflow ov, out bool fail, bool isSet)
    {
        fail = false;
        var (min, max) = Bounds(bits, signed);
        if (value >= min && value <= max) return value;
        switch (ov)
        {
            case BfOverflow.Wrap: return Wrap(value, bits, signed);
            case BfOverflow.Sat: return value > max ? max : min;
            default: fail = true; return 0;
        }
    }

    private static long AddFit(long cur, long incr, int bits, bool signed, BfOverflow ov, out bool fail)
    {
        fail = false;
        var (min, max) = Bounds(bits, signed);
        Int128 sum = (Int128)cur + incr;
        if (sum >= min && sum <= max) return (long)sum;
        switch (ov)
        {
            case BfOverflow.Wrap: return Wrap((long)(ulong)(UInt128)(sum & ulong.MaxValue), bits, signed);
            case BfOverflow.Sat: return sum > max ? max : min;
            default: fail = true; return 0;
        }
    }
}
