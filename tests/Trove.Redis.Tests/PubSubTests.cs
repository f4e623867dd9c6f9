using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>Pub/Sub replies compared with redis-server, in RESP2 and RESP3.</summary>
[Collection("redis-diff")]
public sealed class PubSubTests(DiffFixture f)
{
    private static async Task<List<string>> ScenarioAsync(int port, int protocol)
    {
        var r = new List<string>();
        await using var sub = await RespClient.ConnectAsync(port);
        await using var pub = await RespClient.ConnectAsync(port);
        if (protocol == 3) await sub.CallAsync("HELLO", "3");
        await sub.SendAsync("SUBSCRIBE", "news", "sport");
        r.Add(await sub.ReadReplyAsync());
        r.Add(await sub.ReadReplyAsync());
        await sub.SendAsync("PSUBSCRIBE", "n*");
        r.Add(await sub.ReadReplyAsync());
        r.Add(await pub.CallAsync("PUBLISH", "news", "hello\r\nworld"));
        r.Add(await sub.ReadReplyAsync());
        r.Add(await sub.ReadReplyAsync());
        r.Add(await pub.CallAsync("PUBSUB", "NUMSUB", "news", "none"));
        r.Add(await pub.CallAsync("PUBSUB", "NUMPAT"));
        r.Add(DiffFixture.Unordered(await pub.CallAsync("PUBSUB", "CHANNELS")));
        r.Add(await pub.CallAsync("PUBSUB", "CHANNELS", "s*"));
        r.Add(await sub.CallAsync("GET", "x"));
        r.Add(await sub.CallAsync("PING"));
        await sub.SendAsync("UNSUBSCRIBE", "news");
        r.Add(await sub.ReadReplyAsync());
        await sub.SendAsync("UNSUBSCRIBE");
        r.Add(await sub.ReadReplyAsync());
        await sub.SendAsync("PUNSUBSCRIBE");
        r.Add(await sub.ReadReplyAsync());
        await sub.SendAsync("UNSUBSCRIBE");
        r.Add(await sub.ReadReplyAsync());
        r.Add(await sub.CallAsync("PING"));
        r.Add(await pub.CallAsync("PUBLISH", "news", "x"));
        return r;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SubscribePublishUnsubscribe(int protocol)
    {
        await using (var c = await RespClient.ConnectAsync(f.Peer.Port)) await c.CallAsync("FLUSHALL");
        var peer = await ScenarioAsync(f.Peer.Port, protocol);
        var trove = await ScenarioAsync(f.Trove.Port, protocol);
        Assert.Equal(peer, trove);
    }
}
