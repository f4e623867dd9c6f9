namespace Trove.Orm.Mapping;

/// <summary>Composite UNIQUE constraint over properties (by name).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class UniqueConstraintAttribute(params string[] properties) : Attribute
{
    /// <summary>Property names.</summary>
    public string[] Properties { get; } = properties;
    /// <summary>Constraint name, or null.</summary>
    public string? Name { get; set; }
}

/// <summary>Named index over properties (by name).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class IndexAttribute(string name, params string[] properties) : Attribute
{
    /// <summary>Index name.</summary>
    public string Name { get; } = name;
    /// <summary>Property names.</summary>
    public string[] Properties { get; } = properties;
    /// <summary>UNIQUE index.</summary>
    public bool Unique { get; set; }
}

/// <summary>Integer column incremented on every UPDATE and checked in its WHERE (optimistic concurrency).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class VersionCounterAttribute : Attribute;

/// <summary>Property or method usable both on instances and in queries; expression-bodied members are captured by the generator.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Method, Inherited = false)]
public sealed class HybridAttribute : Attribute
{
    /// <summary>Name of a static <c>Expression&lt;Func&lt;…&gt;&gt;</c> member used for SQL instead of the body.</summary>
    public string? Expression { get; set; }
}

/// <summary>Stored spelling of an enum member (default: the member name).</summary>
[AttributeUsage(AttributeTargets.Field, Inherited = false)]
public sealed class EnumValueAttribute(string value) : Attribute
{
    /// <summary>Stored value.</summary>
    public string Value { get; } = value;
}

/// <summary>Excludes a partial property from mapping.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class NotMappedAttribute : Attribute;
