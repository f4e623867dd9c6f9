using RabbitMQ.Client;
using Trove.Amqp.Framing;
using Trove.Amqp.Tests.Fixtures;

namespace Trove.Amqp.Tests.Integration;

/// <summary>
/// Bad input and protocol edges over raw sockets, against both brokers: each gets the spec's
/// connection.close (or channel.close) code, the socket closes, and other connections keep working.
/// </summary>
[Collection(BrokerCollection.Name)]
public class RawProtocolTests(BrokerFixture fx)
{
    private async Task AssertOthersWorkAsync(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.BasicPublishAsync("", q, new byte[] { 1 });
        Assert.NotNull(await Fixtures.Amqp.GetAsync(ch, q));
    }

    private async Task<ushort> ConnectionCloseCodeAsync(RawAmqpClient c)
    {
        var close = await c.ReadCloseAsync();
        Assert.NotNull(close);
        Assert.Equal(AmqpMethod.ConnectionClose, close.Method);
        await c.SendMethodAsync(0, AmqpMethod.ConnectionCloseOk);
        Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5)), "socket not closed");
        return (ushort)close.Args.Num(0);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Wrong_protocol_header_gets_the_supported_header_and_a_close(string target)
    {
        foreach (var header in new[] { "AMQP\0\0\x0A\x00"u8.ToArray(), "GET / HTTP/1.1\r\n\r\n"u8.ToArray() })
        {
            await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
            await c.SendAsync(header);
            var reply = await c.ReadBytesAsync(8);
            Assert.Equal("AMQP\0\0\x09\x01"u8.ToArray(), reply);
            Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5)));
        }
        await AssertOthersWorkAsync(target);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Bad_frame_end_is_501(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        var w = new ByteWriter();
        FrameWriter.Method(w, 1, AmqpMethod.ChannelOpen, "");
        var bytes = w.WrittenSpan.ToArray();
        bytes[^1] = 0x00;
        await c.SendAsync(bytes);
        Assert.Equal(ReplyCode.FrameError, await ConnectionCloseCodeAsync(c));
        await AssertOthersWorkAsync(target);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Frame_larger_than_frame_max_is_501(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync(frameMax: 4096);
        await c.OpenChannelAsync(1);
        await c.SendMethodAsync(1, AmqpMethod.BasicPublish, (ushort)0, "", "q", false, false);
        await c.SendContentAsync(1, new byte[10000], frameMax: 20000);
        Assert.Equal(ReplyCode.FrameError, await ConnectionCloseCodeAsync(c));
        await AssertOthersWorkAsync(target);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Unknown_class_or_method_is_540(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        await c.OpenChannelAsync(1);
        // A method frame for class 60, method 99 (no such method).
        await c.SendAsync(new byte[] { 1, 0, 1, 0, 0, 0, 4, 0, 60, 0, 99, 0xCE });
        if (target == BrokerFixture.Trove) Assert.Equal(ReplyCode.NotImplemented, await ConnectionCloseCodeAsync(c));
        else Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5))); // RabbitMQ 3.10 resets the socket without a close

        await AssertOthersWorkAsync(target);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Content_header_without_publish_is_505(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        await c.OpenChannelAsync(1);
        await c.SendContentAsync(1, new byte[10]);
        Assert.Equal(ReplyCode.UnexpectedFrame, await ConnectionCloseCodeAsync(c));
        await AssertOthersWorkAsync(target);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Method_instead_of_content_is_505(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        await c.OpenChannelAsync(1);
        await c.SendMethodAsync(1, AmqpMethod.BasicPublish, (ushort)0, "", "q", false, false);
        await c.SendMethodAsync(1, AmqpMethod.BasicQos, 0u, (ushort)1, false);
        Assert.Equal(ReplyCode.UnexpectedFrame, await ConnectionCloseCodeAsync(c));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Garbage_after_the_handshake_is_a_frame_error(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        var garbage = new byte[64];
        new Random(3).NextBytes(garbage);
        garbage[0] = 0x77; // not a frame type
        await c.SendAsync(garbage);
        Assert.Equal(ReplyCode.FrameError, await ConnectionCloseCodeAsync(c));
        await AssertOthersWorkAsync(target);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Second_channel_open_and_unopened_channel_are_504(string target)
    {
        await using (var c = await RawAmqpClient.ConnectAsync(fx.Port(target)))
        {
            await c.HandshakeAsync();
            await c.OpenChannelAsync(1);
            await c.SendMethodAsync(1, AmqpMethod.ChannelOpen, "");
            Assert.Equal(ReplyCode.ChannelError, await ConnectionCloseCodeAsync(c));
        }
        await using (var c = await RawAmqpClient.ConnectAsync(fx.Port(target)))
        {
            await c.HandshakeAsync();
            await c.SendMethodAsync(5, AmqpMethod.QueueDeclare, (ushort)0, "", false, false, true, true, false, null);
            Assert.Equal(ReplyCode.ChannelError, await ConnectionCloseCodeAsync(c));
        }
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Publish_with_immediate_is_540(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        await c.OpenChannelAsync(1);
        await c.SendMethodAsync(1, AmqpMethod.BasicPublish, (ushort)0, "", "q", false, true);
        await c.SendContentAsync(1, new byte[3]);
        Assert.Equal(ReplyCode.NotImplemented, await ConnectionCloseCodeAsync(c));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Channel_close_ignores_frames_until_close_ok(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        await c.OpenChannelAsync(1);
        await c.SendMethodAsync(1, AmqpMethod.QueueDeclare, (ushort)0, "no-such-" + Guid.NewGuid(), true, false, false, false, false, null);
        var close = await c.ReadCloseAsync();
        Assert.Equal(AmqpMethod.ChannelClose, close!.Method);
        Assert.Equal(404, close.Args.Num(0));
        Assert.Equal(50, close.Args.Num(2));
        Assert.Equal(10, close.Args.Num(3));
        // Until close-ok, the broker drops this channel's frames, content included.
        await c.SendMethodAsync(1, AmqpMethod.BasicPublish, (ushort)0, "", "q", false, false);
        await c.SendContentAsync(1, new byte[5]);
        await c.SendMethodAsync(1, AmqpMethod.QueueDeclare, (ushort)0, "", false, false, true, true, false, null);
        await c.SendMethodAsync(1, AmqpMethod.ChannelCloseOk);
        await c.OpenChannelAsync(1);
        await c.SendMethodAsync(1, AmqpMethod.ChannelFlow, true);
        var flow = await c.ReadMethodAsync();
        Assert.Equal(AmqpMethod.ChannelFlowOk, flow!.Method);
        Assert.True(flow.Args.Bit(0));
        // RabbitMQ does not let a client stop the server's deliveries with channel.flow.
        await c.SendMethodAsync(1, AmqpMethod.ChannelFlow, false);
        Assert.Equal(ReplyCode.NotImplemented, await ConnectionCloseCodeAsync(c));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Server_closes_channel_on_client_close_and_recover_redelivers(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync(amqplain: true);
        await c.OpenChannelAsync(1);
        await c.SendMethodAsync(1, AmqpMethod.QueueDeclare, (ushort)0, "", false, false, true, true, false, null);
        var ok = await c.ReadMethodAsync();
        string q = ok!.Args.Str(0);
        await c.SendMethodAsync(1, AmqpMethod.BasicPublish, (ushort)0, "", q, false, false);
        await c.SendContentAsync(1, "hi"u8.ToArray());
        await c.SendMethodAsync(1, AmqpMethod.BasicConsume, (ushort)0, q, "tag", false, false, false, false, null);
        Assert.Equal(AmqpMethod.BasicConsumeOk, (await c.ReadMethodAsync())!.Method);
        var deliver = await c.ReadMethodAsync();
        Assert.Equal(AmqpMethod.BasicDeliver, deliver!.Method);
        Assert.False(deliver.Args.Bit(2));
        await c.SendMethodAsync(1, AmqpMethod.BasicRecover, true);
        var frames = new List<AmqpMethod?>();
        for (int i = 0; i < 2; i++) frames.Add((await c.ReadMethodAsync())!.Method);
        Assert.Contains(AmqpMethod.BasicRecoverOk, frames);
        Assert.Contains(AmqpMethod.BasicDeliver, frames);
        await c.SendMethodAsync(1, AmqpMethod.BasicRecover, false);
        Assert.Equal(ReplyCode.NotImplemented, await ConnectionCloseCodeAsync(c));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Publish_to_internal_exchange_is_403(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync();
        await c.OpenChannelAsync(1);
        var x = "t-internal-" + Guid.NewGuid();
        await c.SendMethodAsync(1, AmqpMethod.ExchangeDeclare, (ushort)0, x, "fanout", false, false, true, true, false, null);
        Assert.Equal(AmqpMethod.ExchangeDeclareOk, (await c.ReadMethodAsync())!.Method);
        await c.SendMethodAsync(1, AmqpMethod.BasicPublish, (ushort)0, x, "", false, false);
        await c.SendContentAsync(1, new byte[1]);
        var close = await c.ReadCloseAsync();
        Assert.Equal(AmqpMethod.ChannelClose, close!.Method);
        Assert.Equal(403, close.Args.Num(0));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Silent_peer_is_detected_by_heartbeats(string target)
    {
        await using var c = await RawAmqpClient.ConnectAsync(fx.Port(target));
        await c.HandshakeAsync(heartbeat: 1);
        // The broker sends heartbeats, and closes the socket after about two missed intervals.
        var first = await c.ReadFrameAsync(TimeSpan.FromSeconds(3));
        Assert.Equal(FrameType.Heartbeat, first!.Type);
        Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(8)), "dead peer not detected");
    }
}
