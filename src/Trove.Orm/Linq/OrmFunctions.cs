using System.Text.RegularExpressions;

namespace Trove.Orm.Linq;

/// <summary>
/// SQL operators usable inside query lambdas (<c>u.Name.Like("e%")</c>, <c>u.Id.Between(1, 3)</c>). They also work
/// on plain values with SQL semantics, which the <c>Synchronize.Evaluate</c> evaluator relies on.
/// </summary>
public static class OrmFunctions
{
    /// <summary>SQL LIKE (<c>%</c> any run, <c>_</c> one character).</summary>
    public static bool Like(this string? value, string pattern) => value is not null && LikeRegex(pattern, ignoreCase: false).IsMatch(value);

    /// <summary>Case-insensitive LIKE (ILIKE on PostgreSQL, LIKE elsewhere).</summary>
    public static bool ILike(this string? value, string pattern) => value is not null && LikeRegex(pattern, ignoreCase: true).IsMatch(value);

    /// <summary>SQL BETWEEN (inclusive).</summary>
    public static bool Between<T>(this T value, T low, T high) where T : IComparable<T> =>
        value.CompareTo(low) >= 0 && value.CompareTo(high) <= 0;

    /// <summary>SQL BETWEEN over a nullable value (NULL is not between anything).</summary>
    public static bool Between<T>(this T? value, T low, T high) where T : struct, IComparable<T> =>
        value is { } v && v.CompareTo(low) >= 0 && v.CompareTo(high) <= 0;

    internal static Regex LikeRegex(string pattern, bool ignoreCase)
    {
        var sb = new System.Text.StringBuilder("^");
        foreach (var ch in pattern)
        {
            sb.Append(ch switch
            {
                '%' => ".*",
                '_' => ".",
                _ => Regex.Escape(ch.ToString()),
            });
        }
        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
    }
}
