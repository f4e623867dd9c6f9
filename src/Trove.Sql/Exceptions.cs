namespace Trove.Sql;

/// <summary>Base of engine, database and pool errors.</summary>
public class TroveSqlException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TroveSqlException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>Which constraint an <see cref="IntegrityException"/> violated.</summary>
public enum ConstraintKind
{
    /// <summary>Not known.</summary>
    Unknown,
    /// <summary>UNIQUE.</summary>
    Unique,
    /// <summary>PRIMARY KEY.</summary>
    PrimaryKey,
    /// <summary>FOREIGN KEY.</summary>
    ForeignKey,
    /// <summary>NOT NULL.</summary>
    NotNull,
    /// <summary>CHECK.</summary>
    Check,
}

/// <summary>
/// An error raised by the database or driver for a statement. The message is
/// <c>(&lt;dialect&gt;) &lt;driver message&gt;\n[SQL: …]\n[parameters: …]</c>.
/// </summary>
public class DatabaseException : TroveSqlException
{
    /// <summary>Creates the exception.</summary>
    public DatabaseException(string dialect, string driverMessage, string? sql, IReadOnlyList<object?>? parameters, Exception? inner, string? sqlState = null, int errorCode = 0)
        : base(Format(dialect, driverMessage, sql, parameters), inner)
    {
        Dialect = dialect; DriverMessage = driverMessage; Sql = sql; Parameters = parameters; SqlState = sqlState; ErrorCode = errorCode;
    }

    /// <summary>The dialect name.</summary>
    public string Dialect { get; }
    /// <summary>The driver exception's message, unchanged.</summary>
    public string DriverMessage { get; }
    /// <summary>The statement that failed (null for connection errors).</summary>
    public string? Sql { get; }
    /// <summary>Its parameters (null when hidden by <c>EngineOptions.HideParameters</c>).</summary>
    public IReadOnlyList<object?>? Parameters { get; }
    /// <summary>SQLSTATE (PostgreSQL) when the driver gives one.</summary>
    public string? SqlState { get; }
    /// <summary>Driver error code (SQLite extended result code).</summary>
    public int ErrorCode { get; }

    private static string Format(string dialect, string msg, string? sql, IReadOnlyList<object?>? ps)
    {
        var s = $"({dialect}) {msg}";
        if (sql != null) s += $"\n[SQL: {sql}]";
        if (ps != null && ps.Count > 0) s += $"\n[parameters: {FormatTuple(ps)}]";
        return s;
    }

    /// <summary>Values as SQLAlchemy prints them, a Python tuple: <c>(1, 'a')</c>, <c>(5,)</c>, <c>()</c>.</summary>
    internal static string FormatTuple(IEnumerable<object?> values)
    {
        var items = values.Select(FormatValue).ToList();
        return items.Count == 1 ? "(" + items[0] + ",)" : "(" + string.Join(", ", items) + ")";
    }

    internal static string FormatValue(object? v) => v switch
    {
        null => "None",
        string str => str.Length > 100 ? $"'{str[..100]}'... ({str.Length} characters truncated)" : $"'{str}'",
        byte[] b => $"<{b.Length} bytes>",
        bool b => b ? "True" : "False",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };
}

/// <summary>A constraint was violated (unique, primary key, foreign key, not null, check).</summary>
public class IntegrityException : DatabaseException
{
    /// <summary>Creates the exception.</summary>
    public IntegrityException(string dialect, string driverMessage, string? sql, IReadOnlyList<object?>? parameters, Exception? inner,
        ConstraintKind kind, string? constraintName, string? sqlState = null, int errorCode = 0)
        : base(dialect, driverMessage, sql, parameters, inner, sqlState, errorCode)
    { ConstraintKind = kind; ConstraintName = constraintName; }

    /// <summary>Kind of the violated constraint.</summary>
    public ConstraintKind ConstraintKind { get; }
    /// <summary>Constraint name (PostgreSQL exact; SQLite <c>table.column</c> or null).</summary>
    public string? ConstraintName { get; }
}

/// <summary>The database could not run the statement for operational reasons (connection, locks, I/O).</summary>
public class OperationalException(string dialect, string driverMessage, string? sql, IReadOnlyList<object?>? parameters, Exception? inner, string? sqlState = null, int errorCode = 0)
    : DatabaseException(dialect, driverMessage, sql, parameters, inner, sqlState, errorCode);

/// <summary>The SQL is wrong for this database: unknown table, column or function, syntax error.</summary>
public class ProgrammingException(string dialect, string driverMessage, string? sql, IReadOnlyList<object?>? parameters, Exception? inner, string? sqlState = null, int errorCode = 0)
    : DatabaseException(dialect, driverMessage, sql, parameters, inner, sqlState, errorCode);

/// <summary>A value was rejected by the database (bad encoding such as NUL in PostgreSQL text, overflow, bad format).</summary>
public class DataException(string dialect, string driverMessage, string? sql, IReadOnlyList<object?>? parameters, Exception? inner, string? sqlState = null, int errorCode = 0)
    : DatabaseException(dialect, driverMessage, sql, parameters, inner, sqlState, errorCode);

/// <summary>A pool checkout waited longer than <c>PoolTimeout</c>.</summary>
public sealed class PoolTimeoutException : TroveSqlException
{
    /// <summary>Creates the exception.</summary>
    public PoolTimeoutException(int poolSize, int maxOverflow, TimeSpan timeout)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"QueuePool limit of size {poolSize} overflow {maxOverflow} reached, connection timed out, timeout {timeout.TotalSeconds:F2}s"))
    { PoolSize = poolSize; MaxOverflow = maxOverflow; Timeout = timeout; }

    /// <summary>The pool's size.</summary>
    public int PoolSize { get; }
    /// <summary>The pool's overflow.</summary>
    public int MaxOverflow { get; }
    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}

/// <summary>A URL named a dialect that does not exist.</summary>
public sealed class NoSuchDialectException(string dialect)
    : TroveSqlException($"Can't load dialect '{dialect}'; available: sqlite, postgresql, mysql")
{
    /// <summary>The requested dialect.</summary>
    public string DialectName { get; } = dialect;
}

/// <summary>A URL named a driver that is not registered.</summary>
public sealed class NoSuchDriverException(string name)
    : TroveSqlException($"No driver registered for '{name}'")
{
    /// <summary>The requested <c>dialect+driver</c>.</summary>
    public string DriverName { get; } = name;
}

/// <summary><c>First</c>/<c>Single</c> found no row.</summary>
public sealed class NoResultException(string message = "No row was found when one was required") : InvalidOperationException(message);

/// <summary><c>Single</c> found more than one row.</summary>
public sealed class MultipleResultsException(string message = "Multiple rows were found when exactly one was required") : InvalidOperationException(message);
