using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Trove.Sql;

/// <summary>
/// The ADO.NET side of a dialect: opens connections from a <see cref="Url"/>, binds parameters and translates
/// driver exceptions into <see cref="DatabaseException"/> subclasses.
/// </summary>
public abstract class DbDriver
{
    /// <summary>Dialect name this driver serves.</summary>
    public abstract string Dialect { get; }
    /// <summary>Driver name in URLs (<c>dialect+driver</c>).</summary>
    public abstract string Name { get; }
    /// <summary>Creates an unopened connection for <paramref name="url"/>.</summary>
    public abstract DbConnection CreateConnection(Url url);

    /// <summary>Binds one positional parameter (<paramref name="placeholder"/> is its text in the SQL).</summary>
    public virtual DbParameter CreateParameter(DbCommand command, string placeholder, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = placeholder;
        p.Value = value ?? DBNull.Value;
        return p;
    }

    /// <summary>Sets a new value on a re-used parameter.</summary>
    public virtual void SetParameterValue(DbParameter parameter, object? value) => parameter.Value = value ?? DBNull.Value;

    /// <summary>Called after DDL created database types (Npgsql reloads its type catalogue).</summary>
    public virtual void TypesChanged(DbConnection connection) { }

    /// <summary>Begins a transaction on an open connection.</summary>
    public virtual DbTransaction BeginTransaction(DbConnection connection) => connection.BeginTransaction();

    /// <summary>Classifies a driver exception; null when it is not a database error.</summary>
    public abstract DatabaseException? Translate(Exception e, string? sql, IReadOnlyList<object?>? parameters);
}

/// <summary>Drivers by <c>dialect+driver</c>. Built in: <c>sqlite+microsoftdata</c>, <c>postgresql+npgsql</c>.</summary>
public static class DriverRegistry
{
    private static readonly ConcurrentDictionary<string, DbDriver> Drivers = new(StringComparer.OrdinalIgnoreCase);

    static DriverRegistry()
    {
        Register(new SqliteDriver());
        Register(new NpgsqlDriver());
    }

    /// <summary>Registers (or replaces) a driver.</summary>
    public static void Register(DbDriver driver) => Drivers[driver.Dialect + "+" + driver.Name] = driver;

    /// <summary>The driver for a URL; <see cref="NoSuchDriverException"/> when none is registered.</summary>
    public static DbDriver Get(Url url)
    {
        var dialect = url.GetDialect();
        var key = dialect.Name + "+" + (url.Driver ?? dialect.DefaultDriver);
        return Drivers.TryGetValue(key, out var d) ? d : throw new NoSuchDriverException(key);
    }
}

/// <summary>Microsoft.Data.Sqlite. <c>sqlite://</c> and <c>sqlite:///:memory:</c> are in-memory databases.</summary>
public sealed class SqliteDriver : DbDriver
{
    /// <inheritdoc/>
    public override string Dialect => "sqlite";
    /// <inheritdoc/>
    public override string Name => "microsoftdata";

    /// <summary>True when the URL names an in-memory database.</summary>
    public static bool IsMemory(Url url) => url.Database is null or "" or ":memory:" || url.Query.TryGetValue("mode", out var m) && m == "memory";

    /// <inheritdoc/>
    public override DbConnection CreateConnection(Url url)
    {
        var b = new SqliteConnectionStringBuilder
        {
            DataSource = url.Database is null or "" ? ":memory:" : url.Database,
            Pooling = false, // the engine's pool does the pooling
            ForeignKeys = true,
        };
        foreach (var (k, v) in url.Query) b[k] = v;
        return new SqliteConnection(b.ConnectionString);
    }

    /// <inheritdoc/>
    public override DbParameter CreateParameter(DbCommand command, string placeholder, object? value) =>
        new SqliteParameter(placeholder, value ?? DBNull.Value);

