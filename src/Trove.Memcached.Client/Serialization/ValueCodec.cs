using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Trove.Memcached.Client.Serialization;

/// <summary>
/// Turns .NET values into (flags, bytes) and back with python-memcached's flag rules
/// (see <see cref="ValueFlags"/>): the exact runtime type chooses the flag, as Python's
/// <c>type(val) ==</c> checks do, and anything else goes through System.Text.Json.
/// </summary>
internal sealed class ValueCodec
{
    private readonly JsonSerializerOptions? _json;
    private readonly int _minCompressLength;

    public ValueCodec(JsonSerializerOptions? json, int minCompressLength)
    {
        _json = json;
        _minCompressLength = minCompressLength;
    }

    /// <summary>Encodes a value; the returned array is owned by the caller.</summary>
    public (uint Flags, byte[] Data) Encode(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        (uint flags, byte[] data, bool compressible) = value switch
        {
            byte[] b => (ValueFlags.Bytes, b, true),
            ReadOnlyMemory<byte> m => (ValueFlags.Bytes, m.ToArray(), true),
            Memory<byte> m => (ValueFlags.Bytes, m.ToArray(), true),
            string s => (ValueFlags.Text, Encoding.UTF8.GetBytes(s), true),
            // Integers never compress, as in python-memcached (the text is tiny).
            int or long or short or sbyte or byte or ushort or uint or ulong or BigInteger or Int128 or UInt128
                => (ValueFlags.Integer, Encoding.ASCII.GetBytes(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)), false),
            PickledValue p => (ValueFlags.Pickle, p.Data, true),
            _ => (ValueFlags.Json, JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), _json), true),
        };
        if (compressible && _minCompressLength > 0 && data.Length > _minCompressLength)
        {
            var compressed = Compress(data);
            if (compressed.Length < data.Length) return (flags | ValueFlags.Compressed, compressed);
        }
        return (flags, data);
    }

    /// <summary>Decodes a stored value to its natural .NET type.</summary>
    public object Decode(uint flags, byte[] data)
    {
        if ((flags & ValueFlags.Compressed) != 0)
        {
            data = Decompress(data);
            flags &= ~ValueFlags.Compressed;
        }
        // Same precedence as python-memcached's _recv_value.
        if (flags == ValueFlags.Bytes) return data;
        if ((flags & ValueFlags.Text) != 0) return Encoding.UTF8.GetString(data);
        if ((flags & (ValueFlags.Integer | ValueFlags.Long)) != 0) return ParseInteger(data);
        if ((flags & ValueFlags.Pickle) != 0) return new PickledValue(data);
        if ((flags & ValueFlags.Json) != 0) return JsonSerializer.Deserialize<JsonElement>(data, _json);
        throw new MemcacheValueException($"Unknown flags on get: {flags:x}");
    }

    /// <summary>Decodes a stored value as <typeparamref name="T"/>.</summary>
    public T Decode<T>(uint flags, byte[] data)
    {
        if ((flags & ValueFlags.Compressed) != 0)
        {
            data = Decompress(data);
            flags &= ~ValueFlags.Compressed;
        }
        if (typeof(T) == typeof(object)) return (T)Decode(flags, data);
        if (typeof(T) == typeof(byte[])) return (T)(object)data;
        if ((flags & ValueFlags.Json) != 0 && (flags & (ValueFlags.Text | ValueFlags.Integer | ValueFlags.Long | ValueFlags.Pickle)) == 0)
            return JsonSerializer.Deserialize<T>(data, _json)!;
        if (typeof(T) == typeof(string))
        {
            if ((flags & ValueFlags.Pickle) != 0) throw new MemcacheValueException("the value is a Python pickle");
            return (T)(object)Encoding.UTF8.GetString(data);
        }
        // Text, bytes and integers all hold digits when they hold a number (incr works on all three).
        if (typeof(T) == typeof(long)) return (T)(object)long.Parse(Digits(data), CultureInfo.InvariantCulture);
        if (typeof(T) == typeof(ulong)) return (T)(object)ulong.Parse(Digits(data), CultureInfo.InvariantCulture);
        if (typeof(T) == typeof(int)) return (T)(object)int.Parse(Digits(data), CultureInfo.InvariantCulture);
        if (typeof(T) == typeof(uint)) return (T)(object)uint.Parse(Digits(data), CultureInfo.InvariantCulture);
        if (typeof(T) == typeof(BigInteger)) return (T)(object)BigInteger.Parse(Digits(data), CultureInfo.InvariantCulture);
        var natural = Decode(flags, data);
        if (natural is T t) return t;
        throw new MemcacheValueException($"a value with flags {flags} cannot be read as {typeof(T).Name}");
    }

    private static string Digits(byte[] data) => Encoding.ASCII.GetString(data).Trim();

    private static object ParseInteger(byte[] data)
    {
        var s = Digits(data);
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return l;
        if (ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u)) return u;
        if (BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big)) return big;
        throw new MemcacheValueException($"integer-flagged value is not an integer: \"{s}\"");
    }

    private static byte[] Compress(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return ms.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var z = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        z.CopyTo(ms);
        return ms.ToArray();
    }
}
