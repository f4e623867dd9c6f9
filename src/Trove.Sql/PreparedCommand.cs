using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Trove.Sql.Drivers.Sqlite;

namespace Trove.Sql;

public sealed partial class Connection
{
    /// <summary>
    /// Binds <paramref name="cs"/> to one prepared command of this connection for repeated execution with values
    /// set by index (the ORM's flush and by-key loads). Dispose returns the command to the connection's cache.
    /// </summary>
    public PreparedCommand PrepareCommand(CompiledStatement cs)
    {
        if (_mock) return new PreparedCommand(this, cs, null, false);
        if (Engine.Options.DirectStatements && Driver is SqliteDriver && Pooled.GetStatement(cs.Sql) is { } stmt)
        {
            try { return new PreparedCommand(this, cs, stmt); }
            catch { stmt.Dispose(); throw; }
        }
        var cmd = Pooled.GetCommand(cs.Sql, out var cached);
        var values = cs.Values;
        var types = cs.Plan.Types;
        var coll = cmd.Parameters;
        if (cached && coll.Count == values.Length) return new PreparedCommand(this, cs, cmd, true);
        coll.Clear();
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            coll.Add(Driver.CreateParameter(cmd, cs.Dialect.Placeholder(i), v is RequiredValue ? null : cs.Dialect.ToDriverValue(v, types[i])));
        }
        return new PreparedCommand(this, cs, cmd, cached);
    }

    internal DbTransaction? CurrentDbTransaction => _dbTx;
    internal DbDriver CurrentDriver => Driver;
    internal void ReturnPrepared(CompiledStatement cs, DbCommand cmd, bool cached) => Release(cs, cmd, cached);
    internal DatabaseException? TranslatePrepared(Exception e, CompiledStatement cs, DbCommand cmd) => Translate(e, cs, cmd);
    internal void RaisePrepared(CompiledStatement cs, DbCommand cmd, long start, int rows) => Raise(cs, cmd, start, rows);
    internal void ReturnStatement(SqliteStatement stmt) => Pooled.ReturnStatement(stmt);

    internal DatabaseException? TranslateValues(Exception e, CompiledStatement cs, object?[] values)
    {
        RaiseValues(cs, values, Stopwatch.GetTimestamp(), -1);
        if (e is TroveSqlException) return null;
        return Driver.Translate(e, cs.Sql, Engine.Options.HideParameters ? null : (object?[])values.Clone());
    }

    internal void RaiseValues(CompiledStatement cs, object?[] values, long start, int rows)
    {
        if (!Engine.HasListeners) return;
        var elapsed = Stopwatch.GetElapsedTime(start);
        var list = new KeyValuePair<string, object?>[values.Length];
        for (int i = 0; i < list.Length; i++) list[i] = new(cs.ParameterName(i) ?? cs.Dialect.Placeholder(i), values[i]);
        Engine.RaiseExecuted(this, cs, start, list, elapsed, rows);
    }
}

/// <summary>
/// One statement on one connection's prepared ADO.NET command, executed many times with values set by index:
/// no per-execution parameter objects, and SQLite keeps its compiled statement between executions. Every
/// execution raises <see cref="Engine.StatementExecuted"/> and translates driver errors like
/// <see cref="Connection.ExecuteNonQuery"/>. Not thread-safe; a reader it returned must be disposed before the
/// next execution (<see cref="IsBusy"/>).
/// </summary>
/// <remarks>
/// On SQLite (unless <see cref="EngineOptions.DirectStatements"/> is off) the command is a raw <c>sqlite3_stmt</c>
/// rather than a <c>SqliteCommand</c>: values are bound by position when set, executions step the statement
/// directly and the reader (one per command, re-opened by each execution) reads columns straight from it.
/// </remarks>
public sealed class PreparedCommand : IDisposable
{
    private readonly Connection _connection;
    private readonly DbCommand? _cmd;
    private readonly bool _cached;
    private DbDataReader? _reader;
    private bool _disposed;
    // the direct SQLite path: the statement, SQLite's parameter positions, the bound driver values (for events
    // and error messages) and the command's one reader
    private readonly SqliteStatement? _stmt;
    private readonly int[]? _positions;
    private readonly object?[]? _values;
    private readonly SqliteStatementReader? _stmtReader;

    internal PreparedCommand(Connection connection, CompiledStatement cs, DbCommand? cmd, bool cached)
    {
        _connection = connection; Statement = cs; _cmd = cmd; _cached = cached;
    }

