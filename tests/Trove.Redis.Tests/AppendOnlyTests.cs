using System.Text;
using Trove.Redis.Engine;
using Trove.Redis.Server;
using Trove.Redis.Tests.Infrastructure;
using Trove.TestKit;

namespace Trove.Redis.Tests;

/// <summary>
/// The write log and the append-only file: a blocked pop that is served is logged as the pop it
/// did (Redis propagates LPOP, LMOVE, ZPOPMIN... for the served client), relative expiries as
/// absolute ones, and a server restarted from its AOF holds what it held before.
/// </summary>
public sealed class AppendOnlyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trove-aof-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private sealed class CapturingLog : IWriteLog
    {
        public readonly List<string> Lines = new();
        public void Append(int db, IReadOnlyList<ReadOnlyMemory<byte>> args)
            => Lines.Add(db + ":" + string.Join(' ', args.Select(a => Encoding.UTF8.GetString(a.Span))));
    }

    private RedisConfig AofConfig(string fsync = "everysec")
    {
        var c = new RedisConfig { Port = 0, Dir = _dir, AppendOnly = "yes" };
        c.Other["appendfsync"] = fsync;
        return c;
    }

    /// <summary>Sends a blocking command, checks it is still waiting, runs <paramref name="wake"/> on another client, returns the blocked reply.</summary>
    private static async Task<string> BlockThenWakeAsync(int port, object[] blocking, params object[][] wake)
    {
        await using var waiter = await RespClient.ConnectAsync(port);
        await using var other = await RespClient.ConnectAsync(port);
        await waiter.SendAsync(blocking);
        // Wait until the server reports the client as blocked, so the push really wakes it.
        for (int i = 0; i < 200 && !(await other.CallAsync("INFO", "clients")).Contains("blocked_clients:1"); i++) await Task.Delay(10);
        foreach (var w in wake) await other.CallAsync(w);
        return await waiter.ReadReplyAsync();
    }

    [Fact]
    public async Task Served_blocked_pops_are_logged_as_the_pop_they_did()
    {
        await using var server = new RedisServer(new RedisConfig { Port = 0 });
        var log = new CapturingLog();
        server.Keyspace.WriteLog = log;
        await server.StartAsync();
        int port = server.EndPoint.Port;

        Assert.Equal("*2\r\n$1\r\nl\r\n$1\r\na\r\n", await BlockThenWakeAsync(port, ["BLPOP", "l", "0"], ["RPUSH", "l", "a", "b"]));
        Assert.Equal("*2\r\n$1\r\nl\r\n$1\r\nb\r\n", await BlockThenWakeAsync(port, ["BRPOP", "l", "0"]));
        Assert.Equal("$1\r\nx\r\n", await BlockThenWakeAsync(port, ["BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"], ["LPUSH", "src", "x"]));
        Assert.Equal("$1\r\ny\r\n", await BlockThenWakeAsync(port, ["BRPOPLPUSH", "s2", "dst", "0"], ["LPUSH", "s2", "y"]));
        Assert.StartsWith("*3\r\n$1\r\nz\r\n$1\r\nm\r\n", await BlockThenWakeAsync(port, ["BZPOPMIN", "z", "0"], ["ZADD", "z", "1", "m", "2", "n"]));
        Assert.StartsWith("*2\r\n$2\r\nl2\r\n*2\r\n", await BlockThenWakeAsync(port, ["BLMPOP", "0", "1", "l2", "LEFT", "COUNT", "2"], ["RPUSH", "l2", "1", "2", "3"]));
        Assert.StartsWith("*2\r\n$2\r\nz2\r\n*1\r\n", await BlockThenWakeAsync(port, ["BZMPOP", "0", "1", "z2", "MAX", "COUNT", "5"], ["ZADD", "z2", "1", "a"]));
        // A push inside MULTI/EXEC wakes the client after EXEC; the pop follows the transaction.
        Assert.Equal("*2\r\n$2\r\ntx\r\n$1\r\nq\r\n", await BlockThenWakeAsync(port, ["BLPOP", "tx", "0"], ["MULTI"], ["RPUSH", "tx", "q"], ["EXEC"]));

        lock (server.Keyspace.Sync)
            Assert.Equal(
            [
                "0:RPUSH l a b", "0:LPOP l",
                "0:RPOP l",
                "0:LPUSH src x", "0:LMOVE src dst LEFT RIGHT",
                "0:LPUSH s2 y", "0:LMOVE s2 dst RIGHT LEFT",
                "0:ZADD z 1 m 2 n", "0:ZPOPMIN z",
                "0:RPUSH l2 1 2 3", "0:LPOP l2 2",
                "0:ZADD z2 1 a", "0:ZPOPMAX z2 1",
                "0:RPUSH tx q", "0:LPOP tx",
            ], log.Lines);
    }

    [Fact]
    public async Task Relative_expiries_are_logged_as_absolute_deadlines()
    {
        await using var server = new RedisServer(new RedisConfig { Port = 0 });
        var log = new CapturingLog();
        server.Keyspace.WriteLog = log;
        await server.StartAsync();
        await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await c.CallAsync("SET", "a", "1", "EX", "100");
        await c.CallAsync("SETEX", "b", "100", "2");
        await c.CallAsync("EXPIRE", "a", "200");
        await c.CallAsync("GETEX", "b", "PX", "5000");
        await c.CallAsync("GETEX", "b", "PERSIST");
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string[] lines;
        lock (server.Keyspace.Sync) lines = log.Lines.ToArray();
        Assert.Equal(5, lines.Length);
        void Deadline(string line, string prefix, long offset)
        {
            Assert.StartsWith(prefix, line);
            long at = long.Parse(line[prefix.Length..]);
            Assert.InRange(at, before + offset, after + offset);
        }
        Deadline(lines[0], "0:SET a 1 PXAT ", 100_000);
        Deadline(lines[1], "0:SET b 2 PXAT ", 100_000);
        Deadline(lines[2], "0:PEXPIREAT a ", 200_000);
        Deadline(lines[3], "0:PEXPIREAT b ", 5_000);
        Assert.Equal("0:PERSIST b", lines[4]);
    }

    [Fact]
    public async Task Spop_is_logged_as_the_removal_it_made()
    {
        await using var server = new RedisServer(new RedisConfig { Port = 0 });
        var log = new CapturingLog();
        server.Keyspace.WriteLog = log;
        await server.StartAsync();
        await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
        await c.CallAsync("SADD", "s", "a", "b", "c", "d");
        var one = (await c.CallAsync("SPOP", "s")).Split("\r\n")[1];
        var two = (await c.CallAsync("SPOP", "s", "2")).Split("\r\n");
        await c.CallAsync("SPOP", "s", "5");
        lock (server.Keyspace.Sync)
            Assert.Equal(["0:SADD s a b c d", "0:SREM s " + one, $"0:SREM s {two[2]} {two[4]}", "0:SPOP s 5"], log.Lines);
    }

    [Fact]
    public async Task Restart_from_the_aof_keeps_what_blocked_pops_took()
    {
        await using (var server = new RedisServer(AofConfig()))
        {
            await server.StartAsync();
            int port = server.EndPoint.Port;
            await using var c = await RespClient.ConnectAsync(port);
            await c.CallAsync("SELECT", "3");
            await c.CallAsync("SET", "plain", "v");
            await c.CallAsync("SELECT", "0");
            Assert.Equal("*2\r\n$1\r\nl\r\n$1\r\na\r\n", await BlockThenWakeAsync(port, ["BLPOP", "l", "0"], ["RPUSH", "l", "a", "b", "c"]));
            Assert.Equal("$1\r\nb\r\n", await BlockThenWakeAsync(port, ["BLMOVE", "l", "d", "LEFT", "LEFT", "0"], ["LPUSH", "nothing", "x"], ["DEL", "nothing"]));
            Assert.StartsWith("*3\r\n$1\r\nz\r\n$1\r\nm\r\n", await BlockThenWakeAsync(port, ["BZPOPMIN", "z", "0"], ["ZADD", "z", "1", "m", "2", "n"]));
            await c.CallAsync("SET", "ttl", "v", "EX", "1000");
            await c.CallAsync("SET", "gone", "v", "PX", "1");
        }
        await using (var server = new RedisServer(AofConfig()))
        {
            await server.StartAsync();
            await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
            Assert.Equal("*1\r\n$1\r\nc\r\n", await c.CallAsync("LRANGE", "l", "0", "-1"));
            Assert.Equal("*1\r\n$1\r\nb\r\n", await c.CallAsync("LRANGE", "d", "0", "-1"));
            Assert.Equal("*1\r\n$1\r\nn\r\n", await c.CallAsync("ZRANGE", "z", "0", "-1"));
            Assert.Equal(":0\r\n", await c.CallAsync("EXISTS", "gone"));
            var ttl = long.Parse((await c.CallAsync("TTL", "ttl")).Trim(':', '\r', '\n'));
            Assert.InRange(ttl, 990, 1000);
            await c.CallAsync("SELECT", "3");
            Assert.Equal("$1\r\nv\r\n", await c.CallAsync("GET", "plain"));
        }
    }

    [Fact]
    public async Task A_torn_tail_and_an_unfinished_transaction_are_cut_off()
    {
        await using (var server = new RedisServer(AofConfig("always")))
        {
            await server.StartAsync();
            await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
            await c.CallAsync("SET", "k", "1");
        }
        var path = Path.Combine(_dir, "appendonly.aof");
        long good = new FileInfo(path).Length;
        await File.AppendAllTextAsync(path, "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$");
        await using (var server = new RedisServer(AofConfig()))
        {
            await server.StartAsync();
            await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
            Assert.Equal("$1\r\n1\r\n", await c.CallAsync("GET", "k"));
            Assert.Equal(good, new FileInfo(path).Length);
            await c.CallAsync("SET", "k", "3");
        }
        await using (var server = new RedisServer(AofConfig()))
        {
            await server.StartAsync();
            await using var c = await RespClient.ConnectAsync(server.EndPoint.Port);
            Assert.Equal("$1\r\n3\r\n", await c.CallAsync("GET", "k"));
        }
    }

    [Fact]
    public async Task Killed_trove_process_restarts_from_its_aof_and_redis_server_reads_the_same_file()
    {
        int port = FreePort.Get();
        string[] args = ["redis", "--port", port.ToString(), "--dir", _dir, "--appendonly", "yes", "--save", ""];
        await using (var p = await TroveProcess.StartAsync(port, args))
        {
            Assert.Equal("*2\r\n$1\r\nq\r\n$1\r\n3\r\n", await BlockThenWakeAsync(port, ["BRPOP", "q", "0"], ["LPUSH", "q", "3", "2", "1"]));
            await using var c = await RespClient.ConnectAsync(port);
            Assert.Equal(":1\r\n", await c.CallAsync("HSET", "h", "f", "v"));
            p.Kill();
            await p.WaitAsync(TimeSpan.FromSeconds(10));
        }
        await using (var p = await TroveProcess.StartAsync(port, args))
        {
            await using var c = await RespClient.ConnectAsync(port);
            Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", await c.CallAsync("LRANGE", "q", "0", "-1"));
            Assert.Equal("$1\r\nv\r\n", await c.CallAsync("HGET", "h", "f"));
        }
        // The file is Redis's format: redis-server 7.0 loads it (as a pre-7.0 single-file AOF).
        var peerDir = Directory.CreateTempSubdirectory("trove-aof-peer-").FullName;
        try
        {
            File.Copy(Path.Combine(_dir, "appendonly.aof"), Path.Combine(peerDir, "appendonly.aof"));
            await using var peer = await PeerServer.StartRedisAsync("--dir", peerDir, "--appendonly", "yes");
            await using var c = await RespClient.ConnectAsync(peer.Port);
            // redis-server answers -LOADING while it reads the file after it started listening.
            for (int i = 0; i < 500 && (await c.CallAsync("PING")).StartsWith("-LOADING", StringComparison.Ordinal); i++) await Task.Delay(10);
            Assert.Equal("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", await c.CallAsync("LRANGE", "q", "0", "-1"));
            Assert.Equal("$1\r\nv\r\n", await c.CallAsync("HGET", "h", "f"));
        }
        finally
        {
            try { Directory.Delete(peerDir, recursive: true); } catch (IOException) { }
        }
    }
}
