using System.Linq.Expressions;
using Trove.Orm.Linq;
using Trove.Orm.Relationships;

namespace Trove.Orm.Querying;

/// <summary>A relationship property of an entity row inside a lambda (<c>u.BlogList</c>, <c>b.UserObj</c>).</summary>
internal sealed class RelationShape(EntityShape owner, RelationshipMap rel, Type type) : Shape(type)
{
    public EntityShape Owner { get; } = owner;
    public RelationshipMap Rel { get; } = rel;
}

/// <summary>
/// Relationships inside lambdas: <c>Any</c> on a collection and <c>Has</c> on a reference become
/// <c>EXISTS (SELECT 1 FROM target WHERE correlation [AND predicate])</c>; a reference's column
/// (<c>p.Favor.Caption</c>) and aggregates over a collection (<c>u.Accounts.Sum(a =&gt; a.Balance)</c>,
/// <c>u.BlogList.Count</c>) become correlated scalar subqueries.
/// </summary>
internal sealed partial class ExpressionTranslator
{
    private static Shape? Navigation(EntityShape es, string name)
    {
        var rel = Array.Find(es.Mapper.Relationships, r => r.Name == name);
        if (rel is null) return null;
        rel = rel.Resolved();
        return new RelationShape(es, rel, rel.IsCollection ? typeof(IEnumerable<DeclarativeBase>) : rel.TargetType);
    }

    /// <summary>A SELECT over the relationship's target correlated to the owner row; the target's shape is returned.</summary>
    private static (SelectModel Select, EntityShape Target) Correlated(RelationShape rs)
    {
        var rel = rs.Rel;
        var ownerQ = rs.Owner.From.Qualifier;
        var sel = new SelectModel();
        var q = rel.Target.TableName == ownerQ ? rel.Target.TableName + "_1" : rel.Target.TableName;
        var from = new FromItem { Mapper = rel.Target, Qualifier = q };
        sel.From.Add(from);
        var target = new EntityShape(from, rel.Target);
        switch (rel.Direction)
        {
            case RelationDirection.ManyToOne:
                for (var i = 0; i < rel.ParentColumns.Length; i++)
                    sel.Where.Add(Eq(q, rel.Target.Columns[rel.ParentColumns[i]].Name, ownerQ, rel.Owner.Columns[rel.ChildColumns[i]].Name));
                break;
            case RelationDirection.OneToMany:
                for (var i = 0; i < rel.ChildColumns.Length; i++)
                    sel.Where.Add(Eq(ownerQ, rel.Owner.Columns[rel.ParentColumns[i]].Name, q, rel.Target.Columns[rel.ChildColumns[i]].Name));
                break;
            default:
            {
                var secName = rel.SecondaryName;
                var sq = secName == q || secName == ownerQ ? secName + "_1" : secName;
                sel.From.Add(new FromItem { Table = secName, Qualifier = sq });
                for (var i = 0; i < rel.SecondaryOwnerColumns.Length; i++)
                    sel.Where.Add(Eq(ownerQ, rel.Owner.Columns[rel.OwnerColumns[i]].Name, sq, rel.SecondaryOwnerColumns[i]));
                for (var i = 0; i < rel.SecondaryTargetColumns.Length; i++)
                    sel.Where.Add(Eq(q, rel.Target.Columns[rel.TargetColumns[i]].Name, sq, rel.SecondaryTargetColumns[i]));
                break;
            }
        }
        return (sel, target);
    }

    private static SqlNode Eq(string q1, string c1, string q2, string c2) =>
        new BinaryNode(new ColumnNode(q1, c1), "=", new ColumnNode(q2, c2), 4);

    /// <summary><c>p.Favor.Caption</c>: the column of the referenced row as a scalar subquery.</summary>
    private Shape RelationMember(RelationShape rs, MemberExpression m)
    {
        if (rs.Rel.IsCollection)
        {
            if (m.Member.Name == "Count") return Aggregate(rs, "count", null, m.Type);
            if (m.Member.Name == "Values" && rs.Rel.Kind == RelationKind.Dictionary) return rs;
            throw Translator.Unsupported(m.ToString());
        }
        var (sel, target) = Correlated(rs);
        var col = rs.Rel.Target.FindByProperty(m.Member.Name);
        if (col is null) throw Translator.Unsupported($"{rs.Rel.TargetType.Name}.{m.Member.Name} through '{rs.Rel}' (only mapped columns)");
        sel.Columns.Add(target.Column(col));
        return new ScalarShape(new ScalarSubqueryNode(sel), m.Type, rs.Rel.Target, col.Index);
    }

