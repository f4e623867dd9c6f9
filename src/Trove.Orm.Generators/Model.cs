using System.Collections.Generic;

namespace Trove.Orm.Generators;

/// <summary>How a column's value is read from a DbDataReader and written to a parameter.</summary>
internal enum ValueKind
{
    Int32, Int64, Int16, Byte, Bool, Double, Single, Decimal, String, Bytes,
    DateTime, DateTimeOffset, DateOnly, TimeOnly, TimeSpan, Guid, Enum,
    /// <summary>[Serialized]: JSON (System.Text.Json source-generated context) in a binary column.</summary>
    Serialized,
}

/// <summary>One mapped column as analysed from a partial property.</summary>
internal sealed class ColumnModel
{
    public string Property = "";
    public string Column = "";
    /// <summary>Fully qualified property type as declared (with '?' for nullable).</summary>
    public string Type = "";
    /// <summary>Fully qualified non-nullable value type (for enums and value types), or same as Type.</summary>
    public string CoreType = "";
    public ValueKind Kind;
    public bool IsValueType;
    public bool NullableValue;
    public bool DbNullable;
    public bool PrimaryKey;
    public bool Autoincrement;
    public string? DefaultLiteral;
    public string? ServerDefault;
    public bool Index;
    public bool Unique;
    public int Length;
    public int Precision;
    public int Scale;
    public string? ForeignTable;
    public string? ForeignColumn;
    public string? OnDelete;
    public bool ForeignKeyUseAlter;
    public bool IsVersion;
    public string? Collation;
    public string? TypeKind;
    /// <summary>(member name, stored value) for enums.</summary>
    public List<(string Member, string Stored)> EnumMembers = new();
    /// <summary>[Serialized]: the fully qualified JsonSerializerContext type.</summary>
    public string? SerializedContext;
    public PropertyDecl Decl = new();
}

/// <summary>The text needed to repeat a partial property's declaration in the implementing part.</summary>
internal sealed class PropertyDecl
{
    public string Modifiers = "";
    public string Type = "";
    public string Name = "";
    public string? GetModifiers;
    public string? SetModifiers;
    public bool HasGet;
    public bool HasSet;
    public bool IsInit;
    public bool HasInitializer;
}

/// <summary>A captured hybrid: name, its Func type arguments and lambda source.</summary>
internal sealed class HybridModel
{
    public string Name = "";
    public string FuncType = "";
    public string? LambdaSource;
    public string? ExpressionMember;
}

/// <summary>One mapped entity class.</summary>
internal sealed class EntityModel
{
    public string Namespace = "";
    public List<string> ContainingTypes = new();
    public string Name = "";
    public string FullName = "";
    public string Accessibility = "";
    public string Table = "";
    public string? Schema;
    public string RootBase = "";
    public List<ColumnModel> Columns = new();
    public List<PropertyDecl> PlainProperties = new();
    public List<RelationshipModel> Relationships = new();
    public List<ProxyModel> Proxies = new();
    public List<HybridModel> Hybrids = new();
    public List<(string? Name, List<string> Columns)> UniqueConstraints = new();
    public List<(string Name, List<string> Columns, bool Unique)> Indexes = new();
    public bool HasDeclaredConstructors;
    public bool HasParameterlessConstructor;
    public bool Mapped;
}
