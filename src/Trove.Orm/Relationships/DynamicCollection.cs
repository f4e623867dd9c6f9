using System.Linq.Expressions;
using Trove.Orm.Querying;
using Trove.Orm.Relationships;

namespace Trove.Orm;

/// <summary>
/// A relationship declared <c>DynamicCollection&lt;T&gt;</c> (SQLAlchemy's <c>lazy='dynamic'</c>): never loaded as a
/// whole; every read is a query over the related rows (further filtered, ordered, counted in SQL), and
/// <see cref="Add"/>/<see cref="Remove"/> change the foreign key (or link row), written at the next flush.
/// </summary>
public sealed class DynamicCollection<T> where T : DeclarativeBase
{
    private readonly DeclarativeBase _owner;
    private readonly RelationshipMap _rel;

    /// <summary>Created by generated code.</summary>
    public DynamicCollection(DeclarativeBase owner, RelationshipMap relation)
    {
        _owner = owner;
        _rel = relation;
    }

    /// <summary>The related rows as a query (correlated to the owner, in the relationship's order).</summary>
    public Query<T> Query
    {
        get
        {
            var rel = _rel.Resolved();
            var s = _owner._troveState;
            if (s?.Session is not { } session)
                throw new DetachedInstanceException($"Parent instance {rel.Owner.Describe(s ?? rel.Owner.StateOf(_owner))} is not bound to a Session; the dynamic relationship '{rel.Name}' cannot be queried");
            if ((s.Unloaded & rel.OwnerJoin.Aggregate(0UL, (b, c) => b | rel.Owner.Columns[c].Bit)) != 0) session.LoadUnloaded(s);
            var key = Session.JoinValues(s, rel) ?? new object?[rel.OwnerJoin.Length];
            var root = new QueryNode { Op = QueryOp.Root, Mapper = rel.Target };
            return new Query<T>(session, new QueryNode
            {
                Op = QueryOp.Include,
                Parent = root,
                Include = new IncludeSpec(null, rel.Name, Loading.Default) { Join = JoinKind.Correlate, Relation = rel, Key = key },
            });
        }
    }

    /// <summary>Adds an element (its foreign key or link row is written at the next flush; save-update cascades).</summary>
    public void Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        RelationshipEvents.Appended(_owner, _rel, item);
    }

    /// <summary>Removes an element (foreign key set to NULL, orphan deleted, or link row deleted at the next flush).</summary>
    public void Remove(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        RelationshipEvents.Removed(_owner, _rel, item);
    }

    /// <inheritdoc cref="Query{T}.Where"/>
    public Query<T> Where(Expression<Func<T, bool>> predicate) => Query.Where(predicate);
    /// <inheritdoc cref="Query{T}.OrderBy"/>
    public Query<T> OrderBy<TKey>(Expression<Func<T, TKey>> key) => Query.OrderBy(key);
    /// <inheritdoc cref="Query{T}.OrderByDescending"/>
    public Query<T> OrderByDescending<TKey>(Expression<Func<T, TKey>> key) => Query.OrderByDescending(key);
    /// <inheritdoc cref="Query{T}.Select"/>
    public Query<TResult> Select<TResult>(Expression<Func<T, TResult>> selector) => Query.Select(selector);
    /// <inheritdoc cref="Query{T}.Skip"/>
    public Query<T> Skip(int count) => Query.Skip(count);
    /// <inheritdoc cref="Query{T}.Take"/>
    public Query<T> Take(int count) => Query.Take(count);
    /// <inheritdoc cref="Query{T}.ToList"/>
    public List<T> ToList() => Query.ToList();
    /// <inheritdoc cref="Query{T}.ToListAsync"/>
    public Task<List<T>> ToListAsync(CancellationToken ct = default) => Query.ToListAsync(ct);
    /// <inheritdoc cref="Query{T}.First()"/>
    public T First() => Query.First();
    /// <inheritdoc cref="Query{T}.FirstOrDefault()"/>
    public T? FirstOrDefault() => Query.FirstOrDefault();
    /// <inheritdoc cref="Query{T}.Single()"/>
    public T Single() => Query.Single();
    /// <inheritdoc cref="Query{T}.Count()"/>
    public int Count() => Query.Count();
    /// <inheritdoc cref="Query{T}.Any()"/>
    public bool Any() => Query.Any();
    /// <inheritdoc cref="Query{T}.GetEnumerator"/>
    public List<T>.Enumerator GetEnumerator() => Query.GetEnumerator();
}
