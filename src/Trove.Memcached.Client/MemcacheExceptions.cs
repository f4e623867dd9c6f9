namespace Trove.Memcached.Client;

/// <summary>
/// A key python-memcached would reject (its <c>check_key</c>): empty, longer than the limit, or
/// holding spaces or control characters. Thrown before anything is sent.
/// </summary>
public sealed class MemcacheKeyException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public MemcacheKeyException(string message) : base(message) { }
}

/// <summary>A stored value that cannot be decoded as the requested type (unknown flags, a pickle read as text, ...).</summary>
public sealed class MemcacheValueException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MemcacheValueException(string message) : base(message) { }
}
