namespace Trove.Memcached.Client;

/// <summary>Converts a .NET expiry into memcached's exptime field (protocol.txt "Expiration times").</summary>
internal static class Expiry
{
    /// <summary>memcached reads exptime above 30 days as an absolute Unix time.</summary>
    private const long MaxRelativeSeconds = 60 * 60 * 24 * 30;

    /// <summary>
    /// Zero means "never expires"; a negative span means "already expired" (-1); a positive span
    /// becomes whole seconds (rounded up, so it never means 0), or an absolute Unix time when it
    /// is longer than 30 days.
    /// </summary>
    public static long ToExptime(TimeSpan expiry)
    {
        if (expiry == TimeSpan.Zero) return 0;
        if (expiry < TimeSpan.Zero) return -1;
        long seconds = (long)Math.Ceiling(expiry.TotalSeconds);
        return seconds <= MaxRelativeSeconds ? seconds : DateTimeOffset.UtcNow.ToUnixTimeSeconds() + seconds;
    }
}
