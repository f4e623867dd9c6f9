namespace Trove.Redis.Engine.Types;

/// <summary>A score interval as ZRANGEBYSCORE takes it: <c>1.5</c>, <c>(1.5</c>, <c>-inf</c>, <c>+inf</c>.</summary>
public readonly struct ScoreRange
{
    /// <summary>Creates a range.</summary>
    public ScoreRange(double min, double max, bool minExclusive, bool maxExclusive)
    {
        Min = min; Max = max; MinExclusive = minExclusive; MaxExclusive = maxExclusive;
    }

    /// <summary>Lower bound.</summary>
    public double Min { get; }
    /// <summary>Upper bound.</summary>
    public double Max { get; }
    /// <summary>True when the lower bound itself is excluded.</summary>
    public bool MinExclusive { get; }
    /// <summary>True when the upper bound itself is excluded.</summary>
    public bool MaxExclusive { get; }

    /// <summary>True when <paramref name="v"/> is at or above the lower bound.</summary>
    public bool AboveMin(double v) => MinExclusive ? v > Min : v >= Min;

    /// <summary>True when <paramref name="v"/> is at or below the upper bound.</summary>
    public bool BelowMax(double v) => MaxExclusive ? v < Max : v <= Max;

    /// <summary>True when no score can be in the range.</summary>
    public bool IsEmpty => Min > Max || (Min == Max && (MinExclusive || MaxExclusive));

    /// <summary>Parses both bounds as zslParseRange does; false means "ERR min or max is not a float".</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out ScoreRange range)
    {
        range = default;
        if (!TryParseBound(min, out double lo, out bool loEx) || !TryParseBound(max, out double hi, out bool hiEx)) return false;
        range = new ScoreRange(lo, hi, loEx, hiEx);
        return true;
    }

    private static bool TryParseBound(ReadOnlySpan<byte> s, out double value, out bool exclusive)
    {
        exclusive = s.Length > 0 && s[0] == '(';
        if (exclusive) s = s[1..];
        // strtod of an empty string reads nothing and leaves the end pointer at the
        // terminator, so Redis takes "" and "(" as 0.
        if (s.Length == 0) { value = 0; return true; }
        return NumberFormat.TryParseRangeNumber(s, out value);
    }
}

/// <summary>A lexicographic interval as ZRANGEBYLEX takes it: <c>[a</c>, <c>(a</c>, <c>-</c>, <c>+</c>.</summary>
public readonly struct LexRange
{
    private readonly byte[]? _min, _max;
    private readonly sbyte _minInf, _maxInf; // -1 = "-", +1 = "+", 0 = a value

    private LexRange(byte[]? min, sbyte minInf, bool minEx, byte[]? max, sbyte maxInf, bool maxEx)
    {
        _min = min; _minInf = minInf; MinExclusive = minEx;
        _max = max; _maxInf = maxInf; MaxExclusive = maxEx;
    }

    /// <summary>True when the lower bound itself is excluded.</summary>
    public bool MinExclusive { get; }
    /// <summary>True when the upper bound itself is excluded.</summary>
    public bool MaxExclusive { get; }

    private static int CompareBound(sbyte inf, byte[]? bound, byte[] member) =>
        inf != 0 ? inf : bound.AsSpan().SequenceCompareTo(member);

    /// <summary>True when <paramref name="member"/> is at or above the lower bound.</summary>
    public bool AboveMin(byte[] member)
    {
        int c = CompareBound(_minInf, _min, member);
        return MinExclusive ? c < 0 : c <= 0;
    }

    /// <summary>True when <paramref name="member"/> is at or below the upper bound.</summary>
    public bool BelowMax(byte[] member)
    {
        int c = CompareBound(_maxInf, _max, member);
        return MaxExclusive ? c > 0 : c >= 0;
    }

    /// <summary>True when no member can be in the range.</summary>
    public bool IsEmpty
    {
        get
        {
            if (_minInf == 1 || _maxInf == -1) return true;
            if (_minInf == -1 || _maxInf == 1) return false;
            int c = _min.AsSpan().SequenceCompareTo(_max);
            return c > 0 || (c == 0 && (MinExclusive || MaxExclusive));
        }
    }

    /// <summary>Parses both bounds; false means "ERR min or max not valid string range item".</summary>
    public static bool TryParse(ReadOnlySpan<byte> min, ReadOnlySpan<byte> max, out LexRange range)
    {
        range = default;
        if (!TryParseItem(min, out var lo, out sbyte loInf, out bool loEx) || !TryParseItem(max, out var hi, out sbyte hiInf, out bool hiEx))
            return false;
        range = new LexRange(lo, loInf, loEx, hi, hiInf, hiEx);
        return true;
    }

    private static bool TryParseItem(ReadOnlySpan<byte> s, out byte[]? value, out sbyte inf, out bool exclusive)
    {
        value = null; inf = 0; exclusive = false;
        if (s.Length == 0) return false;
        switch (s[0])
        {
            case (byte)'+':
                if (s.Length != 1) return false;
                inf = 1; exclusive = true;
                return true;
            case (byte)'-':
                if (s.Length != 1) return false;
                inf = -1; exclusive = true;
                return true;
            case (byte)'(':
                exclusive = true;
                value = s[1..].ToArray();
                return true;
            case (byte)'[':
                value = s[1..].ToArray();
                return true;
            default:
                return false;
        }
    }
}
