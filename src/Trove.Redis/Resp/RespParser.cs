namespace Trove.Redis.Resp;

/// <summary>Outcome of one parse attempt.</summary>
public enum ParseStatus
{
    /// <summary>A command was parsed into the <see cref="ParseState"/> (Count may be 0: skip it).</summary>
    Done,
    /// <summary>The input ends inside a command: read more (see <see cref="RespParser.NeedBytes"/>).</summary>
    NeedMore,
    /// <summary>Malformed input: reply <see cref="RespParser.Error"/> and close the connection.</summary>
    Error,
}

/// <summary>
/// Reads client commands: RESP multibulk (<c>*N\r\n$L\r\n...</c>) and inline commands (a line of
/// space-separated words with Redis's quoting, as telnet and redis-cli's inline mode send).
/// Arguments of a multibulk command are slices of the input; an inline command's arguments are
/// unquoted into a scratch buffer owned by the parser. Limits and error texts are Redis's
/// (networking.c processMultibulkBuffer / processInlineBuffer).
/// </summary>
public sealed class RespParser
{
    /// <summary>Longest inline command or count line (PROTO_INLINE_MAX_SIZE).</summary>
    public const int InlineMax = 64 * 1024;

    private byte[] _inline = new byte[256];

    /// <summary>proto-max-bulk-len (512 MB by default).</summary>
    public long MaxBulkLength { get; set; } = 512L * 1024 * 1024;

    /// <summary>When false (requirepass set, not yet authenticated) Redis's smaller limits apply.</summary>
    public bool Authenticated { get; set; } = true;

    /// <summary>The protocol error to send before closing, after <see cref="ParseStatus.Error"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>After <see cref="ParseStatus.NeedMore"/>: total bytes (from the command's start) known to be needed.</summary>
    public long NeedBytes { get; private set; }

    /// <summary>Parses one command starting at <paramref name="pos"/>; advances it past the command on success.</summary>
    public ParseStatus TryParse(ReadOnlyMemory<byte> memory, ref int pos, ParseState state)
    {
        var span = memory.Span;
        state.Reset();
        NeedBytes = 0;
        if (pos >= span.Length) return ParseStatus.NeedMore;
        if (span[pos] != (byte)'*') return TryParseInline(span, ref pos, state);

        int p = pos + 1;
        int cr = span[p..].IndexOf((byte)'\r');
        if (cr < 0)
        {
            if (span.Length - pos > InlineMax) return Fail("ERR Protocol error: too big mbulk count string");
            return ParseStatus.NeedMore;
        }
        if (!ParseState.TryParseLong(span.Slice(p, cr), out long count) || count > int.MaxValue)
            return Fail("ERR Protocol error: invalid multibulk length");
        if (!Authenticated && count > 10)
            return Fail("ERR Protocol error: unauthenticated multibulk length");
        p += cr + 2;
        if (p > span.Length) return ParseStatus.NeedMore;
        if (count <= 0)
        {
            pos = p;
            return ParseStatus.Done;
        }
        state.EnsureCapacity((int)Math.Min(count, 1024 * 1024));
        for (long i = 0; i < count; i++)
        {
            if (p >= span.Length) return ParseStatus.NeedMore;
            if (span[p] != (byte)'$')
                return Fail($"ERR Protocol error: expected '$', got '{(char)span[p]}'");
            int lcr = span[(p + 1)..].IndexOf((byte)'\r');
            if (lcr < 0)
            {
                if (span.Length - p > InlineMax) return Fail("ERR Protocol error: too big bulk count string");
                return ParseStatus.NeedMore;
            }
            if (!ParseState.TryParseLong(span.Slice(p + 1, lcr), out long len) || len < 0 || len > MaxBulkLength)
                return Fail("ERR Protocol error: invalid bulk length");
            if (!Authenticated && len > 16384)
                return Fail("ERR Protocol error: unauthenticated bulk length");
            p += lcr + 3;
            long end = (long)p + len + 2;
            if (end > span.Length)
            {
                NeedBytes = end - pos;
                return ParseStatus.NeedMore;
            }
            state.Add(memory.Slice(p, (int)len));
            p = (int)end;
        }
        pos = p;
        return ParseStatus.Done;
    }

    private ParseStatus Fail(string message)
    {
        Error = message;
        return ParseStatus.Error;
    }

    private ParseStatus TryParseInline(ReadOnlySpan<byte> span, ref int pos, ParseState state)
    {
        var rest = span[pos..];
        int nl = rest.IndexOf((byte)'\n');
        if (nl < 0)
        {
            if (rest.Length > InlineMax) return Fail("ERR Protocol error: too big inline request");
            return ParseStatus.NeedMore;
        }
        var line = rest[..nl];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        if (_inline.Length < line.Length) _inline = new byte[Math.Max(line.Length, _inline.Length * 2)];
        if (!SplitArgs(line, state)) return Fail("ERR Protocol error: unbalanced quotes in request");
        pos += nl + 1;
        return ParseStatus.Done;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)'\v' or (byte)'\f';

    private static int Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Redis's sdssplitargs: words, "double quoted" with escapes, 'single quoted'.</summary>
    private bool SplitArgs(ReadOnlySpan<byte> line, ParseState state)
    {
        var buf = _inline;
        int w = 0, i = 0;
        var mem = new ReadOnlyMemory<byte>(buf);
        while (true)
        {
            while (i < line.Length && IsSpace(line[i])) i++;
            if (i >= line.Length) return true;
            int start = w;
            bool inDq = false, inSq = false, done = false;
            while (!done)
            {
                if (inDq)
                {
                    if (i >= line.Length) return false;
                    byte c = line[i];
                    if (c == (byte)'\\' && i + 3 < line.Length && line[i + 1] == (byte)'x' && Hex(line[i + 2]) >= 0 && Hex(line[i + 3]) >= 0)
                    {
                        buf[w++] = (byte)(Hex(line[i + 2]) * 16 + Hex(line[i + 3]));
                        i += 3;
                    }
                    else if (c == (byte)'\\' && i + 1 < line.Length)
                    {
                        i++;
                        buf[w++] = line[i] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var o => o,
                        };
                    }
                    else if (c == (byte)'"')
                    {
                        // A closing quote must be followed by a space or the end.
                        if (i + 1 < line.Length && !IsSpace(line[i + 1])) return false;
                        done = true;
                    }
                    else buf[w++] = c;
                }
                else if (inSq)
                {
                    if (i >= line.Length) return false;
                    byte c = line[i];
                    if (c == (byte)'\\' && i + 1 < line.Length && line[i + 1] == (byte)'\'')
                    {
                        i++;
                        buf[w++] = (byte)'\'';
                    }
                    else if (c == (byte)'\'')
                    {
                        if (i + 1 < line.Length && !IsSpace(line[i + 1])) return false;
                        done = true;
                    }
                    else buf[w++] = c;
                }
                else
                {
                    if (i >= line.Length) { done = true; break; }
                    byte c = line[i];
                    if (IsSpace(c)) done = true;
                    else if (c == (byte)'"') inDq = true;
                    else if (c == (byte)'\'') inSq = true;
                    else buf[w++] = c;
                }
                if (i < line.Length) i++;
            }
            state.Add(mem.Slice(start, w - start));
        }
    }
}
