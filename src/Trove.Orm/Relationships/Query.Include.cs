using System.Linq.Expressions;
using Trove.Orm.Querying;
using Trove.Orm.Relationships;

namespace Trove.Orm;

public sealed partial class Query<T>
{
    private Query<T> WithInclude(IncludeSpec spec) =>
        new(Session, new QueryNode { Op = QueryOp.Include, Parent = Node, Include = spec });

    /// <summary>
    /// Loads a reference with the query: its configured eager strategy, else <see cref="Loading.Joined"/>;
    /// <paramref name="loading"/> picks another (Lazy, Joined, Subquery, SelectIn, NoLoad, ContainsEager).
    /// </summary>
    public IncludeQuery<T, TRef> Include<TRef>(Expression<Func<T, TRef?>> navigation, Loading loading = Loading.Default) where TRef : DeclarativeBase =>
        new(WithInclude(new IncludeSpec(null, IncludeSpec.NameOf(navigation), loading)));

    /// <summary>Loads a collection with the query: its configured eager strategy, else <see cref="Loading.SelectIn"/>.</summary>
    public IncludeQuery<T, TElement> Include<TElement>(Expression<Func<T, IEnumerable<TElement>>> navigation, Loading loading = Loading.Default) where TElement : DeclarativeBase =>
        new(WithInclude(new IncludeSpec(null, IncludeSpec.NameOf(navigation), loading)));

    /// <summary>Inner join along a reference (<c>Join(p =&gt; p.Favor)</c>: <c>JOIN favor ON favor.nid = person.favor_id</c>); rows stay <typeparamref name="T"/>.</summary>
    public Query<T> Join<TRef>(Expression<Func<T, TRef?>> navigation) where TRef : DeclarativeBase =>
        WithInclude(new IncludeSpec(null, IncludeSpec.NameOf(navigation), Loading.Default) { Join = JoinKind.Inner });

    /// <summary>Inner join along a collection (one row per related row).</summary>
    public Query<T> Join<TElement>(Expression<Func<T, IEnumerable<TElement>>> navigation) where TElement : DeclarativeBase =>
        WithInclude(new IncludeSpec(null, IncludeSpec.NameOf(navigation), Loading.Default) { Join = JoinKind.Inner });

    /// <summary>LEFT OUTER JOIN along a reference.</summary>
    public Query<T> LeftJoin<TRef>(Expression<Func<T, TRef?>> navigation) where TRef : DeclarativeBase =>
        WithInclude(new IncludeSpec(null, IncludeSpec.NameOf(navigation), Loading.Default) { Join = JoinKind.Outer });

    /// <summary>LEFT OUTER JOIN along a collection.</summary>
    public Query<T> LeftJoin<TElement>(Expression<Func<T, IEnumerable<TElement>>> navigation) where TElement : DeclarativeBase =>
        WithInclude(new IncludeSpec(null, IncludeSpec.NameOf(navigation), Loading.Default) { Join = JoinKind.Outer });

    /// <summary>Replaces the configured strategy of every relationship not named by an Include (SQLAlchemy's <c>lazyload('*')</c>).</summary>
    public Query<T> WithDefaultLoading(Loading loading) => WithInclude(new IncludeSpec(null, IncludeSpec.Wildcard, loading));

    /// <summary>Like <see cref="WithDefaultLoading(Loading)"/> for the relationships of one class only.</summary>
    public Query<T> WithDefaultLoading<TEntity>(Loading loading) where TEntity : DeclarativeBase =>
        WithInclude(new IncludeSpec(null, IncludeSpec.Wildcard, loading) { ForType = typeof(TEntity) });
}

/// <summary>A query right after <c>Include</c>: <c>ThenInclude</c> continues the path from <typeparamref name="TPrevious"/>.</summary>
public sealed class IncludeQuery<T, TPrevious> where TPrevious : DeclarativeBase
{
    internal IncludeQuery(Query<T> query) => Query = query;

    /// <summary>The query itself (every <see cref="Query{T}"/> operator).</summary>
    public Query<T> Query { get; }

    private IncludeSpec Last => (IncludeSpec)Query.Node.Include!;

    private Query<T> Then(IncludeSpec spec) =>
        new(Query.Session, new QueryNode { Op = QueryOp.Include, Parent = Query.Node, Include = spec });

    /// <summary>Continues the path with a reference of <typeparamref name="TPrevious"/>.</summary>
    public IncludeQuery<T, TRef> ThenInclude<TRef>(Expression<Func<TPrevious, TRef?>> navigation, Loading loading = Loading.Default) where TRef : DeclarativeBase =>
        new(Then(new IncludeSpec(Last, IncludeSpec.NameOf(navigation), loading)));

