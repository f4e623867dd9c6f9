using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Trove.Sql.Dialects;
using Trove.Sql.Pooling;

namespace Trove.Sql;

/// <summary>
/// A pooled connection (SQLAlchemy's <c>Connection</c>). Without <see cref="Begin"/> each statement autocommits.
/// Dispose returns it to the pool (rolling back an open transaction). Not thread-safe.
/// </summary>
public sealed partial class Connection : IDisposable, IAsyncDisposable
{
    private PooledConnection? _pooled;
    private readonly bool _mock;
    private DbTransaction? _dbTx;
    private Transaction? _root;
    private int _savepointSeq;

    internal Connection(Engine engine, PooledConnection? pooled)
    {
        Engine = engine; _pooled = pooled; _mock = pooled == null;
    }

    /// <summary>The engine.</summary>
    public Engine Engine { get; }
    /// <summary>The engine's dialect.</summary>
    public Dialect Dialect => Engine.Dialect;
    /// <summary>The physical ADO.NET connection.</summary>
    public DbConnection DbConnection => Pooled.Connection;
    /// <summary>The ADO.NET transaction in progress, if any (assign it to commands you run yourself).</summary>
    public DbTransaction? DbTransaction => _dbTx;
    /// <summary>True inside <see cref="Begin"/>.</summary>
    public bool InTransaction => _root != null;
    /// <summary>The outermost transaction, if any.</summary>
    public Transaction? CurrentTransaction => _root;
    /// <summary>True for a mock engine's connection.</summary>
    public bool IsMock => _mock;
    /// <summary>True once disposed.</summary>
    public bool IsClosed => !_mock && _pooled == null;

    private PooledConnection Pooled => _pooled ?? throw new ObjectDisposedException(nameof(Connection), "This Connection is closed");
    private DbDriver Driver => Engine.Driver!;

    /// <summary>Begins the outer transaction; dispose without <c>Commit</c> rolls back.</summary>
    public Transaction Begin()
    {
        if (_root != null) throw new InvalidOperationException("A transaction is already begun on this Connection; use BeginNested() for a savepoint");
        if (!_mock) _dbTx = Driver.BeginTransaction(Pooled.Connection);
        _root = new Transaction(this, null, null);
        return _root;
    }

    /// <summary>SAVEPOINT inside the current transaction (begun first when there is none).</summary>
    public Transaction BeginNested()
    {
        if (!Dialect.SupportsSavepoints) throw new NotSupportedException($"The {Dialect.Name} dialect has no savepoints");
        _root ??= Begin();
        var name = "sa_savepoint_" + (++_savepointSeq).ToString(System.Globalization.CultureInfo.InvariantCulture);
        ExecuteSql("SAVEPOINT " + name);
        return new Transaction(this, _root, name);
    }

    /// <summary>Commits the outer transaction, if any (SQLAlchemy 2.0 <c>conn.commit()</c>).</summary>
    public void Commit() => _root?.Commit();
    /// <summary>Rolls back the outer transaction, if any.</summary>
    public void Rollback() => _root?.Rollback();

    internal void EndRoot(bool commit)
    {
        var tx = _dbTx;
        _dbTx = null; _root = null;
        if (tx == null) return;
        try
        {
            if (commit) tx.Commit(); else tx.Rollback();
        }
        catch (Exception e) when (Driver.Translate(e, commit ? "COMMIT" : "ROLLBACK", null) is { } t) { throw t; }
        finally { tx.Dispose(); }
    }

    /// <summary>Runs DDL/utility SQL with no parameters (raises <see cref="Engine.StatementExecuted"/>).</summary>
    public int ExecuteSql(string sql)
    {
        var cs = new CompiledStatement(Dialect, sql, [], false, null);
        return ExecuteNonQuery(cs);
    }

    /// <summary>
    /// Executes a statement; rows are buffered in the result. The SQL comes from the engine's compiled cache. A multi-row
    /// INSERT binding more than the dialect's <c>MaxParameters</c> values runs as several INSERTs, in one transaction
    /// (the current one, or its own), and their results are concatenated.
    /// </summary>
    public Result Execute(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        if (stmt is Insert { IsMultiRow: true } ins && ins.Split(Dialect.MaxParameters) is { Count: > 1 } chunks) return ExecuteChunks(chunks, parameters);
        return Execute(Engine.CompiledCache.Compile(stmt), parameters);
    }

