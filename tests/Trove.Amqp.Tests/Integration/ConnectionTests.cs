using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Trove.Amqp.Tests.Fixtures;
using static Trove.Amqp.Tests.Fixtures.Amqp;

namespace Trove.Amqp.Tests.Integration;

/// <summary>Connection class: start/tune/open, capabilities, auth, vhosts, channels, heartbeats.</summary>
[Collection(BrokerCollection.Name)]
public class ConnectionTests(BrokerFixture fx)
{
    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Start_advertises_rabbitmq_capabilities(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var caps = (IDictionary<string, object?>)conn.ServerProperties!["capabilities"]!;
        foreach (var c in new[] { "publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
                     "connection.blocked", "authentication_failure_close", "per_consumer_qos" })
            Assert.Equal(true, caps[c]);
        Assert.True(conn.ServerProperties.ContainsKey("product"));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Tune_negotiates_channel_max_frame_max_and_heartbeat(string target)
    {
        var f = fx.Factory(target);
        f.RequestedChannelMax = 10;
        f.RequestedFrameMax = 8192;
        f.RequestedHeartbeat = TimeSpan.FromSeconds(7);
        await using var conn = await f.CreateConnectionAsync();
        Assert.Equal(10, conn.ChannelMax);
        Assert.Equal(8192u, conn.FrameMax);
        Assert.Equal(TimeSpan.FromSeconds(7), conn.Heartbeat);
        // A body larger than frame-max is split across body frames and arrives whole.
        await using var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        var body = Enumerable.Range(0, 50_000).Select(i => (byte)i).ToArray();
        await ch.BasicPublishAsync("", q, body);
        var got = await GetAsync(ch, q);
        Assert.Equal(body, got!.Body.ToArray());
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Wrong_password_is_refused_with_403(string target)
    {
        var f = fx.Factory(target, "guest", "wrong");
        var ex = await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => f.CreateConnectionAsync());
        var auth = ex.InnerException as AuthenticationFailureException ?? ex.InnerException?.InnerException as AuthenticationFailureException;
        Assert.NotNull(auth);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Unknown_vhost_is_530_not_allowed(string target)
    {
        var f = fx.Factory(target, vhost: "no-such-vhost");
        ushort code = 0;
        try
        {
            await using var conn = await f.CreateConnectionAsync();
            code = await ConnectionErrorAsync(conn, () => conn.CreateChannelAsync());
        }
        catch (Exception ex)
        {
            for (var e = ex; e is not null; e = e.InnerException)
                if (e is OperationInterruptedException { ShutdownReason: { } r }) { code = r.ReplyCode; break; }
            if (code == 0) throw;
        }
        Assert.Equal(530, code);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Many_channels_work_independently(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var channels = new List<IChannel>();
        for (int i = 0; i < 50; i++) channels.Add(await conn.CreateChannelAsync());
        var q = (await channels[0].QueueDeclareAsync("", false, true, true)).QueueName;
        for (int i = 0; i < 50; i++) await PublishAsync(channels[i], "", q, "m" + i);
        Assert.Equal(50u, await WaitCountAsync(channels[0], q, 50));
        // An error on one channel leaves the others open.
        Assert.Equal(404, await ChannelErrorAsync(channels[7], () => channels[7].QueueDeclarePassiveAsync("missing-" + Guid.NewGuid())));
        Assert.True(channels[8].IsOpen);
        Assert.Equal(50u, (await channels[8].QueueDeclarePassiveAsync(q)).MessageCount);
        foreach (var c in channels) await c.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Channel_flow_is_acknowledged(string target)
    {
        // RabbitMQ.Client 7 has no API for client-initiated channel.flow; the raw-socket tests
        // exercise it. Here: a connection with heartbeats of 1 s stays open past several intervals.
        var f = fx.Factory(target);
        f.RequestedHeartbeat = TimeSpan.FromSeconds(1);
        await using var conn = await f.CreateConnectionAsync();
        await Task.Delay(3500);
        Assert.True(conn.IsOpen);
        await using var ch = await conn.CreateChannelAsync();
        Assert.True(ch.IsOpen);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Client_close_with_reply_code_is_acknowledged(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        await ch.CloseAsync(200, "bye");
        Assert.False(ch.IsOpen);
        await conn.CloseAsync(200, "bye", TimeSpan.FromSeconds(5));
        Assert.False(conn.IsOpen);
    }
}
