namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>
/// Three servers of each available kind, started once for the whole test collection (each test
/// uses its own key prefix, so tests do not see each other's keys).
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private readonly Dictionary<ServerKind, RunningServer[]> _clusters = new();

    public RunningServer[] Cluster(ServerKind kind) => _clusters[kind];

    public RunningServer Single(ServerKind kind) => _clusters[kind][0];

    public async Task InitializeAsync()
    {
        foreach (var kind in ServerKinds.Available)
        {
            var servers = new RunningServer[3];
            for (int i = 0; i < 3; i++) servers[i] = await RunningServer.StartAsync(kind);
            _clusters[kind] = servers;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var servers in _clusters.Values)
            foreach (var s in servers) await s.DisposeAsync();
    }
}

/// <summary>The collection sharing one <see cref="ClusterFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "memcached cluster";
}

/// <summary>Theory data: every server kind the tests can start.</summary>
public static class ServerKinds
{
    public static IEnumerable<ServerKind> Available =>
        TroveServer.Available ? [ServerKind.Memcached, ServerKind.Trove] : [ServerKind.Memcached];

    public static TheoryData<ServerKind> All
    {
        get
        {
            var data = new TheoryData<ServerKind>();
            foreach (var k in Available) data.Add(k);
            return data;
        }
    }
}
