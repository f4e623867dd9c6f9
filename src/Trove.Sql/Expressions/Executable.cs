using Trove.Sql.Dialects;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>One bound parameter of a compiled statement, in placeholder order.</summary>
/// <param name="Name">The bind name (<c>Db.Param</c> name, the column for INSERT/UPDATE values, else null).</param>
/// <param name="Value">The C# value (converted by <paramref name="Type"/> when bound).</param>
/// <param name="Type">The SQL type, when known.</param>
public readonly record struct BoundParameter(string? Name, object? Value, SqlType? Type);

/// <summary>How a statement's SQL was obtained (SQLAlchemy's echo markers).</summary>
public enum CompileCacheStatus
{
    /// <summary>Raw SQL given as a string (<c>[raw sql]</c>).</summary>
    Raw,
    /// <summary>Compiled and stored in the cache (<c>[generated in …]</c>).</summary>
    Generated,
    /// <summary>Taken from the cache: nothing was rendered (<c>[cached since … ago]</c>).</summary>
    Cached,
    /// <summary>The cache is off (size 0) (<c>[caching disabled …]</c>).</summary>
    Disabled,
    /// <summary>The statement has no structural key and was compiled fresh (<c>[no key …]</c>).</summary>
    NoKey,
}

/// <summary>
/// What a compilation produces apart from the values: SQL text, per-placeholder name and type, and where each
/// placeholder's value comes from in a statement's extracted values. Shared by every statement of the same structure.
/// </summary>
internal sealed class CompiledPlan
{
    public CompiledPlan(Dialect dialect, string sql, string?[] names, SqlType?[] types, int[]? slots, bool returnsRows, SqlType?[]? resultTypes, long generatedAt, TimeSpan generationTime)
    {
        Dialect = dialect; Sql = sql; Names = names; Types = types; Slots = slots; ReturnsRows = returnsRows; ResultTypes = resultTypes;
        GeneratedAt = generatedAt; GenerationTime = generationTime;
    }

    public readonly Dialect Dialect;
    public readonly string Sql;
    public readonly string?[] Names;
    public readonly SqlType?[] Types;
    /// <summary>Placeholder i takes extracted value Slots[i]; null when values are already in placeholder order.</summary>
    public readonly int[]? Slots;
    public readonly bool ReturnsRows;
    public readonly SqlType?[]? ResultTypes;
    /// <summary>Stopwatch timestamp when compilation started (the "cached since" origin).</summary>
    public readonly long GeneratedAt;
    public readonly TimeSpan GenerationTime;
    /// <summary>Cache clock value of the last use (approximate LRU).</summary>
    public long LastUsed;

    public static CompiledPlan FromCompiler(SqlCompiler c, bool returnsRows, int[]? slots, long start)
    {
        int n = c.Params.Count;
        var names = new string?[n];
        var types = new SqlType?[n];
        for (int i = 0; i < n; i++) { names[i] = c.Params[i].Name; types[i] = c.Params[i].Type; }
        return new CompiledPlan(c.D, c.Sb.ToString(), names, types, slots, returnsRows || c.HasReturning, c.ResultTypes, start,
            System.Diagnostics.Stopwatch.GetElapsedTime(start));
    }
}

/// <summary>A statement compiled for one dialect: SQL text with placeholders and its ordered parameters.</summary>
public sealed class CompiledStatement
{
    private BoundParameter[]? _parameters;

    internal CompiledStatement(CompiledPlan plan, object?[] values, CompileCacheStatus status)
    {
        Plan = plan; Values = values; CacheStatus = status;
    }

