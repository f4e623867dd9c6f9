using Trove.Memcached.Client.Tests.Infrastructure;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>One client shared by many threads, over a mixed cluster (memcached and Trove).</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task SynchronousCalls_FromManyThreads()
    {
        await using var a = await RunningServer.StartAsync(ServerKind.Memcached);
        await using var b = await RunningServer.StartAsync(ServerKind.Trove);
        using var mc = new MemcacheClient([(a.Address, 1), (b.Address, 2)]);
        mc.Set("shared", "0");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            try
            {
                for (int i = 0; i < 200; i++)
                {
                    mc.Incr("shared");
                    mc.Set($"th{t}_{i}", i);
                    Assert.Equal((long)i, mc.Get($"th{t}_{i}"));
                }
            }
            catch (Exception ex)
            {
                errors.Enqueue(ex);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(60)));
        Assert.Empty(errors);
        Assert.Equal("1600", mc.Get("shared"));
        Assert.Equal(1600, mc.GetMulti(Enumerable.Range(0, 8).SelectMany(t => Enumerable.Range(0, 200).Select(i => $"th{t}_{i}"))).Count);
    }
}
