using Trove.TestKit;

namespace Trove.Redis.Tests;

/// <summary>The acceptance script ../shared/seed-scripts/redis_seed.py against the real `trove redis` executable.</summary>
public sealed class SeedScriptTests
{
    [Trove.Redis.Tests.Infrastructure.NeedsAllTypesFact]
    public async Task RedisSeedPassesAgainstTroveRedis()
    {
        int port = FreePort.Get();
        await using var trove = await TroveProcess.StartAsync(port, "redis", "--port", port.ToString());
        var (code, output) = await Python.RunSeedScriptAsync("redis_seed.py",
            new Dictionary<string, string> { ["REDIS_PORT"] = port.ToString() }, TimeSpan.FromSeconds(120));
        var (passed, failed) = Python.ParseSummary(output);
        Assert.True(failed == 0 && code == 0, $"{failed} failed:\n{output}");
        Assert.True(passed >= 85, output);
    }
}
