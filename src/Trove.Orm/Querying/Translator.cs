using System.Linq.Expressions;

namespace Trove.Orm.Querying;

/// <summary>
/// Turns a chain of <see cref="QueryNode"/>s into a <see cref="SelectModel"/> plus the <see cref="Shape"/> of its
/// elements. Operators that cannot extend the current SELECT (a filter after LIMIT, say) are rejected with a
/// <see cref="QueryTranslationException"/> naming the operator, never evaluated on the client.
/// </summary>
internal sealed partial class Translator
{
    public SelectModel Model { get; private set; } = new();
    public Shape Shape { get; private set; } = null!;

    public static Translator Translate(QueryNode node)
    {
        var t = new Translator();
        t.Apply(node);
        return t;
    }

    private void Apply(QueryNode node)
    {
        if (node.Parent is not null) Apply(node.Parent);
        switch (node.Op)
        {
            case QueryOp.Root:
                Shape = AddSource(Model, node, join: false, on: null, outer: false);
                break;
            case QueryOp.Where:
            {
                var pred = Lambda(node.L1!, Shape);
                if (Shape is GroupingShape) Model.Having.Add(Predicate(pred));
                else
                {
                    if (Model.Limit is not null || Model.Offset is not null || Model.Distinct || Model.Compound.Count > 0)
                        throw Unsupported("Where after Skip/Take/Distinct/Union");
                    Model.Where.Add(Predicate(pred));
                }
                break;
            }
            case QueryOp.Select:
                if (Model.Compound.Count > 0) throw Unsupported("Select after Union/Concat");
                Shape = Lambda(node.L1!, Shape);
                break;
            case QueryOp.OrderBy:
            case QueryOp.OrderByDescending:
            case QueryOp.ThenBy:
            case QueryOp.ThenByDescending:
            {
                if (Model.Limit is not null || Model.Offset is not null) throw Unsupported("OrderBy after Skip/Take");
                if (node.Op is QueryOp.OrderBy or QueryOp.OrderByDescending) Model.OrderBy.Clear();
                var desc = node.Op is QueryOp.OrderByDescending or QueryOp.ThenByDescending;
                foreach (var n in Scalars(Lambda(node.L1!, Shape))) Model.OrderBy.Add(new OrderNode(n, desc));
                break;
            }
            case QueryOp.OrderByText:
                if (Model.Limit is not null || Model.Offset is not null) throw Unsupported("OrderBy after Skip/Take");
                Model.OrderBy.Clear();
                Model.OrderBy.Add(new OrderNode(new RawNode(node.Text!), false));
                break;
            case QueryOp.Skip:
            {
                var off = (Model.Offset as ParamNode)?.Value is int o ? o : 0;
                Model.Offset = new ParamNode(off + node.Count);
                if (Model.Limit is ParamNode { Value: int l }) Model.Limit = new ParamNode(Math.Max(0, l - node.Count));
                break;
            }
            case QueryOp.Take:
            {
                var lim = node.Count;
                if (Model.Limit is ParamNode { Value: int l }) lim = Math.Min(l, lim);
                Model.Limit = new ParamNode(Math.Max(0, lim));
                break;
            }
            case QueryOp.Distinct:
                Model.Distinct = true;
                break;
            case QueryOp.GroupBy:
            {
                var key = Lambda(node.L1!, Shape);
                var element = node.L2 is null ? Shape : Lambda(node.L2, Shape);
                Model.GroupBy.Clear();
                Model.GroupBy.AddRange(Scalars(key));
                Shape = new GroupingShape(key, element, node.L1!.ReturnType);
                break;
            }
            case QueryOp.Join:
            {
                var outerShape = Shape;
                var innerShape = AddSource(Model, node.Other!.Node, join: true, on: null, outer: false);
                var ok = Scalars(Lambda(node.L1!, outerShape)).ToList();
                var ik = Scalars(Lambda(node.L2!, innerShape)).ToList();
                if (ok.Count != ik.Count) throw Unsupported("Join with keys of different shapes");
                var parts = new List<SqlNode>();
                for (var i = 0; i < ok.Count; i++) parts.Add(new BinaryNode(ok[i], "=", ik[i], 5));
                Model.From[^1].On = SelectModel.And(parts);
                Shape = Lambda(node.L3!, outerShape, innerShape);
                break;
            }
            case QueryOp.SelectMany:
            {
                var outerShape = Shape;
                var source = ExpressionTranslator.EvaluateQuery(node.L1!.Body)
                    ?? throw Unsupported("SelectMany over something other than a Query<T> (relationship navigation is not supported yet)");
                var innerShape = AddSource(Model, source.Node, join: false, on: null, outer: false);
                Shape = node.L2 is null ? innerShape : Lambda(node.L2, outerShape, innerShape);
                break;
            }
            case QueryOp.Union:
            case QueryOp.Concat:
            {
                if (Model.Columns.Count == 0) Project(Model, Shape);
                var other = Translate(node.Other!.Node);
                other.Model.Columns.Clear();
                Project(other.Model, other.Shape);
                Model.Compound.Add((other.Model, node.Op == QueryOp.Concat));
                break;
            }
            case QueryOp.AsNoTracking:
                break;
            case QueryOp.Include:
                ApplyRelationJoin(node);
                break;
            case QueryOp.ForUpdate:
                Model.ForUpdate = node.Text;
                Model.ForUpdateOf = node.Of;
                break;
            default:
                throw Unsupported(node.Op.ToString());
        }
    }

