using System.Data.Common;
using System.Diagnostics;

namespace Trove.Sql.Pooling;

/// <summary>The pool implementation an engine uses (<c>EngineOptions.PoolClass</c>).</summary>
public enum PoolKind
{
    /// <summary>Chosen from the URL: Static for in-memory SQLite, Queue otherwise.</summary>
    Default,
    /// <summary><see cref="QueuePool"/>.</summary>
    Queue,
    /// <summary><see cref="NullPool"/>.</summary>
    Null,
    /// <summary><see cref="StaticPool"/>.</summary>
    Static,
}

/// <summary>
/// A DBAPI-like connection checked out of a pool. <see cref="Dispose"/> returns it to the pool (it does not close
/// the physical connection unless the pool discards it). Also keeps prepared commands per SQL text.
/// </summary>
public sealed class PooledConnection : IDisposable
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Drivers.Sqlite.SqliteStatement> _statements = new(StringComparer.Ordinal);
    private int _checkedOut;

    internal PooledConnection(Pool pool, DbConnection connection)
    {
        Pool = pool; Connection = connection; CreatedAt = Stopwatch.GetTimestamp();
    }

    /// <summary>The pool it belongs to.</summary>
    public Pool Pool { get; }
    /// <summary>The physical ADO.NET connection (open).</summary>
    public DbConnection Connection { get; }
    internal long CreatedAt { get; }
    internal bool Invalidated { get; private set; }

    /// <summary>A new command on the connection (SQLAlchemy's <c>conn.cursor()</c>).</summary>
    public DbCommand CreateCommand() => Connection.CreateCommand();

    /// <summary>A cached command for <paramref name="sql"/> (re-used: SQLite keeps its prepared statement).</summary>
    internal DbCommand GetCommand(string sql, out bool cached)
    {
        if (_commands.Remove(sql, out var cmd)) { cached = true; return cmd; }
        cached = false;
        cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    internal void ReturnCommand(string sql, DbCommand cmd)
    {
        if (_commands.Count >= 64 || !_commands.TryAdd(sql, cmd))
        {
            cmd.Dispose();
        }
    }

    /// <summary>
    /// A cached raw SQLite statement for <paramref name="sql"/>, compiled on first use; null when the connection is
    /// not a SQLite one or the SQL is not a single statement that compiles.
    /// </summary>
    internal Drivers.Sqlite.SqliteStatement? GetStatement(string sql)
    {
        if (_statements.Remove(sql, out var stmt)) return stmt;
        return Connection is Microsoft.Data.Sqlite.SqliteConnection sc ? Drivers.Sqlite.SqliteStatement.TryPrepare(sc, sql) : null;
    }

    internal void ReturnStatement(Drivers.Sqlite.SqliteStatement stmt)
    {
        if (_statements.Count >= 128 || !_statements.TryAdd(stmt.Sql, stmt)) { stmt.Dispose(); return; }
        // the next user binds every value again; until then large text or blobs need not stay in memory
        stmt.ClearBindings();
    }

    internal void MarkCheckedOut() => Volatile.Write(ref _checkedOut, 1);

    /// <summary>Marks the connection broken: it is closed instead of returned.</summary>
    public void Invalidate() => Invalidated = true;

    internal void ClosePhysical()
    {
        foreach (var c in _commands.Values) c.Dispose();
        _commands.Clear();
        // before the connection closes: sqlite3_close then finds no statement of ours unfinalized
        foreach (var st in _statements.Values) st.Dispose();
        _statements.Clear();
        try { Connection.Dispose(); } catch (Exception) { /* closing a broken connection may fail; it is gone either way */ }
    }

    /// <summary>Returns the connection to its pool.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _checkedOut, 0) == 1) Pool.Return(this);
    }
}

/// <summary>Base of connection pools. Thread-safe.</summary>
public abstract class Pool : IDisposable
{
    private readonly Func<DbConnection> _creator;
    private readonly Func<DbConnection, Exception, DatabaseException?>? _translate;

    /// <summary>Creates a pool around a connection factory (SQLAlchemy's <c>creator</c>).</summary>
    protected Pool(Func<DbConnection> creator, Func<DbConnection, Exception, DatabaseException?>? translate = null)
    {
        _creator = creator; _translate = translate;
    }

    /// <summary>Check out a connection; dispose it to return it.</summary>
    public abstract PooledConnection Connect();

    /// <summary>Async checkout; cancellation throws <see cref="OperationCanceledException"/>.</summary>
    public abstract ValueTask<PooledConnection> ConnectAsync(CancellationToken ct = default);

    internal abstract void Return(PooledConnection c);

    /// <summary>Connections currently checked out.</summary>
    public abstract int CheckedOut { get; }

    /// <summary>A one-line status like SQLAlchemy's <c>pool.status()</c>.</summary>
    public abstract string Status();

    /// <summary>Opens a new physical connection with the creator.</summary>
    protected PooledConnection CreateConnection()
    {
        DbConnection conn;
        try
        {
            conn = _creator();
            if (conn.State != System.Data.ConnectionState.Open) conn.Open();
        }
        catch (Exception e) when (e is not TroveSqlException)
        {
            var t = _translate?.Invoke(null!, e);
            if (t != null) throw t;
            throw new OperationalException("pool", e.Message, null, null, e);
        }
        OnConnect?.Invoke(conn);
        return new PooledConnection(this, conn);
    }

    /// <summary>Called for every new physical connection (count or configure connections).</summary>
    public event Action<DbConnection>? OnConnect;

    /// <summary>Closes idle connections.</summary>
    public abstract void Dispose();
}