    internal PreparedCommand(Connection connection, CompiledStatement cs, SqliteStatement stmt)
    {
        _connection = connection; Statement = cs; _stmt = stmt;
        var values = cs.Values;
        var types = cs.Plan.Types;
        _positions = stmt.Positions(values.Length, cs.Dialect.Placeholder);
        _values = new object?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i] is RequiredValue ? null : cs.Dialect.ToDriverValue(values[i], types[i]);
            _values[i] = v;
            stmt.Bind(_positions[i], v);
        }
        _stmtReader = new SqliteStatementReader(stmt) { Translate = e => Translated(e) ?? e };
        _reader = _stmtReader;
    }

    /// <summary>The statement.</summary>
    public CompiledStatement Statement { get; }

    /// <summary>Number of parameters (placeholder order).</summary>
    public int ParameterCount => Statement.Values.Length;

    /// <summary>
    /// True on the direct SQLite path, where <see cref="LastInsertRowId"/> is available: an INSERT of a table whose
    /// key is its rowid can then read the new key without RETURNING (which SQLite runs through an ephemeral table
    /// per execution, several times the cost of the INSERT itself).
    /// </summary>
    public bool HasLastInsertRowId => _stmt is not null;

    /// <summary>SQLite's <c>sqlite3_last_insert_rowid</c> after an INSERT executed by this command.</summary>
    public long LastInsertRowId => _stmt?.LastInsertRowId ?? throw new NotSupportedException("LastInsertRowId needs the direct SQLite statement path");

    /// <summary>SQLite: true when <paramref name="column"/> of <paramref name="table"/> is the table's rowid (<c>INTEGER PRIMARY KEY</c>).</summary>
    public bool IsRowIdColumn(string table, string column) => _stmt is not null && _stmt.IsRowIdAlias(table, column);

    /// <summary>True while a reader from <see cref="ExecuteReader"/> is open.</summary>
    public bool IsBusy => _reader is { IsClosed: false };

    /// <summary>Sets parameter <paramref name="index"/> (converted like any bound value of the statement).</summary>
    public void Set(int index, object? value)
    {
        if (_stmt is not null)
        {
            var v = Statement.Dialect.ToDriverValue(value, Statement.Plan.Types[index]);
            _values![index] = v;
            _stmt.Bind(_positions![index], v);
            return;
        }
        if (_cmd is null) return;
        _connection.CurrentDriver.SetParameterValue(_cmd.Parameters[index], Statement.Dialect.ToDriverValue(value, Statement.Plan.Types[index]));
    }

    private Exception? Translated(Exception e) => _connection.TranslateValues(e, Statement, _values!);

    /// <summary>Executes without reading rows; returns rows affected.</summary>
    public int ExecuteNonQuery()
    {
        if (_stmt is not null) return ExecuteNonQueryDirect();
        var cmd = Ready();
        if (cmd is null) return -1;
        var start = Stopwatch.GetTimestamp();
        int n;
        try { n = cmd.ExecuteNonQuery(); }
        catch (Exception e) when (_connection.TranslatePrepared(e, Statement, cmd) is { } t) { throw t; }
        _connection.RaisePrepared(Statement, cmd, start, n);
        return n;
    }

    /// <summary>Executes and returns the open reader (dispose it before executing again); RowCount in the event is -1.</summary>
    public DbDataReader ExecuteReader(CommandBehavior behavior = CommandBehavior.Default)
    {
        if (_stmt is not null) return ExecuteReaderDirect();
        var cmd = Ready() ?? throw new InvalidOperationException("A mock connection has no reader");
        var start = Stopwatch.GetTimestamp();
        try { _reader = cmd.ExecuteReader(behavior); }
        catch (Exception e) when (_connection.TranslatePrepared(e, Statement, cmd) is { } t) { throw t; }
        _connection.RaisePrepared(Statement, cmd, start, -1);
        return _reader;
    }

    /// <summary>Async <see cref="ExecuteReader"/>.</summary>
    public async Task<DbDataReader> ExecuteReaderAsync(CancellationToken ct = default)
    {
        if (_stmt is not null)
        {
            ct.ThrowIfCancellationRequested();
            return ExecuteReaderDirect();
        }
        var cmd = Ready() ?? throw new InvalidOperationException("A mock connection has no reader");
        var start = Stopwatch.GetTimestamp();
        try { _reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false); }
        catch (Exception e) when (_connection.TranslatePrepared(e, Statement, cmd) is { } t) { throw t; }
        _connection.RaisePrepared(Statement, cmd, start, -1);
        return _reader;
    }

    private int ExecuteNonQueryDirect()
    {
        ReadyDirect();
        var stmt = _stmt!;
        var start = Stopwatch.GetTimestamp();
        int n;
        try
        {
            var rc = stmt.StepFirst();
            while (rc == Drivers.Sqlite.SqliteNative.RcRow) rc = stmt.Step();
            n = stmt.Changes;
        }
        catch (Exception e) when (Translated(e) is { } t) { throw t; }
        finally { stmt.Reset(); }
        _connection.RaiseValues(Statement, _values!, start, n);
        return n;
    }

    private SqliteStatementReader ExecuteReaderDirect()
    {
        ReadyDirect();
        var start = Stopwatch.GetTimestamp();
        int rc;
        try { rc = _stmt!.StepFirst(); }
        catch (Exception e) when (Translated(e) is { } t) { throw t; }
        _stmtReader!.Open(rc);
        _connection.RaiseValues(Statement, _values!, start, -1);
        return _stmtReader;
    }

    private void ReadyDirect()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_connection.IsClosed) throw new ObjectDisposedException(nameof(Connection), "This Connection is closed");
        if (!_stmtReader!.IsClosed) throw new InvalidOperationException("The previous reader of this command is still open");
    }

    private DbCommand? Ready()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_cmd is null)
        {
            _connection.Engine.MockExecutor?.Invoke(Statement);
            return null;
        }
        if (IsBusy) throw new InvalidOperationException("The previous reader of this command is still open");
        _cmd.Transaction = _connection.CurrentDbTransaction;
        return _cmd;
    }

    /// <summary>Returns the command to the connection's cache (or disposes it when the connection is closed).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _reader?.Dispose();
        if (_stmt is not null)
        {
            if (_connection.IsClosed) _stmt.Dispose();
            else _connection.ReturnStatement(_stmt);
            return;
        }
        if (_cmd is null) return;
        if (_connection.IsClosed) _cmd.Dispose();
        else _connection.ReturnPrepared(Statement, _cmd, _cached);
    }
}
