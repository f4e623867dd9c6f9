namespace Trove.Memcached.Client;

/// <summary>How a client maps keys to servers.</summary>
public enum ServerDistribution
{
    /// <summary>
    /// python-memcached's weighted bucket list and CRC-32 hash (the default): a key lands on the
    /// server the Python client would pick, so both clients share one cluster.
    /// </summary>
    PythonMemcached,

    /// <summary>
    /// Consistent hashing (libmemcached's weighted ketama continuum with MD5 points): adding or
    /// removing a server moves only about 1/n of the keys.
    /// </summary>
    Ketama,
}
