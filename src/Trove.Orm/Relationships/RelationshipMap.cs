using System.ComponentModel;
using Trove.Sql.Schema;

namespace Trove.Orm;

/// <summary>The C# shape of a relationship property.</summary>
public enum RelationKind
{
    /// <summary>A single related instance (many-to-one, or one-to-one from the referenced side).</summary>
    Reference,
    /// <summary><c>IList&lt;T&gt;</c> / <c>ICollection&lt;T&gt;</c>.</summary>
    List,
    /// <summary><c>ISet&lt;T&gt;</c>.</summary>
    Set,
    /// <summary><c>IDictionary&lt;K,T&gt;</c> keyed by an attribute or a key function.</summary>
    Dictionary,
    /// <summary><c>DynamicCollection&lt;T&gt;</c>: a query, never loaded as a whole.</summary>
    Dynamic,
}

/// <summary>Which side holds the foreign key.</summary>
internal enum RelationDirection
{
    /// <summary>The owner's columns reference the target (owner = child).</summary>
    ManyToOne,
    /// <summary>The target's columns reference the owner (owner = parent).</summary>
    OneToMany,
    /// <summary>Rows of a secondary table reference both.</summary>
    ManyToMany,
}

/// <summary>
/// One relationship of a mapped class, as the generator described it; the join columns are resolved from the
/// mappers' foreign keys on first use (the target mapper may not be registered when this one is built).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public sealed class RelationshipMap
{
    private volatile bool _resolved;
    private readonly Lock _lock = new();

    /// <summary>Created by generated code.</summary>
    public RelationshipMap(EntityMapper owner, int index, string name, Type targetType, RelationKind kind)
    {
        Owner = owner;
        Index = index;
        Name = name;
        TargetType = targetType;
        Kind = kind;
    }

    /// <summary>The mapper of the class that declares the property.</summary>
    public EntityMapper Owner { get; }
    /// <summary>Position among the owner's relationships (= bit in <see cref="InstanceState.RelLoaded"/>).</summary>
    public int Index { get; }
    /// <summary>Property name.</summary>
    public string Name { get; }
    /// <summary>Related class.</summary>
    public Type TargetType { get; }
    /// <summary>Property shape.</summary>
    public RelationKind Kind { get; }
    /// <summary>Cascades.</summary>
    public Cascade Cascade { get; init; } = Cascade.SaveUpdate | Cascade.Merge;
    /// <summary>Default loading strategy.</summary>
    public Loading Loading { get; init; } = Loading.Lazy;
    /// <summary>Reverse property on the target.</summary>
    public string? BackPopulates { get; init; }
    /// <summary>Secondary (link) table name of a many-to-many relationship.</summary>
    public string? Secondary { get; init; }
    /// <summary>The secondary table (from the model's MetaData).</summary>
    public Func<Table>? SecondaryTable { get; init; }
    /// <summary>Collection order: a property name of the target, optionally followed by <c>desc</c>.</summary>
    public string? OrderBy { get; init; }
    /// <summary>Self-referential many-to-one: the referenced (remote) key property.</summary>
    public string? RemoteSide { get; init; }
    /// <summary>Depth of joined eager loading of a self-referential relationship.</summary>
    public int JoinDepth { get; init; }
    /// <summary>Read-only: never written at flush.</summary>
    public bool ViewOnly { get; init; }
    /// <summary>Allows delete-orphan on a many-to-one / many-to-many.</summary>
    public bool SingleParent { get; init; }
    /// <summary>Key of a dictionary collection's element.</summary>
    public Func<object, object>? KeyOf { get; init; }

    /// <summary>Bit of this relationship in the loaded mask.</summary>
    public ulong Bit => 1UL << Index;
    internal bool IsCollection => Kind != RelationKind.Reference;

    // ------------------------------------------------------------ resolved on first use
    internal EntityMapper Target = null!;
    internal RelationshipMap? Reverse;
    internal RelationDirection Direction;
    /// <summary>The referenced side's mapper (target for many-to-one, owner for one-to-many).</summary>
    internal EntityMapper Parent = null!;
    /// <summary>The side holding the foreign key.</summary>
    internal EntityMapper Child = null!;
    /// <summary>Referenced columns (indexes in <see cref="Parent"/>).</summary>
    internal int[] ParentColumns = [];
    /// <summary>Foreign-key columns (indexes in <see cref="Child"/>), pairwise with <see cref="ParentColumns"/>.</summary>
    internal int[] ChildColumns = [];
    internal (int Column, bool Desc)[] Order = [];
    /// <summary>Many-to-many: secondary table name and its columns referencing the owner / the target.</summary>
    internal string SecondaryName = "";
    internal string[] SecondaryOwnerColumns = [];
    internal int[] OwnerColumns = [];
    internal string[] SecondaryTargetColumns = [];
    internal int[] TargetColumns = [];
    /// <summary>Child FK columns all accept NULL (so removing a child can null them).</summary>
    internal bool ChildNullable;

    /// <summary>The owner's columns that the join compares (its FK for many-to-one, else its referenced key).</summary>
    internal int[] OwnerJoin => Direction switch
    {
        RelationDirection.ManyToOne => ChildColumns,
        RelationDirection.OneToMany => ParentColumns,
        _ => OwnerColumns,
    };

    internal int OwnerJoinColumnCount() => OwnerJoin.Length;

    /// <summary>Resolves target, direction and join columns (idempotent, thread-safe).</summary>
    internal RelationshipMap Resolved()
    {
        if (_resolved) return this;
        lock (_lock)
        {
            if (_resolved) return this;
            Resolve();
            if ((Cascade & Cascade.DeleteOrphan) != 0 && Direction != RelationDirection.OneToMany && !SingleParent)
            {
                throw new MappingException(
                    $"On {this}, delete-orphan cascade is normally configured only on the \"one\" side of a one-to-many relationship; set SingleParent = true to allow it on a many-to-one or many-to-many relationship");
            }
            _resolved = true;
        }
        return this;
    }

    private void Resolve()
    {
        Target = MapperRegistry.Find(TargetType)
            ?? throw new MappingException($"Relationship '{Owner.EntityType.Name}.{Name}': class '{TargetType.Name}' is not mapped");
        if (BackPopulates is not null)
        {
            Reverse = Array.Find(Target.Relationships, r => r.Name == BackPopulates)
                ?? throw new MappingException($"Relationship '{Owner.EntityType.Name}.{Name}': '{TargetType.Name}' has no relationship '{BackPopulates}' to back-populate");
        }
        if (Secondary is not null)
        {
            ResolveSecondary();
            return;
        }
        var ownerRefsTarget = FkColumns(Owner, Target);
        var targetRefsOwner = FkColumns(Target, Owner);
        var selfRef = ReferenceEquals(Owner, Target);
        bool manyToOne;
        if (selfRef) manyToOne = Kind == RelationKind.Reference && (RemoteSide is not null || Reverse is null || Reverse.IsCollection);
        else if (Kind == RelationKind.Reference) manyToOne = ownerRefsTarget.Count > 0;
        else manyToOne = targetRefsOwner.Count == 0 && ownerRefsTarget.Count > 0;
        var pairs = manyToOne ? ownerRefsTarget : targetRefsOwner;
        if (pairs.Count == 0)
        {
            throw new MappingException(
                $"Could not determine join condition of relationship '{Owner.EntityType.Name}.{Name}': no foreign key between '{Owner.TableName}' and '{Target.TableName}'");
        }
        Direction = manyToOne ? RelationDirection.ManyToOne : RelationDirection.OneToMany;
        Parent = manyToOne ? Target : Owner;
        Child = manyToOne ? Owner : Target;
        ChildColumns = pairs.Select(p => p.Child).ToArray();
        ParentColumns = pairs.Select(p => p.Parent).ToArray();
        ChildNullable = ChildColumns.All(c => Child.Columns[c].Nullable);
        Order = ParseOrder();
    }

    private void ResolveSecondary()
    {
        Direction = RelationDirection.ManyToMany;
        Parent = Owner;
        Child = Target;
        var table = SecondaryTable?.Invoke()
            ?? throw new MappingException($"Relationship '{Owner.EntityType.Name}.{Name}': secondary table '{Secondary}' not found");
        SecondaryName = table.Name;
        var toOwner = new List<(string, int)>();
        var toTarget = new List<(string, int)>();
        foreach (var col in table.Columns)
        {
            if (col.ForeignKey is not { } fk) continue;
            var dot = fk.LastIndexOf('.');
            var (t, c) = dot > 0 ? (fk[..dot], fk[(dot + 1)..]) : (fk, "id");
            // a self-referential secondary has two keys to the same table: the first one belongs to the owner
            var self = ReferenceEquals(Owner, Target);
            if (t == Owner.TableName && (!self || toOwner.Count == 0)) { toOwner.Add((col.Name, ColumnIndex(Owner, c))); continue; }
            if (t == Target.TableName) toTarget.Add((col.Name, ColumnIndex(Target, c)));
        }
        if (toOwner.Count == 0 || toTarget.Count == 0)
            throw new MappingException($"Relationship '{Owner.EntityType.Name}.{Name}': secondary table '{Secondary}' needs foreign keys to '{Owner.TableName}' and '{Target.TableName}'");
        SecondaryOwnerColumns = toOwner.Select(x => x.Item1).ToArray();
        OwnerColumns = toOwner.Select(x => x.Item2).ToArray();
        SecondaryTargetColumns = toTarget.Select(x => x.Item1).ToArray();
        TargetColumns = toTarget.Select(x => x.Item2).ToArray();
        Order = ParseOrder();
    }

    private static int ColumnIndex(EntityMapper m, string columnName)
    {
        for (var i = 0; i < m.Columns.Count; i++) if (m.Columns[i].Name == columnName) return i;
        throw new MappingException($"Table '{m.TableName}' has no column '{columnName}'");
    }

    /// <summary>Columns of <paramref name="child"/> referencing <paramref name="parent"/>'s table, paired with the referenced columns.</summary>
    private List<(int Child, int Parent)> FkColumns(EntityMapper child, EntityMapper parent)
    {
        var list = new List<(int, int)>();
        foreach (var c in child.Columns)
        {
            if (c.ForeignTable != parent.TableName || c.ForeignColumn is null) continue;
            list.Add((c.Index, ColumnIndex(parent, c.ForeignColumn)));
        }
        return list;
    }

    private (int, bool)[] ParseOrder()
    {
        if (string.IsNullOrWhiteSpace(OrderBy)) return [];
        var result = new List<(int, bool)>();
        foreach (var part in OrderBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var col = Target.FindByProperty(words[0])
                ?? throw new MappingException($"Relationship '{Owner.EntityType.Name}.{Name}': OrderBy names unknown property '{words[0]}' of '{Target.EntityType.Name}'");
            result.Add((col.Index, words.Length > 1 && words[1].Equals("desc", StringComparison.OrdinalIgnoreCase)));
        }
        return [.. result];
    }

    /// <inheritdoc />
    public override string ToString() => Owner.EntityType.Name + "." + Name;
}
