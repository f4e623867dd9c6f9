using System.Data.Common;
using System.Diagnostics;

namespace Trove.Orm.Internal;

/// <summary>
/// One session's connection to one engine: checks a connection out on first use, runs the transaction statements
/// itself (BEGIN / SAVEPOINT / COMMIT as SQL, so they appear in the statement event like every other statement),
/// keeps prepared commands per SQL text, and returns the connection when the transaction ends.
/// </summary>
/// <remarks>Not thread-safe (owned by one session).</remarks>
internal sealed class DbRunner(IDbSource source)
{
    private DbConnection? _connection;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private int _savepointSeq;

    public IDbSource Source { get; } = source;
    public OrmDialect Dialect => Source.Dialect;
    public bool InTransaction { get; private set; }
    public string? TwoPhaseXid { get; private set; }

    public DbConnection Connection
    {
        get
        {
            if (_connection is null) _connection = Source.Acquire();
            return _connection;
        }
    }

    /// <summary>Starts the session transaction unless one is active (an outer transaction counts as active).</summary>
    public void EnsureTransaction(bool twoPhase)
    {
        if (InTransaction) return;
        _ = Connection;
        if (Source.IsExternalConnection && Source.ExternalTransaction is not null) { InTransaction = true; return; }
        RawExecute("BEGIN");
        InTransaction = true;
        if (twoPhase) TwoPhaseXid = "_trove_" + Guid.NewGuid().ToString("N");
    }

    public string Savepoint()
    {
        var name = "sa_savepoint_" + (++_savepointSeq);
        RawExecute("SAVEPOINT " + name);
        return name;
    }

    public void ReleaseSavepoint(string name) => RawExecute("RELEASE SAVEPOINT " + name);
    public void RollbackToSavepoint(string name) => RawExecute("ROLLBACK TO SAVEPOINT " + name);

    public void Prepare()
    {
        if (TwoPhaseXid is null || !InTransaction) return;
        RawExecute("PREPARE TRANSACTION '" + TwoPhaseXid + "'");
    }

    public void Commit()
    {
        if (!InTransaction) return;
        try
        {
            if (Source.IsExternalConnection && Source.ExternalTransaction is not null) return;
            if (TwoPhaseXid is not null) RawExecute("COMMIT PREPARED '" + TwoPhaseXid + "'");
            else RawExecute("COMMIT");
        }
        finally { EndTransaction(); }
    }

    public void Rollback()
    {
        if (!InTransaction) return;
        try
        {
            if (Source.IsExternalConnection && Source.ExternalTransaction is not null) return;
            if (_connection is { State: System.Data.ConnectionState.Open })
            {
                try { RawExecute("ROLLBACK"); }
                catch (Exception) when (TwoPhaseXid is not null) { RawExecute("ROLLBACK PREPARED '" + TwoPhaseXid + "'"); }
            }
        }
        finally { EndTransaction(); }
    }

    private void EndTransaction()
    {
        InTransaction = false;
        TwoPhaseXid = null;
        _savepointSeq = 0;
        ReleaseConnection();
    }

    public void ReleaseConnection()
    {
        if (_connection is null || Source.IsExternalConnection) return;
        foreach (var c in _commands.Values) c.Dispose();
        _commands.Clear();
        var c2 = _connection;
        _connection = null;
        Source.Release(c2);
    }

    /// <summary>A (cached, reusable) command for <paramref name="sql"/> with <paramref name="args"/> bound.</summary>
    public DbCommand Command(string sql, ReadOnlySpan<object?> args)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            for (var i = 0; i < args.Length; i++)
            {
                var p = cmd.CreateParameter();
                p.ParameterName = OrmDialect.ParameterName(i);
                cmd.Parameters.Add(p);
            }
            if (_commands.Count > 200) { foreach (var c in _commands.Values) c.Dispose(); _commands.Clear(); }
            _commands[sql] = cmd;
        }
        cmd.Transaction = Source.ExternalTransaction;
        var ps = cmd.Parameters;
        for (var i = 0; i < args.Length; i++) ps[i].Value = args[i] ?? DBNull.Value;
        return cmd;
    }

    public int ExecuteNonQuery(string sql, ReadOnlySpan<object?> args)
    {
        var cmd = Command(sql, args);
        var start = Stopwatch.GetTimestamp();
        int n;
        try { n = cmd.ExecuteNonQuery(); }
        catch (DbException e) { throw Source.Translate(e, sql, cmd.Parameters); }
        if (Source.HasListeners) Source.Notify(sql, cmd.Parameters, Stopwatch.GetElapsedTime(start), n);
        return n;
    }

    public DbDataReader ExecuteReader(string sql, ReadOnlySpan<object?> args, System.Data.CommandBehavior behavior = System.Data.CommandBehavior.Default)
    {
        var cmd = Command(sql, args);
        var start = Stopwatch.GetTimestamp();
        DbDataReader r;
        try { r = cmd.ExecuteReader(behavior); }
        catch (DbException e) { throw Source.Translate(e, sql, cmd.Parameters); }
        if (Source.HasListeners) Source.Notify(sql, cmd.Parameters, Stopwatch.GetElapsedTime(start), -1);
        return r;
    }

    public async Task<DbDataReader> ExecuteReaderAsync(string sql, object?[] args, CancellationToken ct)
    {
        var cmd = Command(sql, args);
        var start = Stopwatch.GetTimestamp();
        DbDataReader r;
        try { r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false); }
        catch (DbException e) { throw Source.Translate(e, sql, cmd.Parameters); }
        if (Source.HasListeners) Source.Notify(sql, cmd.Parameters, Stopwatch.GetElapsedTime(start), -1);
        return r;
    }

    public async Task<int> ExecuteNonQueryAsync(string sql, object?[] args, CancellationToken ct)
    {
        var cmd = Command(sql, args);
        var start = Stopwatch.GetTimestamp();
        int n;
        try { n = await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false); }
        catch (DbException e) { throw Source.Translate(e, sql, cmd.Parameters); }
        if (Source.HasListeners) Source.Notify(sql, cmd.Parameters, Stopwatch.GetElapsedTime(start), n);
        return n;
    }

    /// <summary>Runs a statement without parameters and without caching (transaction control).</summary>
    public void RawExecute(string sql)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = Source.ExternalTransaction;
        var start = Stopwatch.GetTimestamp();
        try { cmd.ExecuteNonQuery(); }
        catch (DbException e) { throw Source.Translate(e, sql, null); }
        if (Source.HasListeners) Source.Notify(sql, null, Stopwatch.GetElapsedTime(start), -1);
    }
}
