namespace Trove.Memcached.Tests;

/// <summary>incr/decr and CAS stay atomic under many concurrent clients.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task ConcurrentIncrementsAreAtomic()
    {
        await using var s = InProcessServer.Start();
        using (var c = await RawClient.ConnectAsync(s.Port)) await c.CallAsync("set ctr 0 0 1\r\n0\r\n");
        const int clients = 16, each = 200;
        var seen = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var c = await RawClient.ConnectAsync(s.Port);
            for (int i = 0; i < each; i++) seen.Add(ulong.Parse((await c.CallAsync("incr ctr 1\r\n")).Trim()));
        }));
        using var check = await RawClient.ConnectAsync(s.Port);
        Assert.Equal($"VALUE ctr 0 4\r\n{clients * each}\r\nEND\r\n", await check.CallAsync("get ctr\r\n", "END\r\n"));
        Assert.Equal(clients * each, seen.Distinct().Count());
    }

    [Fact]
    public async Task CasLoopsLoseNoUpdates()
    {
        await using var s = InProcessServer.Start();
        using (var c = await RawClient.ConnectAsync(s.Port)) await c.CallAsync("set v 0 0 1\r\n0\r\n");
        const int clients = 8, each = 50;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var c = await RawClient.ConnectAsync(s.Port);
            for (int done = 0; done < each;)
            {
                var reply = await c.CallAsync("gets v\r\n", "END\r\n");
                var lines = reply.Split("\r\n");
                var head = lines[0].Split(' ');
                long value = long.Parse(lines[1]);
                string next = (value + 1).ToString();
                var r = await c.CallAsync($"cas v 0 0 {next.Length} {head[4]}\r\n{next}\r\n");
                if (r == "STORED\r\n") done++;
                else Assert.Equal("EXISTS\r\n", r);
            }
        }));
        using var check = await RawClient.ConnectAsync(s.Port);
        Assert.Contains($"\r\n{clients * each}\r\n", await check.CallAsync("get v\r\n", "END\r\n"));
    }
}
