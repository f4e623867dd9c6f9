using System.Buffers.Text;
using System.Text;

namespace Trove.Memcached.Client.Protocol;

/// <summary>Pure parsing of reply lines (no I/O). Unexpected lines throw <see cref="MemcacheProtocolException"/>.</summary>
internal static class ReplyParser
{
    /// <summary>STORED → true; NOT_STORED, EXISTS, NOT_FOUND → false.</summary>
    public static bool StoreResult(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual(ProtocolLiterals.Stored)) return true;
        if (line.SequenceEqual(ProtocolLiterals.NotStored) || line.SequenceEqual(ProtocolLiterals.Exists) || line.SequenceEqual(ProtocolLiterals.NotFound)) return false;
        throw Unexpected(line);
    }

    /// <summary>Parses <c>VALUE &lt;key&gt; &lt;flags&gt; &lt;bytes&gt; [&lt;cas unique&gt;]</c>; the key is returned as a range of the line.</summary>
    public static (Range Key, uint Flags, int Length, ulong Cas) ValueHeader(ReadOnlySpan<byte> line)
    {
        var rest = line[ProtocolLiterals.Value.Length..];
        int sp = rest.IndexOf((byte)' ');
        if (sp <= 0) throw Unexpected(line);
        var key = new Range(ProtocolLiterals.Value.Length, ProtocolLiterals.Value.Length + sp);
        rest = rest[(sp + 1)..];
        if (!Utf8Parser.TryParse(rest, out uint flags, out int n) || n == rest.Length || rest[n] != ' ') throw Unexpected(line);
        rest = rest[(n + 1)..];
        if (!Utf8Parser.TryParse(rest, out int length, out n) || length < 0) throw Unexpected(line);
        rest = rest[n..];
        ulong cas = 0;
        if (rest.Length > 0)
        {
            if (rest[0] != ' ' || !Utf8Parser.TryParse(rest[1..], out cas, out n) || n != rest.Length - 1) throw Unexpected(line);
        }
        return (key, flags, length, cas);
    }

    /// <summary>Reply to incr/decr: the new value, or null for NOT_FOUND; a CLIENT_ERROR is returned as text.</summary>
    public static (ulong? Value, string? Error) Arithmetic(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual(ProtocolLiterals.NotFound)) return (null, null);
        if (Utf8Parser.TryParse(line, out ulong v, out int n) && n == line.Length) return (v, null);
        if (line.StartsWith(ProtocolLiterals.ClientError)) return (null, Encoding.ASCII.GetString(line));
        throw Unexpected(line);
    }

    /// <summary>A reply that is either <paramref name="success"/> (true) or NOT_FOUND (false).</summary>
    public static bool FoundResult(ReadOnlySpan<byte> line, ReadOnlySpan<byte> success)
    {
        if (line.SequenceEqual(success)) return true;
        if (line.SequenceEqual(ProtocolLiterals.NotFound)) return false;
        throw Unexpected(line);
    }

    public static MemcacheProtocolException Unexpected(ReadOnlySpan<byte> line)
        => new("unexpected reply: " + Encoding.ASCII.GetString(line[..Math.Min(line.Length, 200)]));
}
