using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trove.Amqp.Connection;
using Trove.Net;

namespace Trove.Amqp.Server;

/// <summary>
/// The AMQP server: a <see cref="TcpServer"/> whose connections are <see cref="AmqpConnection"/>s
/// over one <see cref="Broker.Broker"/>. Start with <see cref="StartAsync"/>, stop by disposing.
/// </summary>
public sealed class AmqpServer : IConnectionHandler, IAsyncDisposable
{
    private readonly ConcurrentDictionary<long, AmqpConnection> _connections = new();
    private TcpServer? _tcp;

    private AmqpServer(AmqpServerOptions options, Broker.Broker broker, ILogger logger)
    {
        Options = options;
        Broker = broker;
        Logger = logger;
    }

    /// <summary>The options.</summary>
    public AmqpServerOptions Options { get; }
    /// <summary>The broker state.</summary>
    public Broker.Broker Broker { get; }
    internal ILogger Logger { get; }

    /// <summary>The port listened on.</summary>
    public int Port => _tcp!.LocalEndPoint.Port;

    /// <summary>Open connections (after connection.open).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Opens the stores (recovering durable state), then starts listening.</summary>
    public static Task<AmqpServer> StartAsync(AmqpServerOptions options, ILoggerFactory? logs = null)
    {
        var dir = options.DataDir ?? "";
        if (options.DataDir is not null) Directory.CreateDirectory(options.DataDir);
        var definitions = options.Storage.OpenDefinitions(dir);
        var messages = options.Storage.OpenMessages(dir);
        var monitor = options.Storage.OpenMonitor(dir);
        var broker = new Broker.Broker(messages, definitions, monitor);
        var server = new AmqpServer(options, broker, logs?.CreateLogger("amqp") ?? NullLogger.Instance);
        var tcp = new TcpServer(new TcpServerOptions { Name = "amqp", EndPoint = options.EndPoint }, server,
            logs?.CreateLogger("amqp.net"));
        tcp.Start();
        server._tcp = tcp;
        return Task.FromResult(server);
    }

    /// <inheritdoc />
    public Task OnConnectedAsync(TroveConnection connection) => new AmqpConnection(connection, this).RunAsync();

    internal void Register(AmqpConnection c) => _connections[c.Id] = c;
    internal void Unregister(AmqpConnection c) => _connections.TryRemove(c.Id, out _);

    /// <summary>Stops listening, closes connections (320 CONNECTION_FORCED), closes the stores.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var c in _connections.Values) c.ForceClose("broker shutdown");
        if (_tcp is not null) await _tcp.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
