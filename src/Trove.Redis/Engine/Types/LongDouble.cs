using System.Globalization;
using System.Numerics;
using System.Text;

namespace Trove.Redis.Engine.Types;

/// <summary>
/// Just enough of the x87 80-bit long double that redis-server uses for HINCRBYFLOAT (and
/// INCRBYFLOAT) to reproduce its results digit for digit: strtold rounding of each operand to a
/// 64-bit mantissa, one correctly rounded addition, and <c>%.17Lf</c> printing with trailing
/// zeros removed. Values are m·2^e with |m| &lt; 2^64, kept exactly in a <see cref="BigInteger"/>.
/// Not a hot path: HINCRBYFLOAT is rare next to HSET/HGET.
/// </summary>
public readonly struct LongDouble
{
    private const int MantissaBits = 64;
    private const int MaxExponent = 16384;   // 2^16384 overflows the 15-bit exponent
    private const int MinExponent = -16445;  // below the smallest subnormal the value is 0

    private readonly BigInteger _m; // signed mantissa
    private readonly int _e;

    private LongDouble(BigInteger m, int e) { _m = m; _e = e; }

    /// <summary>True when the value overflowed the long double range.</summary>
    public bool IsInfinity { get; private init; }

    /// <summary>
    /// strtold over the whole string: a decimal number ([sign] digits [. digits] [e [sign] digits]),
    /// or inf/infinity. No leading space (string2ld refuses it), no NaN, no hex.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out LongDouble value)
    {
        value = default;
        if (s.Length == 0 || s.Length > 5000 || s[0] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f') return false;
        int i = 0;
        bool negative = false;
        if (s[0] is (byte)'+' or (byte)'-') { negative = s[0] == '-'; i = 1; }
        var rest = s[i..];
        if (Ascii.EqualsIgnoreCase(rest, "inf"u8) || Ascii.EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = new LongDouble(negative ? -1 : 1, 0) { IsInfinity = true };
            return true;
        }
        BigInteger digits = BigInteger.Zero;
        int scale = 0, count = 0;
        bool dot = false;
        for (; i < s.Length; i++)
        {
            byte c = s[i];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                digits = digits * 10 + (c - '0');
                count++;
                if (dot) scale--;
            }
            else if (c == '.' && !dot) dot = true;
            else break;
        }
        if (count == 0) return false;
        if (i < s.Length)
        {
            if ((s[i] | 0x20) != 'e') return false;
            i++;
            bool expNeg = false;
            if (i < s.Length && s[i] is (byte)'+' or (byte)'-') { expNeg = s[i] == '-'; i++; }
            int expDigits = 0, exp = 0;
            for (; i < s.Length && s[i] is >= (byte)'0' and <= (byte)'9'; i++)
            {
                if (exp < 100000) exp = exp * 10 + (s[i] - '0');
                expDigits++;
            }
            if (expDigits == 0 || i != s.Length) return false;
            scale += expNeg ? -exp : exp;
        }
        if (negative) digits = -digits;
        value = FromDecimal(digits, scale);
        return true;
    }

    /// <summary>digits·10^scale rounded to the nearest long double.</summary>
    private static LongDouble FromDecimal(BigInteger digits, int scale)
    {
        if (digits.IsZero) return new LongDouble(0, 0);
        if (scale > 5000) return new LongDouble(digits.Sign, 0) { IsInfinity = true };
        if (scale < -5000) return new LongDouble(0, 0);
        BigInteger p = BigInteger.Abs(digits), q = BigInteger.One;
        if (scale >= 0) p *= BigInteger.Pow(10, scale);
        else q = BigInteger.Pow(10, -scale);
        return RoundRational(digits.Sign, p, q);
    }

    /// <summary>sign·p/q rounded (half to even) to a 64-bit mantissa.</summary>
    private static LongDouble RoundRational(int sign, BigInteger p, BigInteger q)
    {
        long bits = (long)(p.GetBitLength() - q.GetBitLength());
        int e = (int)(bits - MantissaBits);
        // Adjust so that 2^63 <= p / (q·2^e) < 2^64.
        while (true)
        {
            BigInteger num = e < 0 ? p << -e : p, den = e > 0 ? q << e : q;
            var m = BigInteger.DivRem(num, den, out var rem);
            long len = (long)m.GetBitLength();
            if (len > MantissaBits) { e++; continue; }
            if (len < MantissaBits) { e--; continue; }
            int cmp = (rem * 2).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !m.IsEven)) m += 1;
            if (m.GetBitLength() > MantissaBits) { m >>= 1; e++; }
            return Make(sign * m, e);
        }
    }

    private static LongDouble Make(BigInteger m, int e)
    {
        if (e + MantissaBits > MaxExponent) return new LongDouble(m.Sign, 0) { IsInfinity = true };
        if (e < MinExponent) return new LongDouble(0, 0);
        return new LongDouble(m, e);
    }

    /// <summary>The correctly rounded sum (infinite when either operand is).</summary>
    public static LongDouble operator +(LongDouble a, LongDouble b)
    {
        if (a.IsInfinity || b.IsInfinity)
        {
            int sign = a.IsInfinity && b.IsInfinity && a._m.Sign != b._m.Sign ? 0 : (a.IsInfinity ? a._m.Sign : b._m.Sign);
            return new LongDouble(sign, 0) { IsInfinity = true }; // sign 0 = NaN, reported as infinity too
        }
        if (a._m.IsZero) return b;
        if (b._m.IsZero) return a;
        int e = Math.Min(a._e, b._e);
        var sum = (a._m << (a._e - e)) + (b._m << (b._e - e));
        if (sum.IsZero) return new LongDouble(0, 0);
        int s = sum.Sign;
        var abs = BigInteger.Abs(sum);
        long len = (long)abs.GetBitLength();
        if (len <= MantissaBits) return Make(sum, e);
        int shift = (int)(len - MantissaBits);
        var m = abs >> shift;
        var rem = abs - (m << shift);
        var half = BigInteger.One << (shift - 1);
        int cmp = rem.CompareTo(half);
        if (cmp > 0 || (cmp == 0 && !m.IsEven)) m += 1;
        e += shift;
        if (m.GetBitLength() > MantissaBits) { m >>= 1; e++; }
        return Make(s * m, e);
    }

    /// <summary>Redis's ld2string(LD_STR_HUMAN): <c>%.17Lf</c>, trailing zeros and dot removed, "-0" as "0".</summary>
    public byte[] ToHumanString()
    {
        if (_m.IsZero) return "0"u8.ToArray();
        bool negative = _m.Sign < 0;
        var m = BigInteger.Abs(_m);
        string text;
        if (_e >= 0)
        {
            text = (m << _e).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // value·10^17, rounded half to even, then split into integer and 17 fraction digits.
            var num = m * BigInteger.Pow(10, 17);
            var den = BigInteger.One << -_e;
            var scaled = BigInteger.DivRem(num, den, out var rem);
            int cmp = (rem * 2).CompareTo(den);
            if (cmp > 0 || (cmp == 0 && !scaled.IsEven)) scaled += 1;
            var digits = scaled.ToString(CultureInfo.InvariantCulture).PadLeft(18, '0');
            var intPart = digits[..^17];
            var frac = digits[^17..].TrimEnd('0');
            text = frac.Length == 0 ? intPart : intPart + "." + frac;
        }
        if (text == "0") return "0"u8.ToArray();
        return Encoding.ASCII.GetBytes(negative ? "-" + text : text);
    }
}
