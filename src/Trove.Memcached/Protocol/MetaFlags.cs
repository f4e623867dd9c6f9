using System.Runtime.CompilerServices;

namespace Trove.Memcached.Protocol;

/// <summary>Flag characters of a meta command in request order (return flags are echoed in that order).</summary>
[InlineArray(32)]
internal struct FlagOrder
{
    private byte _first;
}

/// <summary>
/// The flags of one meta command (mg ms md ma), parsed in one pass as memcached's
/// _meta_flag_preparse does: each flag is a letter, some followed by a token; a repeated or unknown
/// flag fails the whole command with one error.
/// </summary>
internal struct MetaFlags
{
    public bool Base64, ReturnCas, ReturnFlags, ReturnHit, ReturnKey, ReturnLastAccess, Quiet, ReturnSize, ReturnTtl, NoBump, ReturnValue, Invalidate;
    public bool HasCompareCas, HasNewCas, HasClientFlags, HasTtl, HasVivify, HasRecache, HasInitial, HasDelta, HasOpaque;
    public long CompareCas, NewCas, Ttl, VivifyTtl, RecacheTtl;
    public uint ClientFlags;
    public ulong Initial, Delta;
    public byte Mode;
    public Token Opaque;
    public FlagOrder Order;
    public int OrderCount;

    /// <summary>Flags each meta command accepts (memcached 1.6.18).</summary>
    public static ReadOnlySpan<byte> GetFlags => "bcfhklOqstuvNRT"u8;
    public static ReadOnlySpan<byte> SetFlags => "bcCEFIkOqTMN"u8;
    public static ReadOnlySpan<byte> DeleteFlags => "bCEIkOqT"u8;
    public static ReadOnlySpan<byte> ArithFlags => "bcCENJDTMOqtvk"u8;

    /// <summary>
    /// Parses tokens[first..n). On failure returns false with the CLIENT_ERROR to send in
    /// <paramref name="error"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> line, ReadOnlySpan<Token> tokens, int first, int n,
        ReadOnlySpan<byte> allowed, bool combinedError, out MetaFlags f, out ReadOnlySpan<byte> error)
    {
        f = default;
        error = default;
        Span<bool> seen = stackalloc bool[128];
        for (int i = first; i < n; i++)
        {
            var t = line.Slice(tokens[i].Start, tokens[i].Length);
            byte c = t[0];
            if (c >= 128 || allowed.IndexOf(c) < 0)
            {
                error = combinedError ? Replies.InvalidOrDuplicateFlag : Replies.InvalidFlag;
                return false;
            }
            if (seen[c])
            {
                error = combinedError ? Replies.InvalidOrDuplicateFlag : Replies.DuplicateFlag;
                return false;
            }
            seen[c] = true;
            if (f.OrderCount < 32) f.Order[f.OrderCount++] = c;
            var arg = t[1..];
            bool ok = true;
            switch (c)
            {
                case (byte)'b': f.Base64 = true; break;
                case (byte)'c': f.ReturnCas = true; break;
                case (byte)'f': f.ReturnFlags = true; break;
                case (byte)'h': f.ReturnHit = true; break;
                case (byte)'k': f.ReturnKey = true; break;
                case (byte)'l': f.ReturnLastAccess = true; break;
                case (byte)'q': f.Quiet = true; break;
                case (byte)'s': f.ReturnSize = true; break;
                case (byte)'t': f.ReturnTtl = true; break;
                case (byte)'u': f.NoBump = true; break;
                case (byte)'v': f.ReturnValue = true; break;
                case (byte)'I': f.Invalidate = true; break;
                case (byte)'O': f.HasOpaque = true; f.Opaque = new Token(tokens[i].Start + 1, tokens[i].Length - 1); ok = arg.Length <= 32; break;
                case (byte)'C': f.HasCompareCas = true; ok = TryCas(arg, out f.CompareCas); break;
                case (byte)'E': f.HasNewCas = true; ok = TryCas(arg, out f.NewCas); break;
                case (byte)'F': f.HasClientFlags = true; ok = Wire.TryParseUInt32(arg, out f.ClientFlags); break;
                case (byte)'T': f.HasTtl = true; ok = Wire.TryParseInt64(arg, out f.Ttl); break;
                case (byte)'N': f.HasVivify = true; ok = Wire.TryParseInt64(arg, out f.VivifyTtl); break;
                case (byte)'R': f.HasRecache = true; ok = Wire.TryParseInt64(arg, out f.RecacheTtl); break;
                case (byte)'J': f.HasInitial = true; ok = Wire.TryParseUInt64(arg, out f.Initial); break;
                case (byte)'D': f.HasDelta = true; ok = Wire.TryParseUInt64(arg, out f.Delta); break;
                case (byte)'M': ok = arg.Length == 1; if (ok) f.Mode = arg[0]; break;
            }
            if (!ok)
            {
                error = Replies.BadToken;
                return false;
            }
        }
        return true;
    }

    private static bool TryCas(ReadOnlySpan<byte> arg, out long cas)
    {
        bool ok = Wire.TryParseUInt64(arg, out ulong v);
        cas = (long)v;
        return ok;
    }
}
