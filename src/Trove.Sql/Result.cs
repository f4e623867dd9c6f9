using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;

namespace Trove.Sql;

/// <summary>Column names of a result, shared by its rows.</summary>
internal sealed class RowSchema
{
    public readonly string[] Names;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private Dictionary<string, int>? _ci;

    public RowSchema(string[] names)
    {
        Names = names;
        for (int i = 0; i < names.Length; i++) _index.TryAdd(names[i], i);
    }

    public bool TryGet(string name, out int i)
    {
        if (_index.TryGetValue(name, out i)) return true;
        _ci ??= BuildCi();
        return _ci.TryGetValue(name, out i);
    }

    private Dictionary<string, int> BuildCi()
    {
        var d = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < Names.Length; i++) d.TryAdd(Names[i], i);
        return d;
    }
}

/// <summary>One result row: values by position (<c>row[0]</c>) or by column name (<c>row["id"]</c>).</summary>
public sealed class Row : IReadOnlyList<object?>
{
    private readonly RowSchema _schema;
    private readonly object?[] _values;

    internal Row(RowSchema schema, object?[] values) { _schema = schema; _values = values; }

    /// <summary>Value at <paramref name="index"/> (null for SQL NULL).</summary>
    public object? this[int index] => _values[index];
    /// <summary>Value of the column named <paramref name="name"/>; <see cref="KeyNotFoundException"/> when absent.</summary>
    public object? this[string name] => _values[IndexOf(name)];
    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Keys => _schema.Names;
    /// <summary>Number of columns.</summary>
    public int Count => _values.Length;

    /// <summary>The value at <paramref name="index"/> converted to <typeparamref name="T"/>.</summary>
    public T Get<T>(int index) => ValueConvert.To<T>(_values[index]);
    /// <summary>The value of <paramref name="name"/> converted to <typeparamref name="T"/>.</summary>
    public T Get<T>(string name) => ValueConvert.To<T>(_values[IndexOf(name)]);

    private int IndexOf(string name) => _schema.TryGet(name, out var i) ? i
        : throw new KeyNotFoundException($"Could not locate column in row for column '{name}'");

    /// <summary>
    /// The row as a record/class: the public constructor with the most parameters gets values by parameter name
    /// (case and underscores ignored); otherwise writable properties are set by name.
    /// </summary>
    public T As<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] T>()
        => RecordMapper<T>.Map(this);

    /// <inheritdoc/>
    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_values).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>(v1, v2, …) like SQLAlchemy's row repr.</summary>
    public override string ToString() => DatabaseException.FormatTuple(_values);

    internal object?[] Values => _values;
}

internal static class RecordMapper<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] T>
{
    private static readonly ConstructorInfo? Ctor = typeof(T).GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault();

    private static string Norm(string s) => s.Replace("_", "").ToLowerInvariant();

    public static T Map(Row row)
    {
        var byName = new Dictionary<string, int>();
        for (int i = 0; i < row.Keys.Count; i++) byName.TryAdd(Norm(row.Keys[i]), i);
        if (Ctor != null && Ctor.GetParameters().Length > 0)
        {
            var ps = Ctor.GetParameters();
            var args = new object?[ps.Length];
            for (int i = 0; i < ps.Length; i++)
            {
                if (!byName.TryGetValue(Norm(ps[i].Name!), out var idx))
                    throw new InvalidOperationException($"Row has no column for parameter '{ps[i].Name}' of {typeof(T).Name}");
                args[i] = ValueConvert.ToType(row[idx], ps[i].ParameterType);
            }
            return (T)Ctor.Invoke(args);
        }
        var obj = Ctor != null ? (T)Ctor.Invoke(null) : throw new InvalidOperationException($"{typeof(T).Name} has no public constructor");
        foreach (var p in typeof(T).GetProperties())
            if (p.CanWrite && byName.TryGetValue(Norm(p.Name), out var idx)) p.SetValue(obj, ValueConvert.ToType(row[idx], p.PropertyType));
        return obj;
    }
}

/// <summary>Conversions from driver values (long, double, string …) to the requested C# type.</summary>
public static class ValueConvert
{
    /// <summary>Converts <paramref name="v"/> to <typeparamref name="T"/> (null/DBNull → default; enums from names).</summary>
    public static T To<T>(object? v)
    {
        if (v is T t) return t;
        if (v is null || v is DBNull)
        {
            if (default(T) is null) return default!;
            throw new InvalidCastException($"NULL cannot be converted to {typeof(T).Name}");
        }
        return (T)ToType(v, typeof(T))!;
    }

