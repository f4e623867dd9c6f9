using Trove.TestKit;

namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>A memcached-compatible server on 127.0.0.1:<see cref="Port"/>, stopped on dispose.</summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;

    private RunningServer(ServerKind kind, int port, IAsyncDisposable owner)
    {
        Kind = kind; Port = port; _owner = owner;
    }

    public ServerKind Kind { get; }
    public int Port { get; }
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Starts a server of <paramref name="kind"/> on a free port (or on <paramref name="port"/>).</summary>
    public static async Task<RunningServer> StartAsync(ServerKind kind, int? port = null)
    {
        switch (kind)
        {
            case ServerKind.Memcached:
                var peer = port is { } p
                    ? await StartMemcachedOnAsync(p)
                    : await PeerServer.StartMemcachedAsync();
                return new RunningServer(kind, peer is PeerServer ps ? ps.Port : port!.Value, peer);
            case ServerKind.Trove:
                var (troveOwner, trovePort) = await TroveServer.StartAsync(port);
                return new RunningServer(kind, trovePort, troveOwner);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>memcached on a given port (the dead-server test brings a server back on the port it had).</summary>
    private static async Task<IAsyncDisposable> StartMemcachedOnAsync(int port)
    {
        var p = ExternalProcess.Start("/usr/bin/memcached", ["-l", "127.0.0.1", "-p", port.ToString(), "-U", "0", "-u", "root"]);
        await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(20), () => p.IsRunning);
        return p;
    }

    public ValueTask DisposeAsync() => _owner.DisposeAsync();
}
