using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>
/// OBJECT IDLETIME / FREQ and the per-key access clock, against redis-server 7.0. Idle times are
/// compared where they are deterministic: 0 right after an access, at least 1 after a 1.1 s pause
/// with no access (the exact value can be 1 or 2 on either server: whole seconds of a clock).
/// </summary>
[Collection("redis-diff")]
public sealed class AccessClockDiffTests(DiffFixture f)
{
    private static long Int(string reply) => long.Parse(reply.Trim(':', '\r', '\n'));

    [Fact]
    public async Task Idle_time_grows_without_access_and_resets_on_access()
    {
        string[] script =
        [
            "SET a v", "SET b v", "RPUSH l x", "OBJECT IDLETIME a", "#sleep 1100",
            "OBJECT IDLETIME a",                 // 5: >= 1
            "EXISTS a", "TYPE a", "TTL a", "OBJECT ENCODING a",
            "OBJECT IDLETIME a",                 // 10: >= 1 (none of those is an access)
            "GET a", "OBJECT IDLETIME a",        // 12: 0
            "TOUCH b", "OBJECT IDLETIME b",      // 14: 0
            "LRANGE l 0 -1", "OBJECT IDLETIME l",// 16: 0
            "OBJECT IDLETIME missing", "OBJECT FREQ a", "OBJECT IDLETIME", "OBJECT IDLETIME a b",
            "!DEBUG OBJECT b",                   // 21: Trove only (redis-server 7.0 refuses DEBUG by default)
            "!DEBUG OBJECT missing",
        ];
        var (trove, peer) = await f.RunBothAsync(script);
        foreach (var replies in new[] { trove, peer })
        {
            Assert.Equal(":0\r\n", replies[3]);
            Assert.InRange(Int(replies[5]), 1, 3);
            Assert.InRange(Int(replies[10]), 1, 3);
            Assert.Equal(":0\r\n", replies[12]);
            Assert.Equal(":0\r\n", replies[14]);
            Assert.Equal(":0\r\n", replies[16]);
        }
        Assert.Matches("^\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:1 lru:[0-9]+ lru_seconds_idle:0\r\n$", trove[21]);
        Assert.Equal("-ERR no such key\r\n", trove[22]);
        for (int i = 17; i < script.Length; i++)
            if (!script[i].StartsWith('!')) Assert.Equal(peer[i], trove[i]);
    }

    [Fact]
    public Task Lfu_policy_counts_accesses_and_refuses_idle_time() => f.AssertSameAsync(
        "CONFIG SET maxmemory-policy allkeys-lfu", "CONFIG GET maxmemory-policy",
        "SET k v", "OBJECT FREQ k", "GET k", "OBJECT FREQ k", "OBJECT IDLETIME k", "OBJECT FREQ missing",
        "CONFIG SET maxmemory-policy volatile-lfu", "OBJECT IDLETIME k",
        "CONFIG SET maxmemory-policy nonsense", "CONFIG SET maxmemory-policy noeviction", "OBJECT FREQ k");

    /// <summary>WAIT with no replicas: at once for 0 replicas, after the timeout otherwise (both servers block the client).</summary>
    [Fact]
    public async Task Wait_without_replicas_blocks_until_the_timeout()
    {
        string[] script = ["SET k v", "WAIT 0 0", "WAIT x 0", "WAIT 1 -1", "WAIT 1 x", "WAIT 1 1.5", "WAIT 2 300", "PING"];
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (trove, peer) = await f.RunBothAsync(script);
        for (int i = 0; i < script.Length; i++) Assert.Equal(peer[i], trove[i]);
        Assert.Equal(":0\r\n", trove[6]);
        Assert.True(started.ElapsedMilliseconds >= 2 * 300, $"both servers should have waited, took {started.ElapsedMilliseconds} ms");
    }
}