    /// <summary>Adds the FROM item of a root (with its filters) to <paramref name="model"/>; returns its entity shape.</summary>
    private static EntityShape AddSource(SelectModel model, QueryNode node, bool join, SqlNode? on, bool outer)
    {
        var chain = new List<QueryNode>();
        for (var n = node; n is not null; n = n.Parent) chain.Insert(0, n);
        var root = chain[0];
        if (root.Op != QueryOp.Root || root.Mapper is null) throw Unsupported("a joined query that is not an entity query");
        var from = new FromItem { Mapper = root.Mapper, Qualifier = model.NewQualifier(root.Mapper), IsJoin = join, On = on, Outer = outer };
        model.From.Add(from);
        var shape = new EntityShape(from, root.Mapper);
        foreach (var n in chain.Skip(1))
        {
            if (n.Op == QueryOp.Where) model.Where.Add(Predicate(new ExpressionTranslator(shape, n.L1!).Translate()));
            else if (n.Op != QueryOp.AsNoTracking) throw Unsupported($"{n.Op} inside a joined query; apply it to the outer query");
        }
        return shape;
    }

    private static Shape Lambda(LambdaExpression l, params Shape[] shapes) => new ExpressionTranslator(l, shapes).Translate();

    /// <summary>A shape used as a condition.</summary>
    public static SqlNode Predicate(Shape s) => s switch
    {
        ScalarShape sc => sc.Node,
        ValueShape { Value: bool b } => new LiteralNode(b ? "1 = 1" : "1 != 1"),
        _ => throw Unsupported("a filter that is not a boolean expression"),
    };

    /// <summary>The scalar SQL expressions of a key/order shape (composite keys give several).</summary>
    public static IEnumerable<SqlNode> Scalars(Shape s)
    {
        switch (s)
        {
            case ScalarShape sc:
                yield return sc.Node;
                break;
            case NewShape ns:
                foreach (var a in ns.Arguments)
                    foreach (var n in Scalars(a)) yield return n;
                break;
            case EntityShape es:
                foreach (var k in es.Mapper.KeyColumns) yield return es.Column(es.Mapper.Columns[k]);
                break;
            case ValueShape v:
                yield return new ParamNode(v.Value);
                break;
            default:
                throw Unsupported("a key that is not a column or an anonymous object of columns");
        }
    }

    /// <summary>Fills the SELECT list from a shape (entity: every column, in mapper order).</summary>
    public static void Project(SelectModel model, Shape shape)
    {
        switch (shape)
        {
            case EntityShape es:
                foreach (var c in es.Mapper.Columns) model.Columns.Add(es.Column(c));
                break;
            case ScalarShape sc:
                model.Columns.Add(sc.Node);
                break;
            case NewShape ns:
                foreach (var a in ns.Arguments) Project(model, a);
                break;
            case ValueShape:
                break;
            case GroupingShape g:
                Project(model, g.Key);
                Project(model, g.Element);
                break;
            default:
                throw Unsupported("this projection");
        }
    }

    public static QueryTranslationException Unsupported(string what) =>
        new($"The query operator or expression '{what}' cannot be translated to SQL; rewrite the query (client evaluation is never done implicitly)");

    internal static bool IsGroupingType(Type t) =>
        t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IGrouping<,>);

    internal static Expression StripConvert(Expression e)
    {
        while (e.NodeType is ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.Quote)
            e = ((UnaryExpression)e).Operand;
        return e;
    }
}
