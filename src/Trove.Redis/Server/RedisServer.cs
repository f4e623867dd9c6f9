using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trove.Net;
using Trove.Redis.Commands;
using Trove.Redis.Engine;
using Trove.Redis.Persistence;

namespace Trove.Redis.Server;

/// <summary>
/// Trove's Redis server: the engine (<see cref="Keyspace"/>), pub/sub, configuration and the
/// TCP listener (Trove.Net). <see cref="StartAsync"/> listens; <see cref="StopAsync"/> (or
/// SHUTDOWN) stops. Every connection is served by a <see cref="RespSession"/>.
/// </summary>
public sealed class RedisServer : IConnectionHandler, ILoopHandler, IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly List<TcpServer> _listeners = new();
    private readonly ConcurrentDictionary<long, RespSession> _sessions = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The Redis version Trove reports (7.0-compatible, for clients that check).</summary>
    public const string Version = "7.0.15";

    /// <summary>Creates a server; nothing listens until <see cref="StartAsync"/>.</summary>
    public RedisServer(RedisConfig config, ILogger? log = null)
    {
        Config = config;
        _log = log ?? NullLogger.Instance;
        Keyspace = new Keyspace(config.Databases);
        StartedAt = DateTimeOffset.UtcNow;
        LastSave = StartedAt.ToUnixTimeSeconds();
        _idleTrim = new Timer(_ => TrimWhenIdle(), null, 500, 500);
        ApplyConfig();
    }

    /// <summary>Hands the options the engine acts on (the LFU policy and its factors) to it; lock held or not yet serving.</summary>
    public void ApplyConfig()
    {
        Keyspace.Lfu = Config.LfuPolicy;
        Keyspace.LfuLogFactor = int.TryParse(Config.Other.GetValueOrDefault("lfu-log-factor"), out int f) ? f : 10;
        Keyspace.LfuDecayTime = int.TryParse(Config.Other.GetValueOrDefault("lfu-decay-time"), out int d) ? d : 1;
    }

    private readonly Timer _idleTrim;
    private long _trimLastCommands;
    private long _trimHeapAtLast;

    /// <summary>
    /// Returns memory to the OS after a large change of the heap (a bulk load, a FLUSHALL) once
    /// the server has been idle for half a second: the GC otherwise keeps the segments and the
    /// hash table's old arrays it grew through. Measured: 1,000,000 keys with 16-byte values,
    /// RSS growth 154 MB right after loading, 119 MB after this compaction (redis-server: 123 MB).
    /// </summary>
    private void TrimWhenIdle()
    {
        long commands = Interlocked.Read(ref CommandsProcessed);
        bool idle = commands == _trimLastCommands;
        _trimLastCommands = commands;
        if (!idle) return;
        long heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        if (Math.Abs(heap - _trimHeapAtLast) < 64L * 1024 * 1024) return;
        CompactMemory();
        _trimHeapAtLast = GC.GetGCMemoryInfo().HeapSizeBytes;
    }

    /// <summary>Configuration (CONFIG GET/SET).</summary>
    public RedisConfig Config { get; }

    /// <summary>The engine.</summary>
    public Keyspace Keyspace { get; }

    /// <summary>Pub/Sub channels and patterns.</summary>
    public PubSubHub PubSub { get; } = new();

    /// <summary>When the server started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>INFO run_id: random per start.</summary>
    public string RunId { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20)).ToLowerInvariant();

    /// <summary>The config file given on the command line, if any (INFO config_file).</summary>
    public string? ConfigFile { get; set; }

    /// <summary>LASTSAVE (Unix seconds).</summary>
    public long LastSave { get; set; }

    /// <summary>Commands processed (INFO total_commands_processed); updated under the keyspace lock.</summary>
    public long CommandsProcessed;

    /// <summary>Connections accepted since start (or since CONFIG RESETSTAT).</summary>
    public long ConnectionsReceived;

    /// <summary>Completed when SHUTDOWN is called or the server stops.</summary>
    public Task Shutdown => _shutdown.Task;

    /// <summary>The first listener's address (the real port when 0 was asked for).</summary>
    public IPEndPoint EndPoint => _listeners[0].LocalEndPoint;

    /// <summary>Sessions open now (CLIENT LIST).</summary>
    public IEnumerable<RespSession> Sessions => _sessions.Values.OrderBy(s => s.Id);

    /// <summary>Bytes in and out so far.</summary>
    public (long In, long Out) NetworkBytes
    {
        get
        {
            long i = 0, o = 0;
            foreach (var l in _listeners) { i += l.Stats.BytesIn; o += l.Stats.BytesOut; }
            return (i, o);
        }
    }

    internal void Register(RespSession s) { _sessions[s.Id] = s; Interlocked.Increment(ref ConnectionsReceived); }

    internal void Unregister(RespSession s) => _sessions.TryRemove(s.Id, out _);

    internal RespSession? FindSession(long id) => _sessions.TryGetValue(id, out var s) ? s : null;

    internal void Log(string message) => _log.LogInformation("redis: {Message}", message);

    /// <summary>The append-only file when appendonly is yes (null otherwise).</summary>
    public AppendOnlyFile? AppendOnly { get; private set; }

    /// <summary>
    /// With appendonly yes: replays <c>dir/appendfilename</c> into the keyspace (a torn tail is
    /// cut off, as Redis's aof-load-truncated yes does) and then appends every write to it.
    /// </summary>
    private void OpenAppendOnlyFile()
    {
        if (!Config.AppendOnly.Equals("yes", StringComparison.OrdinalIgnoreCase)) return;
        Directory.CreateDirectory(Config.Dir);
        string name = Config.Other.TryGetValue("appendfilename", out var n) && n.Length > 0 ? n : "appendonly.aof";
        string path = Path.Combine(Config.Dir, name);
        if (File.Exists(path))
        {
            var data = File.ReadAllBytes(path);
            var result = RespSession.Replay(this, data);
            if (result.Consumed < data.Length)
            {
                _log.LogWarning("redis: AOF {Path} ends with an incomplete command: truncating {Bytes} bytes", path, data.Length - result.Consumed);
                using var f = new FileStream(path, FileMode.Open, FileAccess.Write);
                f.SetLength(result.Consumed);
            }
            Log($"DB loaded from append only file: {result.Commands} commands");
        }
        var policy = AppendOnlyFile.ParsePolicy(Config.Other.GetValueOrDefault("appendfsync", "everysec")) ?? FsyncPolicy.EverySec;
        AppendOnly = new AppendOnlyFile(path, policy);
        Keyspace.WriteLog = AppendOnly;
    }

    /// <summary>
    /// Loads the append-only file (appendonly yes), then binds every address in
    /// <see cref="RedisConfig.Bind"/> on <see cref="RedisConfig.Port"/>.
    /// </summary>
    public Task StartAsync()
    {
        if (_listeners.Count == 0 && AppendOnly is null) OpenAppendOnlyFile();
        foreach (var addr in Config.Bind)
        {
            var ip = addr switch { "*" => IPAddress.Any, "::*" or "::" => IPAddress.IPv6Any, "localhost" => IPAddress.Loopback, _ => IPAddress.Parse(addr.TrimStart('-')) };
            var options = new TcpServerOptions
            {
                Name = "redis",
                EndPoint = new IPEndPoint(ip, _listeners.Count > 0 ? _listeners[0].LocalEndPoint.Port : Config.Port),
                MaxConnections = Config.MaxClients,
                RejectMessage = "-ERR max number of clients reached\r\n"u8.ToArray(),
                IdleTimeout = Config.Timeout > 0 ? TimeSpan.FromSeconds(Config.Timeout) : Timeout.InfiniteTimeSpan,
                // Replies are bounded by the session's own high-water mark; keep the pipes modest.
                OutputPauseThreshold = RespSession.LoopOutputLimit,
                InputPauseThreshold = 1 << 20,
                // Only for the pipe transport (TROVE_REDIS_TRANSPORT=pipes): no pipes between socket
                // and session; redis-benchmark -P 1 SET/GET, 5 alternated rounds, server CPU per
                // request 6.5 us (pipes) -> 5.5-6.3 us (direct).
                DirectTransport = true,
                // io-threads as in redis.conf: event-loop threads (default 1, as Redis's one
                // thread: every command takes the one engine lock, so more loops mostly contend).
                LoopThreads = LoopThreads(),
                MaxInputBuffer = RespSession.QueryBufferLimit,
            };
            var server = UsePipes ? new TcpServer(options, (IConnectionHandler)this, _log) : new TcpServer(options, (ILoopHandler)this, _log);
            server.Start();
            _listeners.Add(server);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Trove.Net's event loop by default (redis-benchmark -P 1, 8 tests: server CPU per request
    /// 0.98x redis-server's against 1.33x on the async sockets); TROVE_REDIS_TRANSPORT=pipes
    /// selects the async socket path (the session's RunAsync), which also serves non-Linux hosts.
    /// </summary>
    private static bool UsePipes => Environment.GetEnvironmentVariable("TROVE_REDIS_TRANSPORT") == "pipes";

    private int LoopThreads()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("TROVE_LOOP_THREADS"), out int env) && env > 0) return env;
        return int.TryParse(Config.Other.GetValueOrDefault("io-threads"), out int n) && n > 0 ? n : 1;
    }

    /// <inheritdoc />
    public ILoopSession Open(LoopContext context) => new LoopSession(this, context);

    /// <summary>Connects Trove.Net's event-loop callbacks to a <see cref="RespSession"/>.</summary>
    private sealed class LoopSession : ILoopSession, ILoopControl
    {
        private readonly LoopContext _context;
        private readonly RespSession _session;

        public LoopSession(RedisServer server, LoopContext context)
        {
            _context = context;
            _session = new RespSession(server, context.Connection, this);
        }

        public int OnInput(ReadOnlySpan<byte> input, LoopOutput output) => _session.OnInput(input, output);

        public void OnWake(LoopOutput output) => _session.OnWake(output);

        public void OnClosed() => _session.OnClosed();

        public void Park() => _context.Park();

        public void Unpark() => _context.Unpark();

        public void Wake() => _context.Wake();

        public void CloseAfterSend() => _context.CloseAfterSend();
    }

    /// <inheritdoc />
    public async Task OnConnectedAsync(TroveConnection connection)
    {
        var session = new RespSession(this, connection.Output, connection);
        var stopping = _listeners.Count > 0 ? _listeners[0].Stopping : CancellationToken.None;
        await session.RunAsync(connection.Input, stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// MEMORY PURGE (Redis asks jemalloc to release pages): one blocking, compacting collection of
    /// every generation including the large-object heap, so memory freed by deletes and by the
    /// hash table's growth goes back to the operating system.
    /// </summary>
    public void CompactMemory()
    {
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>SHUTDOWN: signals <see cref="Shutdown"/>; the host then calls <see cref="StopAsync"/>.</summary>
    public void RequestShutdown() => _shutdown.TrySetResult();

    /// <summary>Stops listening and closes every connection.</summary>
    public async Task StopAsync()
    {
        foreach (var l in _listeners) await l.StopAsync().ConfigureAwait(false);
        await _idleTrim.DisposeAsync().ConfigureAwait(false);
        if (AppendOnly is { } aof)
        {
            lock (Keyspace.Sync)
            {
                Keyspace.WriteLog = null;
                aof.Dispose();
            }
        }
        _shutdown.TrySetResult();
        Keyspace.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
