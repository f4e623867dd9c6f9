using Trove.Sql.Types;

namespace Trove.Orm.Mapping;

/// <summary>Column options of a mapped property. Every <c>partial</c> scalar property is a column even without it.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ColumnAttribute : Attribute
{
    /// <summary>Default name: the property name in snake_case.</summary>
    public ColumnAttribute() { }
    /// <summary>Explicit column name.</summary>
    public ColumnAttribute(string name) => Name = name;

    /// <summary>Column name (null: snake_case of the property name).</summary>
    public string? Name { get; }
    /// <summary>Part of the primary key.</summary>
    public bool PrimaryKey { get; set; }
    /// <summary>Length of a string or binary type.</summary>
    public int Length { get; set; }
    /// <summary>Precision of a decimal.</summary>
    public int Precision { get; set; }
    /// <summary>Scale of a decimal.</summary>
    public int Scale { get; set; }
    /// <summary>SQL DEFAULT rendered in DDL.</summary>
    public string? ServerDefault { get; set; }
    /// <summary>Client-side default sent on INSERT when the property was never assigned.</summary>
    public object? Default { get; set; }
    /// <summary>Creates an index <c>ix_&lt;table&gt;_&lt;column&gt;</c>.</summary>
    public bool Index { get; set; }
    /// <summary>Single-column UNIQUE constraint.</summary>
    public bool Unique { get; set; }
    /// <summary>Generated key (defaults to true for a single integer primary key).</summary>
    public bool Autoincrement { get; set; } = true;
    /// <summary>SQL type kind when the C# type's default is not wanted (<c>Char</c>, <c>Text</c>, <c>Unicode</c>, …).</summary>
    public TypeKind Type { get; set; }
    /// <summary>Collation of a string column.</summary>
    public string? Collation { get; set; }
}
