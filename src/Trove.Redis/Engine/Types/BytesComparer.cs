namespace Trove.Redis.Engine.Types;

/// <summary>
/// Compares byte arrays by content: equality and hashing for dictionary keys, and the
/// bytewise order Redis uses for members (memcmp over the common prefix, then the shorter
/// one first), so no member is ever converted to a string.
/// </summary>
public sealed class BytesComparer : IEqualityComparer<byte[]>, IComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    /// <summary>The single shared instance (the comparer holds no state).</summary>
    public static readonly BytesComparer Instance = new();

    private BytesComparer() { }

    /// <inheritdoc />
    public bool Equals(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        return x.AsSpan().SequenceEqual(y);
    }

    /// <inheritdoc />
    public int GetHashCode(byte[] obj)
    {
        // HashCode is seeded per process, which keeps hash flooding by chosen keys impractical.
        var h = new HashCode();
        h.AddBytes(obj);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public int Compare(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return x.AsSpan().SequenceCompareTo(y);
    }

    /// <inheritdoc />
    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    /// <inheritdoc />
    public int GetHashCode(ReadOnlySpan<byte> alternate)
    {
        var h = new HashCode();
        h.AddBytes(alternate);
        return h.ToHashCode();
    }

    /// <inheritdoc />
    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();

    /// <summary>Bytewise order of two spans, as <see cref="Compare(byte[], byte[])"/>.</summary>
    public static int CompareSpans(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => x.SequenceCompareTo(y);
}
