using System.Globalization;
using Trove.Amqp.Broker;
using Trove.Amqp.Storage;

namespace Trove.Host.Commands;

/// <summary>
/// The storage `trove amqp --data DIR` uses: the disk stores of Trove.Amqp.Storage (segment message
/// store, definitions log, memory and disk alarms). The alarm thresholds default to RabbitMQ's and
/// can be set, as RabbitMQ's configuration keys of the same names, through the environment:
/// <c>TROVE_AMQP_VM_MEMORY_HIGH_WATERMARK</c> (a fraction of memory, e.g. 0.4, or bytes with a
/// unit, e.g. 2GB) and <c>TROVE_AMQP_DISK_FREE_LIMIT</c> (bytes with an optional unit, e.g. 50MB).
/// </summary>
internal static class AmqpStorage
{
    private static readonly Lazy<IStorageProvider> s_provider = new(Create);

    /// <summary>The provider for data directories.</summary>
    public static IStorageProvider Provider => s_provider.Value;

    private static IStorageProvider Create()
    {
        var monitor = new ResourceMonitorOptions();
        var mem = Environment.GetEnvironmentVariable("TROVE_AMQP_VM_MEMORY_HIGH_WATERMARK");
        if (!string.IsNullOrWhiteSpace(mem))
        {
            if (double.TryParse(mem, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f > 0 && f <= 1)
                monitor = new ResourceMonitorOptions { MemoryHighWatermark = f };
            else if (ParseBytes(mem) is long bytes)
                monitor = new ResourceMonitorOptions { MemoryLimitBytes = bytes };
        }
        if (ParseBytes(Environment.GetEnvironmentVariable("TROVE_AMQP_DISK_FREE_LIMIT")) is long disk)
            monitor = new ResourceMonitorOptions { MemoryHighWatermark = monitor.MemoryHighWatermark, MemoryLimitBytes = monitor.MemoryLimitBytes, DiskFreeLimitBytes = disk };
        return new DiskStorage(monitor: monitor);
    }

    /// <summary>"50MB", "2GiB", "1000000" → bytes (RabbitMQ's units: kB/MB/GB are powers of 1000, KiB/MiB/GiB of 1024).</summary>
    internal static long? ParseBytes(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.')) i++;
        if (i == 0 || !double.TryParse(s[..i], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)) return null;
        double mult = s[i..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KB" => 1e3, "KIB" => 1024,
            "M" or "MB" => 1e6, "MIB" => 1024 * 1024,
            "G" or "GB" => 1e9, "GIB" => 1024.0 * 1024 * 1024,
            _ => double.NaN,
        };
        return double.IsNaN(mult) ? null : (long)(n * mult);
    }
}
