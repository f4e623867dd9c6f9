namespace Trove.Memcached.Client.Tests.Infrastructure;

/// <summary>Unique key prefixes, so tests sharing servers never collide.</summary>
public static class Keys
{
    public static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..12] + "_";
}
