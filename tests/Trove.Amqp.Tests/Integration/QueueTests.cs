using RabbitMQ.Client;
using Trove.Amqp.Tests.Fixtures;
using static Trove.Amqp.Tests.Fixtures.Amqp;

namespace Trove.Amqp.Tests.Integration;

/// <summary>Queue declare/purge/delete/bind, exclusivity, arguments (TTL, max-length, DLX, expires).</summary>
[Collection(BrokerCollection.Name)]
public class QueueTests(BrokerFixture fx)
{
    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Declare_ok_carries_counts_and_server_names(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var named = await ch.QueueDeclareAsync("", false, true, true);
        Assert.StartsWith("amq.gen-", named.QueueName);
        var q = Name("counts");
        await ch.QueueDeclareAsync(q, false, false, true);
        for (int i = 0; i < 3; i++) await PublishAsync(ch, "", q, "m");
        Assert.Equal(3u, await WaitCountAsync(ch, q, 3));
        await using var ch2 = await conn.CreateChannelAsync();
        await ch2.BasicQosAsync(0, 1, false);
        await ch2.BasicConsumeAsync(q, false, new Collector(ch2));
        await Task.Delay(100);
        var ok = await ch.QueueDeclareAsync(q, false, false, true);
        Assert.Equal(2u, ok.MessageCount);
        Assert.Equal(1u, ok.ConsumerCount);
        Assert.Equal(403, await ChannelErrorAsync(ch, () => ch.QueueDeclareAsync("amq.reserved-" + Guid.NewGuid(), false, false, true)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Redeclare_with_other_flags_or_arguments_is_406(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var q = Name("redecl");
        var ch = await conn.CreateChannelAsync();
        await ch.QueueDeclareAsync(q, false, false, true, new Dictionary<string, object?> { ["x-message-ttl"] = 1000 });
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.QueueDeclareAsync(q, true, false, true, new Dictionary<string, object?> { ["x-message-ttl"] = 1000 })));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.QueueDeclareAsync(q, false, false, true, new Dictionary<string, object?> { ["x-message-ttl"] = 2000 })));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.QueueDeclareAsync(Name("bad"), false, false, true, new Dictionary<string, object?> { ["x-message-ttl"] = -5 })));
        ch = await conn.CreateChannelAsync();
        await ch.QueueDeleteAsync(q);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Exclusive_queue_is_locked_405_and_deleted_with_its_connection(string target)
    {
        var owner = await fx.ConnectAsync(target);
        var och = await owner.CreateChannelAsync();
        var q = Name("excl");
        await och.QueueDeclareAsync(q, false, true, false);
        await using var other = await fx.ConnectAsync(target);
        var ch = await other.CreateChannelAsync();
        Assert.Equal(405, await ChannelErrorAsync(ch, () => ch.QueueDeclareAsync(q, false, true, false)));
        ch = await other.CreateChannelAsync();
        Assert.Equal(405, await ChannelErrorAsync(ch, () => ch.BasicGetAsync(q, true)));
        ch = await other.CreateChannelAsync();
        Assert.Equal(405, await ChannelErrorAsync(ch, () => ch.QueuePurgeAsync(q)));
        await owner.CloseAsync();
        await owner.DisposeAsync();
        await Task.Delay(200);
        ch = await other.CreateChannelAsync();
        Assert.Equal(404, await ChannelErrorAsync(ch, () => ch.QueueDeclarePassiveAsync(q)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Purge_and_delete_if_unused_if_empty(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = Name("pd");
        await ch.QueueDeclareAsync(q, false, false, false);
        for (int i = 0; i < 4; i++) await PublishAsync(ch, "", q, "m");
        Assert.Equal(4u, await WaitCountAsync(ch, q, 4));
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.QueueDeleteAsync(q, ifUnused: false, ifEmpty: true)));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(4u, await ch.QueuePurgeAsync(q));
        var cch = await conn.CreateChannelAsync();
        await cch.BasicConsumeAsync(q, true, new Collector(cch));
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.QueueDeleteAsync(q, ifUnused: true, ifEmpty: false)));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(0u, await ch.QueueDeleteAsync(q));
        Assert.Equal(0u, await ch.QueueDeleteAsync(q)); // deleting a missing queue is fine
        Assert.Equal(404, await ChannelErrorAsync(ch, () => ch.QueuePurgeAsync(q)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Auto_delete_queue_goes_when_its_last_consumer_cancels(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = Name("ad");
        await ch.QueueDeclareAsync(q, false, false, true);
        var tag = await ch.BasicConsumeAsync(q, true, new Collector(ch));
        await ch.BasicCancelAsync(tag);
        await Task.Delay(200);
        Assert.Equal(404, await ChannelErrorAsync(ch, () => ch.QueueDeclarePassiveAsync(q)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Message_ttl_dead_letters_to_the_dlx_with_x_death(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var dlx = Name("dlx");
        await ch.ExchangeDeclareAsync(dlx, "direct", autoDelete: false);
        var dead = Name("dead");
        await ch.QueueDeclareAsync(dead, false, false, true);
        await ch.QueueBindAsync(dead, dlx, "dl-key");
        var q = Name("ttl");
        await ch.QueueDeclareAsync(q, false, false, true, new Dictionary<string, object?>
        {
            ["x-message-ttl"] = 200, ["x-dead-letter-exchange"] = dlx, ["x-dead-letter-routing-key"] = "dl-key",
        });
        await PublishAsync(ch, "", q, "expires");
        var got = await GetAsync(ch, dead, timeout: TimeSpan.FromSeconds(5));
        Assert.NotNull(got);
        Assert.Equal("expires", got.Text());
        Assert.Equal("dl-key", got.RoutingKey);
        var deaths = (IList<object?>)got!.BasicProperties.Headers!["x-death"]!;
        var death = (IDictionary<string, object?>)deaths[0]!;
        Assert.Equal("expired", System.Text.Encoding.UTF8.GetString((byte[])death["reason"]!));
        Assert.Equal(0u, (await ch.QueueDeclarePassiveAsync(q)).MessageCount);
        await ch.ExchangeDeleteAsync(dlx);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Per_message_expiration_and_reject_dead_lettering(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var dead = Name("dead2");
        await ch.QueueDeclareAsync(dead, false, false, true);
        var q = Name("exp");
        await ch.QueueDeclareAsync(q, false, false, true, new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "", ["x-dead-letter-routing-key"] = dead });
        await PublishAsync(ch, "", q, "short", new BasicProperties { Expiration = "100" });
        await PublishAsync(ch, "", q, "long", new BasicProperties { Expiration = "60000" });
        await Task.Delay(400);
        var first = await GetAsync(ch, q, autoAck: false);
        Assert.Equal("long", first!.Text());
        await ch.BasicRejectAsync(first!.DeliveryTag, false);
        var d1 = await GetAsync(ch, dead);
        var d2 = await GetAsync(ch, dead);
        Assert.Equal(["short", "long"], new[] { d1!.Text(), d2!.Text() });
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Max_length_drop_head_and_reject_publish(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = Name("maxlen");
        await ch.QueueDeclareAsync(q, false, false, true, new Dictionary<string, object?> { ["x-max-length"] = 2 });
        foreach (var m in new[] { "a", "b", "c" }) await PublishAsync(ch, "", q, m);
        Assert.Equal(2u, await WaitCountAsync(ch, q, 2));
        Assert.Equal("b", (await GetAsync(ch, q))!.Text());
        var rq = Name("reject");
        await ch.QueueDeclareAsync(rq, false, false, true, new Dictionary<string, object?> { ["x-max-length"] = 1, ["x-overflow"] = "reject-publish" });
        await using var cch = await conn.CreateChannelAsync(new CreateChannelOptions(true, true));
        await cch.BasicPublishAsync("", rq, System.Text.Encoding.UTF8.GetBytes("first"));
        var ex = await Assert.ThrowsAsync<RabbitMQ.Client.Exceptions.PublishException>(async () =>
            await cch.BasicPublishAsync("", rq, System.Text.Encoding.UTF8.GetBytes("second")));
        Assert.False(ex.IsReturn);
        Assert.Equal("first", (await GetAsync(ch, rq))!.Text());
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Unused_queue_expires(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = Name("expires");
        await ch.QueueDeclareAsync(q, false, false, false, new Dictionary<string, object?> { ["x-expires"] = 300 });
        await Task.Delay(1500);
        Assert.Equal(404, await ChannelErrorAsync(ch, () => ch.QueueDeclarePassiveAsync(q)));
    }
}
