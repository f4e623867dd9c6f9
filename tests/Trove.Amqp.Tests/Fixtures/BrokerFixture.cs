using RabbitMQ.Client;
using Trove.Amqp.Server;
using Trove.TestKit;

namespace Trove.Amqp.Tests.Fixtures;

/// <summary>
/// One real RabbitMQ (Debian's rabbitmq-server, private node on free ports, ~5-15 s to boot) and one
/// in-process Trove broker (port 0, in-memory storage), shared by every test of the
/// <see cref="BrokerCollection"/>. Differential tests take a target name ("trove" or "rabbitmq")
/// and call <see cref="ConnectAsync"/>.
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    /// <summary>Theory data: both targets.</summary>
    public static TheoryData<string> Targets => new() { Trove, RabbitMq };

    /// <summary>Target name of the Trove broker.</summary>
    public const string Trove = "trove";
    /// <summary>Target name of the real RabbitMQ.</summary>
    public const string RabbitMq = "rabbitmq";

    /// <summary>The in-process Trove server.</summary>
    public AmqpServer TroveServer { get; private set; } = null!;
    /// <summary>The real RabbitMQ.</summary>
    public PeerServer Rabbit { get; private set; } = null!;

    /// <summary>Port of a target.</summary>
    public int Port(string target) => target == Trove ? TroveServer.Port : Rabbit.Port;

    /// <summary>A connection factory for a target (guest/guest on 127.0.0.1).</summary>
    public ConnectionFactory Factory(string target, string? user = null, string? password = null, string vhost = "/") => new()
    {
        HostName = "127.0.0.1",
        Port = Port(target),
        UserName = user ?? "guest",
        Password = password ?? "guest",
        VirtualHost = vhost,
        AutomaticRecoveryEnabled = false,
        TopologyRecoveryEnabled = false,
        RequestedHeartbeat = TimeSpan.FromSeconds(30),
        ContinuationTimeout = TimeSpan.FromSeconds(10),
        HandshakeContinuationTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Opens a connection to a target.</summary>
    public Task<IConnection> ConnectAsync(string target) => Factory(target).CreateConnectionAsync();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var rabbit = PeerServer.StartRabbitMqAsync();
        TroveServer = await AmqpServer.StartAsync(new AmqpServerOptions { EndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0) });
        Rabbit = await rabbit;
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (TroveServer is not null) await TroveServer.DisposeAsync();
        if (Rabbit is not null) await Rabbit.DisposeAsync();
    }
}

/// <summary>Tests that share the <see cref="BrokerFixture"/> (one RabbitMQ, one Trove).</summary>
[CollectionDefinition(Name)]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "brokers";
}