    private Result ExecuteChunks(IReadOnlyList<Insert> chunks, IReadOnlyDictionary<string, object?>? parameters)
    {
        Transaction? own = _mock || InTransaction ? null : Begin();
        try
        {
            var results = new List<Result>(chunks.Count);
            foreach (var chunk in chunks) results.Add(Execute(Engine.CompiledCache.Compile(chunk), parameters));
            own?.Commit();
            return Result.Concat(results);
        }
        finally { own?.Dispose(); }
    }

    /// <summary>Executes a compiled statement; <paramref name="parameters"/> override named binds.</summary>
    public Result Execute(CompiledStatement cs, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        if (_mock) { Engine.MockExecutor!(cs); return Result.Empty(); }
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out var cached);
        Result result;
        try
        {
            using var reader = cmd.ExecuteReader();
            result = Buffer(reader, cs);
        }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Release(cs, cmd, cached);
        Raise(cs, cmd, start, result.RowCount);
        return result;
    }

    /// <summary>Async <see cref="Execute(Executable, IReadOnlyDictionary{string, object?}?)"/>.</summary>
    public Task<Result> ExecuteAsync(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default)
    {
        if (stmt is Insert { IsMultiRow: true } ins && ins.Split(Dialect.MaxParameters) is { Count: > 1 } chunks) return ExecuteChunksAsync(chunks, parameters, ct);
        return ExecuteAsync(Engine.CompiledCache.Compile(stmt), parameters, ct);
    }

    private async Task<Result> ExecuteChunksAsync(IReadOnlyList<Insert> chunks, IReadOnlyDictionary<string, object?>? parameters, CancellationToken ct)
    {
        Transaction? own = _mock || InTransaction ? null : Begin();
        try
        {
            var results = new List<Result>(chunks.Count);
            foreach (var chunk in chunks) results.Add(await ExecuteAsync(Engine.CompiledCache.Compile(chunk), parameters, ct).ConfigureAwait(false));
            own?.Commit();
            return Result.Concat(results);
        }
        finally { own?.Dispose(); }
    }

    /// <summary>Async execution of a compiled statement.</summary>
    public async Task<Result> ExecuteAsync(CompiledStatement cs, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default)
    {
        if (_mock) { Engine.MockExecutor!(cs); return Result.Empty(); }
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out var cached);
        Result result;
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            result = Buffer(reader, cs);
        }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Release(cs, cmd, cached);
        Raise(cs, cmd, start, result.RowCount);
        return result;
    }

    /// <summary>First column of the first row.</summary>
    public T? Scalar<T>(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null) => Execute(stmt, parameters).Scalar<T>();

    /// <summary>Async <see cref="Scalar{T}"/>.</summary>
    public async Task<T?> ScalarAsync<T>(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default) =>
        (await ExecuteAsync(stmt, parameters, ct).ConfigureAwait(false)).Scalar<T>();

    /// <summary>Executes without reading rows; returns rows affected.</summary>
    public int ExecuteNonQuery(CompiledStatement cs, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        if (_mock) { Engine.MockExecutor!(cs); return -1; }
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out var cached);
        int n;
        try { n = cmd.ExecuteNonQuery(); }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Release(cs, cmd, cached);
        Raise(cs, cmd, start, n);
        return n;
    }

    /// <summary>
    /// Streams rows through <paramref name="map"/> into a list (the hot path for typed materializers: no Row objects).
    /// </summary>
    public List<T> Query<T>(Executable stmt, Func<DbDataReader, T> map, IReadOnlyDictionary<string, object?>? parameters = null) =>
        Query(Engine.CompiledCache.Compile(stmt), map, parameters);

    /// <summary>Streams the rows of a compiled statement through <paramref name="map"/>.</summary>
    public List<T> Query<T>(CompiledStatement cs, Func<DbDataReader, T> map, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        if (_mock) { Engine.MockExecutor!(cs); return []; }
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out var cached);
        var list = new List<T>();
        try
        {
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) list.Add(map(reader));
        }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Release(cs, cmd, cached);
        Raise(cs, cmd, start, list.Count);
        return list;
    }

    /// <summary>The first row mapped by <paramref name="map"/>; <see cref="NoResultException"/> when there is none.</summary>
    public T QueryFirst<T>(Executable stmt, Func<DbDataReader, T> map, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        var cs = Engine.CompiledCache.Compile(stmt);
        if (_mock) { Engine.MockExecutor!(cs); throw new NoResultException(); }
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out var cached);
        T value;
        bool found;
        try
        {
            using var reader = cmd.ExecuteReader();
            found = reader.Read();
            value = found ? map(reader) : default!;
        }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Release(cs, cmd, cached);
        Raise(cs, cmd, start, found ? 1 : 0);
        return found ? value : throw new NoResultException();
    }

    /// <summary>Async <see cref="Query{T}(CompiledStatement, Func{DbDataReader, T}, IReadOnlyDictionary{string, object?}?)"/>.</summary>
    public async Task<List<T>> QueryAsync<T>(Executable stmt, Func<DbDataReader, T> map, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default)
    {
        var cs = Engine.CompiledCache.Compile(stmt);
        if (_mock) { Engine.MockExecutor!(cs); return []; }
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out var cached);
        var list = new List<T>();
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) list.Add(map(reader));
        }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Release(cs, cmd, cached);
        Raise(cs, cmd, start, list.Count);
        return list;
    }

    /// <summary>
    /// Executes and hands the open reader to the caller, who must dispose it before the next statement.
    /// <see cref="Engine.StatementExecuted"/> is raised with RowCount -1.
    /// </summary>
    public DbDataReader ExecuteReader(CompiledStatement cs, IReadOnlyDictionary<string, object?>? parameters = null, CommandBehavior behavior = CommandBehavior.Default)
    {
        if (_mock) throw new InvalidOperationException("A mock connection has no reader");
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out _);
        DbDataReader reader;
        try { reader = cmd.ExecuteReader(behavior); }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Raise(cs, cmd, start, -1);
        return reader;
    }

    /// <summary>Async <see cref="ExecuteReader"/>.</summary>
    public async Task<DbDataReader> ExecuteReaderAsync(CompiledStatement cs, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default)
    {
        if (_mock) throw new InvalidOperationException("A mock connection has no reader");
        long start = Stopwatch.GetTimestamp();
        var cmd = Prepare(cs, parameters, out _);
        DbDataReader reader;
        try { reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false); }
        catch (Exception e) { var t = Translate(e, cs, cmd); cmd.Dispose(); if (t != null) throw t; throw; }
        Raise(cs, cmd, start, -1);
        return reader;
    }

    /// <summary>
    /// Runs one statement once per parameter set (SQLAlchemy's executemany), re-using one prepared command;
    /// returns the total rows affected.
    /// </summary>
    public int ExecuteMany(Executable stmt, IEnumerable<IReadOnlyDictionary<string, object?>> parameterSets)
    {
        var cs = Engine.CompiledCache.Compile(stmt);
        if (!_mock && Pooled.Connection.CanCreateBatch)
            return ExecuteBatch(parameterSets.Select(set => (cs, (IReadOnlyDictionary<string, object?>?)set)));
        int total = 0;
        foreach (var set in parameterSets) total += ExecuteNonQuery(cs, set);
        return total;
    }

    private static object?[] BindValues(CompiledStatement cs, IReadOnlyDictionary<string, object?>? overrides)
    {
        var r = new object?[cs.ParameterCount];
        for (int i = 0; i < r.Length; i++)
        {
            object? v = cs.Values[i];
            if (overrides != null && cs.ParameterName(i) is string name && overrides.TryGetValue(name, out var ov)) v = ov;
            if (v is RequiredValue) throw new ArgumentException($"A value is required for bind parameter '{cs.ParameterName(i)}'");
            r[i] = cs.Dialect.ToDriverValue(v, cs.ParameterType(i));
        }
        return r;
    }

    /// <summary>True when the table exists (used by <c>checkFirst</c>).</summary>
    public bool HasTable(string name)
    {
        if (_mock) return false;
        var cs = new CompiledStatement(Dialect, Dialect.HasTableSql, [new BoundParameter(null, name, null)], true, null);
        return Execute(cs).All().Count > 0;
    }

    /// <summary>Returns the connection to the pool, rolling back an open transaction.</summary>
    public void Dispose()
    {
        if (_pooled == null) return;
        try
        {
            if (_root != null)
            {
                try { EndRoot(commit: false); }
                catch (DatabaseException) { _pooled.Invalidate(); }
            }
        }
        finally
        {
            var p = _pooled;
            _pooled = null;
            p.Dispose();
        }
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }

    /// <summary>Marks the physical connection broken so the pool discards it.</summary>
    public void Invalidate() => _pooled?.Invalidate();
}
