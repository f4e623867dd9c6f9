using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Trove.Orm.Linq;

namespace Trove.Orm.Querying;

/// <summary>
/// Translates one lambda body into a <see cref="Shape"/> with SQL three-valued logic (D5): comparison with a null
/// constant or a null captured value is IS [NOT] NULL, and nothing else compensates for NULL.
/// Sub-expressions that do not use the lambda's parameters are evaluated on the client and bound as parameters.
/// </summary>
internal sealed partial class ExpressionTranslator
{
    private readonly Dictionary<ParameterExpression, Shape> _env = new();
    private readonly Expression _body;

    public ExpressionTranslator(LambdaExpression lambda, Shape[] shapes)
    {
        for (var i = 0; i < lambda.Parameters.Count && i < shapes.Length; i++) _env[lambda.Parameters[i]] = shapes[i];
        _body = lambda.Body;
    }

    public ExpressionTranslator(Shape shape, LambdaExpression lambda) : this(lambda, [shape]) { }

    private ExpressionTranslator(Dictionary<ParameterExpression, Shape> env, Expression body)
    {
        _env = env;
        _body = body;
    }

    public Shape Translate() => Visit(_body);

    private SqlNode Sql(Expression e) => ToSql(Visit(e));

    private static SqlNode ToSql(Shape s) => s switch
    {
        ScalarShape sc => sc.Node,
        ValueShape v => new ParamNode(v.Value),
        EntityShape es when es.Mapper.KeyColumns.Length == 1 => es.Column(es.Mapper.Columns[es.Mapper.KeyColumns[0]]),
        _ => throw Translator.Unsupported("an object where a SQL value is needed"),
    };

    /// <summary>
    /// Client values computed from captures (<c>Math.Abs(x)</c>, <c>s.Trim()</c>, narrowing casts) rather than read
    /// from them, counted per thread: the plan cache must not bind such a parameter to the capture itself.
    /// </summary>
    [ThreadStatic] internal static int ComputedValues;

    private Shape Visit(Expression e)
    {
        if (!UsesParameters(e) && !IsSqlFunction(e))
        {
            if (!IsPlainCapture(e)) ComputedValues++;
            return new ValueShape(Evaluate(e), e.Type);
        }
        switch (e)
        {
            case ParameterExpression p:
                return _env.TryGetValue(p, out var s) ? s : throw Translator.Unsupported(p.Name ?? "parameter");
            case MemberExpression m:
                return Member(m);
            case BinaryExpression b:
                return Binary(b);
            case UnaryExpression u:
                return Unary(u);
            case MethodCallExpression mc:
                return Call(mc);
            case NewExpression n:
                return new NewShape(n, n.Arguments.Select(Visit).ToArray(),
                    n.Members?.ToArray() ?? new MemberInfo?[n.Arguments.Count]);
            case MemberInitExpression mi:
            {
                var args = new List<Shape>();
                var members = new List<MemberInfo?>();
                foreach (var b in mi.Bindings)
                {
                    if (b is not MemberAssignment ma) throw Translator.Unsupported("a member initializer other than an assignment");
                    args.Add(Visit(ma.Expression));
                    members.Add(ma.Member);
                }
                if (mi.NewExpression.Arguments.Count > 0) throw Translator.Unsupported("constructor arguments with a member initializer");
                return new NewShape(mi, args.ToArray(), members.ToArray());
            }
            case ConditionalExpression c:
                return new ScalarShape(new CaseNode(Translator.Predicate(Visit(c.Test)), Sql(c.IfTrue), Sql(c.IfFalse)), c.Type);
            case InvocationExpression inv when inv.Expression is LambdaExpression l:
                return Inline(l, inv.Arguments);
            default:
                throw Translator.Unsupported(e.ToString());
        }
    }

