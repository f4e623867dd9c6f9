using Trove.Amqp.Broker;

namespace Trove.Amqp.Storage;

/// <summary>Thresholds of a <see cref="ResourceMonitor"/> (RabbitMQ's defaults).</summary>
public sealed class ResourceMonitorOptions
{
    /// <summary>Memory alarm at this fraction of the machine's (or cgroup's) memory: 0.4, as vm_memory_high_watermark.</summary>
    public double MemoryHighWatermark { get; init; } = 0.4;

    /// <summary>An absolute memory limit in bytes; overrides <see cref="MemoryHighWatermark"/> when set.</summary>
    public long? MemoryLimitBytes { get; init; }

    /// <summary>Disk alarm when the data directory's file system has less free space: 50 MB, as disk_free_limit.</summary>
    public long DiskFreeLimitBytes { get; init; } = 50_000_000;

    /// <summary>How often both are checked.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Flow control: a memory alarm (this process's resident memory above the high watermark) and a
/// disk alarm (free space of the data directory's file system below the limit), checked on a timer.
/// While either is raised <see cref="IsBlocked"/> is true and the broker blocks publishing
/// connections (connection.blocked); <see cref="Changed"/> fires on every transition. The limits can
/// be changed at run time, as rabbitmqctl set_vm_memory_high_watermark / set_disk_free_limit do.
/// Thread-safe: readings and limits are plain fields read and written atomically; the timer
/// callback never overlaps itself.
/// </summary>
public sealed class ResourceMonitor : IResourceMonitor, IDisposable
{
    private readonly string _dataDir;
    private readonly Timer _timer;
    private readonly Lock _checkLock = new();
    private long _memoryLimit;
    private long _diskFreeLimit;
    private volatile bool _memoryAlarm, _diskAlarm;
    private volatile string _reason = "";

    /// <summary>Starts monitoring <paramref name="dataDir"/>'s disk and this process's memory.</summary>
    public ResourceMonitor(string dataDir, ResourceMonitorOptions? options = null)
    {
        options ??= new ResourceMonitorOptions();
        Directory.CreateDirectory(dataDir);
        _dataDir = dataDir;
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        _memoryLimit = options.MemoryLimitBytes ?? (long)(total * options.MemoryHighWatermark);
        _diskFreeLimit = options.DiskFreeLimitBytes;
        Check();
        _timer = new Timer(_ => Check(), null, options.Interval, options.Interval);
    }

    /// <inheritdoc />
    public bool IsBlocked => _memoryAlarm || _diskAlarm;

    /// <inheritdoc />
    public string Reason => _reason;

    /// <inheritdoc />
    public event Action? Changed;

    /// <summary>The memory limit in bytes (resident set size of this process).</summary>
    public long MemoryLimitBytes
    {
        get => Interlocked.Read(ref _memoryLimit);
        set { Interlocked.Exchange(ref _memoryLimit, value); Check(); }
    }

    /// <summary>The free-disk limit in bytes.</summary>
    public long DiskFreeLimitBytes
    {
        get => Interlocked.Read(ref _diskFreeLimit);
        set { Interlocked.Exchange(ref _diskFreeLimit, value); Check(); }
    }

    /// <summary>Last memory reading (bytes resident).</summary>
    public long MemoryUsedBytes { get; private set; }

    /// <summary>Last free-disk reading (bytes).</summary>
    public long DiskFreeBytes { get; private set; }

    /// <summary>Takes fresh readings now and raises or clears the alarms.</summary>
    public void Check()
    {
        bool changed;
        lock (_checkLock)
        {
            MemoryUsedBytes = Environment.WorkingSet;
            try { DiskFreeBytes = new DriveInfo(_dataDir).AvailableFreeSpace; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException) { DiskFreeBytes = long.MaxValue; }
            bool wasBlocked = IsBlocked;
            _memoryAlarm = MemoryUsedBytes > MemoryLimitBytes;
            _diskAlarm = DiskFreeBytes < DiskFreeLimitBytes;
            _reason = _memoryAlarm && _diskAlarm ? "low on memory and disk space"
                : _memoryAlarm ? "low on memory" : _diskAlarm ? "low on disk space" : "";
            changed = wasBlocked != IsBlocked;
        }
        if (changed) Changed?.Invoke();
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();
}
