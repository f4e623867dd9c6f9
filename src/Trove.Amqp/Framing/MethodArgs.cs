namespace Trove.Amqp.Framing;

/// <summary>
/// A decoded method, reused for every frame of a connection: numbers and bits in one array,
/// strings and byte fields in others, indexed by field position in <see cref="Spec091"/>.
/// </summary>
public sealed class MethodArgs
{
    private readonly long[] _num = new long[12];
    private readonly string?[] _str = new string?[12];
    private readonly byte[]?[] _bytes = new byte[]?[12];

    /// <summary>The decoded method's spec.</summary>
    public MethodSpec Spec { get; private set; } = null!;

    /// <summary>The decoded method's id.</summary>
    public AmqpMethod Method => Spec.Method;

    internal void Reset(MethodSpec spec)
    {
        Spec = spec;
        Array.Clear(_str);
        Array.Clear(_bytes);
    }

    internal void SetNum(int i, long v) => _num[i] = v;
    internal void SetStr(int i, string v) => _str[i] = v;
    internal void SetBytes(int i, byte[] v) => _bytes[i] = v;

    /// <summary>An integer field (octet, short, long, longlong, timestamp).</summary>
    public long Num(int i) => _num[i];
    /// <summary>A bit field.</summary>
    public bool Bit(int i) => _num[i] != 0;
    /// <summary>A shortstr field.</summary>
    public string Str(int i) => _str[i] ?? "";
    /// <summary>A longstr field, or a table's encoded body (without length prefix).</summary>
    public byte[] Bytes(int i) => _bytes[i] ?? [];
    /// <summary>A table field, decoded.</summary>
    public Dictionary<string, object?> Table(int i) => FieldTable.Decode(Bytes(i));
}