    private Shape Member(MemberExpression m)
    {
        var target = Visit(m.Expression!);
        switch (target)
        {
            case EntityShape es:
            {
                var col = es.Mapper.FindByProperty(m.Member.Name);
                if (col is not null) return new ScalarShape(es.Column(col), m.Type, es.Mapper, col.Index);
                if (es.Mapper.Hybrids.TryGetValue(m.Member.Name, out var hybrid)) return Inline(hybrid, [m.Expression!]);
                if (Navigation(es, m.Member.Name) is { } nav) return nav;
                throw Translator.Unsupported($"{es.Mapper.EntityType.Name}.{m.Member.Name} (not a mapped column or hybrid)");
            }
            case NewShape ns:
                return ns.Find(m.Member) ?? throw Translator.Unsupported(m.ToString());
            case GroupingShape g when m.Member.Name == "Key":
                return g.Key;
            case ScalarShape sc when m.Member.Name == "Length" && m.Expression!.Type == typeof(string):
                return new ScalarShape(new FuncNode("length", [sc.Node]), typeof(int));
            case ScalarShape sc when m.Member.Name == "Value" && Nullable.GetUnderlyingType(m.Expression!.Type) is not null:
                return sc;
            case RelationShape rs:
                return RelationMember(rs, m);
            case ScalarShape sc when m.Member.Name == "HasValue":
                return new ScalarShape(new PostfixNode(sc.Node, " IS NOT NULL"), typeof(bool));
            default:
                throw Translator.Unsupported(m.ToString());
        }
    }

    /// <summary>Inlines a lambda (hybrid) with its parameters bound to <paramref name="args"/>.</summary>
    private Shape Inline(LambdaExpression l, IReadOnlyList<Expression> args)
    {
        var env = new Dictionary<ParameterExpression, Shape>(_env);
        for (var i = 0; i < l.Parameters.Count; i++) env[l.Parameters[i]] = Visit(args[i]);
        return new ExpressionTranslator(env, l.Body).Translate();
    }

    private Shape Binary(BinaryExpression b)
    {
        switch (b.NodeType)
        {
            case ExpressionType.AndAlso:
            case ExpressionType.And when b.Type == typeof(bool):
                return Bool(new BinaryNode(Translator.Predicate(Visit(b.Left)), "AND", Translator.Predicate(Visit(b.Right)), 2));
            case ExpressionType.OrElse:
            case ExpressionType.Or when b.Type == typeof(bool):
                return Bool(new BinaryNode(Translator.Predicate(Visit(b.Left)), "OR", Translator.Predicate(Visit(b.Right)), 1));
            case ExpressionType.Equal:
            case ExpressionType.NotEqual:
            case ExpressionType.LessThan:
            case ExpressionType.LessThanOrEqual:
            case ExpressionType.GreaterThan:
            case ExpressionType.GreaterThanOrEqual:
                return Compare(b);
            case ExpressionType.Add when b.Type == typeof(string):
                return new ScalarShape(new BinaryNode(Sql(b.Left), "||", Sql(b.Right), 7), typeof(string));
            case ExpressionType.Add:
            case ExpressionType.AddChecked:
                return Arith(b, "+", 7);
            case ExpressionType.Subtract:
            case ExpressionType.SubtractChecked:
                return Arith(b, "-", 7);
            case ExpressionType.Multiply:
            case ExpressionType.MultiplyChecked:
                return Arith(b, "*", 8);
            case ExpressionType.Divide:
                return Arith(b, "/", 8);
            case ExpressionType.Modulo:
                return Arith(b, "%", 8);
            case ExpressionType.Coalesce:
                return new ScalarShape(new FuncNode("coalesce", [Sql(b.Left), Sql(b.Right)]), b.Type);
            default:
                throw Translator.Unsupported(b.NodeType.ToString());
        }
    }

    private static ScalarShape Bool(SqlNode n) => new(n, typeof(bool));

    private Shape Arith(BinaryExpression b, string op, int prec) =>
        new ScalarShape(new BinaryNode(Sql(b.Left), op, Sql(b.Right), prec), b.Type);

    private Shape Compare(BinaryExpression b)
    {
        var left = Visit(Translator.StripConvert(b.Left));
        var right = Visit(Translator.StripConvert(b.Right));
        var op = b.NodeType switch
        {
            ExpressionType.Equal => "=",
            ExpressionType.NotEqual => "!=",
            ExpressionType.LessThan => "<",
            ExpressionType.LessThanOrEqual => "<=",
            ExpressionType.GreaterThan => ">",
            _ => ">=",
        };
        if (op is "=" or "!=")
        {
            if (right is ValueShape { Value: null }) return Bool(new PostfixNode(ToSql(left), op == "=" ? " IS NULL" : " IS NOT NULL"));
            if (left is ValueShape { Value: null }) return Bool(new PostfixNode(ToSql(right), op == "=" ? " IS NULL" : " IS NOT NULL"));
            if (left is EntityShape le && right is EntityShape re)
            {
                var parts = le.Mapper.KeyColumns.Select((k, i) => (SqlNode)new BinaryNode(le.Column(le.Mapper.Columns[k]), op, re.Column(re.Mapper.Columns[re.Mapper.KeyColumns[i]]), 5)).ToList();
                return Bool(op == "=" ? SelectModel.And(parts) : new UnaryNode("NOT ", SelectModel.And(parts), 3));
            }
        }
        if ((NavigationExists(left, right, op) ?? NavigationExists(right, left, Flip(op))) is { } exists) return exists;
        return Bool(new BinaryNode(Operand(left, right), op, Operand(right, left), 5));
    }