    /// <inheritdoc/>
    public override DbTransaction BeginTransaction(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    /// <inheritdoc/>
    public override DatabaseException? Translate(Exception e, string? sql, IReadOnlyList<object?>? ps)
    {
        if (e is not SqliteException se) return null;
        string msg = se.Message;
        int ext = se.SqliteExtendedErrorCode;
        if (se.SqliteErrorCode == 19)
        {
            var kind = ext switch { 1555 or 2579 => ConstraintKind.PrimaryKey, 2067 => ConstraintKind.Unique, 787 => ConstraintKind.ForeignKey, 1299 => ConstraintKind.NotNull, 275 => ConstraintKind.Check, _ => ConstraintKind.Unknown };
            string? name = null;
            int idx = msg.IndexOf("constraint failed: ", StringComparison.Ordinal);
            if (idx >= 0)
            {
                name = msg[(idx + 19)..].TrimEnd('\'', '.', ' ');
                int comma = name.IndexOf(',');
                if (comma >= 0) name = name[..comma];
            }
            if (kind == ConstraintKind.ForeignKey) name = null;
            return new IntegrityException("sqlite", msg, sql, ps, e, kind, name, null, ext);
        }
        bool programming = se.SqliteErrorCode == 1 &&
            (msg.Contains("no such ", StringComparison.Ordinal) || msg.Contains("syntax error", StringComparison.Ordinal)
             || msg.Contains("already exists", StringComparison.Ordinal) || msg.Contains("has no column", StringComparison.Ordinal)
             || msg.Contains("wrong number of arguments", StringComparison.Ordinal) || msg.Contains("ambiguous", StringComparison.Ordinal)
             || msg.Contains("incomplete input", StringComparison.Ordinal) || msg.Contains("unrecognized token", StringComparison.Ordinal));
        if (programming) return new ProgrammingException("sqlite", msg, sql, ps, e, null, ext);
        if (se.SqliteErrorCode is 18 or 20 or 25) return new DataException("sqlite", msg, sql, ps, e, null, ext);
        return new OperationalException("sqlite", msg, sql, ps, e, null, ext);
    }
}

/// <summary>Npgsql; parameters are positional (<c>$1</c>), so Npgsql sends the SQL without rewriting it.</summary>
public sealed class NpgsqlDriver : DbDriver
{
    /// <inheritdoc/>
    public override string Dialect => "postgresql";
    /// <inheritdoc/>
    public override string Name => "npgsql";

    /// <inheritdoc/>
    public override DbConnection CreateConnection(Url url)
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host ?? "localhost",
            Port = url.Port ?? 5432,
            Username = url.Username,
            Password = url.Password,
            Database = url.Database,
            Pooling = false, // the engine's pool does the pooling
            // Npgsql prepares a statement on the server from its second use on a connection (at most 100 per
            // connection, least recently used dropped): the engine's pool keeps connections open, so repeated
            // statements (by-key loads, flush statements, cached query plans) skip parsing and planning; 1,000
            // ORM gets went from 64 to 33 ms. The URL's query can set both otherwise.
            MaxAutoPrepare = 100,
            AutoPrepareMinUsages = 2,
        };
        foreach (var (k, v) in url.Query) b[k] = v;
        return new NpgsqlConnection(b.ConnectionString);
    }

    /// <inheritdoc/>
    public override DbParameter CreateParameter(DbCommand command, string placeholder, object? value)
    {
        var p = new NpgsqlParameter { Value = value ?? DBNull.Value };
        // Enum names and text bound to native enum / other typed columns: let the server infer the type.
        if (value is string) p.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown;
        return p;
    }

    /// <inheritdoc/>
    public override void TypesChanged(DbConnection connection) => ((NpgsqlConnection)connection).ReloadTypes();

    /// <inheritdoc/>
    public override void SetParameterValue(DbParameter parameter, object? value)
    {
        var p = (NpgsqlParameter)parameter;
        p.ResetDbType();
        p.Value = value ?? DBNull.Value;
        if (value is string) p.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown;
    }

    /// <inheritdoc/>
    public override DatabaseException? Translate(Exception e, string? sql, IReadOnlyList<object?>? ps)
    {
        if (e is PostgresException pe)
        {
            string state = pe.SqlState;
            string msg = pe.Message;
            if (state.StartsWith("23", StringComparison.Ordinal))
            {
                var kind = state switch
                {
                    "23505" => pe.ConstraintName?.EndsWith("_pkey", StringComparison.Ordinal) == true ? ConstraintKind.PrimaryKey : ConstraintKind.Unique,
                    "23503" => ConstraintKind.ForeignKey,
                    "23502" => ConstraintKind.NotNull,
                    "23514" => ConstraintKind.Check,
                    _ => ConstraintKind.Unknown,
                };
                return new IntegrityException("postgresql", msg, sql, ps, e, kind, pe.ConstraintName ?? pe.ColumnName, state);
            }
            if (state.StartsWith("42", StringComparison.Ordinal)) return new ProgrammingException("postgresql", msg, sql, ps, e, state);
            if (state.StartsWith("22", StringComparison.Ordinal)) return new DataException("postgresql", msg, sql, ps, e, state);
            return new OperationalException("postgresql", msg, sql, ps, e, state);
        }
        if (e is NpgsqlException ne) return new OperationalException("postgresql", ne.Message, sql, ps, e);
        if (e is ArgumentException or InvalidCastException && sql != null) return new DataException("postgresql", e.Message, sql, ps, e);
        return null;
    }
}
