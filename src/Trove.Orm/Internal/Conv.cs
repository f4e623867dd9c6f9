using System.ComponentModel;
using System.Globalization;

namespace Trove.Orm.Internal;

/// <summary>Value conversions used by generated code (boxed CLR values from the evaluator, fetched rows, user keys).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Conv
{
    /// <summary>Converts <paramref name="value"/> to <typeparamref name="T"/> (numeric widening/narrowing, enum names).</summary>
    public static T To<T>(object? value, Func<string, T>? parseEnum = null)
    {
        if (value is T t) return t;
        if (value is null or DBNull) return default!;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (value is string s && parseEnum is not null) return parseEnum(s);
        if (target.IsEnum) return (T)Enum.ToObject(target, value);
        if (target == typeof(DateOnly) && value is DateTime dt) return (T)(object)DateOnly.FromDateTime(dt);
        if (target == typeof(TimeOnly) && value is TimeSpan ts) return (T)(object)TimeOnly.FromTimeSpan(ts);
        if (target == typeof(TimeSpan) && value is long us) return (T)(object)TimeSpan.FromTicks(us * 10);
        if (target == typeof(Guid) && value is string gs) return (T)(object)Guid.Parse(gs);
        if (target == typeof(DateTimeOffset) && value is DateTime d2) return (T)(object)new DateTimeOffset(d2);
        return (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Reads a TimeSpan column: PostgreSQL's native interval, or the BIGINT microseconds the other dialects store
    /// (SqlType.ToDb), which the driver would otherwise read as a different unit.
    /// </summary>
    public static TimeSpan ReadTimeSpan(System.Data.Common.DbDataReader r, int ordinal) =>
        r.GetFieldType(ordinal) == typeof(TimeSpan) ? r.GetFieldValue<TimeSpan>(ordinal) : TimeSpan.FromTicks(r.GetInt64(ordinal) * 10);
}