    private Shape Aggregate(RelationShape rs, string fn, LambdaExpression? selector, Type type)
    {
        var (sel, target) = Correlated(rs);
        SqlNode value;
        if (selector is null) value = new RawNode("count(*)");
        else
        {
            var arg = ToSql(Bind(selector, target).Translate());
            value = new FuncNode(fn, [arg]);
            if (fn == "sum") value = new FuncNode("coalesce", [value, new LiteralNode("0")]);
        }
        sel.Columns.Add(value);
        return new ScalarShape(new ScalarSubqueryNode(sel), type);
    }

    private ExpressionTranslator Bind(LambdaExpression l, EntityShape target) =>
        new(new Dictionary<ParameterExpression, Shape>(_env) { [l.Parameters[0]] = target }, l.Body);

    private Shape Exists(RelationShape rs, LambdaExpression? predicate)
    {
        var (sel, target) = Correlated(rs);
        sel.Columns.Add(new LiteralNode("1"));
        if (predicate is not null) sel.Where.Add(Translator.Predicate(Bind(predicate, target).Translate()));
        return Bool(new ExistsNode(sel));
    }

    /// <summary><c>relationship.Select(x =&gt; x.Attr)</c> (an association proxy): usable with Contains.</summary>
    private sealed class ProjectionShape(RelationShape rel, LambdaExpression selector) : Shape(typeof(IEnumerable<object>))
    {
        public RelationShape Rel { get; } = rel;
        public LambdaExpression Selector { get; } = selector;
    }

    /// <summary>EXISTS (… AND selector(target) = value): <c>u.BlogTitles.Contains("A")</c>.</summary>
    private Shape ContainsValue(ProjectionShape ps, Expression value)
    {
        var (sel, target) = Correlated(ps.Rel);
        sel.Columns.Add(new LiteralNode("1"));
        var left = Bind(ps.Selector, target).Translate();
        var right = Visit(Translator.StripConvert(value));
        sel.Where.Add(new BinaryNode(ToSql(left), "=", Operand(right, left), 4));
        return Bool(new ExistsNode(sel));
    }

    /// <summary>Any/Has/Count/Sum/Min/Max/Average over a relationship; null when the call is something else.</summary>
    private Shape? RelationCall(MethodCallExpression mc)
    {
        var m = mc.Method;
        if (m.Name == "Contains" && !m.IsStatic && mc.Object is not null && mc.Arguments.Count == 1 && UsesParameters(mc.Object)
            && Visit(mc.Object) is ProjectionShape own)
            return ContainsValue(own, mc.Arguments[0]);
        if (m.Name == "Contains" && m.IsStatic && mc.Arguments.Count == 2 && UsesParameters(mc.Arguments[0])
            && Visit(Translator.StripConvert(mc.Arguments[0])) is ProjectionShape src)
            return ContainsValue(src, mc.Arguments[1]);
        if (!m.IsStatic || mc.Arguments.Count == 0) return null;
        var isEnumerable = m.DeclaringType == typeof(Enumerable);
        if (!isEnumerable && m.DeclaringType != typeof(RelationshipFunctions)) return null;
        var first = Translator.StripConvert(mc.Arguments[0]);
        if (!UsesParameters(first) || Visit(first) is not RelationShape rs) return null;
        LambdaExpression? Lambda(int i) => mc.Arguments.Count > i ? Translator.StripConvert(mc.Arguments[i]) as LambdaExpression : null;
        return m.Name switch
        {
            "Any" or "Has" => Exists(rs, Lambda(1)),
            "Select" when Lambda(1) is { } selector => new ProjectionShape(rs, selector),
            "Count" or "LongCount" when mc.Arguments.Count == 1 => Aggregate(rs, "count", null, mc.Type),
            "Sum" => Aggregate(rs, "sum", Lambda(1), mc.Type),
            "Max" => Aggregate(rs, "max", Lambda(1), mc.Type),
            "Min" => Aggregate(rs, "min", Lambda(1), mc.Type),
            "Average" => Aggregate(rs, "avg", Lambda(1), mc.Type),
            _ => throw Translator.Unsupported($"{m.Name} over the relationship '{rs.Rel}'"),
        };
    }
}