    /// <summary>Continues the path with a collection of <typeparamref name="TPrevious"/>.</summary>
    public IncludeQuery<T, TElement> ThenInclude<TElement>(Expression<Func<TPrevious, IEnumerable<TElement>>> navigation, Loading loading = Loading.Default) where TElement : DeclarativeBase =>
        new(Then(new IncludeSpec(Last, IncludeSpec.NameOf(navigation), loading)));

    /// <summary>The query (so the result converts where a <see cref="Query{T}"/> is expected).</summary>
    public static implicit operator Query<T>(IncludeQuery<T, TPrevious> q) => q.Query;

    /// <summary>Starts another path.</summary>
    public IncludeQuery<T, TRef> Include<TRef>(Expression<Func<T, TRef?>> navigation, Loading loading = Loading.Default) where TRef : DeclarativeBase => Query.Include(navigation, loading);
    /// <summary>Starts another path.</summary>
    public IncludeQuery<T, TElement> Include<TElement>(Expression<Func<T, IEnumerable<TElement>>> navigation, Loading loading = Loading.Default) where TElement : DeclarativeBase => Query.Include(navigation, loading);
    /// <inheritdoc cref="Query{T}.Where"/>
    public Query<T> Where(Expression<Func<T, bool>> predicate) => Query.Where(predicate);
    /// <inheritdoc cref="Query{T}.OrderBy"/>
    public Query<T> OrderBy<TKey>(Expression<Func<T, TKey>> key) => Query.OrderBy(key);
    /// <inheritdoc cref="Query{T}.OrderByDescending"/>
    public Query<T> OrderByDescending<TKey>(Expression<Func<T, TKey>> key) => Query.OrderByDescending(key);
    /// <inheritdoc cref="Query{T}.Take"/>
    public Query<T> Take(int count) => Query.Take(count);
    /// <inheritdoc cref="Query{T}.Skip"/>
    public Query<T> Skip(int count) => Query.Skip(count);
    /// <inheritdoc cref="Query{T}.AsNoTracking"/>
    public Query<T> AsNoTracking() => Query.AsNoTracking();
    /// <inheritdoc cref="Query{T}.ToList"/>
    public List<T> ToList() => Query.ToList();
    /// <inheritdoc cref="Query{T}.ToListAsync"/>
    public Task<List<T>> ToListAsync(CancellationToken ct = default) => Query.ToListAsync(ct);
    /// <inheritdoc cref="Query{T}.ToArray"/>
    public T[] ToArray() => Query.ToArray();
    /// <inheritdoc cref="Query{T}.First()"/>
    public T First() => Query.First();
    /// <inheritdoc cref="Query{T}.FirstOrDefault()"/>
    public T? FirstOrDefault() => Query.FirstOrDefault();
    /// <inheritdoc cref="Query{T}.Single()"/>
    public T Single() => Query.Single();
    /// <inheritdoc cref="Query{T}.SingleOrDefault()"/>
    public T? SingleOrDefault() => Query.SingleOrDefault();
    /// <inheritdoc cref="Query{T}.FirstAsync"/>
    public Task<T> FirstAsync(CancellationToken ct = default) => Query.FirstAsync(ct);
    /// <inheritdoc cref="Query{T}.ToQueryString"/>
    public string ToQueryString() => Query.ToQueryString();
    /// <inheritdoc cref="Query{T}.GetEnumerator"/>
    public List<T>.Enumerator GetEnumerator() => Query.GetEnumerator();
}

/// <summary>
/// Inner/Outer: Join/LeftJoin along a relationship; Correlate: the rows related to one owner (dynamic relationships);
/// Key: the row with one primary key (<see cref="IncludeSpec.Key"/>, Get and reload with joined relationships).
/// </summary>
internal enum JoinKind { None, Inner, Outer, Correlate, Key }

/// <summary>One step of an eager-loading path (immutable; <see cref="Parent"/> is the previous step).</summary>
internal sealed class IncludeSpec(IncludeSpec? parent, string name, Loading loading)
{
    public const string Wildcard = "*";
    public IncludeSpec? Parent { get; } = parent;
    public string Name { get; } = name;
    public Loading Loading { get; } = loading;
    /// <summary>Wildcard limited to one class.</summary>
    public Type? ForType { get; init; }
    /// <summary>A relationship join (Join/LeftJoin), not a loading instruction.</summary>
    public JoinKind Join { get; init; }
    /// <summary>Correlate: the relationship whose target rows are queried, and the owner's join values.</summary>
    public RelationshipMap? Relation { get; init; }
    public object?[]? Key { get; init; }

    public List<IncludeSpec> Path()
    {
        var list = new List<IncludeSpec>();
        for (var s = this; s is not null; s = s.Parent) list.Insert(0, s);
        return list;
    }

    public static string NameOf(LambdaExpression nav) =>
        Translator.StripConvert(nav.Body) is MemberExpression { Member: var m } me && me.Expression is ParameterExpression
            ? m.Name
            : throw new ArgumentException($"Include expects a relationship property of the lambda's parameter, not '{nav.Body}'", nameof(nav));
}
