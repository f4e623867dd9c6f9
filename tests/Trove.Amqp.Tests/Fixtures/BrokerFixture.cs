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

    private readonly SemaphoreSlim _usersOnce = new(1, 1);
    private bool _usersCreated;

    /// <summary>User with permissions only on names starting "lim-" in "/".</summary>
    public const string LimitedUser = "limited";
    /// <summary>A vhost the limited user has no permissions in.</summary>
    public const string OtherVhost = "trove-test-vhost";

    /// <summary>
    /// Creates <see cref="LimitedUser"/> (password "pw", configure/write/read "^lim-" in "/") and
    /// <see cref="OtherVhost"/> on both brokers, once. RabbitMQ's through rabbitmqctl with the node's
    /// own environment (read from /proc).
    /// </summary>
    public async Task EnsureUsersAsync()
    {
        await _usersOnce.WaitAsync();
        try
        {
            if (_usersCreated) return;
            TroveServer.Broker.PutUser(LimitedUser, "pw");
            TroveServer.Broker.PutPermission("/", LimitedUser, "^lim-", "^lim-", "^lim-");
            TroveServer.Broker.PutVhost(OtherVhost);
            var env = File.ReadAllText($"/proc/{Rabbit.Pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Select(kv => kv.Split('=', 2)).Where(kv => kv.Length == 2 && (kv[0].StartsWith("RABBITMQ_") || kv[0].StartsWith("ERL_") || kv[0] == "HOME"))
                .ToDictionary(kv => kv[0], kv => kv[1]);
            foreach (var args in new[]
                     {
                         new[] { "add_user", LimitedUser, "pw" },
                         new[] { "set_permissions", "-p", "/", LimitedUser, "^lim-", "^lim-", "^lim-" },
                         new[] { "add_vhost", OtherVhost },
                     })
            {
                var (code, output) = await ExternalProcess.RunAsync("/usr/lib/rabbitmq/bin/rabbitmqctl", args, TimeSpan.FromSeconds(60), env);
                if (code != 0) throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)}: {output}");
            }
            _usersCreated = true;
        }
        finally { _usersOnce.Release(); }
    }

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