    /// <summary>Converts <paramref name="v"/> to <paramref name="target"/>.</summary>
    public static object? ToType(object? v, Type target)
    {
        if (v is null || v is DBNull) return null;
        var t = Nullable.GetUnderlyingType(target) ?? target;
        if (t.IsInstanceOfType(v)) return v;
        var ci = CultureInfo.InvariantCulture;
        if (t.IsEnum) return v is string s ? Enum.Parse(t, s) : Enum.ToObject(t, Convert.ToInt64(v, ci));
        if (t == typeof(bool)) return v is string bs ? bs is "1" or "true" or "True" : Convert.ToInt64(v, ci) != 0;
        if (t == typeof(DateTime))
            return v switch
            {
                string s => DateTime.Parse(s, ci, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                DateTimeOffset o => o.UtcDateTime,
                _ => Convert.ToDateTime(v, ci),
            };
        if (t == typeof(DateTimeOffset))
            return v switch
            {
                string s => DateTimeOffset.Parse(s, ci, DateTimeStyles.AssumeUniversal),
                DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d),
                _ => throw new InvalidCastException($"Cannot convert {v.GetType().Name} to DateTimeOffset"),
            };
        if (t == typeof(DateOnly))
            return v switch { string s => DateOnly.FromDateTime(DateTime.Parse(s, ci)), DateTime d => DateOnly.FromDateTime(d), _ => throw new InvalidCastException() };
        if (t == typeof(TimeOnly))
            return v switch { string s => TimeOnly.Parse(s, ci), TimeSpan ts => TimeOnly.FromTimeSpan(ts), DateTime d => TimeOnly.FromDateTime(d), _ => throw new InvalidCastException() };
        if (t == typeof(TimeSpan))
            return v switch { long us => TimeSpan.FromTicks(us * 10), string s => TimeSpan.Parse(s, ci), _ => TimeSpan.FromTicks(Convert.ToInt64(v, ci) * 10) };
        if (t == typeof(Guid))
            return v switch { string s => Guid.Parse(s), byte[] b => new Guid(b), _ => throw new InvalidCastException() };
        if (t == typeof(decimal) && v is string ds) return decimal.Parse(ds, NumberStyles.Float, ci);
        if (t == typeof(string)) return Convert.ToString(v, ci);
        if (v is IConvertible) return Convert.ChangeType(v, t, ci);
        throw new InvalidCastException($"Cannot convert {v.GetType().Name} to {t.Name}");
    }
}

/// <summary>
/// The rows (buffered) or the row count of one statement. <c>All()</c>, <c>First()</c>, <c>Single()</c>,
/// <c>Scalar&lt;T&gt;()</c> as in SQLAlchemy's <c>Result</c>.
/// </summary>
public sealed class Result : IEnumerable<Row>
{
    private static readonly RowSchema EmptySchema = new([]);
    private readonly List<Row> _rows;
    private readonly RowSchema _schema;

    internal Result(RowSchema? schema, List<Row> rows, int rowCount, bool returnsRows)
    {
        _schema = schema ?? EmptySchema; _rows = rows; RowCount = rowCount; ReturnsRows = returnsRows;
    }

    internal static Result Empty() => new(null, new List<Row>(), -1, false);

    /// <summary>The results of the statements one multi-row INSERT was split into, as one result.</summary>
    internal static Result Concat(List<Result> parts)
    {
        if (parts.Count == 1) return parts[0];
        var rows = new List<Row>();
        int count = 0;
        bool anyCount = false;
        foreach (var p in parts)
        {
            rows.AddRange(p._rows);
            if (p.RowCount >= 0) { count += p.RowCount; anyCount = true; }
        }
        return new Result(parts[0]._schema, rows, anyCount ? count : -1, parts[0].ReturnsRows);
    }

    /// <summary>Rows affected (DML) or rows returned (SELECT).</summary>
    public int RowCount { get; }
    /// <summary>True when the statement produced a result set.</summary>
    public bool ReturnsRows { get; }
    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Keys => _schema.Names;

    /// <summary>Every row.</summary>
    public IReadOnlyList<Row> All() => _rows;
    /// <summary>The first row; <see cref="NoResultException"/> when there is none.</summary>
    public Row First() => _rows.Count > 0 ? _rows[0] : throw new NoResultException();
    /// <summary>The first row or null.</summary>
    public Row? FirstOrDefault() => _rows.Count > 0 ? _rows[0] : null;
    /// <summary>The only row; <see cref="NoResultException"/> / <see cref="MultipleResultsException"/> otherwise.</summary>
    public Row Single() => _rows.Count switch { 1 => _rows[0], 0 => throw new NoResultException(), _ => throw new MultipleResultsException() };
    /// <summary>The only row or null; <see cref="MultipleResultsException"/> for several.</summary>
    public Row? SingleOrDefault() => _rows.Count switch { 0 => null, 1 => _rows[0], _ => throw new MultipleResultsException() };
    /// <summary>First column of the first row (default when there is no row).</summary>
    public T? Scalar<T>() => _rows.Count == 0 ? default : _rows[0].Get<T>(0);
    /// <summary>First column of every row.</summary>
    public IReadOnlyList<T> Scalars<T>() => _rows.Select(r => r.Get<T>(0)).ToList();
    /// <summary>Every row as a typed record (see <see cref="Row.As{T}"/>).</summary>
    public List<T> All<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicProperties)] T>()
        => _rows.Select(r => r.As<T>()).ToList();
    /// <summary>Every row mapped by <paramref name="map"/>.</summary>
    public List<T> Map<T>(Func<Row, T> map) => _rows.Select(map).ToList();

    /// <inheritdoc/>
    public IEnumerator<Row> GetEnumerator() => _rows.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Data of <see cref="Engine.StatementExecuted"/>: one per statement execution.</summary>
public sealed class StatementExecutedEventArgs(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, TimeSpan elapsed, int rowCount) : EventArgs
{
    /// <summary>The SQL text.</summary>
    public string Sql { get; } = sql;
    /// <summary>Parameters as bound, in order (name: bind name or placeholder).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Parameters { get; } = parameters;
    /// <summary>Execution time.</summary>
    public TimeSpan Elapsed { get; } = elapsed;
    /// <summary>Rows affected or returned; -1 when unknown (a reader handed to the caller).</summary>
    public int RowCount { get; } = rowCount;
    /// <summary>Whether the SQL came from the engine's compiled cache (<see cref="CompileCacheStatus.Cached"/>) or was rendered.</summary>
    public CompileCacheStatus CacheStatus { get; init; }
    /// <summary>SQLAlchemy's echo marker: <c>generated in 0.00012s</c>, <c>cached since 3.2s ago</c>, <c>raw sql</c> ….</summary>
    public string CacheMarker { get; init; } = "raw sql";
}
