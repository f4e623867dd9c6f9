using System.Collections;
using System.Linq.Expressions;
using Trove.Orm.Linq;

namespace Trove.Orm.Querying;

/// <summary>
/// Compiles a WHERE/SET lambda into an in-memory function over an entity for <c>Synchronize.Evaluate</c>, with SQL
/// semantics: NULL propagates (comparisons with NULL are unknown, shown as null), AND/OR are three-valued, LIKE
/// follows SQL patterns. Anything it cannot evaluate throws <see cref="UnevaluatableException"/> at compile time,
/// before any SQL runs.
/// </summary>
internal sealed class Evaluator
{
    private readonly ParameterExpression _param;
    private readonly EntityMapper _mapper;

    private Evaluator(ParameterExpression p, EntityMapper mapper)
    {
        _param = p;
        _mapper = mapper;
    }

    /// <summary>Compiles <paramref name="lambda"/> (one parameter: the entity).</summary>
    public static Func<DeclarativeBase, object?> Compile(LambdaExpression lambda, EntityMapper mapper) =>
        new Evaluator(lambda.Parameters[0], mapper).Build(lambda.Body);

    /// <summary>Column indexes the compiled function reads (an expired one means the instance cannot be evaluated).</summary>
    public static ulong ColumnsRead(LambdaExpression lambda, EntityMapper mapper)
    {
        ulong bits = 0;
        new Reader(lambda.Parameters[0], mapper, b => bits |= b).Visit(lambda.Body);
        return bits;
    }

