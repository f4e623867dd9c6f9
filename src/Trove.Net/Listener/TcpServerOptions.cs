using System.IO.Pipelines;
using System.Net;

namespace Trove.Net;

/// <summary>Settings of one listening server. Every protocol server fills these from its own flags.</summary>
public sealed class TcpServerOptions
{
    /// <summary>Name used in log lines ("memcached", "redis", "amqp").</summary>
    public string Name { get; set; } = "server";

    /// <summary>Where to listen. Port 0 picks a free port; read <see cref="TcpServer.LocalEndPoint"/> after start.</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Listen backlog (memcached's -b, redis's tcp-backlog).</summary>
    public int Backlog { get; set; } = 1024;

    /// <summary>
    /// Most connections open at once (memcached -c, redis maxclients). A connection over the limit is
    /// accepted, sent <see cref="RejectMessage"/> if any, and closed at once, with a log line.
    /// </summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Bytes written to a connection refused for the connection limit, before it is closed.</summary>
    public ReadOnlyMemory<byte> RejectMessage { get; set; }

    /// <summary>A connection with no bytes in either direction for this long is closed. Infinite by default.</summary>
    public TimeSpan IdleTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>
    /// Unsent output above which the handler's FlushAsync waits (backpressure on clients that do not
    /// read their replies): the handler stops reading input, so the input pipe fills and the receive
    /// loop stops reading the socket; server memory for that client stays bounded.
    /// </summary>
    public long OutputPauseThreshold { get; set; } = 1 << 20;

    /// <summary>Received-but-unparsed input above which the receive loop stops reading the socket.</summary>
    public long InputPauseThreshold { get; set; } = 1 << 20;

    /// <summary>How long shutdown waits for replies in flight before connections are aborted.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Where the handler's pipe continuations run. Inline (the default) parses on the thread that
    /// completed the receive, saving a thread-pool hop per read; measured faster for small requests.
    /// </summary>
    public PipeScheduler HandlerScheduler { get; set; } = PipeScheduler.Inline;

    /// <summary>
    /// Use the direct transport: <see cref="TroveConnection.Input"/> receives from the socket only
    /// when the handler asks for more bytes, and <see cref="TroveConnection.Output"/>'s FlushAsync
    /// sends straight to the socket (no pipes, no receive or send loop). Backpressure is the pending
    /// send, so <see cref="OutputPauseThreshold"/> does not apply; receiving ahead of the handler
    /// stops at <see cref="InputPauseThreshold"/> unconsumed bytes.
    /// Also on when the environment variable TROVE_DIRECT_TRANSPORT is 1.
    /// </summary>
    public bool DirectTransport { get; set; } = Environment.GetEnvironmentVariable("TROVE_DIRECT_TRANSPORT") == "1";

    /// <summary>
    /// Serve an <see cref="ILoopHandler"/> on the event-loop transport (Linux x86-64); when false or
    /// unsupported, the handler runs over the pipe transport instead. On unless the environment
    /// variable TROVE_EVENT_LOOP is 0. Has no effect on an <see cref="IConnectionHandler"/>.
    /// </summary>
    public bool UseEventLoop { get; set; } = Environment.GetEnvironmentVariable("TROVE_EVENT_LOOP") != "0";

    /// <summary>
    /// Event-loop threads (each with its own epoll set; connections are spread round-robin).
    /// Defaults to the processor count, or TROVE_LOOP_THREADS from the environment.
    /// </summary>
    public int LoopThreads { get; set; } =
        int.TryParse(Environment.GetEnvironmentVariable("TROVE_LOOP_THREADS"), out int n) && n > 0 ? n : Environment.ProcessorCount;

    /// <summary>
    /// Unconsumed input an <see cref="ILoopSession"/> may leave before the connection is closed
    /// (redis's client-query-buffer-limit; 1 GiB by default). Bounds memory for a client that sends
    /// a request the session never completes.
    /// </summary>
    public long MaxInputBuffer { get; set; } = 1L << 30;
}
