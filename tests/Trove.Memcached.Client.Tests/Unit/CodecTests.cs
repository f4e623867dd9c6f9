using System.Numerics;
using Trove.Memcached.Client.Serialization;

namespace Trove.Memcached.Client.Tests.Unit;

/// <summary>Value flags as python-memcached 1.58 assigns them.</summary>
public sealed class CodecTests
{
    private readonly ValueCodec _codec = new(null, 0);

    [Fact]
    public void Encode_UsesPythonMemcachedFlags()
    {
        AssertEncoded(ValueFlags.Text, "héllo"u8, "héllo");
        AssertEncoded(ValueFlags.Bytes, [0, 1], new byte[] { 0, 1 });
        AssertEncoded(ValueFlags.Integer, "-42"u8, -42);
        AssertEncoded(ValueFlags.Integer, "18446744073709551615"u8, ulong.MaxValue);
        AssertEncoded(ValueFlags.Json, "{\"A\":1}"u8, new { A = 1 });
        AssertEncoded(ValueFlags.Json, "true"u8, true);
        Assert.Equal(32u, ValueFlags.Json);
    }

    private void AssertEncoded(uint flags, ReadOnlySpan<byte> bytes, object value)
    {
        var (f, data) = _codec.Encode(value);
        Assert.Equal(flags, f);
        Assert.Equal(bytes.ToArray(), data);
    }

    [Fact]
    public void Decode_FollowsPythonPrecedence()
    {
        Assert.Equal("x", _codec.Decode(ValueFlags.Text, "x"u8.ToArray()));
        Assert.Equal(new byte[] { 7 }, _codec.Decode(0, new byte[] { 7 }));
        Assert.Equal(12L, _codec.Decode(ValueFlags.Integer, "12"u8.ToArray()));
        Assert.Equal(12L, _codec.Decode(ValueFlags.Long, "12"u8.ToArray()));
        Assert.Equal(BigInteger.Parse("123456789012345678901234567890"), _codec.Decode(ValueFlags.Integer, "123456789012345678901234567890"u8.ToArray()));
        Assert.IsType<PickledValue>(_codec.Decode(ValueFlags.Pickle, new byte[] { 0x80, 4 }));
        Assert.Throws<MemcacheValueException>(() => _codec.Decode(1u << 9, new byte[] { 1 }));
        Assert.Equal(777L, _codec.Decode<long>(ValueFlags.Text, "777"u8.ToArray()));
        Assert.Equal("5", _codec.Decode<string>(ValueFlags.Integer, "5"u8.ToArray()));
        Assert.Throws<MemcacheValueException>(() => _codec.Decode<string>(ValueFlags.Pickle, new byte[] { 1 }));
    }

    [Fact]
    public void Compression_IsZlibAndOnlyWhenSmaller()
    {
        var codec = new ValueCodec(null, 10);
        var text = new string('a', 1000);
        var (flags, data) = codec.Encode(text);
        Assert.Equal(ValueFlags.Text | ValueFlags.Compressed, flags);
        Assert.Equal(0x78, data[0]); // zlib header, as Python's zlib.compress writes
        Assert.Equal(text, codec.Decode(flags, data));
        Assert.Equal(ValueFlags.Text, codec.Encode("short").Flags);
        Assert.Equal(ValueFlags.Integer, codec.Encode(long.MaxValue).Flags);
        var random = new byte[200];
        new Random(1).NextBytes(random);
        Assert.Equal(ValueFlags.Bytes, codec.Encode(random).Flags);
    }

    [Fact]
    public void Expiry_MapsToExptime()
    {
        Assert.Equal(0, Expiry.ToExptime(TimeSpan.Zero));
        Assert.Equal(-1, Expiry.ToExptime(TimeSpan.FromSeconds(-5)));
        Assert.Equal(1, Expiry.ToExptime(TimeSpan.FromMilliseconds(10)));
        Assert.Equal(2592000, Expiry.ToExptime(TimeSpan.FromDays(30)));
        long abs = Expiry.ToExptime(TimeSpan.FromDays(31));
        Assert.InRange(abs - DateTimeOffset.UtcNow.ToUnixTimeSeconds(), 31 * 86400 - 5, 31 * 86400 + 5);
    }

    [Fact]
    public void Endpoints_ParseLikePythonMemcached()
    {
        Assert.Equal(new MemcacheServerEndpoint("1.1.1.1", 12000), MemcacheServerEndpoint.Parse("1.1.1.1:12000"));
        Assert.Equal(new MemcacheServerEndpoint("cache", 11211, 3), MemcacheServerEndpoint.Parse("cache", 3));
        Assert.Equal(new MemcacheServerEndpoint("h", 5), MemcacheServerEndpoint.Parse("inet:h:5"));
        Assert.Equal(new MemcacheServerEndpoint("::1", 7), MemcacheServerEndpoint.Parse("inet6:[::1]:7"));
        Assert.Equal("/tmp/mc.sock", MemcacheServerEndpoint.Parse("unix:/tmp/mc.sock").UnixSocketPath);
        Assert.Throws<FormatException>(() => MemcacheServerEndpoint.Parse("a:b:c"));
        Assert.Equal("1.1.1.2:12000 (2)", MemcacheServerEndpoint.Parse("1.1.1.2:12000", 2).StatsName);
    }
}
