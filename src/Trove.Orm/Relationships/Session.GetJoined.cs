using Trove.Orm.Querying;
using Trove.Orm.Relationships;

namespace Trove.Orm;

public sealed partial class Session
{
    /// <summary>
    /// Loads the row with primary key <paramref name="dbKey"/> (database values, key column order) through an entity
    /// query (<c>WHERE key = ?</c>), so the mapper's configured joined relationships are LEFT OUTER JOINed into the
    /// same SELECT, as SQLAlchemy's <c>query.get</c> / <c>load_on_ident</c> do; a row meeting an expired identity-map
    /// instance refreshes it. Used only for mappers with <see cref="EntityMapper.HasJoinedDefaults"/>; the others keep
    /// the plain SELECT by key.
    /// </summary>
    internal T? QueryByKey<T>(EntityMapper<T> mapper, object?[] dbKey) where T : DeclarativeBase
    {
        var root = new QueryNode { Op = QueryOp.Root, Mapper = mapper };
        var query = new Query<T>(this, new QueryNode
        {
            Op = QueryOp.Include,
            Parent = root,
            Include = new IncludeSpec(null, "", Loading.Default) { Join = JoinKind.Key, Key = dbKey },
        });
        var rows = query.ToList();
        return rows.Count == 0 ? null : rows[0];
    }
}
