using System.Globalization;

namespace Trove.Redis.Engine.Types;

/// <summary>
/// Number parsing and printing exactly as redis-server 7.0 does it for the collection
/// types: integers as <c>string2ll</c> accepts them, scores printed with <c>%.17g</c>
/// (7.0 does not yet print the shortest round-trip form: 0.1 is <c>0.10000000000000001</c>),
/// score and range parsing as <c>strtod</c> accepts them, and HINCRBYFLOAT's long-double
/// "human" form.
/// </summary>
public static class NumberFormat
{
    /// <summary>Parses a canonical 64-bit integer as Redis's string2ll does (no spaces, no '+', no leading zeros).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 20) return false;
        if (s.Length == 1 && s[0] == '0') return true;
        int i = 0;
        bool negative = false;
        if (s[0] == '-')
        {
            negative = true;
            i = 1;
            if (s.Length == 1) return false;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue) return false;
            value = (long)v;
        }
        return true;
    }

    /// <summary>The decimal bytes of <paramref name="value"/>.</summary>
    public static byte[] FormatInt64(long value)
    {
        Span<byte> buf = stackalloc byte[20];
        value.TryFormat(buf, out int n, default, CultureInfo.InvariantCulture);
        return buf[..n].ToArray();
    }

    /// <summary>
    /// Parses a score as Redis's getDoubleFromObject does: the whole string must be a
    /// strtod number (inf, -inf, +inf allowed), no leading space, not NaN, no overflow.
    /// </summary>
    public static bool TryParseScore(ReadOnlySpan<byte> s, out double value) => TryParseStrtod(s, strict: true, out value);

    /// <summary>
    /// Parses a range bound's number as Redis's zslParseRange does (strtod, whole string,
    /// not NaN; overflow saturates to infinity).
    /// </summary>
    public static bool TryParseRangeNumber(ReadOnlySpan<byte> s, out double value) => TryParseStrtod(s, strict: false, out value);

    private static bool TryParseStrtod(ReadOnlySpan<byte> s, bool strict, out double value)
    {
        value = 0;
        if (s.Length == 0) return false;
        int i = 0;
        if (!strict)
            while (i < s.Length && IsSpace(s[i])) i++;
        else if (IsSpace(s[0])) return false;
        var body = s[i..];
        if (body.Length == 0) return false;
        bool negative = body[0] == '-';
        var unsigned = body[0] is (byte)'-' or (byte)'+' ? body[1..] : body;
        if (EqualsIgnoreCase(unsigned, "inf"u8) || EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = negative ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        if (unsigned.Length == 0) return false;
        // strtod's decimal grammar: digits [. digits] [e [sign] digits]; reject anything else
        // (NaN, hex, thousands separators) before handing it to the invariant parser.
        int p = 0, digits = 0;
        while (p < unsigned.Length && IsDigit(unsigned[p])) { p++; digits++; }
        if (p < unsigned.Length && unsigned[p] == '.')
        {
            p++;
            while (p < unsigned.Length && IsDigit(unsigned[p])) { p++; digits++; }
        }
        if (digits == 0) return false;
        if (p < unsigned.Length && (unsigned[p] | 0x20) == 'e')
        {
            int q = p + 1;
            if (q < unsigned.Length && unsigned[q] is (byte)'-' or (byte)'+') q++;
            int expDigits = 0;
            while (q < unsigned.Length && IsDigit(unsigned[q])) { q++; expDigits++; }
            if (expDigits == 0) return false;
            p = q;
        }
        if (p != unsigned.Length) return false;
        if (!double.TryParse(body, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        if (strict && double.IsInfinity(value)) return false;
        if (strict && value == 0 && HasNonZeroDigit(unsigned)) return false;
        return true;
    }

    private static bool HasNonZeroDigit(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            if (b is (byte)'e' or (byte)'E') return false;
            if (b is >= (byte)'1' and <= (byte)'9') return true;
        }
        return false;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> lower)
    {
        if (a.Length != lower.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if ((a[i] | 0x20) != lower[i]) return false;
        return true;
    }

    /// <summary>Formats a score as redis-server 7.0 replies it (<c>%.17g</c>, <c>inf</c>, <c>-inf</c>, <c>nan</c>).</summary>
    public static byte[] FormatScore(double value)
    {
        Span<byte> buf = stackalloc byte[32];
        int n = FormatScore(value, buf);
        return buf[..n].ToArray();
    }

    /// <summary>Writes a score into <paramref name="dest"/> (at least 32 bytes); returns the length.</summary>
    public static int FormatScore(double value, Span<byte> dest)
    {
        if (double.IsPositiveInfinity(value)) { "inf"u8.CopyTo(dest); return 3; }
        if (double.IsNegativeInfinity(value)) { "-inf"u8.CopyTo(dest); return 4; }
        if (double.IsNaN(value)) { "nan"u8.CopyTo(dest); return 3; }
        if (value == 0)
        {
            if (double.IsNegative(value)) { "-0"u8.CopyTo(dest); return 2; }
            dest[0] = (byte)'0';
            return 1;
        }
        // Small integers print as themselves under %.17g; take the short path for them.
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value))
        {
            ((long)value).TryFormat(dest, out int w, default, CultureInfo.InvariantCulture);
            return w;
        }
        Span<byte> e = stackalloc byte[32];
        value.TryFormat(e, out int len, "E16", CultureInfo.InvariantCulture);
        // e = [-]d.dddddddddddddddE+xxx
        int pos = 0;
        bool negative = e[0] == '-';
        if (negative) pos = 1;
        Span<byte> digits = stackalloc byte[17];
        digits[0] = e[pos];
        e.Slice(pos + 2, 16).CopyTo(digits[1..]);
        int ePos = pos + 18;
        int exp = int.Parse(e.Slice(ePos + 1, len - ePos - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int nd = 17;
        while (nd > 1 && digits[nd - 1] == '0') nd--;
        int o = 0;
        if (negative) dest[o++] = (byte)'-';
        if (exp >= -4 && exp < 17)
        {
            if (exp >= 0)
            {
                for (int k = 0; k <= exp; k++) dest[o++] = k < nd ? digits[k] : (byte)'0';
                if (nd > exp + 1)
                {
                    dest[o++] = (byte)'.';
                    for (int k = exp + 1; k < nd; k++) dest[o++] = digits[k];
                }
            }
            else
            {
                dest[o++] = (byte)'0';
                dest[o++] = (byte)'.';
                for (int k = 0; k < -exp - 1; k++) dest[o++] = (byte)'0';
                for (int k = 0; k < nd; k++) dest[o++] = digits[k];
            }
            return o;
        }
        dest[o++] = digits[0];
        if (nd > 1)
        {
            dest[o++] = (byte)'.';
            for (int k = 1; k < nd; k++) dest[o++] = digits[k];
        }
        dest[o++] = (byte)'e';
        dest[o++] = exp < 0 ? (byte)'-' : (byte)'+';
        int ax = Math.Abs(exp);
        if (ax < 10) dest[o++] = (byte)'0';
        ax.TryFormat(dest[o..], out int xw, default, CultureInfo.InvariantCulture);
        return o + xw;
    }

    /// <summary>
    /// HINCRBYFLOAT's arithmetic: parses both operands as long doubles (as Redis does), adds
    /// them and prints the sum in Redis's human form (<c>%.17Lf</c> with trailing zeros removed).
    /// </summary>
    public static byte[]? AddLongDoubleStrings(ReadOnlySpan<byte> current, ReadOnlySpan<byte> delta, out FloatAddStatus status)
    {
        if (!LongDouble.TryParse(delta, out var d)) { status = FloatAddStatus.DeltaNotFloat; return null; }
        if (!LongDouble.TryParse(current, out var c)) { status = FloatAddStatus.CurrentNotFloat; return null; }
        var sum = c + d;
        if (sum.IsInfinity) { status = FloatAddStatus.NaNOrInfinity; return null; }
        status = FloatAddStatus.Ok;
        return sum.ToHumanString();
    }

    /// <summary>True when <paramref name="s"/> is a valid long-double operand; <paramref name="infinite"/> when it is ±inf.</summary>
    public static bool TryParseLongDouble(ReadOnlySpan<byte> s, out bool infinite)
    {
        infinite = false;
        if (!LongDouble.TryParse(s, out var v)) return false;
        infinite = v.IsInfinity;
        return true;
    }
}

/// <summary>Outcome of <see cref="NumberFormat.AddLongDoubleStrings"/>.</summary>
public enum FloatAddStatus
{
    /// <summary>Sum computed.</summary>
    Ok,
    /// <summary>The stored value is not a float.</summary>
    CurrentNotFloat,
    /// <summary>The increment is not a float.</summary>
    DeltaNotFloat,
    /// <summary>The sum is NaN or infinite.</summary>
    NaNOrInfinity,
}
