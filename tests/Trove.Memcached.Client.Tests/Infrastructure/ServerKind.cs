namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>Which memcached server an integration test runs against.</summary>
public enum ServerKind
{
    /// <summary>Debian's memcached 1.6.</summary>
    Memcached,

    /// <summary>Trove's own server (src/Trove.Memcached).</summary>
    Trove,
}
