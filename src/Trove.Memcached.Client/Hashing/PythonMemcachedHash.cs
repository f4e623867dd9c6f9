using System.Globalization;
using System.Text;

namespace Trove.Memcached.Client.Hashing;

/// <summary>
/// python-memcached's server hash (<c>cmemcache_hash</c>): bits 16..30 of the key's CRC-32,
/// with 0 replaced by 1. Kept bit-for-bit so a key lands on the server the Python client picks.
/// </summary>
public static class PythonMemcachedHash
{
    /// <summary>The hash of a key's bytes: <c>((crc32(key) &amp; 0xffffffff) &gt;&gt; 16) &amp; 0x7fff or 1</c>.</summary>
    public static int Hash(ReadOnlySpan<byte> key)
    {
        int h = (int)((Crc32.Compute(key) >> 16) & 0x7FFF);
        return h == 0 ? 1 : h;
    }

    /// <summary>
    /// The hash python-memcached tries after the server at <paramref name="previous"/> was dead on
    /// attempt <paramref name="attempt"/>: it hashes the decimal text of the previous hash followed
    /// by the decimal attempt number (<c>str(serverhash) + str(i)</c>).
    /// </summary>
    public static int Rehash(int previous, int attempt)
    {
        Span<byte> text = stackalloc byte[24];
        int n = Encoding.ASCII.GetBytes(previous.ToString(CultureInfo.InvariantCulture) + attempt.ToString(CultureInfo.InvariantCulture), text);
        return Hash(text[..n]);
    }
}
