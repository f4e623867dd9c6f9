using Trove.Redis.Tests.Infrastructure;
using Trove.TestKit;

namespace Trove.Redis.Tests;

/// <summary>Server and connection commands whose replies are Trove's own (ids, times, stats) or per-process.</summary>
[Collection("redis-diff")]
public sealed class ServerCommandTests(DiffFixture f)
{
    [Fact]
    public Task ConfigAndCommandDiff() => f.AssertSameAsync(
        "CONFIG GET databases", "CONFIG GET maxmemory-policy", "CONFIG GET nonexistent", "CONFIG SET maxmemory-policy", "CONFIG RESETSTAT",
        "COMMAND GETKEYS SET a b", "COMMAND GETKEYS MSET a 1 b 2", "COMMAND GETKEYS PING",
        "DBSIZE", "SET a 1", "DBSIZE", "ECHO \"\"", "CLIENT GETNAME", "CLIENT SETNAME n1", "CLIENT GETNAME", "CLIENT SETNAME \"\"", "CLIENT GETNAME",
        "CLIENT KILL 1.2.3.4:5", "CLIENT KILL ID 999999", "MEMORY FOO", "OBJECT HELP", "PUBSUB FOO", "QUIT");

    [Fact]
    public async Task InfoClientTimeMemory()
    {
        await using var c = await RespClient.ConnectAsync(f.Trove.Port);
        await c.CallAsync("FLUSHALL");
        await c.CallAsync("SET", "info:k", "v", "EX", "100");
        var info = await c.CallAsync("INFO");
        foreach (var field in new[] { "redis_version:7.0.15", "# Server", "# Clients", "connected_clients:", "# Memory", "used_memory:",
                                      "# Stats", "total_commands_processed:", "keyspace_hits:", "# Keyspace", "db0:keys=1,expires=1,avg_ttl=0" })
            Assert.Contains(field, info);
        Assert.DoesNotContain("# Memory", await c.CallAsync("INFO", "keyspace"));
        Assert.Contains("cmdstat_set:calls=", await c.CallAsync("INFO", "commandstats"));
        var id = (await c.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        var list = await c.CallAsync("CLIENT", "LIST");
        Assert.Contains($"id={id} addr=127.0.0.1:", list);
        Assert.Contains("cmd=client|list", list);
        Assert.Contains($"id={id} ", await c.CallAsync("CLIENT", "INFO"));
        var time = await c.CallAsync("TIME");
        var parts = time.Split("\r\n");
        Assert.InRange(long.Parse(parts[2]), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 5, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.StartsWith(":", await c.CallAsync("LASTSAVE"));
        Assert.StartsWith(":", await c.CallAsync("MEMORY", "USAGE", "info:k"));
        Assert.StartsWith(":", await c.CallAsync("COMMAND", "COUNT"));
        Assert.Contains("summary", await c.CallAsync("COMMAND", "DOCS", "get"));
        Assert.StartsWith("*", await c.CallAsync("COMMAND"));
        Assert.Equal("+RESET\r\n", await c.CallAsync("RESET"));
    }

    [Fact]
    public async Task ClientKillById()
    {
        await using var a = await RespClient.ConnectAsync(f.Trove.Port);
        await using var b = await RespClient.ConnectAsync(f.Trove.Port);
        var id = (await b.CallAsync("CLIENT", "ID")).Trim(':', '\r', '\n');
        Assert.Equal(":1\r\n", await a.CallAsync("CLIENT", "KILL", "ID", id));
        Assert.True(await b.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task TroveRedisProcessOptionsConfigFileAuthAndShutdown()
    {
        int port = FreePort.Get();
        var conf = Path.GetTempFileName();
        await File.WriteAllTextAsync(conf, "# test config\nrequirepass \"s3cret\"\ndatabases 4\n");
        try
        {
            await using var p = await TroveProcess.StartAsync(port, "redis", conf, "--port", port.ToString(), "--save", "", "--appendonly", "no");
            await using var c = await RespClient.ConnectAsync(port);
            Assert.Equal("-NOAUTH Authentication required.\r\n", await c.CallAsync("GET", "x"));
            Assert.Equal("-WRONGPASS invalid username-password pair or user is disabled.\r\n", await c.CallAsync("AUTH", "bad"));
            Assert.Equal("+OK\r\n", await c.CallAsync("AUTH", "s3cret"));
            Assert.Equal("-ERR DB index is out of range\r\n", await c.CallAsync("SELECT", "4"));
            Assert.Equal("+OK\r\n", await c.CallAsync("SELECT", "3"));
            await using var h = await RespClient.ConnectAsync(port);
            Assert.StartsWith("%7", await h.CallAsync("HELLO", "3", "AUTH", "default", "s3cret", "SETNAME", "me"));
            Assert.Equal("$2\r\nme\r\n", await h.CallAsync("CLIENT", "GETNAME"));
            await c.SendAsync("SHUTDOWN", "NOSAVE");
            Assert.Equal(0, await p.WaitAsync(TimeSpan.FromSeconds(20)));
        }
        finally { File.Delete(conf); }
    }
}
