using Trove.Amqp.Storage;

namespace Trove.Amqp.Tests.Durability;

/// <summary>Memory and disk alarms rise and clear with their limits.</summary>
public sealed class ResourceMonitorTests
{
    [Fact]
    public void Memory_alarm_blocks_and_clears()
    {
        var dir = Path.GetTempPath();
        using var m = new ResourceMonitor(dir, new ResourceMonitorOptions { Interval = TimeSpan.FromHours(1) });
        Assert.False(m.IsBlocked);
        int changes = 0;
        m.Changed += () => Interlocked.Increment(ref changes);
        m.MemoryLimitBytes = 1024;
        Assert.True(m.IsBlocked);
        Assert.Equal("low on memory", m.Reason);
        m.MemoryLimitBytes = long.MaxValue;
        Assert.False(m.IsBlocked);
        Assert.Equal("", m.Reason);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void Disk_alarm_uses_the_data_directory_file_system()
    {
        using var m = new ResourceMonitor(Path.GetTempPath(), new ResourceMonitorOptions { Interval = TimeSpan.FromHours(1) });
        Assert.True(m.DiskFreeBytes > 50_000_000 && m.DiskFreeBytes < long.MaxValue, $"free {m.DiskFreeBytes}");
        m.DiskFreeLimitBytes = long.MaxValue;
        Assert.True(m.IsBlocked);
        Assert.Equal("low on disk space", m.Reason);
        m.DiskFreeLimitBytes = 50_000_000;
        Assert.False(m.IsBlocked);
    }

    [Fact]
    public void Default_memory_limit_is_four_tenths_of_memory()
    {
        using var m = new ResourceMonitor(Path.GetTempPath(), new ResourceMonitorOptions { Interval = TimeSpan.FromHours(1) });
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        Assert.InRange(m.MemoryLimitBytes, (long)(total * 0.39), (long)(total * 0.41));
    }
}
