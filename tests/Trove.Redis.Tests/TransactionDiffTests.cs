using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>MULTI/EXEC/WATCH compared with redis-server, plus WATCH broken by other clients, expiry and flush.</summary>
[Collection("redis-diff")]
public sealed class TransactionDiffTests(DiffFixture f)
{
    [Fact]
    public Task QueueAndExec() => f.AssertSameAsync(
        "MULTI", "SET a 1", "INCR a", "SET s abc", "INCR s", "GET a", "EXEC", "EXEC", "DISCARD", "MULTI", "MULTI", "SET b 2", "DISCARD",
        "GET b", "MULTI", "SET b 2", "FOO", "EXEC", "GET b", "MULTI", "GET", "EXEC", "MULTI", "WATCH a", "EXEC", "MULTI", "EXEC",
        "WATCH a", "MULTI", "SET a 5", "EXEC", "WATCH a", "SET a 6", "MULTI", "GET a", "EXEC", "UNWATCH", "WATCH", "WATCH a b", "UNWATCH");

    [Fact]
    public async Task WatchBrokenByOtherClientExpiryAndFlush()
    {
        foreach (var port in new[] { f.Peer.Port, f.Trove.Port })
        {
            await using var a = await RespClient.ConnectAsync(port);
            await using var b = await RespClient.ConnectAsync(port);
            await a.CallAsync("FLUSHALL");
            await a.CallAsync("SET", "w", "1");
            await a.CallAsync("WATCH", "w");
            await b.CallAsync("SET", "w", "2");
            await a.CallAsync("MULTI");
            await a.CallAsync("GET", "w");
            Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));

            await a.CallAsync("SET", "e", "1", "PX", "50");
            await a.CallAsync("WATCH", "e");
            await Task.Delay(120);
            await a.CallAsync("MULTI");
            await a.CallAsync("GET", "e");
            Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));

            await a.CallAsync("SET", "g", "1");
            await a.CallAsync("WATCH", "g");
            await b.CallAsync("FLUSHDB");
            await a.CallAsync("MULTI");
            await a.CallAsync("PING");
            Assert.Equal("*-1\r\n", await a.CallAsync("EXEC"));

            await a.CallAsync("WATCH", "nothere");
            await b.CallAsync("SET", "other", "1");
            await a.CallAsync("MULTI");
            await a.CallAsync("PING");
            Assert.Equal("*1\r\n+PONG\r\n", await a.CallAsync("EXEC"));
        }
    }
}