    private static string Flip(string op) => op switch { "<" => ">", "<=" => ">=", ">" => "<", ">=" => "<=", _ => op };

    /// <summary>
    /// A column reached through a many-to-one reference compared with a value (<c>b.UserObj.Name == "XX"</c>, a
    /// scalar association proxy): <c>EXISTS (SELECT 1 FROM user WHERE user.id = blog.user AND user.name = ?)</c>, the
    /// form SQLAlchemy renders for <c>has()</c> and proxy comparisons (same rows as the scalar subquery: a missing
    /// parent matches neither). Comparisons with NULL keep the subquery (IS NULL also matches a missing parent).
    /// </summary>
    private static Shape? NavigationExists(Shape nav, Shape other, string op)
    {
        if (nav is not ScalarShape { Node: ScalarSubqueryNode sq, Mapper: not null, ColumnIndex: >= 0 } col || other is not ValueShape) return null;
        var sel = sq.Select;
        if (sel.Columns.Count != 1) return null;
        var column = sel.Columns[0];
        sel.Columns.Clear();
        sel.Columns.Add(new LiteralNode("1"));
        sel.Where.Add(new BinaryNode(column, op, Operand(other, col), 5));
        return Bool(new ExistsNode(sel));
    }

    /// <summary>SQL of <paramref name="s"/>; a client value compared with a mapped column takes the column's stored form (enums).</summary>
    private static SqlNode Operand(Shape s, Shape other)
    {
        if (s is ValueShape v && other is ScalarShape { Mapper: { } m, ColumnIndex: >= 0 } col)
        {
            var value = v.Value;
            var colType = Nullable.GetUnderlyingType(col.Type) ?? col.Type;
            if (value is not null && colType.IsEnum && value.GetType() != colType) value = Enum.ToObject(colType, value);
            return new ParamNode(m.ToDbValue(col.ColumnIndex, value));
        }
        return ToSql(s);
    }

    private Shape Unary(UnaryExpression u)
    {
        switch (u.NodeType)
        {
            case ExpressionType.Not when u.Type == typeof(bool) || u.Type == typeof(bool?):
                return Bool(Negate(Translator.Predicate(Visit(u.Operand))));
            case ExpressionType.Negate:
            case ExpressionType.NegateChecked:
                return new ScalarShape(new UnaryNode("-", Sql(u.Operand), 9), u.Type);
            case ExpressionType.Convert:
            case ExpressionType.ConvertChecked:
            case ExpressionType.TypeAs:
            case ExpressionType.Quote:
            {
                var inner = Visit(u.Operand);
                return inner is ScalarShape sc ? new ScalarShape(sc.Node, u.Type, sc.Mapper, sc.ColumnIndex) : inner;
            }
            default:
                throw Translator.Unsupported(u.NodeType.ToString());
        }
    }

    private static SqlNode Negate(SqlNode n) => n switch
    {
        INegatable x => x.Negated(),
        PostfixNode { Suffix: " IS NULL" } p => new PostfixNode(p.Operand, " IS NOT NULL"),
        PostfixNode { Suffix: " IS NOT NULL" } p => new PostfixNode(p.Operand, " IS NULL"),
        BinaryNode { Op: "=" } b => new BinaryNode(b.Left, "!=", b.Right, 5),
        BinaryNode { Op: "!=" } b => new BinaryNode(b.Left, "=", b.Right, 5),
        _ => new UnaryNode("NOT ", n, 3),
    };

