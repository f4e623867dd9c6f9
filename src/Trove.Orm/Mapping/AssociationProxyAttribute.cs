namespace Trove.Orm.Mapping;

/// <summary>
/// A view of one attribute of the elements of a relationship (SQLAlchemy's <c>association_proxy</c>):
/// <c>[AssociationProxy(nameof(BlogList), nameof(Blog.Title), Creator = nameof(NewBlog))] public partial IList&lt;string&gt; BlogTitles { get; }</c>.
/// Over a list: <c>IList&lt;TValue&gt;</c>; over a dictionary collection: <c>IDictionary&lt;TKey, TValue&gt;</c>; over a
/// reference: the value itself. Usable in query filters.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class AssociationProxyAttribute(string relationship, string attribute) : Attribute
{
    /// <summary>The relationship property.</summary>
    public string Relationship { get; } = relationship;
    /// <summary>The attribute of the related class.</summary>
    public string Attribute { get; } = attribute;
    /// <summary>
    /// Static method creating an element from a value (list: <c>T Create(TValue)</c>; dictionary:
    /// <c>T Create(TKey, TValue)</c>); without it the element's constructor taking the value is used.
    /// </summary>
    public string? Creator { get; set; }
}
