using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Trove.Amqp.Server;
using Trove.TestKit;

namespace Trove.Amqp.Tests.Integration;

/// <summary>Behaviour the shared RabbitMQ fixture cannot show (it listens on loopback only), and the CLI.</summary>
public class TroveOnlyTests
{
    private static IPAddress? NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    [Fact]
    public async Task Guest_is_refused_from_a_non_loopback_address_but_other_users_are_not()
    {
        var ip = NonLoopbackAddress();
        Assert.NotNull(ip); // the CI machine has one; without it this rule cannot be checked
        await using var server = await AmqpServer.StartAsync(new AmqpServerOptions { EndPoint = new IPEndPoint(IPAddress.Any, 0) });
        server.Broker.PutUser("remote", "pw");
        server.Broker.PutPermission("/", "remote", ".*", ".*", ".*");
        ConnectionFactory F(string host, string user, string pw) => new()
        {
            HostName = host, Port = server.Port, UserName = user, Password = pw, AutomaticRecoveryEnabled = false,
        };
        await using (var ok = await F("127.0.0.1", "guest", "guest").CreateConnectionAsync()) Assert.True(ok.IsOpen);
        await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => F(ip.ToString(), "guest", "guest").CreateConnectionAsync());
        await using var remote = await F(ip.ToString(), "remote", "pw").CreateConnectionAsync();
        Assert.True(remote.IsOpen);
    }

    [Fact]
    public async Task Management_commands_act_on_the_data_directory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "trove-amqp-cli-" + Guid.NewGuid().ToString("N"));
        try
        {
            async Task<string> Trove(params string[] args)
            {
                var (code, output) = await ExternalProcess.RunAsync("dotnet", [RepoPaths.TroveDll, "amqp", .. args, "--data", dir], TimeSpan.FromSeconds(60));
                Assert.True(code == 0, $"trove amqp {string.Join(' ', args)} exited {code}: {output}");
                return output;
            }
            await Trove("user", "add", "alice", "s3cret");
            await Trove("vhost", "add", "prod");
            await Trove("permission", "set", "prod", "alice", "^a-", ".*", ".*");
            Assert.Contains("alice", await Trove("list", "users"));
            await Trove("user", "delete", "alice");
            Assert.DoesNotContain("alice", await Trove("list", "users"));
            await Trove("user", "add", "bob", "pw");
            await Trove("permission", "set", "prod", "bob", ".*", ".*", ".*");
            int port = FreePort.Get();
            await using (var p = await TroveProcess.StartAsync(port, "amqp", "--port", port.ToString(), "--data", dir))
            {
                var f = new ConnectionFactory { HostName = "127.0.0.1", Port = port, UserName = "bob", Password = "pw", VirtualHost = "prod", AutomaticRecoveryEnabled = false };
                await using (var conn = await f.CreateConnectionAsync())
                await using (var ch = await conn.CreateChannelAsync())
                {
                    await ch.ExchangeDeclareAsync("orders", "topic", durable: true);
                    await ch.QueueDeclareAsync("orders-q", true, false, false);
                    await ch.QueueBindAsync("orders-q", "orders", "order.*");
                }
                await p.TerminateAsync(TimeSpan.FromSeconds(15));
            }
            Assert.Contains("orders-q", await Trove("list", "queues"));
            Assert.Contains("orders", await Trove("list", "exchanges"));
            Assert.Contains("order.*", await Trove("list", "bindings"));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Broker_shutdown_closes_connections_with_320()
    {
        var server = await AmqpServer.StartAsync(new AmqpServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) });
        var conn = await new ConnectionFactory { HostName = "127.0.0.1", Port = server.Port, AutomaticRecoveryEnabled = false }.CreateConnectionAsync();
        var closed = new TaskCompletionSource<ushort>(TaskCreationOptions.RunContinuationsAsynchronously);
        conn.ConnectionShutdownAsync += (_, e) => { closed.TrySetResult(e.ReplyCode); return Task.CompletedTask; };
        await server.DisposeAsync();
        Assert.Equal(320, await closed.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await conn.DisposeAsync();
    }
}
