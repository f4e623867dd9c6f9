using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Trove.Memcached.Client;

/// <summary>
/// One server of a client's list, written as python-memcached writes it: <c>"host:port"</c>
/// (port 11211 when omitted), <c>"inet:host:port"</c>, <c>"inet6:[addr]:port"</c> or
/// <c>"unix:/path/to/socket"</c>, with an integer weight (default 1).
/// </summary>
public sealed partial record MemcacheServerEndpoint
{
    /// <summary>memcached's standard port, used when a server string names none.</summary>
    public const int DefaultPort = 11211;

    /// <summary>Creates an endpoint for a TCP server.</summary>
    public MemcacheServerEndpoint(string host, int port = DefaultPort, int weight = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(weight, 0);
        Host = host; Port = port; Weight = weight;
    }

    private MemcacheServerEndpoint(string socketPath, int weight)
    {
        Host = socketPath; Port = 0; Weight = weight; UnixSocketPath = socketPath;
    }

    /// <summary>Host name or address (the socket path for a Unix-domain server).</summary>
    public string Host { get; }

    /// <summary>TCP port (0 for a Unix-domain server).</summary>
    public int Port { get; }

    /// <summary>
    /// How many buckets the server takes in python-memcached's placement (a weight of 0 keeps the
    /// server in the list for <see cref="MemcacheClient.Stats()"/> and <see cref="MemcacheClient.FlushAll()"/> but gives it no keys).
    /// </summary>
    public int Weight { get; }

    /// <summary>The socket path when the server was given as <c>unix:/path</c>; otherwise null.</summary>
    public string? UnixSocketPath { get; }

    /// <summary>The name python-memcached's <c>get_stats</c> reports: <c>"host:port (weight)"</c>.</summary>
    public string StatsName => UnixSocketPath is not null
        ? $"unix:{UnixSocketPath} ({Weight})"
        : Host.Contains(':') ? $"[{Host}]:{Port} ({Weight})" : $"{Host}:{Port} ({Weight})";

    /// <summary>Parses a python-memcached server string with an explicit weight.</summary>
    public static MemcacheServerEndpoint Parse(string server, int weight = 1)
    {
        ArgumentNullException.ThrowIfNull(server);
        Match m;
        if ((m = UnixPattern().Match(server)).Success) return new MemcacheServerEndpoint(m.Groups["path"].Value, weight);
        if (!(m = Inet6Pattern().Match(server)).Success && !(m = InetPattern().Match(server)).Success && !(m = PlainPattern().Match(server)).Success)
            throw new FormatException($"Unable to parse connection string: \"{server}\"");
        int port = m.Groups["port"].Success ? int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture) : DefaultPort;
        return new MemcacheServerEndpoint(m.Groups["host"].Value, port, weight);
    }

    /// <summary>Creates the socket endpoint to connect to.</summary>
    internal EndPoint ToEndPoint()
        => UnixSocketPath is not null ? new UnixDomainSocketEndPoint(UnixSocketPath)
         : IPAddress.TryParse(Host, out var ip) ? new IPEndPoint(ip, Port)
         : new DnsEndPoint(Host, Port);

    /// <inheritdoc />
    public override string ToString() => UnixSocketPath is not null ? "unix:" + UnixSocketPath
        : Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    [GeneratedRegex(@"^unix:(?<path>.*)$")]
    private static partial Regex UnixPattern();

    [GeneratedRegex(@"^inet6:\[(?<host>[^\[\]]+)\](:(?<port>[0-9]+))?$")]
    private static partial Regex Inet6Pattern();

    [GeneratedRegex(@"^inet:(?<host>[^:]+)(:(?<port>[0-9]+))?$")]
    private static partial Regex InetPattern();

    [GeneratedRegex(@"^(?<host>[^:]+)(:(?<port>[0-9]+))?$")]
    private static partial Regex PlainPattern();
}