    private Shape Call(MethodCallExpression mc)
    {
        var m = mc.Method;
        var name = m.Name;
        var declaring = m.DeclaringType;

        // hybrid method on an entity
        if (mc.Object is not null && !m.IsStatic && MapperRegistry.Find(mc.Object.Type) is { } hm && hm.Hybrids.TryGetValue(name, out var hybrid))
            return Inline(hybrid, [mc.Object, .. mc.Arguments]);

        if (RelationCall(mc) is { } related) return related;

        if (declaring == typeof(OrmFunctions))
        {
            switch (name)
            {
                case nameof(OrmFunctions.Like):
                    return Bool(new LikeNode(Sql(mc.Arguments[0]), Sql(mc.Arguments[1]), false, null));
                case nameof(OrmFunctions.ILike):
                    return Bool(new LikeNode(Sql(mc.Arguments[0]), Sql(mc.Arguments[1]), false, null, ilike: true));
                case nameof(OrmFunctions.Between):
                {
                    var x = Visit(Translator.StripConvert(mc.Arguments[0]));
                    return Bool(new BetweenNode(ToSql(x), Operand(Visit(mc.Arguments[1]), x), Operand(Visit(mc.Arguments[2]), x)));
                }
            }
        }
        if (declaring == typeof(string))
        {
            switch (name)
            {
                case nameof(string.StartsWith) when mc.Arguments.Count == 1:
                    return LikePattern(mc, prefix: false, suffix: true);
                case nameof(string.EndsWith) when mc.Arguments.Count == 1:
                    return LikePattern(mc, prefix: true, suffix: false);
                case nameof(string.Contains) when mc.Arguments.Count == 1 && mc.Arguments[0].Type == typeof(string):
                    return LikePattern(mc, prefix: true, suffix: true);
                case nameof(string.ToLower):
                case nameof(string.ToLowerInvariant):
                    return new ScalarShape(new FuncNode("lower", [Sql(mc.Object!)]), typeof(string));
                case nameof(string.ToUpper):
                case nameof(string.ToUpperInvariant):
                    return new ScalarShape(new FuncNode("upper", [Sql(mc.Object!)]), typeof(string));
                case nameof(string.Trim) when mc.Arguments.Count == 0:
                    return new ScalarShape(new FuncNode("trim", [Sql(mc.Object!)]), typeof(string));
                case nameof(string.Concat):
                {
                    var parts = (mc.Arguments.Count == 1 && mc.Arguments[0] is NewArrayExpression na ? na.Expressions : mc.Arguments).Select(Sql).ToList();
                    var r = parts[0];
                    for (var i = 1; i < parts.Count; i++) r = new BinaryNode(r, "||", parts[i], 7);
                    return new ScalarShape(r, typeof(string));
                }
            }
        }
        if (declaring == typeof(Math) && name == nameof(Math.Abs))
            return new ScalarShape(new FuncNode("abs", [Sql(mc.Arguments[0])]), mc.Type);
        if ((declaring == typeof(DbFunctions) || declaring == typeof(Trove.Sql.Db)) && name == "Function")
        {
            var fn = (string)Evaluate(mc.Arguments[0])!;
            var args = mc.Arguments[1] is NewArrayExpression arr ? arr.Expressions.Select(a => Sql(Translator.StripConvert(a))).ToList() : [Sql(mc.Arguments[1])];
            return new ScalarShape(new FuncNode(fn, args), mc.Type);
        }

        // Contains: IN (list) / IN (subquery)
        if (name == "Contains")
        {
            Expression? source = null, item = null;
            if (m.IsStatic && mc.Arguments.Count == 2) { source = mc.Arguments[0]; item = mc.Arguments[1]; }
            else if (!m.IsStatic && mc.Arguments.Count == 1) { source = mc.Object; item = mc.Arguments[0]; }
            if (source is not null && item is not null && !UsesParameters(source))
            {
                var value = EvaluateCollection(source);
                var x = Visit(Translator.StripConvert(item));
                if (value is IQueryInternal q)
                {
                    var sub = Translator.Translate(q.Node);
                    sub.Model.Columns.Clear();
                    Translator.Project(sub.Model, sub.Shape);
                    return Bool(new InSelectNode(ToSql(x), sub.Model, false));
                }
                if (value is IEnumerable items && value is not string)
                {
                    var list = new List<SqlNode>();
                    foreach (var it in items) list.Add(Operand(new ValueShape(it, it?.GetType() ?? typeof(object)), x));
                    return Bool(new InListNode(ToSql(x), list, false));
                }
            }
        }

        // aggregates over a group: g.Count(), g.Max(x => …)
        if (declaring == typeof(Enumerable) && mc.Arguments.Count >= 1 && Visit(mc.Arguments[0]) is GroupingShape g)
        {
            SqlNode Arg() => new ExpressionTranslator(new Dictionary<ParameterExpression, Shape>(_env) { [((LambdaExpression)Translator.StripConvert(mc.Arguments[1])).Parameters[0]] = g.Element },
                ((LambdaExpression)Translator.StripConvert(mc.Arguments[1])).Body).Sql(((LambdaExpression)Translator.StripConvert(mc.Arguments[1])).Body);
            return name switch
            {
                "Count" or "LongCount" when mc.Arguments.Count == 1 => new ScalarShape(new RawNode("count(*)"), mc.Type),
                "Max" => new ScalarShape(new FuncNode("max", [Arg()]), mc.Type),
                "Min" => new ScalarShape(new FuncNode("min", [Arg()]), mc.Type),
                "Sum" => new ScalarShape(new FuncNode("sum", [Arg()]), mc.Type),
                "Average" => new ScalarShape(new FuncNode("avg", [Arg()]), mc.Type),
                _ => throw Translator.Unsupported("Enumerable." + name + " on a group"),
            };
        }
        throw Translator.Unsupported(declaring?.Name + "." + name);
    }

