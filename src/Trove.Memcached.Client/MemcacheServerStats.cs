namespace Trove.Memcached.Client;

/// <summary>One server's answer to <c>stats</c>: python-memcached's (name, dict) pair.</summary>
/// <param name="Server">The server as python-memcached names it: <c>"host:port (weight)"</c>.</param>
/// <param name="Values">Every STAT line's name and value, values unconverted.</param>
public sealed record MemcacheServerStats(string Server, IReadOnlyDictionary<string, string> Values);
