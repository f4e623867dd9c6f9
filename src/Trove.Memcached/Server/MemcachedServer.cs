using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trove.Memcached.Commands;
using Trove.Memcached.Engine;
using Trove.Memcached.Server;
using Trove.Net;

namespace Trove.Memcached;

/// <summary>
/// A memcached-compatible server: text and meta protocols over <see cref="TcpServer"/>, items in an
/// <see cref="ItemStore"/> bounded by -m. Start with <see cref="Start"/>, stop with <see cref="StopAsync"/>.
/// </summary>
public sealed class MemcachedServer : IAsyncDisposable
{
    private readonly TcpServer _tcp;
    private readonly ILogger _log;
    private readonly ConcurrentDictionary<long, MemcachedSession> _sessions = new();
    private readonly CommandCounters _closed = new();

    /// <summary>Creates a server with the given options; nothing listens until <see cref="Start"/>.</summary>
    public MemcachedServer(MemcachedOptions options, ILogger? log = null)
    {
        Options = options;
        _log = log ?? NullLogger.Instance;
        int shards = Math.Max(64, Environment.ProcessorCount * 16);
        Store = new ItemStore(options.MemoryLimit, !options.DisableEvictions, shards);
        var tcp = new TcpServerOptions
        {
            Name = "memcached",
            EndPoint = new IPEndPoint(options.ListenAddress, options.Port),
            MaxConnections = options.MaxConnections,
            Backlog = options.Backlog,
            RejectMessage = "ERROR Too many open connections\r\n"u8.ToArray(),
            // A session leaves at most one command line unconsumed (a data block streams into its item).
            MaxInputBuffer = 2L * MemcachedSession.MaxGetLineLength,
        };
        // memcached's -t worker threads, one event loop each, but no more loops than cores.
        if (Environment.GetEnvironmentVariable("TROVE_LOOP_THREADS") is null)
            tcp.LoopThreads = Math.Clamp(options.Threads, 1, Environment.ProcessorCount);
        _tcp = new TcpServer(tcp, new Handler(this), _log);
    }

    /// <summary>The options (verbosity can change at run time through the "verbosity" command).</summary>
    public MemcachedOptions Options { get; }

    /// <summary>The item store (exposed for tests and the host).</summary>
    public ItemStore Store { get; }

    /// <summary>The bound address (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => _tcp.LocalEndPoint;

    internal ServerStats NetStats => _tcp.Stats;

    /// <summary>Binds and starts accepting connections.</summary>
    public void Start() => _tcp.Start();

    /// <summary>Stops accepting, lets replies in flight finish, closes every connection.</summary>
    public Task StopAsync() => _tcp.StopAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    internal CommandCounters SumCounters()
    {
        var total = new CommandCounters();
        lock (_closed) _closed.AddTo(total);
        foreach (var s in _sessions.Values) s.Counters.AddTo(total);
        return total;
    }

    internal void ResetStats()
    {
        lock (_closed)
        {
            var zero = new CommandCounters();
            foreach (var s in _sessions.Values) s.Counters.AddTo(zero);
            // Keep live sessions' counters and subtract them, so totals restart from zero.
            _closed.CmdGet = -zero.CmdGet; _closed.CmdSet = -zero.CmdSet; _closed.CmdTouch = -zero.CmdTouch;
            _closed.CmdFlush = -zero.CmdFlush; _closed.CmdMeta = -zero.CmdMeta; _closed.GetHits = -zero.GetHits;
            _closed.GetMisses = -zero.GetMisses; _closed.GetExpired = -zero.GetExpired; _closed.GetFlushed = -zero.GetFlushed;
            _closed.DeleteHits = -zero.DeleteHits; _closed.DeleteMisses = -zero.DeleteMisses; _closed.IncrHits = -zero.IncrHits;
            _closed.IncrMisses = -zero.IncrMisses; _closed.DecrHits = -zero.DecrHits; _closed.DecrMisses = -zero.DecrMisses;
            _closed.CasHits = -zero.CasHits; _closed.CasMisses = -zero.CasMisses; _closed.CasBadval = -zero.CasBadval;
            _closed.TouchHits = -zero.TouchHits; _closed.TouchMisses = -zero.TouchMisses;
            _closed.StoreTooLarge = -zero.StoreTooLarge; _closed.StoreNoMemory = -zero.StoreNoMemory;
        }
        _tcp.Stats.Reset();
    }

    internal void LogCommand(long connection, ReadOnlySpan<byte> line) =>
        _log.LogInformation("<{Conn} {Line}", connection, Encoding.ASCII.GetString(line));

    internal void OnSessionClosed(MemcachedSession session)
    {
        var id = session.Connection.Id;
        _sessions.TryRemove(id, out _);
        lock (_closed) session.Counters.AddTo(_closed);
        if (Options.Verbosity > 0) _log.LogInformation("<{Conn} connection closed", id);
    }

    private sealed class Handler(MemcachedServer server) : ILoopHandler
    {
        public ILoopSession Open(LoopContext context)
        {
            var session = new MemcachedSession(server, context);
            server._sessions[context.Connection.Id] = session;
            if (server.Options.Verbosity > 0) server._log.LogInformation("<{Conn} new client connection", context.Connection.Id);
            return session;
        }
    }
}
