using System.Globalization;
using System.Text;

namespace Trove.Redis.Resp;

/// <summary>Redis's number formatting (util.c): doubles in replies and in stored strings.</summary>
public static class RedisNumbers
{
    /// <summary>
    /// A double as Redis 7.0's addReplyDouble prints it: "%.17g" ("0.10000000000000001", "1e+20"),
    /// "inf" and "-inf". Returns the byte count written to <paramref name="dest"/> (40 bytes suffice).
    /// </summary>
    public static int FormatDouble(double value, Span<byte> dest)
    {
        if (double.IsPositiveInfinity(value)) { "inf"u8.CopyTo(dest); return 3; }
        if (double.IsNegativeInfinity(value)) { "-inf"u8.CopyTo(dest); return 4; }
        if (value == 0) { if (double.IsNegative(value)) { "-0"u8.CopyTo(dest); return 2; } dest[0] = (byte)'0'; return 1; }
        var s = value.ToString("G17", CultureInfo.InvariantCulture);
        int n = 0;
        foreach (char c in s) dest[n++] = c == 'E' ? (byte)'e' : (byte)c;
        return n;
    }

    /// <summary>FormatDouble as a string.</summary>
    public static string FormatDouble(double value)
    {
        Span<byte> tmp = stackalloc byte[40];
        int n = FormatDouble(value, tmp);
        return Encoding.ASCII.GetString(tmp[..n]);
    }

    /// <summary>
    /// A double as INCRBYFLOAT and HINCRBYFLOAT store it (ld2string, LD_STR_HUMAN): plain decimal,
    /// no exponent, trailing zeros removed; the shortest digits that read back as the same double.
    /// </summary>
    public static byte[] FormatHuman(double value)
    {
        if (double.IsPositiveInfinity(value)) return "inf"u8.ToArray();
        if (double.IsNegativeInfinity(value)) return "-inf"u8.ToArray();
        if (value == 0) return "0"u8.ToArray();
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOfAny(['E', 'e']);
        if (e < 0) return Encoding.ASCII.GetBytes(r);
        // Expand the exponent form ("1E+20", "1.5E-07") into plain digits.
        int exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        var mant = r[..e];
        bool neg = mant.StartsWith('-');
        if (neg) mant = mant[1..];
        int dot = mant.IndexOf('.');
        string digits = dot < 0 ? mant : mant.Remove(dot, 1);
        int intLen = (dot < 0 ? mant.Length : dot) + exp;
        string result;
        if (intLen <= 0) result = "0." + new string('0', -intLen) + digits;
        else if (intLen >= digits.Length) result = digits + new string('0', intLen - digits.Length);
        else result = digits[..intLen] + "." + digits[intLen..];
        if (result.Contains('.')) result = result.TrimEnd('0').TrimEnd('.');
        return Encoding.ASCII.GetBytes(neg ? "-" + result : result);
    }

    /// <summary>The decimal form of a long as bytes (what INCR stores).</summary>
    public static byte[] LongToBytes(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        System.Buffers.Text.Utf8Formatter.TryFormat(value, digits, out int n);
        return digits[..n].ToArray();
    }
}
