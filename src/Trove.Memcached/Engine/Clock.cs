namespace Trove.Memcached.Engine;

/// <summary>
/// memcached's notion of time: seconds since the server started ("current_time"), starting at 2 so
/// that 0 can mean "never" and 1 "already expired". Expiry times given by clients are converted to
/// this scale once, at store time (memcached's realtime()).
/// </summary>
public sealed class Clock
{
    /// <summary>Relative expiry times above this many seconds (30 days) are absolute Unix times.</summary>
    public const int MaxRelativeExptime = 60 * 60 * 24 * 30;

    private readonly long _startTicks = Environment.TickCount64;
    private int _offset;

    /// <summary>Unix time of server start minus 2, the origin of <see cref="Now"/>.</summary>
    public long ProcessStarted { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 2;

    /// <summary>Seconds since start (plus 2 and any test offset).</summary>
    public int Now => (int)((Environment.TickCount64 - _startTicks) / 1000) + 2 + Volatile.Read(ref _offset);

    /// <summary>Unix time now according to this clock.</summary>
    public long UnixNow => ProcessStarted + Now;

    /// <summary>Moves time forward (tests of expiry; memcached's debug "debugtime").</summary>
    public void Advance(int seconds) => Interlocked.Add(ref _offset, seconds);

    /// <summary>
    /// Converts a client exptime to server time: 0 = never; negative = already expired (1);
    /// up to 30 days = relative; beyond = absolute Unix time (in the past = already expired).
    /// </summary>
    public int ToServerTime(long exptime)
    {
        if (exptime == 0) return 0;
        if (exptime < 0) return 1;
        if (exptime > MaxRelativeExptime)
        {
            if (exptime <= ProcessStarted) return 1;
            long rel = exptime - ProcessStarted;
            return rel > int.MaxValue ? int.MaxValue : (int)rel;
        }
        return (int)exptime + Now;
    }
}