    private sealed class Reader(ParameterExpression p, EntityMapper m, Action<ulong> add) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node)
        {
            if (node.Expression == p && m.FindByProperty(node.Member.Name) is { } c) add(c.Bit);
            return base.VisitMember(node);
        }
    }

    private static UnevaluatableException Fail(Expression e) =>
        new($"Could not evaluate current criteria in memory: \"{e}\" cannot be evaluated; use Synchronize.Fetch or Synchronize.None");

    private Func<DeclarativeBase, object?> Build(Expression e)
    {
        switch (e)
        {
            case ConstantExpression c:
            {
                var v = c.Value;
                return _ => v;
            }
            case MemberExpression m when m.Expression == _param:
            {
                var col = _mapper.FindByProperty(m.Member.Name);
                if (col is not null)
                {
                    var i = col.Index;
                    var mapper = _mapper;
                    return x => mapper.GetValue(x, i);
                }
                if (_mapper.Hybrids.TryGetValue(m.Member.Name, out var h)) return Inline(h, []);
                throw Fail(e);
            }
            case MemberExpression or NewArrayExpression when !UsesParam(e):
            {
                var v = ExpressionTranslator.Evaluate(e);
                return _ => v;
            }
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } u:
            {
                var inner = Build(u.Operand);
                var t = Nullable.GetUnderlyingType(u.Type) ?? u.Type;
                return x =>
                {
                    var v = inner(x);
                    if (v is null || t.IsInstanceOfType(v) || t == typeof(object)) return v;
                    return t.IsEnum ? Enum.ToObject(t, v) : Convert.ChangeType(v, t, System.Globalization.CultureInfo.InvariantCulture);
                };
            }
            case UnaryExpression { NodeType: ExpressionType.Not } n:
            {
                var inner = Build(n.Operand);
                return x => inner(x) is bool b ? !b : null;
            }
            case UnaryExpression { NodeType: ExpressionType.Negate } neg:
            {
                var inner = Build(neg.Operand);
                return x => inner(x) is { } v ? Arith.Negate(v) : null;
            }
            case BinaryExpression b:
                return Binary(b);
            case MethodCallExpression mc:
                return Call(mc);
            default:
                if (!UsesParam(e))
                {
                    var v = ExpressionTranslator.Evaluate(e);
                    return _ => v;
                }
                throw Fail(e);
        }
    }

    private Func<DeclarativeBase, object?> Inline(LambdaExpression l, Expression[] args)
    {
        if (args.Length > 0) throw Fail(l);
        return new Evaluator(l.Parameters[0], _mapper).Build(l.Body);
    }

    private bool UsesParam(Expression e)
    {
        var found = false;
        new Finder(_param, () => found = true).Visit(e);
        return found;
    }

    private sealed class Finder(ParameterExpression p, Action hit) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == p) hit();
            return node;
        }
    }

    private Func<DeclarativeBase, object?> Binary(BinaryExpression b)
    {
        var l = Build(b.Left);
        var r = Build(b.Right);
        switch (b.NodeType)
        {
            case ExpressionType.AndAlso:
                return x =>
                {
                    var a = l(x) as bool?;
                    if (a == false) return false;
                    var c = r(x) as bool?;
                    if (c == false) return false;
                    return a is null || c is null ? null : true;
                };
            case ExpressionType.OrElse:
                return x =>
                {
                    var a = l(x) as bool?;
                    if (a == true) return true;
                    var c = r(x) as bool?;
                    if (c == true) return true;
                    return a is null || c is null ? null : false;
                };
            case ExpressionType.Equal:
            case ExpressionType.NotEqual:
            {
                var isNullTest = b.Right is ConstantExpression { Value: null } || b.Left is ConstantExpression { Value: null };
                var eq = b.NodeType == ExpressionType.Equal;
                if (isNullTest)
                {
                    var side = b.Right is ConstantExpression { Value: null } ? l : r;
                    return x => (side(x) is null) == eq;
                }
                return x =>
                {
                    var a = l(x);
                    var c = r(x);
                    if (a is null || c is null) return null;
                    return Arith.Compare(a, c) == 0 == eq;
                };
            }
            case ExpressionType.LessThan: return Cmp(l, r, c => c < 0);
            case ExpressionType.LessThanOrEqual: return Cmp(l, r, c => c <= 0);
            case ExpressionType.GreaterThan: return Cmp(l, r, c => c > 0);
            case ExpressionType.GreaterThanOrEqual: return Cmp(l, r, c => c >= 0);
            case ExpressionType.Add when b.Type == typeof(string):
                return x => l(x) is { } a && r(x) is { } c ? string.Concat(a, c) : null;
            case ExpressionType.Add:
            case ExpressionType.Subtract:
            case ExpressionType.Multiply:
            case ExpressionType.Divide:
            case ExpressionType.Modulo:
            {
                var op = b.NodeType;
                return x => l(x) is { } a && r(x) is { } c ? Arith.Apply(op, a, c) : null;
            }
            case ExpressionType.Coalesce:
                return x => l(x) ?? r(x);
            default:
                throw Fail(b);
        }
    }

    private static Func<DeclarativeBase, object?> Cmp(Func<DeclarativeBase, object?> l, Func<DeclarativeBase, object?> r, Func<int, bool> test) =>
        x => l(x) is { } a && r(x) is { } c ? test(Arith.Compare(a, c)) : null;

    private Func<DeclarativeBase, object?> Call(MethodCallExpression mc)
    {
        var m = mc.Method;
        if (ExpressionTranslator.IsSqlFunction(mc)) throw Fail(mc);
        if (m.DeclaringType == typeof(OrmFunctions))
        {
            var args = mc.Arguments.Select(Build).ToArray();
            switch (m.Name)
            {
                case nameof(OrmFunctions.Like):
                    return x => args[0](x) is string s && args[1](x) is string p ? OrmFunctions.Like(s, p) : null;
                case nameof(OrmFunctions.ILike):
                    return x => args[0](x) is string s && args[1](x) is string p ? OrmFunctions.ILike(s, p) : null;
                case nameof(OrmFunctions.Between):
                    return x => args[0](x) is { } v && args[1](x) is { } lo && args[2](x) is { } hi ? Arith.Compare(v, lo) >= 0 && Arith.Compare(v, hi) <= 0 : null;
            }
        }
        if (m.DeclaringType == typeof(string) && mc.Object is not null && mc.Arguments.Count == 1 && mc.Arguments[0].Type == typeof(string))
        {
            var target = Build(mc.Object);
            var arg = Build(mc.Arguments[0]);
            Func<string, string, bool>? f = m.Name switch
            {
                nameof(string.StartsWith) => (a, b) => a.StartsWith(b, StringComparison.Ordinal),
                nameof(string.EndsWith) => (a, b) => a.EndsWith(b, StringComparison.Ordinal),
                nameof(string.Contains) => (a, b) => a.Contains(b, StringComparison.Ordinal),
                _ => null,
            };
            if (f is not null) return x => target(x) is string a && arg(x) is string b ? f(a, b) : null;
        }
        if (m.Name == "Contains")
        {
            Expression? source = null, item = null;
            if (m.IsStatic && mc.Arguments.Count == 2) { source = mc.Arguments[0]; item = mc.Arguments[1]; }
            else if (!m.IsStatic && mc.Arguments.Count == 1) { source = mc.Object; item = mc.Arguments[0]; }
            if (source is not null && item is not null && !UsesParam(source))
            {
                if (source is MethodCallExpression { Method.Name: "op_Implicit" } imp) source = imp.Arguments[0];
                var values = ExpressionTranslator.Evaluate(source);
                if (values is IEnumerable list and not string and not IQueryInternal)
                {
                    var set = list.Cast<object?>().ToList();
                    var it = Build(item);
                    return x => it(x) is { } v ? set.Any(s => s is not null && Arith.Compare(s, v) == 0) : null;
                }
            }
        }
        if (!UsesParam(mc))
        {
            var v = ExpressionTranslator.Evaluate(mc);
            return _ => v;
        }
        throw Fail(mc);
    }
}

