namespace Trove.Amqp.Framing;

/// <summary>Wire types of method fields (spec section 4.2.5 and RabbitMQ's errata).</summary>
public enum FieldKind : byte
{
    /// <summary>octet</summary>
    Octet,
    /// <summary>short (16 bits)</summary>
    Short,
    /// <summary>long (32 bits)</summary>
    Long,
    /// <summary>longlong (64 bits)</summary>
    LongLong,
    /// <summary>shortstr</summary>
    ShortStr,
    /// <summary>longstr</summary>
    LongStr,
    /// <summary>bit; consecutive bits share an octet</summary>
    Bit,
    /// <summary>table</summary>
    Table,
    /// <summary>timestamp (64 bits)</summary>
    Timestamp,
}

/// <summary>One method of the specification: ids, name, fields and whether content follows it.</summary>
public sealed class MethodSpec
{
    internal MethodSpec(AmqpMethod method, string name, FieldKind[] kinds, string[] names, bool hasContent)
    {
        Method = method; Name = name; Kinds = kinds; FieldNames = names; HasContent = hasContent;
    }

    /// <summary>The method id (class id in the high 16 bits).</summary>
    public AmqpMethod Method { get; }
    /// <summary>Class id.</summary>
    public ushort ClassId => (ushort)((uint)Method >> 16);
    /// <summary>Method id within the class.</summary>
    public ushort MethodId => (ushort)((uint)Method & 0xFFFF);
    /// <summary>Spec name, e.g. "basic.publish".</summary>
    public string Name { get; }
    /// <summary>Field types in wire order.</summary>
    public FieldKind[] Kinds { get; }
    /// <summary>Field names in wire order (spec spelling).</summary>
    public string[] FieldNames { get; }
    /// <summary>True when a content header and body frames follow the method.</summary>
    public bool HasContent { get; }
}
