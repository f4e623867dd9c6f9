using Trove.Sql.Schema;

namespace Trove.Orm.Mapping;

/// <summary>Foreign key to <c>"table.column"</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public class ForeignKeyAttribute(string target) : Attribute
{
    /// <summary>Referenced <c>table.column</c>.</summary>
    public string Target { get; } = target;
    /// <summary>ON DELETE action.</summary>
    public ReferentialAction OnDelete { get; set; }
    /// <summary>ON UPDATE action.</summary>
    public ReferentialAction OnUpdate { get; set; }
    /// <summary>
    /// Created by <c>ALTER TABLE … ADD CONSTRAINT</c> after the tables (SQLAlchemy's <c>use_alter=True</c>); CreateAll
    /// also does this by itself for foreign keys that close a cycle of tables.
    /// </summary>
    public bool UseAlter { get; set; }
}

/// <summary>Foreign key to a member of mapped class <typeparamref name="T"/>: <c>[ForeignKey&lt;User&gt;(nameof(User.Id))]</c>.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class ForeignKeyAttribute<T>(string member) : ForeignKeyAttribute(member) where T : class
{
    /// <summary>Referenced property of <typeparamref name="T"/>.</summary>
    public string Member { get; } = member;
}
