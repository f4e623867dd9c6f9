using Trove.Sql.Dialects;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>One bound parameter of a compiled statement, in placeholder order.</summary>
/// <param name="Name">The bind name (<c>Db.Param</c> name, the column for INSERT/UPDATE values, else null).</param>
/// <param name="Value">The C# value (converted by <paramref name="Type"/> when bound).</param>
/// <param name="Type">The SQL type, when known.</param>
public readonly record struct BoundParameter(string? Name, object? Value, SqlType? Type);

/// <summary>A statement compiled for one dialect: SQL text with placeholders and its ordered parameters.</summary>
public sealed class CompiledStatement
{
    internal CompiledStatement(Dialect dialect, string sql, BoundParameter[] parameters, bool returnsRows, SqlType?[]? resultTypes)
    {
        Dialect = dialect; Sql = sql; Parameters = parameters; ReturnsRows = returnsRows; ResultTypes = resultTypes; ParameterArray = parameters;
    }

    /// <summary>The dialect it was compiled for.</summary>
    public Dialect Dialect { get; }
    /// <summary>SQL text; identical (same string instance) for statements of the same structure.</summary>
    public string Sql { get; }
    /// <summary>Parameters in placeholder order.</summary>
    public IReadOnlyList<BoundParameter> Parameters { get; }
    internal BoundParameter[] ParameterArray { get; }
    /// <summary>True for SELECT and statements with RETURNING.</summary>
    public bool ReturnsRows { get; }
    /// <summary>SQL types of the result columns when known (used to convert values read back).</summary>
    public IReadOnlyList<SqlType?>? ResultTypes { get; }

    /// <summary>The placeholder text of parameter <paramref name="index"/> (<c>@p0</c>, <c>$1</c>).</summary>
    public string Placeholder(int index) => Dialect.Placeholder(index);

    /// <summary>The parameter values as the driver receives them (after type conversion).</summary>
    public object?[] DriverValues()
    {
        var r = new object?[ParameterArray.Length];
        for (int i = 0; i < r.Length; i++) r[i] = Dialect.ToDriverValue(ParameterArray[i].Value, ParameterArray[i].Type);
        return r;
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

    /// <summary>
    /// Compiles for <paramref name="dialect"/> (SQLite when null). The SQL string is shared by every statement of the
    /// same structure on that dialect; the result is also kept on this immutable statement for re-execution.
    /// </summary>
    public CompiledStatement Compile(Dialect? dialect = null)
    {
        dialect ??= Dialect.Sqlite;
        var cached = _cached;
        if (cached != null && ReferenceEquals(cached.Dialect, dialect)) return cached;
        var c = new SqlCompiler(dialect);
        CompileStatement(c);
        var compiled = new CompiledStatement(dialect, dialect.Intern(c.Sb), c.Params.ToArray(), ReturnsRows || c.HasReturning, c.ResultTypes);
        _cached = compiled;
        return compiled;
    }

    /// <summary>The SQL text on the SQLite dialect.</summary>
    public override string ToString() => Compile().Sql;
}
