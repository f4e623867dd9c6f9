using System.Text;

namespace Trove.Memcached.Client;

/// <summary>
/// Encodes keys as UTF-8 (as python-memcached does) and applies its <c>check_key</c>: not empty,
/// at most MaxKeyLength bytes with the prefix, only bytes 0x21-0x7E and 0x80-0xFF.
/// </summary>
internal static class KeyEncoder
{
    public static byte[] Encode(string key, string prefix, MemcacheClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Encoding.UTF8.GetBytes(prefix.Length == 0 ? key : prefix + key);
        if (options.CheckKeys) Check(bytes, key, options.MaxKeyLength);
        return bytes;
    }

    private static void Check(byte[] bytes, string key, int maxLength)
    {
        if (bytes.Length == 0) throw new MemcacheKeyException("Key is empty");
        if (maxLength != 0 && bytes.Length > maxLength) throw new MemcacheKeyException($"Key length is > {maxLength}");
        foreach (byte b in bytes)
            if (b <= 0x20 || b == 0x7F)
                throw new MemcacheKeyException($"Control/space characters not allowed (key={key})");
    }
}