    internal CompiledStatement(Dialect dialect, string sql, BoundParameter[] parameters, bool returnsRows, SqlType?[]? resultTypes)
    {
        var names = new string?[parameters.Length];
        var types = new SqlType?[parameters.Length];
        Values = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++) { names[i] = parameters[i].Name; types[i] = parameters[i].Type; Values[i] = parameters[i].Value; }
        Plan = new CompiledPlan(dialect, sql, names, types, null, returnsRows, resultTypes, System.Diagnostics.Stopwatch.GetTimestamp(), TimeSpan.Zero);
        CacheStatus = CompileCacheStatus.Raw;
        _parameters = parameters;
    }

    internal CompiledPlan Plan { get; }
    /// <summary>Values in placeholder order (<see cref="RequiredValue"/> where execution must supply one).</summary>
    internal object?[] Values { get; }

    /// <summary>The dialect it was compiled for.</summary>
    public Dialect Dialect => Plan.Dialect;
    /// <summary>SQL text; the same string instance for statements of the same structure compiled through one cache.</summary>
    public string Sql => Plan.Sql;
    /// <summary>Parameters in placeholder order.</summary>
    public IReadOnlyList<BoundParameter> Parameters => _parameters ??= BuildParameters();
    /// <summary>True for SELECT and statements with RETURNING.</summary>
    public bool ReturnsRows => Plan.ReturnsRows;
    /// <summary>SQL types of the result columns when known (used to convert values read back).</summary>
    public IReadOnlyList<SqlType?>? ResultTypes => Plan.ResultTypes;
    /// <summary>Whether the SQL came from the compiled cache, was generated into it, or bypassed it.</summary>
    public CompileCacheStatus CacheStatus { get; }

    internal int ParameterCount => Values.Length;
    internal string? ParameterName(int i) => Plan.Names[i];
    internal SqlType? ParameterType(int i) => Plan.Types[i];

    private BoundParameter[] BuildParameters()
    {
        var r = new BoundParameter[Values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = new BoundParameter(Plan.Names[i], Values[i], Plan.Types[i]);
        return r;
    }

    /// <summary>The placeholder text of parameter <paramref name="index"/> (<c>@p0</c>, <c>$1</c>).</summary>
    public string Placeholder(int index) => Dialect.Placeholder(index);

    /// <summary>The parameter values as the driver receives them (after type conversion).</summary>
    public object?[] DriverValues()
    {
        var r = new object?[Values.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Dialect.ToDriverValue(Values[i], Plan.Types[i]);
        return r;
    }

    /// <summary>
    /// The echo marker SQLAlchemy logs before the parameters: <c>generated in 0.00012s</c>, <c>cached since 3.2s ago</c>,
    /// <c>caching disabled 0.00010s</c>, <c>no key 0.00010s</c> or <c>raw sql</c>, measured at <paramref name="timestamp"/>.
    /// </summary>
    internal string CacheMarker(long timestamp)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return CacheStatus switch
        {
            CompileCacheStatus.Generated => string.Create(inv, $"generated in {Plan.GenerationTime.TotalSeconds:F5}s"),
            CompileCacheStatus.Cached => string.Create(inv, $"cached since {System.Diagnostics.Stopwatch.GetElapsedTime(Plan.GeneratedAt, timestamp).TotalSeconds:G4}s ago"),
            CompileCacheStatus.Disabled => string.Create(inv, $"caching disabled {Plan.GenerationTime.TotalSeconds:F5}s"),
            CompileCacheStatus.NoKey => string.Create(inv, $"no key {Plan.GenerationTime.TotalSeconds:F5}s"),
            _ => "raw sql",
        };
    }

    /// <summary>The SQL text.</summary>
    public override string ToString() => Sql;
}

/// <summary>A statement that can be executed: SELECT, INSERT, UPDATE, DELETE, compound selects and text.</summary>
public abstract class Executable
{
    private CompiledStatement? _cached;

    internal abstract void CompileStatement(SqlCompiler c);
    internal void ClearCompiledCache() => _cached = null;
    internal virtual bool ReturnsRows => false;

    /// <summary>Writes this statement's structural cache key and extracts its values (uncacheable unless overridden).</summary>
    internal virtual void AppendKey(KeyBuilder k) => k.Uncacheable = true;

    /// <summary>
    /// Compiles for <paramref name="dialect"/> (SQLite when null) through the dialect's structural cache: statements of
    /// the same structure share one plan and SQL string. The result is also kept on this immutable statement.
    /// </summary>
    public CompiledStatement Compile(Dialect? dialect = null)
    {
        dialect ??= Dialect.Sqlite;
        var cached = _cached;
        if (cached != null && ReferenceEquals(cached.Dialect, dialect)) return cached;
        var compiled = dialect.CompiledCache.Compile(this);
        _cached = compiled;
        return compiled;
    }

    /// <summary>Renders without any cache (each call builds a new plan).</summary>
    internal CompiledStatement CompileFresh(Dialect dialect, CompileCacheStatus status)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var c = SqlCompiler.Rent(dialect);
        try
        {
            CompileStatement(c);
            var plan = CompiledPlan.FromCompiler(c, ReturnsRows, null, start);
            var values = new object?[c.Params.Count];
            for (int i = 0; i < values.Length; i++) values[i] = c.Params[i].Value;
            return new CompiledStatement(plan, values, status);
        }
        finally { SqlCompiler.Return(c); }
    }

    /// <summary>The SQL text on the SQLite dialect.</summary>
    public override string ToString() => Compile().Sql;
}
