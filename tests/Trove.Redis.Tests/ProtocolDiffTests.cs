using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>Protocol-level behaviour compared with redis-server: errors, inline commands, RESP3, limits.</summary>
[Collection("redis-diff")]
public sealed class ProtocolDiffTests(DiffFixture f)
{
    private async Task<List<string>> RawAsync(int port, string payload, int replies)
    {
        await using var c = await RespClient.ConnectAsync(port);
        await c.SendRawAsync(payload);
        var r = new List<string>();
        for (int i = 0; i < replies; i++) r.Add(await c.ReadReplyAsync());
        return r;
    }

    private async Task SameRawAsync(string payload, int replies)
    {
        var peer = await RawAsync(f.Peer.Port, payload, replies);
        var trove = await RawAsync(f.Trove.Port, payload, replies);
        Assert.Equal(peer, trove);
    }

    [Fact]
    public Task ErrorsAreWordedAsRedis() => f.AssertSameAsync(
        "FOO", "FOO bar baz", "GET", "SET k", "PING a b", "ECHO", "ECHO hi", "PING", "PING hello", "SELECT 100",
        "AUTH x", "AUTH a b", "HELLO 4", "HELLO x", "HELLO 2 FOO", "CLIENT FOO", "CLIENT SETNAME \"a b\"", "CLIENT SETNAME ok",
        "CLIENT GETNAME", "CONFIG FOO", "CONFIG GET", "OBJECT", "COMMAND FOO", "MEMORY USAGE missing", "DBSIZE x",
        "LASTSAVE x", "TIME x", "SET k v", "WRONGTYPE", "INCR");

    [Fact]
    public Task InlineCommands() => SameRawAsync(
        "PING\r\nSET \"a b\" \"x\\ny\\x41\"\r\nGET \"a b\"\r\nSET 'q' 'it\\'s'\r\nGET q\r\n\r\n   \r\nECHO   spaced   \r\nFOO\r\n", 7);

    [Fact]
    public Task PipelinedMixedInlineAndMultibulk() => SameRawAsync(
        "*1\r\n$4\r\nPING\r\nPING\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\0x\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*0\r\n*-1\r\nPING\n", 4);

    [Fact]
    public async Task ProtocolErrorsCloseTheConnection()
    {
        string[] bad =
        [
            "*1\r\n$x\r\n", "*a\r\n", "*1\r\n+PING\r\n", "*1\r\n$-5\r\n", "*1\r\n$600000000\r\n", "SET \"a\r\n", "*2147483648\r\n",
        ];
        foreach (var payload in bad)
        {
            var results = new List<(string, bool)>();
            foreach (var port in new[] { f.Peer.Port, f.Trove.Port })
            {
                await using var c = await RespClient.ConnectAsync(port);
                await c.SendRawAsync(payload);
                var reply = await c.ReadReplyAsync();
                results.Add((reply, await c.IsClosedAsync(TimeSpan.FromSeconds(3))));
            }
            Assert.Equal(results[0], results[1]);
        }
    }

    [Fact]
    public Task Resp3() => f.AssertSameAsync(
        "!HELLO 3 SETNAME x", "SET k v", "GET missing", "MGET k missing", "CONFIG GET maxmemory-policy", "INCRBYFLOAT f 1.5",
        "LCS k k IDX", "!HELLO 2", "GET missing");
}
