namespace Trove.Orm.Mapping;

/// <summary>Maps a <c>partial</c> class to a table. Without it a class under a <c>DeclarativeBase</c> is abstract-like (unmapped, its columns inherited).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TableAttribute(string name) : Attribute
{
    /// <summary>Table name.</summary>
    public string Name { get; } = name;
    /// <summary>Schema, or null for the default.</summary>
    public string? Schema { get; init; }
}
