using System.Runtime.CompilerServices;
using System.Text;

namespace Trove.Redis.Resp;

/// <summary>
/// The arguments of the command being executed, name first: slices into the receive buffer (or
/// into a queued transaction's copies), reused from command to command so that parsing allocates
/// nothing. A slice is valid only while the command runs: copy (<see cref="ToArray"/>) what is kept.
/// </summary>
public sealed class ParseState : IReadOnlyList<ReadOnlyMemory<byte>>
{
    private ReadOnlyMemory<byte>[] _args = new ReadOnlyMemory<byte>[16];

    /// <summary>Number of arguments, the command name included.</summary>
    public int Count { get; private set; }

    /// <summary>Argument <paramref name="i"/> (0 = the command name).</summary>
    public ReadOnlySpan<byte> this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _args[i].Span;
    }

    ReadOnlyMemory<byte> IReadOnlyList<ReadOnlyMemory<byte>>.this[int index] => _args[index];

    /// <summary>Argument <paramref name="i"/> as memory.</summary>
    public ReadOnlyMemory<byte> Memory(int i) => _args[i];

    internal void Reset() => Count = 0;

    internal void Add(ReadOnlyMemory<byte> arg)
    {
        if (Count == _args.Length) Array.Resize(ref _args, _args.Length * 2);
        _args[Count++] = arg;
    }

    internal void EnsureCapacity(int n)
    {
        if (_args.Length < n) Array.Resize(ref _args, (int)Math.Min(Math.Max(n, _args.Length * 2L), int.MaxValue / 16));
    }

    /// <summary>Replaces the arguments with copies held elsewhere (EXEC of a queued command).</summary>
    internal void Load(byte[][] args)
    {
        Count = 0;
        EnsureCapacity(args.Length);
        foreach (var a in args) _args[Count++] = a;
    }

    /// <summary>Copies of every argument (to queue a command in MULTI).</summary>
    internal byte[][] CopyAll()
    {
        var r = new byte[Count][];
        for (int i = 0; i < Count; i++) r[i] = _args[i].ToArray();
        return r;
    }

    /// <summary>A copy of argument <paramref name="i"/>, for storing.</summary>
    public byte[] ToArray(int i) => _args[i].ToArray();

    /// <summary>Argument <paramref name="i"/> as a string (ASCII/UTF-8), for errors and options.</summary>
    public string GetString(int i) => Encoding.UTF8.GetString(_args[i].Span);

    /// <summary>True when argument <paramref name="i"/> equals <paramref name="upper"/> ignoring ASCII case.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Is(int i, ReadOnlySpan<byte> upper) => EqualsUpper(_args[i].Span, upper);

    /// <summary>ASCII case-insensitive compare against an upper-case literal.</summary>
    public static bool EqualsUpper(ReadOnlySpan<byte> s, ReadOnlySpan<byte> upper)
    {
        if (s.Length != upper.Length) return false;
        for (int j = 0; j < s.Length; j++)
        {
            int c = s[j];
            if (c is >= 'a' and <= 'z') c -= 32;
            if (c != upper[j]) return false;
        }
        return true;
    }

    /// <summary>Parses argument <paramref name="i"/> as Redis's string2ll does (no spaces, no '+', no leading zeros).</summary>
    public bool TryGetLong(int i, out long value) => TryParseLong(_args[i].Span, out value);

    /// <summary>Parses argument <paramref name="i"/> as a 32-bit integer.</summary>
    public bool TryGetInt(int i, out int value)
    {
        if (TryParseLong(_args[i].Span, out long l) && l is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)l;
            return true;
        }
        value = 0;
        return false;
    }

    /// <summary>Parses argument <paramref name="i"/> as a double as Redis's getDoubleFromObject does.</summary>
    public bool TryGetDouble(int i, out double value) => TryParseDouble(_args[i].Span, out value);

    /// <summary>Redis's string2ll: optional '-', digits, no leading zeros (except "0"), fits in 64 bits.</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> s, out long value) => Engine.Types.NumberFormat.TryParseInt64(s, out value);

    /// <summary>
    /// strtod-like parse accepting what Redis accepts for a double ("1.5", "-3", "1e10", "inf",
    /// "-inf", "+inf"); no surrounding spaces, not NaN.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 5000) return false;
        if (s[0] is (byte)' ' or (byte)'\t' || s[^1] is (byte)' ' or (byte)'\t') return false;
        if (EqualsUpper(s, "INF"u8) || EqualsUpper(s, "+INF"u8) || EqualsUpper(s, "INFINITY"u8) || EqualsUpper(s, "+INFINITY"u8))
        { value = double.PositiveInfinity; return true; }
        if (EqualsUpper(s, "-INF"u8) || EqualsUpper(s, "-INFINITY"u8)) { value = double.NegativeInfinity; return true; }
        foreach (var c in s)
            if (!(c is >= (byte)'0' and <= (byte)'9' || c is (byte)'.' or (byte)'-' or (byte)'+' or (byte)'e' or (byte)'E'))
                return false;
        Span<char> chars = s.Length <= 256 ? stackalloc char[s.Length] : new char[s.Length];
        for (int i = 0; i < s.Length; i++) chars[i] = (char)s[i];
        if (!double.TryParse(chars, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value))
            return false;
        // strtod reports overflow as ERANGE and Redis rejects it; .NET returns infinity instead.
        if (double.IsInfinity(value)) return false;
        return !double.IsNaN(value);
    }

    /// <summary>Enumerates the arguments as memory.</summary>
    public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++) yield return _args[i];
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
