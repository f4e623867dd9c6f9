namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>Starts Trove's memcached server in-process (until its branch is merged this reports it as unavailable).</summary>
internal static class TroveServer
{
    /// <summary>True when src/Trove.Memcached has a server the tests can start.</summary>
    public static bool Available => false;

    public static Task<(IAsyncDisposable Owner, int Port)> StartAsync(int? port)
        => throw new NotSupportedException("Trove's memcached server is not merged into this branch yet");
}