    private Shape LikePattern(MethodCallExpression mc, bool prefix, bool suffix)
    {
        var target = Sql(mc.Object!);
        var arg = Visit(mc.Arguments[0]);
        if (arg is ValueShape { Value: string s })
        {
            var escaped = s.Replace("/", "//").Replace("%", "/%").Replace("_", "/_");
            return Bool(new LikeNode(target, new ParamNode((prefix ? "%" : "") + escaped + (suffix ? "%" : "")), false, "/"));
        }
        var pattern = ToSql(arg);
        if (prefix) pattern = new BinaryNode(new LiteralNode("'%'"), "||", pattern, 7);
        if (suffix) pattern = new BinaryNode(pattern, "||", new LiteralNode("'%'"), 7);
        return Bool(new LikeNode(target, pattern, false, null));
    }

    // ------------------------------------------------------------------ client evaluation

    private bool UsesParameters(Expression e) => ParameterFinder.Uses(e);

    /// <summary><c>Db.Function(...)</c> is SQL even when its arguments are constants (it cannot run on the client).</summary>
    internal static bool IsSqlFunction(Expression e) =>
        e is MethodCallExpression { Method.Name: "Function" } mc && (mc.Method.DeclaringType == typeof(DbFunctions) || mc.Method.DeclaringType == typeof(Trove.Sql.Db));

    private static object? EvaluateCollection(Expression e)
    {
        // C# 14 binds array.Contains(x) to MemoryExtensions.Contains(ReadOnlySpan<T>, T): unwrap the span conversion
        if (e is MethodCallExpression { Method.Name: "op_Implicit" } imp && imp.Arguments.Count == 1) return Evaluate(imp.Arguments[0]);
        if (e is UnaryExpression { NodeType: ExpressionType.Convert } cv && cv.Type.Name.StartsWith("ReadOnlySpan", StringComparison.Ordinal)) return Evaluate(cv.Operand);
        return Evaluate(e);
    }

    /// <summary>A constant or a member chain over one (or a static member), possibly lifted to nullable or widened.</summary>
    internal static bool IsPlainCapture(Expression e)
    {
        while (e is UnaryExpression { NodeType: ExpressionType.Convert } cv && IsExactConversion(cv.Operand.Type, cv.Type)) e = cv.Operand;
        while (e is MemberExpression { Expression: { } inner }) e = inner;
        return e is ConstantExpression or MemberExpression { Expression: null };
    }

    private static bool IsExactConversion(Type from, Type to)
    {
        if (Nullable.GetUnderlyingType(to) is { } u) to = u;
        if (from == to) return true;
        if (from == typeof(int)) return to == typeof(long) || to == typeof(double) || to == typeof(decimal);
        if (from == typeof(short)) return to == typeof(int) || to == typeof(long) || to == typeof(double) || to == typeof(decimal);
        if (from == typeof(long)) return to == typeof(decimal);
        if (from == typeof(float)) return to == typeof(double);
        return false;
    }

