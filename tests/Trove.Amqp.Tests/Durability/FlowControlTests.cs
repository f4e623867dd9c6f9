using System.Net;
using RabbitMQ.Client;
using Trove.Amqp.Server;
using Trove.Amqp.Storage;

namespace Trove.Amqp.Tests.Durability;

/// <summary>
/// Memory and disk alarms reach clients as connection.blocked / connection.unblocked, and publishes
/// wait while blocked (an in-process broker on the disk stores, alarm limits changed at run time).
/// </summary>
public sealed class FlowControlTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trove-flow-" + Guid.NewGuid().ToString("N"));
    private AmqpServer _server = null!;
    private ResourceMonitor Monitor => (ResourceMonitor)_server.Broker.Monitor!;

    public async Task InitializeAsync()
    {
        _server = await AmqpServer.StartAsync(new AmqpServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            DataDir = _dir,
            Storage = new DiskStorage(monitor: new ResourceMonitorOptions { Interval = TimeSpan.FromMilliseconds(200) }),
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public async Task Under_an_alarm_consumers_keep_working()
    {
        var f = new ConnectionFactory { HostName = "127.0.0.1", Port = _server.Port, AutomaticRecoveryEnabled = false };
        await using (var conn = await f.CreateConnectionAsync().WaitAsync(TimeSpan.FromSeconds(10)))
        {
            var ch = await conn.CreateChannelAsync();
            await ch.QueueDeclareAsync("drain", durable: false, exclusive: false, autoDelete: false);
            await ch.BasicPublishAsync("", "drain", "m"u8.ToArray());
            await ch.CloseAsync();
        }
        Monitor.MemoryLimitBytes = 1;
        try
        {
            await using var conn = await f.CreateConnectionAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var ch = await conn.CreateChannelAsync().WaitAsync(TimeSpan.FromSeconds(10));
            BasicGetResult? got = null;
            for (int i = 0; i < 50 && got is null; i++)
            {
                got = await ch.BasicGetAsync("drain", autoAck: true).WaitAsync(TimeSpan.FromSeconds(10));
                if (got is null) await Task.Delay(20);
            }
            Assert.Equal("m"u8.ToArray(), got!.Body.ToArray());
        }
        finally { Monitor.MemoryLimitBytes = long.MaxValue; }
    }

    [Theory]
    [InlineData("memory", "low on memory")]
    [InlineData("disk", "low on disk space")]
    public async Task Alarm_blocks_publishers_until_it_clears(string alarm, string reason)
    {
        var f = new ConnectionFactory { HostName = "127.0.0.1", Port = _server.Port, AutomaticRecoveryEnabled = false };
        await using var conn = await f.CreateConnectionAsync().WaitAsync(TimeSpan.FromSeconds(10));
        var blocked = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var unblocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        conn.ConnectionBlockedAsync += (_, e) => { blocked.TrySetResult(e.Reason); return Task.CompletedTask; };
        conn.ConnectionUnblockedAsync += (_, _) => { unblocked.TrySetResult(); return Task.CompletedTask; };
        var ch = await conn.CreateChannelAsync();
        await ch.QueueDeclareAsync("flow", durable: true, exclusive: false, autoDelete: false);

        if (alarm == "memory") Monitor.MemoryLimitBytes = 1; else Monitor.DiskFreeLimitBytes = long.MaxValue;
        Assert.True(Monitor.IsBlocked);
        var props = new BasicProperties { DeliveryMode = DeliveryModes.Persistent };
        // As in RabbitMQ, the publish that runs into the alarm may still go through; the connection
        // is then blocked and nothing more it sends is read.
        await ch.BasicPublishAsync("", "flow", false, props, "first"u8.ToArray());
        Assert.Equal(reason, await blocked.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        var queue = _server.Broker.Vhosts["/"].FindQueue("flow")!;
        int before = queue.MessageCount;
        await ch.BasicPublishAsync("", "flow", false, props, "held"u8.ToArray());
        await Task.Delay(500);
        Assert.Equal(before, queue.MessageCount);

        if (alarm == "memory") Monitor.MemoryLimitBytes = long.MaxValue; else Monitor.DiskFreeLimitBytes = 50_000_000;
        await unblocked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        uint count = 0;
        while (DateTime.UtcNow < deadline && (count = (await ch.QueueDeclarePassiveAsync("flow")).MessageCount) < 2) await Task.Delay(50);
        Assert.Equal(2u, count);
    }
}
