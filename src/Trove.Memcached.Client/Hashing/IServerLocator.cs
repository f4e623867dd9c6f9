namespace Trove.Memcached.Client.Hashing;

/// <summary>
/// Maps a key to a sequence of candidate servers. The client takes the first candidate that is
/// alive; a locator never does I/O, so the client can probe servers synchronously or asynchronously.
/// </summary>
internal interface IServerLocator
{
    /// <summary>How many candidates the client may try before giving up on a key.</summary>
    int MaxAttempts { get; }

    /// <summary>The first probe state for a key (its hash, in the locator's terms).</summary>
    int Start(ReadOnlySpan<byte> key);

    /// <summary>The index (into the client's server list) of the candidate for <paramref name="state"/>.</summary>
    int ServerAt(int state);

    /// <summary>The state after the candidate at <paramref name="state"/> turned out dead on attempt <paramref name="attempt"/>.</summary>
    int Next(int state, int attempt);
}
