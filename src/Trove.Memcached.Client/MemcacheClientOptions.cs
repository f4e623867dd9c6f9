using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Trove.Memcached.Client;

/// <summary>
/// Settings of a <see cref="MemcacheClient"/>. The defaults follow python-memcached's
/// (<c>socket_timeout=3</c>, <c>dead_retry=30</c>, keys up to 250 bytes, values up to 1 MiB).
/// </summary>
public sealed class MemcacheClientOptions
{
    /// <summary>The servers, in order; the order matters for python-memcached placement.</summary>
    public List<MemcacheServerEndpoint> Servers { get; } = new();

    /// <summary>How keys map to servers (default: python-memcached's).</summary>
    public ServerDistribution Distribution { get; set; } = ServerDistribution.PythonMemcached;

    /// <summary>Bound on establishing a TCP connection (python-memcached: socket_timeout, 3 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Bound on each send and each wait for reply bytes (python-memcached: socket_timeout, 3 s).</summary>
    public TimeSpan SocketTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a server that failed stays out of rotation before it is tried again (python-memcached: dead_retry, 30 s).</summary>
    public TimeSpan DeadRetry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle connections kept per server for reuse.</summary>
    public int MaxIdleConnectionsPerServer { get; set; } = 16;

    /// <summary>Connections open at once per server; callers beyond it wait (bounded by <see cref="ConnectTimeout"/>).</summary>
    public int MaxConnectionsPerServer { get; set; } = 128;

    /// <summary>
    /// Remember the cas unique of every <c>Gets</c> so that <c>Cas(key, value)</c> can use it
    /// (python-memcached's <c>cache_cas=True</c>). The cache is never expired: call
    /// <see cref="MemcacheClient.ResetCas"/> in long-running programs.
    /// </summary>
    public bool CacheCas { get; set; } = true;

    /// <summary>Check keys before sending them (python-memcached's check_keys): 1..250 bytes, no spaces or control characters.</summary>
    public bool CheckKeys { get; set; } = true;

    /// <summary>Longest key in bytes, prefix included (0: no limit).</summary>
    public int MaxKeyLength { get; set; } = 250;

    /// <summary>Longest value in bytes after encoding; longer values are not sent and the store returns false (0: no limit).</summary>
    public int MaxValueLength { get; set; } = 1024 * 1024;

    /// <summary>
    /// Values whose encoded length exceeds this are zlib-compressed (flag 8) when that makes them
    /// smaller, as python-memcached's <c>min_compress_len</c> does; 0 (default) never compresses.
    /// </summary>
    public int MinCompressLength { get; set; }

    /// <summary>Options for values stored as JSON (flag <see cref="ValueFlags.Json"/>).</summary>
    public JsonSerializerOptions? JsonOptions { get; set; }

    /// <summary>Where server failures are logged (python-memcached's debug output); null: not logged.</summary>
    public ILogger? Logger { get; set; }

    /// <summary>Adds a server in python-memcached's spelling (<c>"host:port"</c>) with a weight.</summary>
    public MemcacheClientOptions AddServer(string server, int weight = 1)
    {
        Servers.Add(MemcacheServerEndpoint.Parse(server, weight));
        return this;
    }
}
