using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Trove.Amqp.Tests.Fixtures;
using static Trove.Amqp.Tests.Fixtures.Amqp;

namespace Trove.Amqp.Tests.Integration;

/// <summary>Publisher confirms and transactions.</summary>
[Collection(BrokerCollection.Name)]
public class ConfirmTxTests(BrokerFixture fx)
{
    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Confirms_ack_every_publish_including_persistent_to_durable_queues(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync(new CreateChannelOptions(true, true));
        var q = Name("confirm");
        await ch.QueueDeclareAsync(q, true, false, false);
        var tasks = new List<ValueTask>();
        for (int i = 0; i < 200; i++)
            tasks.Add(ch.BasicPublishAsync("", q, false, new BasicProperties { Persistent = i % 2 == 0 }, new byte[] { (byte)i }));
        foreach (var t in tasks) await t;
        Assert.Equal(200u, await WaitCountAsync(ch, q, 200));
        await ch.QueueDeleteAsync(q);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Raw_confirm_acks_arrive_in_order_possibly_multiple(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync(new CreateChannelOptions(true, false));
        var acked = new List<(ulong Tag, bool Multiple)>();
        ch.BasicAcksAsync += (_, e) => { lock (acked) acked.Add((e.DeliveryTag, e.Multiple)); return Task.CompletedTask; };
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        for (int i = 0; i < 50; i++) await PublishAsync(ch, "", q, "x");
        var deadline = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < deadline)
        {
            lock (acked) if (acked.Count > 0 && acked[^1].Tag == 50) break;
            await Task.Delay(20);
        }
        lock (acked)
        {
            Assert.Equal(50ul, acked[^1].Tag);
            var covered = new HashSet<ulong>();
            ulong last = 0;
            foreach (var (tag, multiple) in acked)
            {
                Assert.True(tag > last);
                for (ulong t = multiple ? last + 1 : tag; t <= tag; t++) covered.Add(t);
                last = tag;
            }
            Assert.Equal(50, covered.Count);
        }
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Tx_commit_and_rollback_publishes_and_acks(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        await using var ch = await conn.CreateChannelAsync();
        var q = (await ch.QueueDeclareAsync("", false, true, true)).QueueName;
        await ch.TxSelectAsync();
        await PublishAsync(ch, "", q, "rolled-back");
        await ch.TxRollbackAsync();
        await PublishAsync(ch, "", q, "committed");
        Assert.Equal(0u, (await ch.QueueDeclarePassiveAsync(q)).MessageCount);
        await ch.TxCommitAsync();
        Assert.Equal(1u, (await ch.QueueDeclarePassiveAsync(q)).MessageCount);
        var r = await ch.BasicGetAsync(q, false);
        Assert.Equal("committed", r!.Text());
        await ch.BasicAckAsync(r!.DeliveryTag, false);
        await ch.TxRollbackAsync(); // the ack is undone
        await ch.BasicAckAsync(r!.DeliveryTag, false);
        await ch.TxCommitAsync();
        Assert.Equal(0u, (await ch.QueueDeclarePassiveAsync(q)).MessageCount);
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Tx_commit_without_select_is_406(string target)
    {
        await using var conn = await fx.ConnectAsync(target);
        var ch = await conn.CreateChannelAsync();
        Assert.Equal(406, await ChannelErrorAsync(ch, () => ch.TxCommitAsync()));
        var ch2 = await conn.CreateChannelAsync(new CreateChannelOptions(true, false));
        Assert.Equal(406, await ChannelErrorAsync(ch2, () => ch2.TxSelectAsync()));
    }
}
