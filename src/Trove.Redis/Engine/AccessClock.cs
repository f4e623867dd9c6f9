namespace Trove.Redis.Engine;

/// <summary>
/// The 24-bit per-key access clock Redis keeps in robj.lru, with Redis's two meanings:
/// <list type="bullet">
/// <item>LRU (any maxmemory-policy but *-lfu): seconds of a wrapping 24-bit clock at the last access;
/// idle time is now minus that (Redis's estimateObjectIdleTime).</item>
/// <item>LFU (allkeys-lfu, volatile-lfu): 16 bits of minutes at the last decrement and an 8-bit
/// logarithmic access counter that starts at 5, grows with probability 1/((counter-5)*factor+1)
/// per access and loses one per lfu-decay-time minutes without access (evict.c).</item>
/// </list>
/// </summary>
public static class AccessClock
{
    /// <summary>Largest value of the 24-bit clock.</summary>
    public const int Max = KeyTable.ClockMask;

    /// <summary>The counter of a new key under LFU (LFU_INIT_VAL).</summary>
    public const int LfuInitValue = 5;

    /// <summary>The LRU clock for a point in time (milliseconds of a monotonic clock).</summary>
    public static int LruAt(long ms) => (int)(ms / 1000) & Max;

    /// <summary>Minutes for the LFU field (16 bits).</summary>
    public static int MinutesAt(long ms) => (int)(ms / 60000) & 0xFFFF;

    /// <summary>Seconds since an LRU clock value, allowing for one wrap of the clock.</summary>
    public static long IdleSeconds(int lru, int now) => now >= lru ? now - lru : now + (Max - lru);

    /// <summary>The value a new key gets.</summary>
    public static int Initial(bool lfu, int lruNow, int minutesNow) => lfu ? (minutesNow << 8) | LfuInitValue : lruNow;

    /// <summary>The LFU counter after decay (Redis's LFUDecrAndReturn), without changing the key.</summary>
    public static int LfuCounter(int clock, int minutesNow, int decayMinutes)
    {
        int last = (clock >> 8) & 0xFFFF;
        int counter = clock & 0xFF;
        int elapsed = minutesNow >= last ? minutesNow - last : 65535 - last + minutesNow;
        int periods = decayMinutes > 0 ? elapsed / decayMinutes : 0;
        return periods > counter ? 0 : counter - periods;
    }

    /// <summary>The clock value after an access under LFU (Redis's updateLFU).</summary>
    public static int LfuTouch(int clock, int minutesNow, int decayMinutes, int logFactor)
    {
        int counter = LfuCounter(clock, minutesNow, decayMinutes);
        if (counter < 255)
        {
            double baseValue = Math.Max(counter - LfuInitValue, 0);
            double p = 1.0 / (baseValue * logFactor + 1);
            if (Random.Shared.NextDouble() < p) counter++;
        }
        return (minutesNow << 8) | counter;
    }
}
