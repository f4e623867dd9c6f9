using Trove.TestKit;

namespace Trove.Memcached.Tests;

/// <summary>libmemcached's tools against Trove.</summary>
public sealed class ToolTests
{
    [Fact]
    public async Task MemccapableAsciiPasses()
    {
        await using var s = InProcessServer.Start();
        var (code, output) = await ExternalProcess.RunAsync("/usr/bin/memccapable",
            ["-a", "-h", "127.0.0.1", "-p", s.Port.ToString(), "-t", "5"], TimeSpan.FromSeconds(120));
        Assert.True(code == 0 && output.Contains("All tests passed"), output);
        Assert.DoesNotContain("[FAIL]", output);
    }

    [Fact]
    public async Task MemcstatReadsStats()
    {
        await using var s = InProcessServer.Start();
        var (code, output) = await ExternalProcess.RunAsync("/usr/bin/memcstat",
            [$"--servers=127.0.0.1:{s.Port}"], TimeSpan.FromSeconds(30));
        Assert.True(code == 0, output);
        Assert.Contains("curr_connections:", output);
        Assert.Contains("limit_maxbytes: 67108864", output);
    }
}
