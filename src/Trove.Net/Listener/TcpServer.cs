using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trove.Net.Loop;

namespace Trove.Net;

/// <summary>
/// Accept loop plus connection bookkeeping shared by every Trove server. Start with
/// <see cref="Start"/>, stop with <see cref="StopAsync"/> (stop accepting, let handlers finish the
/// replies in flight for up to <see cref="TcpServerOptions.ShutdownGrace"/>, then abort the rest).
/// </summary>
public sealed class TcpServer : IAsyncDisposable
{
    private readonly TcpServerOptions _options;
    private readonly IConnectionHandler? _handler;
    private readonly ILoopHandler? _loopHandler;
    private EventLoop[]? _loops;
    private int _nextLoop;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Task> _running = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private Timer? _idleTimer;
    private int _stopped;

    /// <summary>Creates a server; nothing listens until <see cref="Start"/>.</summary>
    public TcpServer(TcpServerOptions options, IConnectionHandler handler, ILogger? log = null)
    {
        _options = options;
        _handler = handler;
        _log = log ?? NullLogger.Instance;
    }

    /// <summary>
    /// Creates a server whose connections are served synchronously by event-loop threads (see
    /// <see cref="ILoopHandler"/>), or over the pipe transport when the loop is off or unsupported.
    /// </summary>
    public TcpServer(TcpServerOptions options, ILoopHandler handler, ILogger? log = null)
    {
        _options = options;
        _log = log ?? NullLogger.Instance;
        if (options.UseEventLoop && Native.IsSupported) _loopHandler = handler;
        else _handler = new PipeLoopAdapter(handler, this);
    }

    /// <summary>True when connections are served by event-loop threads.</summary>
    public bool UsesEventLoop => _loopHandler is not null;

    /// <summary>Counters for stats/INFO.</summary>
    public ServerStats Stats { get; } = new();

    /// <summary>The bound address (the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)(_listener?.LocalEndPoint ?? throw new InvalidOperationException("not started"));

    /// <summary>Cancelled when shutdown begins; handlers use it to stop waiting for more input.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>The options this server runs with.</summary>
    public TcpServerOptions Options => _options;

    /// <summary>Binds and starts accepting. Throws SocketException when the address is in use.</summary>
    public void Start()
    {
        var ep = _options.EndPoint;
        var listener = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (ep.AddressFamily == AddressFamily.InterNetworkV6 && ep.Address.Equals(IPAddress.IPv6Any))
            listener.DualMode = true;
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(ep);
        listener.Listen(_options.Backlog);
        _listener = listener;
        if (_loopHandler is not null)
        {
            var loops = new EventLoop[Math.Max(1, _options.LoopThreads)];
            for (int i = 0; i < loops.Length; i++) loops[i] = new EventLoop(this, _loopHandler, _log, i);
            foreach (var loop in loops) loop.Start();
            _loops = loops;
        }
        _log.LogInformation("{Name} listening on {EndPoint}", _options.Name, listener.LocalEndPoint);
        if (_options.IdleTimeout != Timeout.InfiniteTimeSpan)
            _idleTimer = new Timer(_ => CloseIdle(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { break; }
            catch (ObjectDisposedException) { break; }
            catch (SocketException ex)
            {
                // EMFILE and friends: log, back off briefly, keep serving the connections we have.
                _log.LogWarning("{Name}: accept failed: {Error}", _options.Name, ex.SocketErrorCode);
                await Task.Delay(10).ConfigureAwait(false);
                continue;
            }
            Stats.OnAccepted();
            if (!Stats.TryOpen(_options.MaxConnections))
            {
                Stats.OnRejected();
                _log.LogWarning("{Name}: too many open connections ({Max}), refusing {Remote}",
                    _options.Name, _options.MaxConnections, socket.RemoteEndPoint);
                _ = RejectAsync(socket);
                continue;
            }
            socket.NoDelay = true;
            if (_loops is not null)
            {
                var accepted = new TroveConnection(socket, _log);
                Stats.OnOpened(accepted);
                _loops[(uint)_nextLoop++ % (uint)_loops.Length].Add(socket, accepted);
                continue;
            }
            var connection = new TroveConnection(socket, _options, _log);
            Stats.OnOpened(connection);
            _running[connection.Id] = ServeAsync(connection);
        }
    }

    private async Task RejectAsync(Socket socket)
    {
        try
        {
            if (!_options.RejectMessage.IsEmpty)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await socket.SendAsync(_options.RejectMessage, SocketFlags.None, cts.Token).ConfigureAwait(false);
            }
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException) { }
        finally { socket.Dispose(); }
    }

    private async Task ServeAsync(TroveConnection connection)
    {
        await Task.Yield();
        try
        {
            await connection.RunAsync(_handler!).ConfigureAwait(false);
        }
        finally
        {
            Stats.OnClosed(connection);
            _running.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>An event loop closed <paramref name="connection"/> (called on the loop thread).</summary>
    internal void OnLoopConnectionClosed(TroveConnection connection)
    {
        Stats.OnClosed(connection);
        connection.OnLoopClosed();
    }

    private void CloseIdle()
    {
        long limit = (long)_options.IdleTimeout.TotalMilliseconds;
        long now = Environment.TickCount64;
        foreach (var c in Stats.Connections)
            if (now - c.LastActivityTicks > limit)
            {
                _log.LogInformation("{Name}: closing idle connection {Id}", _options.Name, c.Id);
                c.Abort();
            }
    }

    /// <summary>
    /// Stops accepting, signals <see cref="Stopping"/>, waits for handlers to finish their replies
    /// up to the grace period, then aborts what is left. Safe to call more than once.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stopping.Cancel();
        _listener?.Dispose();
        _idleTimer?.Dispose();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        if (_loops is not null)
        {
            foreach (var loop in _loops) loop.Stop();
            var exited = Task.WhenAll(_loops.Select(l => l.Exited));
            await Task.WhenAny(exited, Task.Delay(_options.ShutdownGrace + TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }
        var all = Task.WhenAll(_running.Values.ToArray());
        if (await Task.WhenAny(all, Task.Delay(_options.ShutdownGrace)).ConfigureAwait(false) != all)
        {
            foreach (var c in Stats.Connections) c.Abort();
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }
        _log.LogInformation("{Name} stopped", _options.Name);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