    /// <summary>A Query&lt;T&gt; referenced by a lambda (SelectMany source), or null.</summary>
    public static IQueryInternal? EvaluateQuery(Expression e) => Evaluate(e) as IQueryInternal;

    /// <summary>Evaluates a parameter-free expression by interpretation (no compilation: AOT-friendly).</summary>
    public static object? Evaluate(Expression e)
    {
        switch (e)
        {
            case ConstantExpression c:
                return c.Value;
            case MemberExpression m:
            {
                var target = m.Expression is null ? null : Evaluate(m.Expression);
                return m.Member switch
                {
                    FieldInfo f => f.GetValue(target),
                    PropertyInfo p => p.GetValue(target),
                    _ => throw Translator.Unsupported(m.ToString()),
                };
            }
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } u:
            {
                var v = Evaluate(u.Operand);
                if (v is null) return null;
                var t = Nullable.GetUnderlyingType(u.Type) ?? u.Type;
                if (t.IsInstanceOfType(v)) return v;
                if (t.IsEnum) return Enum.ToObject(t, v);
                return v is IConvertible && typeof(IConvertible).IsAssignableFrom(t) ? Convert.ChangeType(v, t, System.Globalization.CultureInfo.InvariantCulture) : v;
            }
            case UnaryExpression { NodeType: ExpressionType.Quote } q:
                return q.Operand;
            case MethodCallExpression mc:
            {
                var target = mc.Object is null ? null : Evaluate(mc.Object);
                var args = mc.Arguments.Select(Evaluate).ToArray();
                return mc.Method.Invoke(target, args);
            }
            case NewArrayExpression { NodeType: ExpressionType.NewArrayInit } na:
            {
                var arr = Array.CreateInstanceFromArrayType(na.Type, na.Expressions.Count);
                for (var i = 0; i < na.Expressions.Count; i++) arr.SetValue(Evaluate(na.Expressions[i]), i);
                return arr;
            }
            case BinaryExpression { NodeType: ExpressionType.ArrayIndex } ai:
                return ((Array)Evaluate(ai.Left)!).GetValue(Convert.ToInt64(Evaluate(ai.Right)));
            case BinaryExpression { NodeType: ExpressionType.Add } add when add.Type == typeof(string):
                return string.Concat(Evaluate(add.Left), Evaluate(add.Right));
            case NewExpression ne when ne.Constructor is not null:
                return ne.Constructor.Invoke(ne.Arguments.Select(Evaluate).ToArray());
            case LambdaExpression l:
                return l;
            default:
                throw Translator.Unsupported("client evaluation of " + e);
        }
    }

    private sealed class ParameterFinder : ExpressionVisitor
    {
        private bool _found;
        private readonly HashSet<ParameterExpression> _local = new();

        public static bool Uses(Expression e)
        {
            switch (e)
            {
                case ConstantExpression: return false;
                case ParameterExpression: return true;
                case MemberExpression { Expression: null or ConstantExpression }: return false;
            }
            var f = new ParameterFinder();
            f.Visit(e);
            return f._found;
        }

        public override Expression? Visit(Expression? node)
        {
            if (_found) return node;
            return base.Visit(node);
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (!_local.Contains(node)) _found = true;
            return node;
        }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            // a nested lambda's own parameters do not make the outer expression depend on the row
            foreach (var p in node.Parameters) _local.Add(p);
            Visit(node.Body);
            return node;
        }
    }
}

/// <summary>LIKE / ILIKE with an optional ESCAPE character.</summary>
internal sealed class LikeNode(SqlNode operand, SqlNode pattern, bool negated, string? escape, bool ilike = false) : SqlNode, INegatable
{
    public override int Precedence => 5;

    public SqlNode Negated() => new LikeNode(operand, pattern, !negated, escape, ilike);

    public override void Render(SqlWriter w)
    {
        RenderChild(w, operand, strict: true);
        var op = ilike && w.Dialect.IsPostgres ? "ILIKE" : "LIKE";
        w.Append(negated ? " NOT " + op + " " : " " + op + " ");
        RenderChild(w, pattern, strict: true);
        if (escape is not null) w.Append(" ESCAPE '").Append(escape).Append('\'');
    }
}
