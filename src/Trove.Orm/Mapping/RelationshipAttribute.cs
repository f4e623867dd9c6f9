namespace Trove.Orm.Mapping;

/// <summary>
/// Options of a relationship property (a partial property typed as a mapped class or a collection of one).
/// The session issue maps these properties as plain in-memory references; loading, cascades and backrefs
/// are the relationships issue.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class RelationshipAttribute : Attribute
{
    /// <summary>Property on the other class that is the reverse side.</summary>
    public string? BackPopulates { get; set; }
    /// <summary>Name of a reverse property the generator adds to the other class.</summary>
    public string? Backref { get; set; }
    /// <summary>Association table name of a many-to-many relationship.</summary>
    public string? Secondary { get; set; }
    /// <summary>Order of a collection (<c>"Create"</c> or <c>"Create desc"</c>).</summary>
    public string? OrderBy { get; set; }
    /// <summary>Cascades.</summary>
    public Cascade Cascade { get; set; } = Cascade.SaveUpdate | Cascade.Merge;
    /// <summary>Default loading strategy.</summary>
    public Loading Loading { get; set; } = Loading.Lazy;
    /// <summary>Read-only relationship.</summary>
    public bool ViewOnly { get; set; }
    /// <summary>Remote side of a self-referential many-to-one.</summary>
    public string? RemoteSide { get; set; }
    /// <summary>Depth of joined eager loading for self-reference.</summary>
    public int JoinDepth { get; set; }
    /// <summary>Dictionary collections: the key attribute.</summary>
    public string? KeyedBy { get; set; }
    /// <summary>Dictionary collections: a static key function.</summary>
    public string? KeySelector { get; set; }
    /// <summary>Delete-orphan outside one-to-many.</summary>
    public bool SingleParent { get; set; }
}
