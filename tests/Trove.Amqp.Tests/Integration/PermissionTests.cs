using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Trove.Amqp.Tests.Fixtures;
using static Trove.Amqp.Tests.Fixtures.Amqp;

namespace Trove.Amqp.Tests.Integration;

/// <summary>Users, vhost access and configure/write/read permissions (403 and 530), as RabbitMQ's.</summary>
[Collection(BrokerCollection.Name)]
public class PermissionTests(BrokerFixture fx)
{
    private async Task<IConnection> LimitedAsync(string target)
    {
        await fx.EnsureUsersAsync();
        return await fx.Factory(target, BrokerFixture.LimitedUser, "pw").CreateConnectionAsync();
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Configure_permission_governs_declare(string target)
    {
        await using var conn = await LimitedAsync(target);
        var ch = await conn.CreateChannelAsync();
        var mine = "lim-" + Guid.NewGuid();
        await ch.QueueDeclareAsync(mine, false, false, true);
        await ch.ExchangeDeclareAsync("lim-x-" + Guid.NewGuid(), "fanout", autoDelete: true);
        Assert.Equal(403, await ChannelErrorAsync(ch, () => ch.QueueDeclareAsync("other-" + Guid.NewGuid(), false, false, true)));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch, () => ch.ExchangeDeclareAsync("other-x-" + Guid.NewGuid(), "fanout")));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Write_and_read_permissions_govern_publish_bind_and_consume(string target)
    {
        await using var guest = await fx.ConnectAsync(target);
        await using var gch = await guest.CreateChannelAsync();
        var foreign = Name("foreign");
        await gch.QueueDeclareAsync(foreign, false, false, true);
        await using var conn = await LimitedAsync(target);
        var ch = await conn.CreateChannelAsync();
        var q = "lim-" + Guid.NewGuid();
        var x = "lim-" + Guid.NewGuid();
        await ch.QueueDeclareAsync(q, false, false, true);
        await ch.ExchangeDeclareAsync(x, "direct", autoDelete: true);
        await ch.QueueBindAsync(q, x, "k");
        await PublishAsync(ch, x, "k", "allowed");
        Assert.Equal("allowed", (await GetAsync(ch, q))!.Text());
        // The default exchange is "amq.default" for permissions: not writable for this user.
        Assert.Equal(403, await ChannelErrorAsync(ch, async () =>
        {
            await PublishAsync(ch, "", q, "denied");
            await ch.QueueDeclarePassiveAsync(q);
        }));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch, () => ch.BasicGetAsync(foreign, true)));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch, () => ch.QueueBindAsync(q, "amq.direct", "k")));
        ch = await conn.CreateChannelAsync();
        Assert.Equal(403, await ChannelErrorAsync(ch, () => ch.QueuePurgeAsync(foreign)));
    }

    [Theory]
    [MemberData(nameof(BrokerFixture.Targets), MemberType = typeof(BrokerFixture))]
    public async Task Vhost_without_permissions_is_530_and_wrong_password_refused(string target)
    {
        await fx.EnsureUsersAsync();
        ushort code = 0;
        try
        {
            await using var conn = await fx.Factory(target, BrokerFixture.LimitedUser, "pw", BrokerFixture.OtherVhost).CreateConnectionAsync();
            code = await ConnectionErrorAsync(conn, () => conn.CreateChannelAsync());
        }
        catch (Exception ex)
        {
            for (var e = ex; e is not null; e = e.InnerException)
                if (e is OperationInterruptedException { ShutdownReason: { } r }) { code = r.ReplyCode; break; }
            if (code == 0) throw;
        }
        Assert.Equal(530, code);
        await Assert.ThrowsAnyAsync<BrokerUnreachableException>(() => fx.Factory(target, BrokerFixture.LimitedUser, "nope").CreateConnectionAsync());
    }
}
