using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Trove.Net;

namespace Trove.Memcached.Protocol;

/// <summary>Number parsing as memcached's safe_strto* do, and reply writing straight into the output buffer.</summary>
internal static class Wire
{
    /// <summary>safe_strtoull: decimal digits only, whole token.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> s, out ulong v)
    {
        v = 0;
        if (s.IsEmpty || s[0] == (byte)'-' || s[0] == (byte)'+') return false;
        return Utf8Parser.TryParse(s, out v, out int n) && n == s.Length;
    }

    /// <summary>
    /// safe_strtoul for 32-bit client flags: memcached parses an unsigned long (64 bits here) and
    /// keeps the low 32 bits, so 4294967296 is accepted as 0.
    /// </summary>
    public static bool TryParseUInt32(ReadOnlySpan<byte> s, out uint v)
    {
        bool ok = TryParseUInt64(s, out ulong wide);
        v = unchecked((uint)wide);
        return ok;
    }

    /// <summary>safe_strtol: optional sign, 32-bit range.</summary>
    public static bool TryParseInt32(ReadOnlySpan<byte> s, out int v)
    {
        v = 0;
        if (s.IsEmpty) return false;
        return Utf8Parser.TryParse(s, out v, out int n) && n == s.Length;
    }

    /// <summary>A signed 64-bit integer token (exptime may be an absolute Unix time).</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long v)
    {
        v = 0;
        if (s.IsEmpty) return false;
        return Utf8Parser.TryParse(s, out v, out int n) && n == s.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Put(this LoopOutput w, ReadOnlySpan<byte> bytes) => w.Write(bytes);

    public static void PutNumber(this LoopOutput w, long value)
    {
        var span = w.GetSpan(24);
        Utf8Formatter.TryFormat(value, span, out int n);
        w.Advance(n);
    }

    public static void PutNumber(this LoopOutput w, ulong value)
    {
        var span = w.GetSpan(24);
        Utf8Formatter.TryFormat(value, span, out int n);
        w.Advance(n);
    }

    public static void PutByte(this LoopOutput w, byte b)
    {
        w.GetSpan(1)[0] = b;
        w.Advance(1);
    }

    public static void PutAscii(this LoopOutput w, string s)
    {
        var span = w.GetSpan(s.Length);
        for (int i = 0; i < s.Length; i++) span[i] = (byte)s[i];
        w.Advance(s.Length);
    }
}
