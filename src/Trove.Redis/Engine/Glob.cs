namespace Trove.Redis.Engine;

/// <summary>
/// Redis's glob matching (stringmatchlen): <c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[^abc]</c>,
/// <c>[a-z]</c> and <c>\x</c> escapes, byte-wise. Used by KEYS, SCAN MATCH and PSUBSCRIBE.
/// </summary>
public static class Glob
{
    /// <summary>True when <paramref name="text"/> matches <paramref name="pattern"/>.</summary>
    public static bool Match(ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> text, bool noCase = false)
        => Match(pattern, text, noCase, 0);

    private static bool Match(ReadOnlySpan<byte> p, ReadOnlySpan<byte> s, bool noCase, int depth)
    {
        // Same guard as Redis against patterns like "*a*a*a*..." blowing the stack.
        if (depth > 1000) return false;
        while (p.Length > 0 && s.Length > 0)
        {
            switch (p[0])
            {
                case (byte)'*':
                    while (p.Length > 1 && p[1] == (byte)'*') p = p[1..];
                    if (p.Length == 1) return true;
                    for (int i = 0; i <= s.Length; i++)
                        if (Match(p[1..], s[i..], noCase, depth + 1)) return true;
                    return false;
                case (byte)'?':
                    s = s[1..];
                    break;
                case (byte)'[':
                {
                    p = p[1..];
                    bool not = p.Length > 0 && p[0] == (byte)'^';
                    if (not) p = p[1..];
                    bool match = false;
                    while (true)
                    {
                        if (p.Length == 0) break;
                        if (p[0] == (byte)'\\' && p.Length >= 2)
                        {
                            p = p[1..];
                            if (Eq(p[0], s[0], noCase)) match = true;
                        }
                        else if (p[0] == (byte)']')
                        {
                            break;
                        }
                        else if (p.Length >= 3 && p[1] == (byte)'-')
                        {
                            int start = p[0], end = p[2], c = s[0];
                            if (start > end) (start, end) = (end, start);
                            if (noCase) { start = Lower(start); end = Lower(end); c = Lower(c); }
                            p = p[2..];
                            if (c >= start && c <= end) match = true;
                        }
                        else if (Eq(p[0], s[0], noCase))
                        {
                            match = true;
                        }
                        p = p[1..];
                    }
                    if (not) match = !match;
                    if (!match) return false;
                    s = s[1..];
                    // p is at ']' (or at the end of an unterminated class).
                    if (p.Length == 0) return s.Length == 0;
                    break;
                }
                case (byte)'\\':
                    if (p.Length >= 2) p = p[1..];
                    if (!Eq(p[0], s[0], noCase)) return false;
                    s = s[1..];
                    break;
                default:
                    if (!Eq(p[0], s[0], noCase)) return false;
                    s = s[1..];
                    break;
            }
            p = p[1..];
            if (s.Length == 0)
            {
                while (p.Length > 0 && p[0] == (byte)'*') p = p[1..];
                break;
            }
        }
        return p.Length == 0 && s.Length == 0;
    }

    private static int Lower(int c) => c is >= 'A' and <= 'Z' ? c + 32 : c;

    private static bool Eq(byte a, byte b, bool noCase) => a == b || (noCase && Lower(a) == Lower(b));
}
