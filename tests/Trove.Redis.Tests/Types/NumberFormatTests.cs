using System.Text;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Tests.Types;

public class NumberFormatTests
{
    private static string S(double d) => Encoding.ASCII.GetString(NumberFormat.FormatScore(d));

    // Expected strings taken from redis-server 7.0.15 (ZADD then ZSCORE).
    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(3, "3")]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e20, "1e+20")]
    [InlineData(1e17, "1e+17")]
    [InlineData(1e16, "10000000000000000")]
    [InlineData(123456789012345678d, "1.2345678901234568e+17")]
    [InlineData(1e-5, "1.0000000000000001e-05")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1e-7, "9.9999999999999995e-08")]
    [InlineData(1e300, "1.0000000000000001e+300")]
    [InlineData(3.14159265358979, "3.14159265358979")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(1e15, "1000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(2.5e-10, "2.5000000000000002e-10")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "4.9406564584124654e-324")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(-1e20, "-1e+20")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Scores_print_as_redis_7_0(double value, string expected) => Assert.Equal(expected, S(value));

    [Theory]
    [InlineData("1", true, 1.0)]
    [InlineData("-1.5", true, -1.5)]
    [InlineData("inf", true, double.PositiveInfinity)]
    [InlineData("+inf", true, double.PositiveInfinity)]
    [InlineData("-inf", true, double.NegativeInfinity)]
    [InlineData("1e3", true, 1000.0)]
    [InlineData(".5", true, 0.5)]
    [InlineData("5.", true, 5.0)]
    [InlineData("nan", false, 0.0)]
    [InlineData("abc", false, 0.0)]
    [InlineData("", false, 0.0)]
    [InlineData(" 1", false, 0.0)]
    [InlineData("1 ", false, 0.0)]
    [InlineData("1e400", false, 0.0)]
    [InlineData("1e", false, 0.0)]
    [InlineData("1,5", false, 0.0)]
    public void Scores_parse_as_redis(string text, bool ok, double expected)
    {
        Assert.Equal(ok, NumberFormat.TryParseScore(Encoding.ASCII.GetBytes(text), out double v));
        if (ok) Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("0", true, 0L)]
    [InlineData("-0", false, 0L)]
    [InlineData("007", false, 0L)]
    [InlineData("+1", false, 0L)]
    [InlineData("9223372036854775807", true, long.MaxValue)]
    [InlineData("-9223372036854775808", true, long.MinValue)]
    [InlineData("9223372036854775808", false, 0L)]
    [InlineData("12a", false, 0L)]
    public void Integers_parse_as_string2ll(string text, bool ok, long expected)
    {
        Assert.Equal(ok, NumberFormat.TryParseInt64(Encoding.ASCII.GetBytes(text), out long v));
        if (ok) Assert.Equal(expected, v);
    }

    [Theory]
    [InlineData("0", "0.1", "0.1")]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("0", "1e20", "100000000000000000000")]
    [InlineData("0.00000015", "3.0", "3.00000015")]
    [InlineData("5", "-5", "0")]
    [InlineData("10.5", "0.1", "10.6")]
    [InlineData("0.1", "1e20", "100000000000000000000")]
    [InlineData("1e400", "0", "10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880")]
    [InlineData("-1.5", "1.5", "0")]
    public void Hincrbyfloat_prints_in_human_form(string current, string delta, string expected)
    {
        var r = NumberFormat.AddLongDoubleStrings(Encoding.ASCII.GetBytes(current), Encoding.ASCII.GetBytes(delta), out var st);
        Assert.Equal(FloatAddStatus.Ok, st);
        Assert.Equal(expected, Encoding.ASCII.GetString(r!));
    }

    [Fact]
    public void Hincrbyfloat_rejects_bad_operands()
    {
        NumberFormat.AddLongDoubleStrings("abc"u8, "1"u8, out var st);
        Assert.Equal(FloatAddStatus.CurrentNotFloat, st);
        NumberFormat.AddLongDoubleStrings("1"u8, "x"u8, out st);
        Assert.Equal(FloatAddStatus.DeltaNotFloat, st);
        NumberFormat.AddLongDoubleStrings("1"u8, "inf"u8, out st);
        Assert.Equal(FloatAddStatus.NaNOrInfinity, st);
    }

    [Fact]
    public void Score_ranges_parse_exclusive_and_infinite_bounds()
    {
        Assert.True(ScoreRange.TryParse("(1.5"u8, "+inf"u8, out var r));
        Assert.True(r.MinExclusive);
        Assert.False(r.AboveMin(1.5));
        Assert.True(r.AboveMin(1.6));
        Assert.True(r.BelowMax(double.PositiveInfinity));
        Assert.False(ScoreRange.TryParse("x"u8, "1"u8, out _));
        Assert.False(ScoreRange.TryParse("1"u8, "nan"u8, out _));
        Assert.True(ScoreRange.TryParse("(1"u8, "(1"u8, out r));
        Assert.True(r.IsEmpty);
    }

    [Fact]
    public void Lex_ranges_parse_brackets_and_infinities()
    {
        Assert.True(LexRange.TryParse("-"u8, "+"u8, out var all));
        Assert.True(all.AboveMin([]) && all.BelowMax([0xff]));
        Assert.True(LexRange.TryParse("(a"u8, "[c"u8, out var r));
        Assert.False(r.AboveMin("a"u8.ToArray()));
        Assert.True(r.AboveMin("aa"u8.ToArray()));
        Assert.True(r.BelowMax("c"u8.ToArray()));
        Assert.False(r.BelowMax("ca"u8.ToArray()));
        Assert.False(LexRange.TryParse("a"u8, "+"u8, out _));
        Assert.False(LexRange.TryParse("+x"u8, "+"u8, out _));
        Assert.True(LexRange.TryParse("+"u8, "-"u8, out var empty));
        Assert.True(empty.IsEmpty);
    }
}
