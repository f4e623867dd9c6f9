using System.Data.Common;
using System.Diagnostics;
using Trove.Sql.Dialects;
using Trove.Sql.Pooling;

namespace Trove.Sql;

/// <summary>Options of <see cref="Engine.Create(string, EngineOptions?)"/> (SQLAlchemy's <c>create_engine</c> keywords).</summary>
public sealed class EngineOptions
{
    /// <summary>QueuePool size (default 5).</summary>
    public int PoolSize { get; init; } = 5;
    /// <summary>QueuePool overflow (default 10).</summary>
    public int MaxOverflow { get; init; } = 10;
    /// <summary>Replace connections older than this at checkout (default: never).</summary>
    public TimeSpan? PoolRecycle { get; init; }
    /// <summary>Wait for a free connection at most this long (default 30 s).</summary>
    public TimeSpan PoolTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Test connections at checkout.</summary>
    public bool PoolPrePing { get; init; }
    /// <summary>Pool implementation (default: Static for in-memory SQLite, Queue otherwise).</summary>
    public PoolKind PoolClass { get; init; }
    /// <summary>Opens physical connections instead of the URL's driver (SQLAlchemy's <c>creator</c>).</summary>
    public Func<DbConnection>? Creator { get; init; }
    /// <summary>An existing pool, possibly shared by several engines (not disposed with the engine).</summary>
    public Pool? Pool { get; init; }
    /// <summary>Write every statement and its parameters to <see cref="EchoWriter"/>.</summary>
    public bool Echo { get; init; }
    /// <summary>Where echo goes (default stdout).</summary>
    public TextWriter? EchoWriter { get; init; }
    /// <summary>Leave parameter values out of exceptions and echo.</summary>
    public bool HideParameters { get; init; }
    /// <summary>
    /// Entries of the engine's compiled cache (structural key → SQL and parameter plan), SQLAlchemy's
    /// <c>query_cache_size</c>: default 500, 0 disables caching.
    /// </summary>
    public int CompiledCacheSize { get; init; } = 500;
    /// <summary>
    /// SQLite: prepared commands (<see cref="Connection.PrepareCommand"/>, which the ORM runs everything hot on)
    /// execute as raw <c>sqlite3_stmt</c>s with a reader over the statement (default true); false keeps them on
    /// Microsoft.Data.Sqlite commands. Other dialects ignore it.
    /// </summary>
    public bool DirectStatements { get; init; } = true;
    /// <summary>A driver to use instead of the registered one.</summary>
    public DbDriver? Driver { get; init; }
}

/// <summary>
/// The starting point (SQLAlchemy's <c>Engine</c>): a dialect, a driver and a pool. Connects lazily. Thread-safe;
/// connections it hands out are not.
/// </summary>
public sealed class Engine : IDisposable, IAsyncDisposable
{
    private readonly bool _ownsPool;
    private readonly Action<CompiledStatement>? _mock;

    private Engine(Url url, Dialect dialect, DbDriver? driver, Pool? pool, bool ownsPool, EngineOptions options, Action<CompiledStatement>? mock)
    {
        Url = url; Dialect = dialect; Driver = driver; _pool = pool; _ownsPool = ownsPool; Options = options; _mock = mock;
        CompiledCache = new StatementCache(dialect, options.CompiledCacheSize);
        if (options.Echo) StatementExecuted += EchoHandler;
    }

    private readonly Pool? _pool;

    /// <summary>The URL.</summary>
    public Url Url { get; }
    /// <summary>The dialect.</summary>
    public Dialect Dialect { get; }
    /// <summary>The driver (null for a mock engine).</summary>
    public DbDriver? Driver { get; }
    /// <summary>The options.</summary>
    public EngineOptions Options { get; }
    /// <summary>The pool (<see cref="InvalidOperationException"/> on a mock engine).</summary>
    public Pool Pool => _pool ?? throw new InvalidOperationException("A mock engine has no pool");
    /// <summary>The engine's compiled cache: hit/miss counters, size, <c>Clear()</c>.</summary>
    public StatementCache CompiledCache { get; }
    /// <summary>True for <see cref="CreateMock(string, Action{CompiledStatement})"/> engines.</summary>
    public bool IsMock => _mock != null;
    internal Action<CompiledStatement>? MockExecutor => _mock;

    /// <summary>Raised after every statement on every connection of this engine (sessions included); a statement the database rejected is raised too, with RowCount -1, before its exception propagates.</summary>
    public event EventHandler<StatementExecutedEventArgs>? StatementExecuted;
    internal bool HasListeners => StatementExecuted != null;

    internal void RaiseExecuted(Connection source, CompiledStatement cs, long start, IReadOnlyList<KeyValuePair<string, object?>> ps, TimeSpan elapsed, int rows) =>
        StatementExecuted?.Invoke(source, new StatementExecutedEventArgs(cs.Sql, ps, elapsed, rows) { CacheStatus = cs.CacheStatus, CacheMarker = cs.CacheMarker(start) });

    /// <summary>Creates an engine from a URL string; nothing connects until first use.</summary>
    public static Engine Create(string url, EngineOptions? options = null) => Create(Url.Parse(url), options);

