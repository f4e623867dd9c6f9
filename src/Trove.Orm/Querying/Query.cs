using System.Linq.Expressions;
using Trove.Orm.Querying;

namespace Trove.Orm;

/// <summary>
/// An immutable ORM query (orm.md D3). LINQ-named methods take expression trees and return new queries; the
/// C# query-expression pattern is satisfied, so query syntax works. It is deliberately not <c>IQueryable</c> nor
/// <c>IEnumerable</c>: an operator that is not translated is a compile error, never client evaluation;
/// <c>foreach</c> and <c>await foreach</c> bind to the pattern enumerators.
/// </summary>
/// <typeparam name="T">Element type: an entity, a scalar, an anonymous type or a grouping.</typeparam>
public sealed partial class Query<T> : IQueryInternal
{
    internal Query(Session session, QueryNode node)
    {
        Session = session;
        Node = node;
    }

    /// <summary>The session the query runs in.</summary>
    public Session Session { get; }
    internal QueryNode Node { get; }
    Session IQueryInternal.Session => Session;
    QueryNode IQueryInternal.Node => Node;
    Type IQueryInternal.ElementType => typeof(T);
    IQueryInternal IQueryInternal.WithNode(QueryNode node) => new Query<T>(Session, node);
    IQueryInternal IQueryInternal.Rebind(Session session, IReadOnlyDictionary<ParameterExpression, object?>? env) => new Query<T>(session, Node) { Env = env };

    /// <summary>
    /// Values of a compiled query's parameters, which its lambdas reference directly (see <see cref="CompiledQuery"/>);
    /// null for ordinary queries.
    /// </summary>
    internal IReadOnlyDictionary<ParameterExpression, object?>? Env { get; init; }

    /// <summary>This query with the compiled query's parameters replaced by constants (for the uncached paths).</summary>
    private Query<T> Unbound() => new(Session, PlanCache.Bind(Node, Env!));

    private Query<TR> Next<TR>(QueryOp op, LambdaExpression? l1 = null, LambdaExpression? l2 = null, LambdaExpression? l3 = null,
        IQueryInternal? other = null, int count = 0, string? text = null, IReadOnlyList<EntityMapper>? of = null, Delegate? factory = null) =>
        new(Session, new QueryNode { Op = op, Parent = Node, L1 = l1, L2 = l2, L3 = l3, Other = other, Count = count, Text = text, Of = of, Factory = factory }) { Env = Env };

    /// <summary>Filters rows (SQL WHERE; after GroupBy: HAVING).</summary>
    public Query<T> Where(Expression<Func<T, bool>> predicate) => Next<T>(QueryOp.Where, predicate);

    /// <summary>Projects each element (entities, columns, anonymous types, aggregates of a group).</summary>
    public Query<TResult> Select<TResult>(Expression<Func<T, TResult>> selector) => Next<TResult>(QueryOp.Select, selector);

    /// <summary>Cross join with another query (<c>from a in q1 from b in q2</c>).</summary>
    public Query<TResult> SelectMany<TCollection, TResult>(Expression<Func<T, Query<TCollection>>> collectionSelector,
        Expression<Func<T, TCollection, TResult>> resultSelector) => Next<TResult>(QueryOp.SelectMany, collectionSelector, resultSelector);

    /// <summary>Cross join yielding the second query's elements.</summary>
    public Query<TResult> SelectMany<TResult>(Expression<Func<T, Query<TResult>>> collectionSelector) =>
        Next<TResult>(QueryOp.SelectMany, collectionSelector);

    /// <summary>Inner join on explicit keys (composite keys as anonymous objects).</summary>
    public Query<TResult> Join<TInner, TKey, TResult>(Query<TInner> inner, Expression<Func<T, TKey>> outerKeySelector,
        Expression<Func<TInner, TKey>> innerKeySelector, Expression<Func<T, TInner, TResult>> resultSelector) =>
        Next<TResult>(QueryOp.Join, outerKeySelector, innerKeySelector, resultSelector, other: inner);

    /// <summary>Sorts ascending (replaces earlier orderings).</summary>
    public Query<T> OrderBy<TKey>(Expression<Func<T, TKey>> key) => Next<T>(QueryOp.OrderBy, key);
    /// <summary>Sorts descending (replaces earlier orderings).</summary>
    public Query<T> OrderByDescending<TKey>(Expression<Func<T, TKey>> key) => Next<T>(QueryOp.OrderByDescending, key);

