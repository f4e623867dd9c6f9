using System.Data.Common;
using Trove.Orm.Querying;

namespace Trove.Orm.Relationships;

internal static partial class EagerLoader
{
    /// <summary>
    /// Eager loading inside a projection that selects whole entities (<c>select new { Parent = p, Bar = b }</c>, SQLAlchemy's
    /// <c>query(Parent, Bar)</c>): each entity member's joined relationships (configured, or per-class defaults such as
    /// <c>WithDefaultLoading&lt;Bar&gt;</c>) are LEFT OUTER JOINed next to that member's table and attached while reading.
    /// Only many-to-one joins are done here (a joined collection would multiply the projection's rows); other strategies
    /// stay lazy, and limited/compound/grouped projections keep the plain query, as do projections whose root class has no
    /// eager default and no Include (they are plan-cached).
    /// </summary>
    private static Func<DbDataReader, Session?, T> PrepareProjection<T>(SelectModel model, NewShape shape, QueryNode node, Func<DbDataReader, Session?, T> read)
    {
        // a query not Involved may be served from the plan cache, which shares this reader: leave it plain
        if (!Involved(node) || model.Limit is not null || model.Offset is not null || model.Distinct || model.Compound.Count > 0 || model.GroupBy.Count > 0)
            return read;
        var members = new List<(EntityShape Shape, int Offset)>();
        var ordinal = 0;
        if (!Members(shape, members, ref ordinal) || ordinal != model.Columns.Count || members.Count == 0) return read;
        var wildcards = new List<IncludeSpec>();
        for (var n = node; n is not null; n = n.Parent)
            if (n.Op == QueryOp.Include && n.Include is IncludeSpec { Join: JoinKind.None, Name: IncludeSpec.Wildcard } w) wildcards.Insert(0, w);
        var plans = new List<(EntityMapper Mapper, int Offset, List<LoadNode> Joined)>();
        foreach (var (es, offset) in members)
        {
            var nodes = Build(es.Mapper, [], [], wildcards, null);
            if (!OnlyManyToOneJoins(nodes)) continue;
            var at = model.From.FindIndex(f => ReferenceEquals(f, es.From));
            if (at < 0) continue;
            var before = model.From.Count;
            var joined = new List<LoadNode>();
            AddJoins(model, es.From.Qualifier, nodes, joined, limited: false, new Execution(nodes, es, model), top: true);
            if (joined.Count == 0) continue;
            // the joins follow their entity's own FROM entry (and its joins): "FROM parent LEFT OUTER JOIN foo …, bar"
            var added = model.From.GetRange(before, model.From.Count - before);
            model.From.RemoveRange(before, added.Count);
            var insertAt = at + 1;
            while (insertAt < model.From.Count && model.From[insertAt].IsJoin) insertAt++;
            model.From.InsertRange(insertAt, added);
            MarkUnique(joined, false);
            ResetRowCache(joined);
            plans.Add((es.Mapper, offset, joined));
        }
        if (plans.Count == 0) return read;
        var seen = new Dictionary<(InstanceState, RelationshipMap), bool>();
        return (r, s) =>
        {
            var e = read(r, s);
            if (s is not null)
                foreach (var (mapper, offset, joined) in plans)
                    if (!r.IsDBNull(offset + mapper.KeyColumns[0]))
                        Attach(mapper.LoadObject(s, r, offset), joined, r, s, seen);
            return e;
        };
    }

    /// <summary>The entity members of a projection with their first column; false for shapes this path does not handle.</summary>
    private static bool Members(Shape shape, List<(EntityShape, int)> members, ref int ordinal)
    {
        switch (shape)
        {
            case EntityShape es:
                members.Add((es, ordinal));
                ordinal += es.Mapper.Columns.Count;
                return true;
            case ScalarShape:
                ordinal++;
                return true;
            case ValueShape:
                return true;
            case NewShape ns:
                foreach (var a in ns.Arguments)
                    if (!Members(a, members, ref ordinal)) return false;
                return true;
            default:
                return false;
        }
    }

    private static bool OnlyManyToOneJoins(List<LoadNode> nodes) =>
        nodes.All(n => n.Strategy != Loading.Joined || (n.Rel.Direction == RelationDirection.ManyToOne && !n.Rel.IsCollection && OnlyManyToOneJoins(n.Children)));
}
