using System.Runtime.CompilerServices;

namespace Trove.Memcached.Protocol;

/// <summary>Where one token lies in the command line.</summary>
internal readonly record struct Token(int Start, int Length);

/// <summary>
/// A command line split on spaces, as memcached's tokenize_command does (at most
/// <see cref="Max"/> tokens; the rest of a longer line is left in the last one).
/// </summary>
[InlineArray(Max)]
internal struct TokenBuffer
{
    public const int Max = 24;
    private Token _first;
}

internal static class Tokenizer
{
    /// <summary>Splits <paramref name="line"/>; returns the token count. Leading/repeated spaces are skipped.</summary>
    public static int Split(ReadOnlySpan<byte> line, Span<Token> tokens)
    {
        int n = 0, i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == (byte)' ') i++;
            if (i >= line.Length) break;
            if (n == tokens.Length - 1)
            {
                tokens[n++] = new Token(i, line.Length - i);
                break;
            }
            int start = i;
            while (i < line.Length && line[i] != (byte)' ') i++;
            tokens[n++] = new Token(start, i - start);
        }
        return n;
    }
}
