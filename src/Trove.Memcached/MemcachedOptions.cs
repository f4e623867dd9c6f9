using System.Net;

namespace Trove.Memcached;

/// <summary>
/// Settings of one memcached-compatible server, named after memcached's own flags
/// (`-p -l -m -c -t -I -M -v -U`). Defaults are memcached's, except that the listen address is
/// loopback (Trove binds 127.0.0.1 unless told otherwise).
/// </summary>
public sealed class MemcachedOptions
{
    /// <summary>TCP port (-p). 0 picks a free port; read <see cref="MemcachedServer.LocalEndPoint"/> after start.</summary>
    public int Port { get; set; } = 11211;

    /// <summary>Address to listen on (-l).</summary>
    public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

    /// <summary>Item memory in megabytes (-m): a hard limit enforced by LRU eviction.</summary>
    public long MemoryLimitMegabytes { get; set; } = 64;

    /// <summary>Item memory limit in bytes; overrides <see cref="MemoryLimitMegabytes"/> when set (tests).</summary>
    public long? MemoryLimitBytes { get; set; }

    /// <summary>Most simultaneous connections (-c); more are sent "ERROR Too many open connections" and closed.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Worker threads (-t). Trove serves on the thread pool; this only sizes the item-store shards and is reported in stats.</summary>
    public int Threads { get; set; } = 4;

    /// <summary>Largest item in bytes (-I), header, key and value included. Default 1 MiB.</summary>
    public int MaxItemSize { get; set; } = 1024 * 1024;

    /// <summary>Return an error instead of evicting when memory is full (-M).</summary>
    public bool DisableEvictions { get; set; }

    /// <summary>Verbosity (-v = 1, -vv = 2); at 2 every command line is logged.</summary>
    public int Verbosity { get; set; }

    /// <summary>UDP port (-U). Accepted for compatibility; Trove does not serve UDP.</summary>
    public int UdpPort { get; set; }

    /// <summary>
    /// Accept keys containing control characters. The protocol forbids them and Trove refuses them
    /// by default (CLIENT_ERROR bad command line format); memcached itself does not check, and some
    /// tools (memcaslap) generate such keys, so this restores memcached's leniency.
    /// </summary>
    public bool AllowControlCharactersInKeys { get; set; }

    /// <summary>Listen backlog (-b).</summary>
    public int Backlog { get; set; } = 1024;

    /// <summary>The item memory limit in bytes.</summary>
    public long MemoryLimit => MemoryLimitBytes ?? MemoryLimitMegabytes * 1024 * 1024;
}
