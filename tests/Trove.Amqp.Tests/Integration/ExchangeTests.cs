using RabbitMQ.Client;
using Trove.Amqp.Tests.Fixtures;
using static Trove.Amqp.Tests.Fixtures.Amqp;

namespace Trove.Amqp.Tests.Integration;

/// <summary>Exchange declare/delete/bind and routing by type.</summary>
[Collection(BrokerCollection.Name)]
public class ExchangeTests(BrokerFixture fx)
{
    private async Task<(IConnection, IChannel)> OpenAsync(string target)
    {
        var conn = await fx.ConnectAsync(target);
        return (conn, await conn.CreateChannelAsync());
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Predeclared_exchanges_exist(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        foreach (var x in new[] { "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match" })
            await ch.ExchangeDeclarePassiveAsync(x);
        Assert.True(ch.IsOpen);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Redeclare_mismatch_is_406_passive_missing_is_404_reserved_is_403(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var x = Name("x");
        await ch.ExchangeDeclareAsync(x, "fanout", autoDelete: false);
        await ch.ExchangeDeclareAsync(x, "fanout");
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.ExchangeDeclareAsync(x, "direct")));
        var ch2 = await conn.CreateChannelAsync();
        Assert.Equal(406, await ChannelErrorAsync(ch2, () => ch2.ExchangeDeclareAsync(x, "fanout", durable: true)));
        var ch3 = await conn.CreateChannelAsync();
        Assert.Equal(404, await ChannelErrorAsync(ch3, () => ch3.ExchangeDeclarePassiveAsync(Name("missing"))));
        var ch4 = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch4, () => ch4.ExchangeDeclareAsync("amq.mine-" + Guid.NewGuid(), "direct")));
        var ch5 = await conn.CreateChannelAsync();
        await ch5.ExchangeDeleteAsync(x);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Unknown_exchange_type_is_connection_error_503(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        Assert.Equal(503, await ConnectionErrorAsync(conn, () => ch.ExchangeDeclareAsync(Name("x"), "no-such-type")));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Delete_if_unused_is_406_and_deleting_a_missing_exchange_is_ok(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var x = Name("x");
        await ch.ExchangeDeclareAsync(x, "direct");
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.QueueBindAsync(q, x, "k");
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.ExchangeDeleteAsync(x, ifUnused: true)));
        var ch2 = await conn.CreateChannelAsync();
        await ch2.ExchangeDeleteAsync(x);
        await ch2.ExchangeDeleteAsync(x); // deleting a missing exchange is fine
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Direct_fanout_and_topic_routing(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var direct = Name("d");
        var fanout = Name("f");
        var topic = Name("t");
        await ch.ExchangeDeclareAsync(direct, "direct", autoDelete: true);
        await ch.ExchangeDeclareAsync(fanout, "fanout", autoDelete: true);
        await ch.ExchangeDeclareAsync(topic, "topic", autoDelete: true);
        var q1 = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        var q2 = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.QueueBindAsync(q1, direct, "red");
        await ch.QueueBindAsync(q2, fanout, "ignored");
        await ch.QueueBindAsync(q1, topic, "a.*.c");
        await ch.QueueBindAsync(q2, topic, "a.#");
        await PublishAsync(ch, direct, "red", "d-red");
        await PublishAsync(ch, direct, "blue", "d-blue");
        await PublishAsync(ch, fanout, "x", "f");
        await PublishAsync(ch, topic, "a.b.c", "t-abc");
        await PublishAsync(ch, topic, "a", "t-a");
        await PublishAsync(ch, topic, "b.b.c", "t-bbc");
        Assert.Equal(2u, await WaitCountAsync(ch, q1, 2));
        Assert.Equal(3u, await WaitCountAsync(ch, q2, 3));
        var got1 = new List<string> { (await GetAsync(ch, q1))!.Text(), (await GetAsync(ch, q1))!.Text() };
        var got2 = new List<string> { (await GetAsync(ch, q2))!.Text(), (await GetAsync(ch, q2))!.Text(), (await GetAsync(ch, q2))!.Text() };
        Assert.Equal(["d-red", "t-abc"], got1);
        Assert.Equal(["f", "t-abc", "t-a"], got2);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Headers_exchange_all_and_any(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var x = Name("h");
        await ch.ExchangeDeclareAsync(x, "headers", autoDelete: true);
        var all = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        var any = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.QueueBindAsync(all, x, "", new Dictionary<string, object?> { ["x-match"] = "all", ["format"] = "pdf", ["type"] = "report" });
        await ch.QueueBindAsync(any, x, "", new Dictionary<string, object?> { ["x-match"] = "any", ["format"] = "pdf", ["type"] = "report" });
        async Task Pub(string body, Dictionary<string, object?> headers)
            => await PublishAsync(ch, x, "", body, new BasicProperties { Headers = headers });
        await Pub("both", new() { ["format"] = "pdf", ["type"] = "report" });
        await Pub("format-only", new() { ["format"] = "pdf" });
        await Pub("none", new() { ["format"] = "zip" });
        Assert.Equal(1u, await WaitCountAsync(ch, all, 1));
        Assert.Equal(2u, await WaitCountAsync(ch, any, 2));
        Assert.Equal("both", (await GetAsync(ch, all))!.Text());
        Assert.Equal("both", (await GetAsync(ch, any))!.Text());
        Assert.Equal("format-only", (await GetAsync(ch, any))!.Text());
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Exchange_to_exchange_bindings_route_once_per_queue(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var src = Name("src");
        var dst = Name("dst");
        await ch.ExchangeDeclareAsync(src, "topic", autoDelete: false);
        await ch.ExchangeDeclareAsync(dst, "fanout", autoDelete: false);
        await ch.ExchangeBindAsync(dst, src, "log.*");
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.QueueBindAsync(q, dst, "");
        await ch.QueueBindAsync(q, src, "#");
        await PublishAsync(ch, src, "log.info", "one");
        await PublishAsync(ch, src, "other", "two");
        Assert.Equal(2u, await WaitCountAsync(ch, q, 2));
        await ch.ExchangeUnbindAsync(dst, src, "log.*");
        await ch.QueueUnbindAsync(q, src, "#");
        await PublishAsync(ch, src, "log.info", "three");
        await Task.Delay(200);
        Assert.Equal(2u, (await ch.QueueDeclarePassiveAsync(q)).MessageCount);
        await ch.ExchangeDeleteAsync(src);
        await ch.ExchangeDeleteAsync(dst);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Auto_delete_exchange_goes_with_its_last_binding(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var x = Name("ad");
        await ch.ExchangeDeclareAsync(x, "direct", durable: false, autoDelete: true);
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.QueueBindAsync(q, x, "k");
        await ch.QueueUnbindAsync(q, x, "k");
        await Task.Delay(100);
        Assert.Equal(404, await ChannelErrorAsync(ch, () => ch.ExchangeDeclarePassiveAsync(x)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Binding_to_missing_queue_or_exchange_is_404(string target)
    {
        var (conn, ch) = await OpenAsync(target);
        await using var _ = conn;
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        Assert.Equal(404, await ChannelErrorAsync(ch, () => ch.QueueBindAsync(q, Name("nox"), "k")));
        var ch2 = await conn.CreateChannelAsync();
        Assert.Equal(404, await ChannelErrorAsync(ch2, () => ch2.QueueBindAsync(Name("noq"), "amq.direct", "k")));
        var ch3 = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch3, () => ch3.QueueBindAsync(q, "", "k")));
    }
}
