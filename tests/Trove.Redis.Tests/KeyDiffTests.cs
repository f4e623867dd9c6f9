using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>Generic keyspace commands compared with redis-server 7.0.</summary>
[Collection("redis-diff")]
public sealed class KeyDiffTests(DiffFixture f)
{
    [Fact]
    public Task DelExistsKeysType() => f.AssertSameAsync(
        "MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 \"h*llo\" 6 \"h[a]llo\" 7", "~KEYS h?llo", "~KEYS h*llo", "~KEYS h[ae]llo",
        "~KEYS h[^e]llo", "~KEYS h[a-b]llo", "~KEYS h\\*llo", "~KEYS \"h\\[a]llo\"", "KEYS nomatch*", "EXISTS hello hallo missing hello",
        "DEL hello missing", "UNLINK hallo hxllo", "TYPE hllo", "TYPE missing", "DBSIZE",
        "TOUCH hllo missing", "DEL", "EXISTS", "!RANDOMKEY", "FLUSHDB", "RANDOMKEY", "DBSIZE", "FLUSHDB ASYNC", "FLUSHDB FOO",
        "FLUSHALL SYNC", "KEYS *", "SET a 1", "~KEYS *", "~KEYS", "~KEYS [", "SET \"\" e", "~KEYS *", "~KEYS \"\"");

    [Fact]
    public Task Expiry() => f.AssertSameAsync(
        "SET k v", "EXPIRE k 100", "TTL k", "EXPIRE k 50 NX", "EXPIRE k 200 XX", "TTL k", "EXPIRE k 100 GT", "EXPIRE k 300 GT",
        "TTL k", "EXPIRE k 400 LT", "EXPIRE k 10 LT", "TTL k", "EXPIRE k 10 NX XX", "EXPIRE k 10 GT LT", "EXPIRE k 10 FOO",
        "PERSIST k", "PERSIST k", "TTL k", "EXPIRE k 10 GT", "EXPIRE k 10 LT", "TTL k", "PERSIST k", "EXPIRE k 10 XX",
        "EXPIRE missing 10", "TTL missing", "PTTL missing", "EXPIRE k abc", "EXPIRE k 9223372036854775807",
        "PEXPIRE k 9223372036854775807", "EXPIREAT k 99999999999", "EXPIRETIME k", "PEXPIRETIME k", "EXPIRETIME missing",
        "PERSIST k", "EXPIRETIME k", "PEXPIREAT k 4102444800000", "PEXPIRETIME k", "EXPIRE k -1", "EXISTS k",
        "SET k v", "PEXPIRE k 50", "#sleep 120", "GET k", "EXISTS k", "TTL k", "SET k2 v PX 30", "#sleep 350", "DBSIZE");

    [Fact]
    public Task RenameCopyMove() => f.AssertSameAsync(
        "SET a 1", "EXPIRE a 100", "RENAME a b", "TTL b", "GET a", "RENAME missing x", "RENAME b b", "RENAMENX b b",
        "SET c 3", "RENAMENX b c", "RENAMENX b d", "GET d", "COPY d e", "GET e", "TTL e", "COPY d e", "COPY d e REPLACE",
        "COPY d d", "COPY missing z", "COPY d e DB 1 REPLACE", "COPY d e DB 99", "COPY d e DB x", "COPY d e FOO",
        "SELECT 1", "GET e", "SELECT 0", "MOVE d 1", "MOVE d 1", "MOVE c 0", "MOVE c 99", "MOVE c x", "SELECT 1", "GET d",
        "SELECT 16", "SELECT -1", "SELECT x", "SELECT 0", "SWAPDB 0 1", "GET d", "SWAPDB 0 99", "SWAPDB x 1", "SWAPDB 0 x",
        "OBJECT ENCODING d", "SET i 123", "OBJECT ENCODING i",
        "SET raw 012345678901234567890123456789012345678901234567890", "OBJECT ENCODING raw", "OBJECT ENCODING missing",
        "OBJECT FOO d", "OBJECT ENCODING", "OBJECT REFCOUNT i");

    [Fact]
    public async Task ScanReturnsEveryKey()
    {
        // Key order differs between implementations: compare sets, and check the cursor contract.
        foreach (var port in new[] { f.Trove.Port, f.Peer.Port })
        {
            await using var c = await RespClient.ConnectAsync(port);
            await c.CallAsync("FLUSHALL");
            for (int i = 0; i < 500; i++) await c.SendAsync("SET", "key:" + i, "v");
            for (int i = 0; i < 500; i++) await c.ReadReplyAsync();
            await c.CallAsync("SETBIT", "abitmap", "1", "1");
            var seen = new HashSet<string>();
            string cursor = "0";
            int calls = 0;
            do
            {
                // Delete and add keys during the scan: keys present throughout must still be seen.
                await c.CallAsync("SET", "temp:" + calls, "v");
                var reply = await c.CallAsync("SCAN", cursor, "MATCH", "key:*", "COUNT", "20");
                var parts = reply.Split("\r\n");
                cursor = parts[2];
                for (int i = 5; i < parts.Length - 1; i += 2) seen.Add(parts[i]);
                calls++;
            } while (cursor != "0" && calls < 1000);
            Assert.Equal("0", cursor);
            for (int i = 0; i < 500; i++) Assert.Contains("key:" + i, seen);
            Assert.DoesNotContain("abitmap", seen);
            var typed = await c.CallAsync("SCAN", "0", "TYPE", "hash", "COUNT", "10000");
            Assert.DoesNotContain("abitmap", typed);
            Assert.DoesNotContain("key:1\r\n", typed);
        }
        await f.AssertSameAsync("SCAN x", "SCAN 0 COUNT 0", "SCAN 0 COUNT x", "SCAN 0 FOO", "SCAN -1", "SET a 1", "SCAN 0 MATCH a", "SCAN 0 TYPE string");
    }
}
