namespace Trove.Orm;

public abstract partial class EntityMapper
{
    private RelationshipMap[]? _relationships;

    /// <summary>Relationship properties of the class, in declaration order (Backref-added ones last).</summary>
    public RelationshipMap[] Relationships
    {
        get
        {
            var r = _relationships;
            if (r is not null) return r;
            Interlocked.CompareExchange(ref _relationships, CreateRelationships(), null);
            return _relationships!;
        }
    }

    /// <summary>Generated: the relationship table.</summary>
    protected virtual RelationshipMap[] CreateRelationships() => [];

    /// <summary>Generated: the backing field of relationship <paramref name="index"/> (no loading, no events).</summary>
    public virtual object? GetRelated(DeclarativeBase entity, int index) => null;

    /// <summary>Generated: assigns the backing field of relationship <paramref name="index"/> (no events).</summary>
    public virtual void SetRelated(DeclarativeBase entity, int index, object? value) { }

    /// <summary>Generated: the collection object of relationship <paramref name="index"/>, created when missing (no loading).</summary>
    public virtual object CreateCollection(DeclarativeBase entity, int index) => throw new ArgumentOutOfRangeException(nameof(index));

    private int _eagerDefaults = -1;

    /// <summary>Some relationship is configured with an eager strategy (joined, subquery, selectin, noload).</summary>
    internal bool HasEagerDefaults
    {
        get
        {
            if (_eagerDefaults < 0)
                _eagerDefaults = Relationships.Any(r => r.Loading is Loading.Joined or Loading.SelectIn or Loading.Subquery or Loading.NoLoad) ? 1 : 0;
            return _eagerDefaults == 1;
        }
    }

    private int _joinedDefaults = -1;

    /// <summary>
    /// Some relationship is configured <see cref="Loading.Joined"/>: Get and the reload of an expired instance
    /// then go through an entity query, so that relationship comes in the same SELECT (SQLAlchemy's load_on_ident).
    /// </summary>
    internal bool HasJoinedDefaults
    {
        get
        {
            if (_joinedDefaults < 0) _joinedDefaults = Relationships.Any(r => r.Loading == Loading.Joined) ? 1 : 0;
            return _joinedDefaults == 1;
        }
    }

    /// <summary>The row with this primary key (database values, key column order) by an entity query with the default loaders; null when none.</summary>
    internal abstract DeclarativeBase? QueryByKey(Session session, object?[] dbKey);

    /// <summary>Mask with a bit for every relationship.</summary>
    internal ulong AllRelationships => Relationships.Length >= 64 ? ulong.MaxValue : (1UL << Relationships.Length) - 1;
}
