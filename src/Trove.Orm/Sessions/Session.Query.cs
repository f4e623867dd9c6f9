using Trove.Orm.Querying;

namespace Trove.Orm;

public sealed partial class Session
{
    /// <summary>A query over entity class <typeparamref name="T"/> (immutable and reusable).</summary>
    public Query<T> Query<T>() where T : DeclarativeBase, IMapped<T>
    {
        CheckUsable();
        return new Query<T>(this, new QueryNode { Op = QueryOp.Root, Mapper = T.Mapper });
    }
}
