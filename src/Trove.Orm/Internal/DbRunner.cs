using System.Data.Common;
using Trove.Sql;

namespace Trove.Orm.Internal;

/// <summary>
/// One session's connection to one bind: checks a Core connection out on first use, runs the transaction
/// statements itself (BEGIN / SAVEPOINT / PREPARE TRANSACTION / COMMIT as SQL, so they show in
/// <c>Engine.StatementExecuted</c> like every other statement and two-phase commit needs no driver support), and
/// returns the connection when the transaction ends.
/// </summary>
/// <remarks>Not thread-safe (owned by one session).</remarks>
internal sealed class DbRunner(DbBind bind)
{
    private Connection? _connection;
    private int _savepointSeq;
    private readonly ArgMap _map = new();
    // prepared commands of the current connection by SQL text: SQLite compiles each statement once per
    // connection checkout instead of once per execution, and parameters are set by index
    private readonly Dictionary<string, PreparedCommand> _prepared = new(StringComparer.Ordinal);

    public DbBind Bind { get; } = bind;
    public OrmDialect Dialect => Bind.Dialect;
    public bool InTransaction { get; private set; }
    public string? TwoPhaseXid { get; private set; }
    private bool Joined => Bind.External is { InTransaction: true };

    public Connection Connection => _connection ??= Bind.External ?? Bind.Engine.Connect();

    /// <summary>Starts the session transaction unless one is active (an outer connection transaction counts).</summary>
    public void EnsureTransaction(bool twoPhase)
    {
        if (InTransaction) return;
        _ = Connection;
        if (Joined) { InTransaction = true; return; }
        Connection.ExecuteSql("BEGIN");
        InTransaction = true;
        if (twoPhase) TwoPhaseXid = "_trove_" + Guid.NewGuid().ToString("N");
    }

    public string Savepoint()
    {
        var name = "sa_savepoint_" + (++_savepointSeq).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Connection.ExecuteSql("SAVEPOINT " + name);
        return name;
    }

    public void ReleaseSavepoint(string name) => Connection.ExecuteSql("RELEASE SAVEPOINT " + name);
    public void RollbackToSavepoint(string name) => Connection.ExecuteSql("ROLLBACK TO SAVEPOINT " + name);

    /// <summary>Phase one of two-phase commit.</summary>
    public void Prepare()
    {
        if (TwoPhaseXid is null || !InTransaction || Prepared) return;
        Connection.ExecuteSql("PREPARE TRANSACTION '" + TwoPhaseXid + "'");
        Prepared = true;
    }

    private bool Prepared { get; set; }

    public void Commit()
    {
        if (!InTransaction) return;
        try
        {
            if (Joined) return;
            if (TwoPhaseXid is not null)
            {
                Prepare();
                Connection.ExecuteSql("COMMIT PREPARED '" + TwoPhaseXid + "'");
            }
            else Connection.ExecuteSql("COMMIT");
        }
        finally { EndTransaction(); }
    }

    public void Rollback()
    {
        if (!InTransaction) return;
        try
        {
            if (Joined || _connection is null || _connection.IsClosed) return;
            if (Prepared) Connection.ExecuteSql("ROLLBACK PREPARED '" + TwoPhaseXid + "'");
            else Connection.ExecuteSql("ROLLBACK");
        }
        finally { EndTransaction(); }
    }

    private void EndTransaction()
    {
        InTransaction = false;
        TwoPhaseXid = null;
        Prepared = false;
        _savepointSeq = 0;
        ReleaseConnection();
    }

    public void ReleaseConnection()
    {
        DisposePrepared();
        if (_connection is null || Bind.External is not null) return;
        var c = _connection;
        _connection = null;
        c.Dispose();
    }

    // statements beyond this many (varying IN-list lengths, ad-hoc queries) run unprepared
    private const int MaxPrepared = 128;

    private void DisposePrepared()
    {
        if (_prepared.Count == 0) return;
        foreach (var pc in _prepared.Values) pc.Dispose();
        _prepared.Clear();
    }

