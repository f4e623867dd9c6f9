namespace Trove.Memcached.Client;

/// <summary>
/// The 32-bit flags stored with each value, as python-memcached (1.58, Debian's python3-memcache)
/// assigns them, plus one of Trove's own for JSON. The two clients read each other's values:
/// a Python <c>str</c> comes back as <see cref="string"/>, <c>bytes</c> as <see cref="byte"/>[],
/// <c>int</c> as <see cref="long"/>, and the other way round.
/// </summary>
public static class ValueFlags
{
    /// <summary>Raw bytes (Python <c>bytes</c>; also anything stored by a client that sets no flags).</summary>
    public const uint Bytes = 0;

    /// <summary>A Python pickle; the C# client cannot decode it and returns the raw bytes as a <see cref="PickledValue"/>.</summary>
    public const uint Pickle = 1 << 0;

    /// <summary>A decimal integer in ASCII (Python <c>int</c>).</summary>
    public const uint Integer = 1 << 1;

    /// <summary>A decimal integer in ASCII (Python 2 <c>long</c>; read as an integer).</summary>
    public const uint Long = 1 << 2;

    /// <summary>The value is zlib-compressed; combined with one of the other flags.</summary>
    public const uint Compressed = 1 << 3;

    /// <summary>UTF-8 text (Python <c>str</c>).</summary>
    public const uint Text = 1 << 4;

    /// <summary>
    /// UTF-8 JSON written by System.Text.Json (Trove's own flag, 32; python-memcached rejects it
    /// with "Unknown flags on get" rather than misreading it).
    /// </summary>
    public const uint Json = 1 << 5;
}