/// <summary>Arithmetic and comparison over boxed numbers and strings (as SQL compares them).</summary>
internal static class Arith
{
    public static int Compare(object a, object b)
    {
        if (a is string sa && b is string sb) return string.CompareOrdinal(sa, sb);
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double or float || b is double or float) return Convert.ToDouble(a).CompareTo(Convert.ToDouble(b));
            return Convert.ToDecimal(a).CompareTo(Convert.ToDecimal(b));
        }
        if (a is Enum || b is Enum) return Convert.ToInt64(a).CompareTo(Convert.ToInt64(b));
        if (a is IComparable ca && a.GetType() == b.GetType()) return ca.CompareTo(b);
        return Equals(a, b) ? 0 : 1;
    }

    private static bool IsNumber(object o) => o is int or long or short or byte or double or float or decimal;

    public static object Negate(object v) => v switch
    {
        int i => -i,
        long l => -l,
        double d => -d,
        decimal m => -m,
        _ => throw new UnevaluatableException($"Cannot negate {v.GetType().Name} in memory"),
    };

    public static object Apply(ExpressionType op, object a, object b)
    {
        if (a is int ia && b is int ib)
            return op switch { ExpressionType.Add => ia + ib, ExpressionType.Subtract => ia - ib, ExpressionType.Multiply => ia * ib, ExpressionType.Divide => ia / ib, _ => ia % ib };
        if (a is double or float || b is double or float)
        {
            double da = Convert.ToDouble(a), db = Convert.ToDouble(b);
            return op switch { ExpressionType.Add => da + db, ExpressionType.Subtract => da - db, ExpressionType.Multiply => da * db, ExpressionType.Divide => da / db, _ => da % db };
        }
        if (a is decimal || b is decimal)
        {
            decimal ma = Convert.ToDecimal(a), mb = Convert.ToDecimal(b);
            return op switch { ExpressionType.Add => ma + mb, ExpressionType.Subtract => ma - mb, ExpressionType.Multiply => ma * mb, ExpressionType.Divide => ma / mb, _ => ma % mb };
        }
        long la = Convert.ToInt64(a), lb = Convert.ToInt64(b);
        return op switch { ExpressionType.Add => la + lb, ExpressionType.Subtract => la - lb, ExpressionType.Multiply => la * lb, ExpressionType.Divide => la / lb, _ => la % lb };
    }
}
