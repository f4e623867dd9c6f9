using System.Linq.Expressions;

namespace Trove.Orm.Querying;

internal enum QueryOp
{
    Root, Where, Select, OrderBy, OrderByDescending, ThenBy, ThenByDescending, Skip, Take, Distinct,
    GroupBy, Join, SelectMany, Union, Concat, AsNoTracking, ForUpdate, Include, OrderByText,
}

/// <summary>One operator applied to a query; queries are immutable chains of these (shared prefixes).</summary>
internal sealed class QueryNode
{
    public required QueryOp Op { get; init; }
    public QueryNode? Parent { get; init; }
    public LambdaExpression? L1 { get; init; }
    public LambdaExpression? L2 { get; init; }
    public LambdaExpression? L3 { get; init; }
    public EntityMapper? Mapper { get; init; }
    public IQueryInternal? Other { get; init; }
    public int Count { get; init; }
    public string? Text { get; init; }
    public IReadOnlyList<EntityMapper>? Of { get; init; }
    /// <summary>GroupBy: builds an IGrouping of the statically known key/element types (no MakeGenericType).</summary>
    public Delegate? Factory { get; init; }
    /// <summary>Include: the eager-loading path it adds (see Relationships/EagerLoader).</summary>
    public object? Include { get; init; }

    public QueryNode Root
    {
        get
        {
            var n = this;
            while (n.Parent is not null) n = n.Parent;
            return n;
        }
    }

    public bool NoTracking
    {
        get
        {
            for (var n = this; n is not null; n = n.Parent) if (n.Op == QueryOp.AsNoTracking) return true;
            return false;
        }
    }
}

/// <summary>Non-generic access to a query (for subqueries inside lambdas and set operations).</summary>
internal interface IQueryInternal
{
    Session Session { get; }
    QueryNode Node { get; }
    Type ElementType { get; }
    /// <summary>The same query type over another chain (the plan cache's probe copies).</summary>
    IQueryInternal WithNode(QueryNode node);
    /// <summary>The same chain in another session with a compiled query's parameter values.</summary>
    IQueryInternal Rebind(Session session, IReadOnlyDictionary<ParameterExpression, object?>? env);
}