    /// <summary>Creates an engine from a <see cref="Url"/>.</summary>
    public static Engine Create(Url url, EngineOptions? options = null)
    {
        options ??= new EngineOptions();
        var dialect = url.GetDialect();
        var driver = options.Driver ?? DriverRegistry.Get(url);
        if (options.Pool != null) return new Engine(url, dialect, driver, options.Pool, false, options, null);
        var make = options.Creator ?? (() => driver.CreateConnection(url));
        DbConnection creator()
        {
            // Connection failures surface as the dialect's OperationalException at the first Connect().
            DbConnection? c = null;
            try
            {
                c = make();
                if (c.State != System.Data.ConnectionState.Open) c.Open();
                return c;
            }
            catch (Exception e) when (driver.Translate(e, null, null) is { } t) { c?.Dispose(); throw t; }
        }
        var kind = options.PoolClass;
        if (kind == PoolKind.Default)
            kind = driver is SqliteDriver && SqliteDriver.IsMemory(url) && options.Creator == null ? PoolKind.Static : PoolKind.Queue;
        Pool pool = kind switch
        {
            PoolKind.Null => new NullPool(creator),
            PoolKind.Static => new StaticPool(creator),
            _ => new QueuePool(creator, options.PoolSize, options.MaxOverflow, options.PoolTimeout, options.PoolRecycle, options.PoolPrePing),
        };
        return new Engine(url, dialect, driver, pool, true, options, null);
    }

    /// <summary>
    /// An engine that runs nothing: every statement is compiled for the URL's dialect and passed to
    /// <paramref name="executor"/> (SQLAlchemy's <c>strategy='mock'</c>). Useful to print DDL.
    /// </summary>
    public static Engine CreateMock(string url, Action<CompiledStatement> executor) => CreateMock(Url.Parse(url), executor);

    /// <summary>Mock engine from a <see cref="Url"/>.</summary>
    public static Engine CreateMock(Url url, Action<CompiledStatement> executor) =>
        CreateMock(url, executor, new EngineOptions());

    /// <summary>Mock engine with options (<c>CompiledCacheSize</c> …).</summary>
    public static Engine CreateMock(string url, Action<CompiledStatement> executor, EngineOptions options) => CreateMock(Url.Parse(url), executor, options);

    /// <summary>Mock engine from a <see cref="Url"/>, with options.</summary>
    public static Engine CreateMock(Url url, Action<CompiledStatement> executor, EngineOptions options) =>
        new(url, url.GetDialect(), null, null, false, options, executor);

    /// <summary>Checks a connection out of the pool.</summary>
    public Connection Connect() => _mock != null ? new Connection(this, null) : new Connection(this, Pool.Connect());

    /// <summary>Async <see cref="Connect"/>.</summary>
    public async ValueTask<Connection> ConnectAsync(CancellationToken ct = default) =>
        _mock != null ? new Connection(this, null) : new Connection(this, await Pool.ConnectAsync(ct).ConfigureAwait(false));

    /// <summary>Runs <paramref name="stmt"/> in its own transaction and commits it (SQLAlchemy's <c>engine.begin()</c>).</summary>
    public Result Execute(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        using var conn = Connect();
        if (IsMock) return conn.Execute(stmt, parameters);
        using var tx = conn.Begin();
        var r = conn.Execute(stmt, parameters);
        tx.Commit();
        return r;
    }

    /// <summary>Async <see cref="Execute"/>.</summary>
    public async Task<Result> ExecuteAsync(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default)
    {
        await using var conn = await ConnectAsync(ct).ConfigureAwait(false);
        if (IsMock) return await conn.ExecuteAsync(stmt, parameters, ct).ConfigureAwait(false);
        using var tx = conn.Begin();
        var r = await conn.ExecuteAsync(stmt, parameters, ct).ConfigureAwait(false);
        tx.Commit();
        return r;
    }

    /// <summary>First column of the first row.</summary>
    public T? Scalar<T>(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null) => Execute(stmt, parameters).Scalar<T>();

    /// <summary>Async <see cref="Scalar{T}"/>.</summary>
    public async Task<T?> ScalarAsync<T>(Executable stmt, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default) =>
        (await ExecuteAsync(stmt, parameters, ct).ConfigureAwait(false)).Scalar<T>();

    private void EchoHandler(object? sender, StatementExecutedEventArgs e)
    {
        var w = Options.EchoWriter ?? Console.Out;
        lock (w)
        {
            w.WriteLine(e.Sql);
            // SQLAlchemy's layout: the SQL, then "[generated in 0.00012s] (params)" / "[cached since 3.2s ago] (params)".
            w.WriteLine(Options.HideParameters
                ? $"[{e.CacheMarker}] [SQL parameters hidden]"
                : $"[{e.CacheMarker}] {DatabaseException.FormatTuple(e.Parameters.Select(p => p.Value))}");
        }
    }

    /// <summary>"Engine(url)" with the password masked.</summary>
    public override string ToString() => $"Engine({Url})";

    /// <summary>Disposes the pool unless it was passed in by the caller.</summary>
    public void Dispose()
    {
        if (_ownsPool) _pool?.Dispose();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }

    internal static long Now() => Stopwatch.GetTimestamp();
}
