using Trove.Orm.Relationships;

namespace Trove.Orm.Querying;

/// <summary>Relationship joins of a query (<c>Join(p =&gt; p.Favor)</c>, <c>LeftJoin</c>): a JOIN on the foreign key.</summary>
internal sealed partial class Translator
{
    private void ApplyRelationJoin(QueryNode node)
    {
        if (node.Include is not IncludeSpec { Join: not JoinKind.None } spec) return;
        if (Shape is not EntityShape es) throw Unsupported("a relationship join after a projection");
        if (spec.Join == JoinKind.Key)
        {
            for (var i = 0; i < es.Mapper.KeyColumns.Length; i++)
                Model.Where.Add(new BinaryNode(new ColumnNode(es.From.Qualifier, es.Mapper.Columns[es.Mapper.KeyColumns[i]].Name), "=", new ParamNode(spec.Key![i]), 4));
            return;
        }
        if (spec.Join == JoinKind.Correlate)
        {
            Correlate(es, spec.Relation!, spec.Key!);
            return;
        }
        var rel = Array.Find(es.Mapper.Relationships, r => r.Name == spec.Name)?.Resolved()
            ?? throw Unsupported($"{es.Mapper.EntityType.Name}.{spec.Name} (not a relationship)");
        var outer = spec.Join == JoinKind.Outer;
        var ownerQ = es.From.Qualifier;
        var target = rel.Target;
        var q = Model.NewQualifier(target);
        switch (rel.Direction)
        {
            case RelationDirection.ManyToOne:
                Add(target, q, Eq(q, rel.ParentColumns.Select(c => target.Columns[c].Name), ownerQ, rel.ChildColumns.Select(c => rel.Owner.Columns[c].Name)), outer);
                break;
            case RelationDirection.OneToMany:
                Add(target, q, Eq(q, rel.ChildColumns.Select(c => target.Columns[c].Name), ownerQ, rel.ParentColumns.Select(c => rel.Owner.Columns[c].Name)), outer);
                break;
            default:
            {
                var sq = rel.SecondaryName;
                Model.From.Add(new FromItem { Table = sq, Qualifier = sq, IsJoin = true, Outer = outer,
                    On = Eq(sq, rel.SecondaryOwnerColumns, ownerQ, rel.OwnerColumns.Select(c => rel.Owner.Columns[c].Name)) });
                q = Model.NewQualifier(target);
                Add(target, q, Eq(q, rel.TargetColumns.Select(c => target.Columns[c].Name), sq, rel.SecondaryTargetColumns), outer);
                break;
            }
        }
    }

    /// <summary>WHERE the target rows belong to one owner (its join values as parameters), in the relationship's order.</summary>
    private void Correlate(EntityShape target, RelationshipMap rel, object?[] key)
    {
        var q = target.From.Qualifier;
        switch (rel.Direction)
        {
            case RelationDirection.OneToMany:
                for (var i = 0; i < rel.ChildColumns.Length; i++)
                    Model.Where.Add(new BinaryNode(new ParamNode(key[i]), "=", new ColumnNode(q, rel.Target.Columns[rel.ChildColumns[i]].Name), 4));
                break;
            case RelationDirection.ManyToOne:
                for (var i = 0; i < rel.ParentColumns.Length; i++)
                    Model.Where.Add(new BinaryNode(new ColumnNode(q, rel.Target.Columns[rel.ParentColumns[i]].Name), "=", new ParamNode(key[i]), 4));
                break;
            default:
            {
                var sq = rel.SecondaryName;
                Model.From.Add(new FromItem { Table = sq, Qualifier = sq });
                for (var i = 0; i < rel.SecondaryOwnerColumns.Length; i++)
                    Model.Where.Add(new BinaryNode(new ParamNode(key[i]), "=", new ColumnNode(sq, rel.SecondaryOwnerColumns[i]), 4));
                for (var i = 0; i < rel.SecondaryTargetColumns.Length; i++)
                    Model.Where.Add(new BinaryNode(new ColumnNode(q, rel.Target.Columns[rel.TargetColumns[i]].Name), "=", new ColumnNode(sq, rel.SecondaryTargetColumns[i]), 4));
                break;
            }
        }
        foreach (var (col, desc) in rel.Order) Model.OrderBy.Add(new OrderNode(new ColumnNode(q, rel.Target.Columns[col].Name), desc));
    }

    private void Add(EntityMapper m, string q, SqlNode on, bool outer) =>
        Model.From.Add(new FromItem { Mapper = m, Qualifier = q, On = on, Outer = outer, IsJoin = true });

    private static SqlNode Eq(string q1, IEnumerable<string> c1, string q2, IEnumerable<string> c2)
    {
        SqlNode? r = null;
        foreach (var (a, b) in c1.Zip(c2))
        {
            var eq = new BinaryNode(new ColumnNode(q1, a), "=", new ColumnNode(q2, b), 4);
            r = r is null ? eq : new BinaryNode(r, "AND", eq, 2);
        }
        return r!;
    }
}
