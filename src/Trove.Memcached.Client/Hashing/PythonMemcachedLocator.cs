namespace Trove.Memcached.Client.Hashing;

/// <summary>
/// python-memcached's placement: a bucket list in which each server appears as many times as its
/// weight (in list order), indexed by <c>cmemcache_hash(key) % len(buckets)</c>. When the chosen
/// server is dead the hash is replaced by <c>cmemcache_hash(str(hash) + str(i))</c> and the
/// lookup repeats, at most 10 times (python-memcached's <c>_SERVER_RETRIES</c>).
/// </summary>
internal sealed class PythonMemcachedLocator : IServerLocator
{
    private const int ServerRetries = 10;
    private readonly int[] _buckets;

    public PythonMemcachedLocator(IReadOnlyList<MemcacheServerEndpoint> servers)
    {
        var buckets = new List<int>();
        for (int i = 0; i < servers.Count; i++)
            for (int w = 0; w < servers[i].Weight; w++) buckets.Add(i);
        _buckets = buckets.ToArray();
    }

    public int MaxAttempts => _buckets.Length == 0 ? 0 : ServerRetries;

    public int Start(ReadOnlySpan<byte> key) => PythonMemcachedHash.Hash(key);

    public int ServerAt(int state) => _buckets[state % _buckets.Length];

    public int Next(int state, int attempt) => PythonMemcachedHash.Rehash(state, attempt);
}