    /// <summary>
    /// The prepared command for <paramref name="sql"/> on this runner's connection, or null when it is executing
    /// (a reader of it is still open, e.g. a lazy load while a query streams): then run it the one-off way.
    /// </summary>
    public PreparedCommand? Command(string sql)
    {
        if (_prepared.TryGetValue(sql, out var pc)) return pc.IsBusy ? null : pc;
        if (Connection.IsMock || _prepared.Count >= MaxPrepared) return null;
        pc = Connection.PrepareCommand(Bind.Compile(sql));
        _prepared.Add(sql, pc);
        return pc;
    }

    /// <summary>Binds <paramref name="args"/> by index.</summary>
    public static PreparedCommand Bound(PreparedCommand pc, ReadOnlySpan<object?> args)
    {
        for (var i = 0; i < args.Length; i++) pc.Set(i, args[i]);
        return pc;
    }

    public int ExecuteNonQuery(string sql, ReadOnlySpan<object?> args)
    {
        if (Command(sql) is { } pc) return Bound(pc, args).ExecuteNonQuery();
        _map.Set(args);
        return Connection.ExecuteNonQuery(Bind.Compile(sql), _map);
    }

    public DbDataReader ExecuteReader(string sql, ReadOnlySpan<object?> args)
    {
        if (Command(sql) is { } pc) return Bound(pc, args).ExecuteReader();
        _map.Set(args);
        return Connection.ExecuteReader(Bind.Compile(sql), _map);
    }

    public Task<DbDataReader> ExecuteReaderAsync(string sql, object?[] args, CancellationToken ct)
    {
        if (Command(sql) is { } pc) return Bound(pc, args).ExecuteReaderAsync(ct);
        _map.Set(args);
        return Connection.ExecuteReaderAsync(Bind.Compile(sql), _map, ct);
    }

    /// <summary>True when one round trip can carry many executions (<see cref="Connection.SupportsBatch"/>: PostgreSQL).</summary>
    public bool CanBatch => Connection.SupportsBatch;

    /// <summary><paramref name="sql"/> once per row of values in one round trip; one result set per row, in order.</summary>
    public DbDataReader ExecuteReaderBatch(string sql, List<object?[]> rows) => Connection.ExecuteBatchReader(Bind.Compile(sql), Maps(rows));

    /// <summary><paramref name="sql"/> once per row of values in one round trip; the rows each execution affected.</summary>
    public int[] ExecuteNonQueryBatch(string sql, List<object?[]> rows) => Connection.ExecuteBatchCounts(Bind.Compile(sql), Maps(rows));

    private static IReadOnlyDictionary<string, object?>?[] Maps(List<object?[]> rows)
    {
        var maps = new IReadOnlyDictionary<string, object?>?[rows.Count];
        for (var i = 0; i < maps.Length; i++) maps[i] = new ArgMap(rows[i]);
        return maps;
    }

    /// <summary>The values of one execution keyed p0, p1, … without building a dictionary.</summary>
    private sealed class ArgMap : IReadOnlyDictionary<string, object?>
    {
        private object?[] _values;
        private int _count;

        public ArgMap() => _values = new object?[16];

        /// <summary>A map over <paramref name="values"/> itself (not copied).</summary>
        public ArgMap(object?[] values)
        {
            _values = values;
            _count = values.Length;
        }

        public void Set(ReadOnlySpan<object?> args)
        {
            if (_values.Length < args.Length) _values = new object?[Math.Max(args.Length, _values.Length * 2)];
            args.CopyTo(_values);
            _count = args.Length;
        }

        public bool TryGetValue(string key, out object? value)
        {
            value = null;
            if (key.Length < 2 || key[0] != 'p') return false;
            var i = 0;
            for (var k = 1; k < key.Length; k++)
            {
                var ch = key[k];
                if (ch is < '0' or > '9') return false;
                i = i * 10 + (ch - '0');
            }
            if (i >= _count) return false;
            value = _values[i];
            return true;
        }

        public object? this[string key] => TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key);
        public IEnumerable<string> Keys => Enumerable.Range(0, _count).Select(i => "p" + i);
        public IEnumerable<object?> Values => _values.Take(_count);
        public int Count => _count;
        public bool ContainsKey(string key) => TryGetValue(key, out _);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < _count; i++) yield return new("p" + i, _values[i]);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
