using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Trove.Amqp.Tests.Fixtures;
using static Trove.Amqp.Tests.Fixtures.Amqp;

namespace Trove.Amqp.Tests.Integration;

/// <summary>basic.*: publish/return, consume/cancel, get, ack/nack/reject, recover, qos, ordering.</summary>
[Collection(BrokerCollection.Name)]
public class BasicTests(BrokerFixture fx)
{
    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Mandatory_unroutable_message_comes_back_with_basic_return(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var returned = new TaskCompletionSource<BasicReturnEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        ch.BasicReturnAsync += (_, e) => { returned.TrySetResult(e); return Task.CompletedTask; };
        await PublishAsync(ch, "amq.direct", "nobody-" + Guid.NewGuid(), "lost", new BasicProperties { MessageId = "m1" }, mandatory: true);
        var r = await returned.Task.WaitAsync(Wait);
        Assert.Equal(312, r.ReplyCode);
        Assert.Equal("NO_ROUTE", r.ReplyText);
        Assert.Equal("amq.direct", r.Exchange);
        Assert.Equal("m1", r.BasicProperties.MessageId);
        Assert.Equal("lost", System.Text.Encoding.UTF8.GetString(r.Body.Span));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Publish_to_missing_exchange_is_404_and_publish_with_immediate_unsupported(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        Assert.Equal(404, await ChannelErrorAsync(ch, async () =>
        {
            await PublishAsync(ch, Name("none"), "k", "x");
            await ch.QueueDeclareAsync("", false, true, true);
        }));
        Assert.True(conn.IsOpen);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Consume_with_client_and_server_tags_cancel_and_exclusive_consumers(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, false)).QueueName;
        var c1 = new Collector(ch);
        var serverTag = await ch.BasicConsumeAsync(q, true, c1);
        Assert.StartsWith("amq.ctag-", serverTag);
        var c2 = new Collector(ch);
        Assert.Equal("my-tag", await ch.BasicConsumeAsync(q, true, "my-tag", c2));
        await ch.BasicCancelAsync(serverTag);
        await PublishAsync(ch, "", q, "after-cancel");
        Assert.Equal("after-cancel", (await c2.NextAsync())!.Text());
        Assert.True(await c1.QuietAsync(TimeSpan.FromMilliseconds(200)));
        var ch2 = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch2, () => ch2.BasicConsumeAsync(q, true, "", false, true, null, new Collector(ch2))));
        await ch.BasicCancelAsync("my-tag");
        var ch3 = await conn.CreateChannelAsync();
        await ch3.BasicConsumeAsync(q, true, "", false, true, null, new Collector(ch3));
        var ch4 = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch4, () => ch4.BasicConsumeAsync(q, true, new Collector(ch4))));
        var ch5 = await conn.CreateChannelAsync();
        Assert.Equal(404, await ChannelErrorAsync(ch5, () => ch5.BasicConsumeAsync(Name("noq"), true, new Collector(ch5))));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Deleting_a_consumed_queue_cancels_its_consumers(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = Name("cancelme");
        await ch.QueueDeclareAsync(q, false, false, false);
        var c = new Collector(ch);
        await ch.BasicConsumeAsync(q, true, c);
        await using var other = await conn.CreateChannelAsync();
        await other.QueueDeleteAsync(q);
        await c.ServerCancelled.Task.WaitAsync(Wait);
        Assert.True(ch.IsOpen);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Get_and_get_empty_with_message_count(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        Assert.Null(await ch.BasicGetAsync(q, true));
        await PublishAsync(ch, "", q, "one");
        await PublishAsync(ch, "", q, "two");
        await WaitCountAsync(ch, q, 2);
        var r = await ch.BasicGetAsync(q, false);
        Assert.Equal("one", r!.Text());
        Assert.Equal(1u, r!.MessageCount);
        Assert.False(r!.Redelivered);
        await ch.BasicNackAsync(r!.DeliveryTag, false, true);
        var again = await ch.BasicGetAsync(q, true);
        Assert.Equal("one", again!.Text());
        Assert.True(again!.Redelivered);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Ack_multiple_nack_multiple_requeue_and_reject(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        for (int i = 0; i < 6; i++) await PublishAsync(ch, "", q, "m" + i);
        var c = new Collector(ch);
        await ch.BasicConsumeAsync(q, false, c);
        var d = await c.TakeAsync(6);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => "m" + i), d.Select(x => x.Text()));
        await ch.BasicAckAsync(d[1].DeliveryTag, true);          // m0, m1
        await ch.BasicNackAsync(d[3].DeliveryTag, true, true);   // m2, m3 back
        await ch.BasicRejectAsync(d[4].DeliveryTag, false);      // m4 dropped
        var back = await c.TakeAsync(2);
        Assert.Equal(["m2", "m3"], back.Select(x => x.Text()));
        Assert.All(back, x => Assert.True(x.Redelivered));
        await ch.BasicAckAsync(0, true);                         // everything outstanding
        Assert.True(await c.QuietAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(0u, (await ch.QueueDeclarePassiveAsync(q)).MessageCount);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Unknown_delivery_tag_is_406(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        Assert.Equal(406, await ChannelErrorAsync(ch, async () =>
        {
            await ch.BasicAckAsync(999, false);
            await ch.QueueDeclareAsync("", false, true, true);
        }));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Unacked_messages_are_requeued_redelivered_when_the_channel_closes(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var setup = await conn.CreateChannelAsync();
        var q = Name("requeue");
        await setup.QueueDeclareAsync(q, false, true, false);
        for (int i = 0; i < 3; i++) await PublishAsync(setup, "", q, "m" + i);
        var ch = await conn.CreateChannelAsync();
        var c = new Collector(ch);
        await ch.BasicConsumeAsync(q, false, c);
        await c.TakeAsync(3);
        await ch.CloseAsync();
        await using var ch2 = await conn.CreateChannelAsync();
        var c2 = new Collector(ch2, ack: true);
        await ch2.BasicConsumeAsync(q, false, c2);
        var again = await c2.TakeAsync(3);
        Assert.Equal(["m0", "m1", "m2"], again.Select(x => x.Text()));
        Assert.All(again, x => Assert.True(x.Redelivered));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Round_robin_and_fifo_per_queue(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        var c1 = new Collector(ch);
        var c2 = new Collector(ch);
        await ch.BasicConsumeAsync(q, true, c1);
        await ch.BasicConsumeAsync(q, true, c2);
        for (int i = 0; i < 10; i++) await PublishAsync(ch, "", q, i.ToString());
        var a = (await c1.TakeAsync(5)).Select(x => int.Parse(x.Text())).ToList();
        var b = (await c2.TakeAsync(5)).Select(x => int.Parse(x.Text())).ToList();
        var halves = new[] { a, b }.OrderBy(l => l[0]).ToList();
        Assert.Equal([0, 2, 4, 6, 8], halves[0]);
        Assert.Equal([1, 3, 5, 7, 9], halves[1]);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Qos_per_consumer_and_per_channel(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var setup = await conn.CreateChannelAsync();
        var q = (await setup.QueueDeclareAsync("", false, true, false)).QueueName;
        for (int i = 0; i < 10; i++) await PublishAsync(setup, "", q, i.ToString());
        // global=false: each consumer gets 2; two consumers on the channel → 4 unacked.
        var ch = await conn.CreateChannelAsync();
        await ch.BasicQosAsync(0, 2, false);
        var c1 = new Collector(ch);
        var c2 = new Collector(ch);
        await ch.BasicConsumeAsync(q, false, c1);
        await ch.BasicConsumeAsync(q, false, c2);
        await c1.TakeAsync(2);
        await c2.TakeAsync(2);
        Assert.True(await c1.QuietAsync(TimeSpan.FromMilliseconds(300)));
        Assert.True(await c2.QuietAsync(TimeSpan.FromMilliseconds(50)));
        await ch.CloseAsync();
        // global=true: the channel as a whole gets 3.
        var ch2 = await conn.CreateChannelAsync();
        await ch2.BasicQosAsync(0, 3, true);
        var d1 = new Collector(ch2);
        var d2 = new Collector(ch2);
        await ch2.BasicConsumeAsync(q, false, d1);
        await ch2.BasicConsumeAsync(q, false, d2);
        await Task.Delay(300);
        int got = 0;
        while (await d1.NextAsync(TimeSpan.FromMilliseconds(50)) is { } x) { got++; }
        while (await d2.NextAsync(TimeSpan.FromMilliseconds(50)) is { } y) { got++; }
        Assert.Equal(3, got);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Prefetch_size_and_recover_without_requeue_are_540(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        Assert.Equal(540, await ConnectionErrorAsync(conn, () => ch.BasicQosAsync(1000, 1, false)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Properties_and_headers_pass_through(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        var props = new BasicProperties
        {
            ContentType = "application/json", ContentEncoding = "utf-8", DeliveryMode = DeliveryModes.Persistent, Priority = 3,
            CorrelationId = "c", ReplyTo = "r", Expiration = "60000", MessageId = "m", Timestamp = new AmqpTimestamp(1700000000),
            Type = "t", UserId = "guest", AppId = "a",
            Headers = new Dictionary<string, object?> { ["i"] = 7, ["s"] = "张三丰", ["b"] = true, ["l"] = new List<object> { 1, "x" }, ["n"] = -5L },
        };
        await ch.BasicPublishAsync("", q, false, props, new byte[] { 1, 2, 3 });
        var r = await GetAsync(ch, q);
        var p = r!.BasicProperties;
        Assert.Equal(("application/json", "utf-8", DeliveryModes.Persistent, (byte)3, "c", "r"), (p.ContentType, p.ContentEncoding, p.DeliveryMode, p.Priority, p.CorrelationId, p.ReplyTo));
        Assert.Equal(("60000", "m", 1700000000L, "t", "guest", "a"), (p.Expiration, p.MessageId, p.Timestamp.UnixTime, p.Type, p.UserId, p.AppId));
        Assert.Equal(7, p.Headers!["i"]);
        Assert.Equal("张三丰", System.Text.Encoding.UTF8.GetString((byte[])p.Headers["s"]!));
        Assert.Equal(-5L, p.Headers["n"]);
    }
}
