using System.Net;

namespace Trove.Amqp.Server;

/// <summary>Settings of an AMQP server (`trove amqp` flags).</summary>
public sealed class AmqpServerOptions
{
    /// <summary>Where to listen (port 0 = any free port).</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 5672);
    /// <summary>Data directory; null keeps nothing across restarts.</summary>
    public string? DataDir { get; set; }
    /// <summary>Opens the stores for <see cref="DataDir"/>.</summary>
    public Broker.IStorageProvider Storage { get; set; } = Broker.InMemoryStorage.Instance;
    /// <summary>Heartbeat interval offered in connection.tune, seconds (RabbitMQ: 60).</summary>
    public ushort Heartbeat { get; set; } = 60;
    /// <summary>frame-max offered in connection.tune (RabbitMQ: 131072).</summary>
    public uint FrameMax { get; set; } = 131072;
    /// <summary>channel-max offered in connection.tune (RabbitMQ: 2047).</summary>
    public ushort ChannelMax { get; set; } = 2047;
    /// <summary>Largest message body accepted (RabbitMQ's max_message_size, 128 MiB).</summary>
    public long MaxMessageSize { get; set; } = 128L * 1024 * 1024;
    /// <summary>Pending output above which deliveries to a connection pause.</summary>
    public int OutputHighWater { get; set; } = 1 << 20;
    /// <summary>Time a client gets to finish the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
