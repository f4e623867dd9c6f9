using Trove.TestKit;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>python-memcached's "unix:/path" server strings.</summary>
public sealed class UnixSocketTests
{
    [Fact]
    public async Task UnixDomainSocketServer_Works()
    {
        var dir = Directory.CreateTempSubdirectory("trove-mc-unix");
        var path = Path.Combine(dir.FullName, "mc.sock");
        var memcached = ExternalProcess.Start("/usr/bin/memcached", ["-s", path, "-U", "0", "-u", "root"]);
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (!File.Exists(path) && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.True(File.Exists(path), memcached.Output);
            using var mc = new MemcacheClient("unix:" + path);
            Assert.True(await mc.SetAsync("u", "over a unix socket"));
            Assert.Equal("over a unix socket", mc.Get("u"));
            Assert.Equal($"unix:{path} (1)", Assert.Single(mc.Stats()).Server);
        }
        finally
        {
            await memcached.DisposeAsync();
            dir.Delete(recursive: true);
        }
    }
}
