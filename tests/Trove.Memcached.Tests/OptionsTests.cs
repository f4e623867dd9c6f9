namespace Trove.Memcached.Tests;

/// <summary>Server flags seen through the protocol: -I, -M, -m.</summary>
public sealed class OptionsTests
{
    [Fact]
    public async Task MaxItemSizeRefusesLargerItems()
    {
        await using var s = InProcessServer.Start(o => o.MaxItemSize = 2048);
        using var c = await RawClient.ConnectAsync(s.Port);
        var small = new string('s', 1900);
        var large = new string('l', 2100);
        Assert.Equal("STORED\r\n", await c.CallAsync($"set small 0 0 {small.Length}\r\n{small}\r\n"));
        Assert.Equal("SERVER_ERROR object too large for cache\r\n", await c.CallAsync($"set large 0 0 {large.Length}\r\n{large}\r\n"));
        Assert.Contains("STAT item_size_max 2048\r\n", await c.CallAsync("stats settings\r\n", "END\r\n"));
    }

    [Fact]
    public async Task DisabledEvictionsReturnOutOfMemory()
    {
        await using var s = InProcessServer.Start(o => { o.MemoryLimitBytes = 64 * 1024; o.DisableEvictions = true; });
        using var c = await RawClient.ConnectAsync(s.Port);
        var value = new string('v', 1000);
        string reply = "";
        for (int i = 0; i < 200 && reply != "SERVER_ERROR out of memory storing object\r\n"; i++)
            reply = await c.CallAsync($"set k{i} 0 0 {value.Length}\r\n{value}\r\n");
        Assert.Equal("SERVER_ERROR out of memory storing object\r\n", reply);
        var stats = await c.CallAsync("stats\r\n", "END\r\n");
        Assert.Contains("STAT evictions 0\r\n", stats);
        Assert.Contains("STAT store_no_memory 1\r\n", stats);
        Assert.Contains("STAT evictions off\r\n", await c.CallAsync("stats settings\r\n", "END\r\n"));
    }

    [Fact]
    public async Task MemoryLimitEvictsAndCountsEvictions()
    {
        await using var s = InProcessServer.Start(o => o.MemoryLimitBytes = 256 * 1024);
        using var c = await RawClient.ConnectAsync(s.Port);
        var value = new string('v', 1000);
        for (int i = 0; i < 2000; i++) Assert.Equal("STORED\r\n", await c.CallAsync($"set k{i} 0 0 {value.Length}\r\n{value}\r\n"));
        var stats = await c.CallAsync("stats\r\n", "END\r\n");
        long evictions = long.Parse(System.Text.RegularExpressions.Regex.Match(stats, @"STAT evictions (\d+)").Groups[1].Value);
        long bytes = long.Parse(System.Text.RegularExpressions.Regex.Match(stats, @"STAT bytes (\d+)").Groups[1].Value);
        Assert.True(evictions > 1500, stats);
        Assert.True(bytes <= 256 * 1024, stats);
        // The most recent item is still there.
        Assert.StartsWith("VALUE k1999 0 1000\r\n", await c.CallAsync("get k1999\r\n", "END\r\n"));
    }
}
