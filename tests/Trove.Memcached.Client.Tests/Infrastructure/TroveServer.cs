using System.Net;

namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>Starts Trove's memcached server (src/Trove.Memcached) in-process on a loopback port.</summary>
internal static class TroveServer
{
    /// <summary>True when src/Trove.Memcached has a server the tests can start.</summary>
    public static bool Available => true;

    public static Task<(IAsyncDisposable Owner, int Port)> StartAsync(int? port)
    {
        var server = new MemcachedServer(new MemcachedOptions { Port = port ?? 0, ListenAddress = IPAddress.Loopback });
        server.Start();
        return Task.FromResult<(IAsyncDisposable, int)>((server, server.LocalEndPoint.Port));
    }
}
