using System.Text;
using Trove.Redis.Engine;
using Trove.Redis.Server;
using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>Every keyspace change reaches <see cref="IWriteLog"/> (the future AOF) as the command that made it.</summary>
public sealed class WriteLogTests
{
    private sealed class CapturingLog : IWriteLog
    {
        public readonly List<string> Lines = new();
        public void Append(int db, IReadOnlyList<ReadOnlyMemory<byte>> args)
            => Lines.Add(db + ":" + string.Join(' ', args.Select(a => Encoding.UTF8.GetString(a.Span))));
    }

    [Fact]
    public async Task WritesAreLoggedReadsAndNoOpsAreNot()
    {
        await using var server = new RedisServer(new RedisConfig { Port = 0 });
        var log = new CapturingLog();
        server.Keyspace.WriteLog = log;
        await server.StartAsync();
        await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
        await c.CallAsync("SET", "a", "1");
        await c.CallAsync("GET", "a");
        await c.CallAsync("SET", "a", "2", "NX");
        await c.CallAsync("INCR", "a");
        await c.CallAsync("DEL", "missing");
        await c.CallAsync("SELECT", "2");
        await c.CallAsync("MULTI");
        await c.CallAsync("SET", "b", "x");
        await c.CallAsync("GET", "b");
        await c.CallAsync("LPUSH", "l", "v");
        await c.CallAsync("EXEC");
        await c.CallAsync("EXPIRE", "b", "100");
        lock (server.Keyspace.Sync)
        {
            // EXPIRE is logged as the absolute deadline it set (Redis propagates PEXPIREAT).
            Assert.Equal(["0:SET a 1", "0:INCR a", "2:SET b x", "2:LPUSH l v"], log.Lines.Take(4));
            Assert.Matches("^2:PEXPIREAT b [0-9]{13}$", log.Lines[4]);
            Assert.Equal(5, log.Lines.Count);
        }
    }
}