    /// <summary>
    /// ORDER BY a textual fragment, SQLAlchemy's <c>order_by(text("id desc"))</c>: <c>.OrderBy(Db.Text("id desc"))</c>.
    /// Replaces earlier orderings; ThenBy may follow. The text is sent as written and may not carry parameters.
    /// </summary>
    public Query<T> OrderBy(Trove.Sql.TextClause sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var compiled = sql.Compile();
        if (compiled.Parameters.Count > 0) throw new ArgumentException("An ORDER BY text cannot carry parameters.", nameof(sql));
        return Next<T>(QueryOp.OrderByText, text: compiled.Sql);
    }
    /// <summary>Adds an ascending sort key.</summary>
    public Query<T> ThenBy<TKey>(Expression<Func<T, TKey>> key) => Next<T>(QueryOp.ThenBy, key);
    /// <summary>Adds a descending sort key.</summary>
    public Query<T> ThenByDescending<TKey>(Expression<Func<T, TKey>> key) => Next<T>(QueryOp.ThenByDescending, key);

    /// <summary>
    /// Groups by a key. Followed by aggregates (<c>Select(g =&gt; new { g.Key, N = g.Count() })</c>, <c>Where</c> as
    /// HAVING) it is SQL GROUP BY; enumerated directly, rows are ordered by the key and grouped while streaming.
    /// </summary>
    public Query<IGrouping<TKey, T>> GroupBy<TKey>(Expression<Func<T, TKey>> keySelector) =>
        Next<IGrouping<TKey, T>>(QueryOp.GroupBy, keySelector, factory: (Func<object?, List<object?>, IGrouping<TKey, T>>)((k, items) => new Grouping<TKey, T>((TKey)k!, items)));

    /// <summary>Groups by a key with an element projection.</summary>
    public Query<IGrouping<TKey, TElement>> GroupBy<TKey, TElement>(Expression<Func<T, TKey>> keySelector, Expression<Func<T, TElement>> elementSelector) =>
        Next<IGrouping<TKey, TElement>>(QueryOp.GroupBy, keySelector, elementSelector,
            factory: (Func<object?, List<object?>, IGrouping<TKey, TElement>>)((k, items) => new Grouping<TKey, TElement>((TKey)k!, items)));

    /// <summary>Skips rows (OFFSET).</summary>
    public Query<T> Skip(int count) => Next<T>(QueryOp.Skip, count: count);
    /// <summary>Limits rows (LIMIT).</summary>
    public Query<T> Take(int count) => Next<T>(QueryOp.Take, count: count);

    /// <summary>Rows <c>range.Start</c> (inclusive) to <c>range.End</c> (exclusive): <c>q[1..2]</c> = Skip(1).Take(1).</summary>
    public Query<T> this[Range range]
    {
        get
        {
            if (range.Start.IsFromEnd || range.End.IsFromEnd && range.End.Value != 0)
                throw new NotSupportedException("Ranges counted from the end need the row count; use Skip/Take with explicit numbers");
            var q = range.Start.Value > 0 ? Skip(range.Start.Value) : this;
            return range.End.IsFromEnd ? q : q.Take(Math.Max(0, range.End.Value - range.Start.Value));
        }
    }

    /// <summary>SELECT DISTINCT.</summary>
    public Query<T> Distinct() => Next<T>(QueryOp.Distinct);
    /// <summary>UNION (duplicates removed).</summary>
    public Query<T> Union(Query<T> other) => Next<T>(QueryOp.Union, other: other);
    /// <summary>UNION ALL.</summary>
    public Query<T> Concat(Query<T> other) => Next<T>(QueryOp.Concat, other: other);

    /// <summary>Entities are returned without tracking: no identity map, no change tracking, no reload.</summary>
    public Query<T> AsNoTracking() => Next<T>(QueryOp.AsNoTracking);

    /// <summary>SELECT … FOR UPDATE [OF …] [NOWAIT] (omitted on SQLite).</summary>
    public Query<T> ForUpdate(bool nowait = false, Type[]? of = null) =>
        Next<T>(QueryOp.ForUpdate, text: nowait ? "FOR UPDATE NOWAIT" : "FOR UPDATE", of: of?.Select(t => MapperRegistry.Find(t)!).ToList());

    /// <summary>SELECT … FOR SHARE (MySQL: LOCK IN SHARE MODE; omitted on SQLite).</summary>
    public Query<T> ForShare(bool nowait = false) => Next<T>(QueryOp.ForUpdate, text: nowait ? "FOR SHARE NOWAIT" : "FOR SHARE");
}

/// <summary>A group produced by enumerating a grouped query.</summary>
internal sealed class Grouping<TKey, TElement>(TKey key, List<object?> items) : IGrouping<TKey, TElement>, IGroupingKey
{
    public TKey Key { get; } = key;
    object? IGroupingKey.BoxedKey => Key;
    object? IGroupingKey.First => items.Count > 0 ? items[0] : null;

    public IEnumerator<TElement> GetEnumerator()
    {
        foreach (var i in items) yield return (TElement)i!;
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
