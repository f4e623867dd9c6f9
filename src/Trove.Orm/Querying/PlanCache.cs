using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using Trove.Orm.Internal;

namespace Trove.Orm.Querying;

/// <summary>
/// The query-plan cache of orm.md §5: a query chain is keyed by its structure, with constants and captured
/// variables of simple types (numbers, strings, dates, GUIDs) replaced by parameter slots; an entry holds the SQL
/// for a dialect, where each bound value comes from (a slot or a fixed value) and the row reader, so a repeated
/// query skips translation, SQL rendering and materializer compilation.
/// </summary>
/// <remarks>
/// An entry is made by translating the query three times: with the real values and with two sets of distinct
/// probe values in opposite order. Only when all three give the same SQL, every parameter is either exactly one
/// slot's value (the same slot in both probe runs) or the same fixed value, and the projection holds no client
/// value, is the plan reused; otherwise the key is remembered as not cacheable and the query is translated every
/// time. Values that change the SQL (null, bool, enum, char, byte) are part of the key. Thread-safe; the cache is
/// cleared when it reaches <see cref="Capacity"/> entries.
/// </remarks>
internal static class PlanCache
{
    public const int Capacity = 500;
    private static readonly ConcurrentDictionary<(string, OrmDialect), object> s_plans = new();
    private static readonly ConcurrentDictionary<object, int> s_ids = new();
    private static int s_nextId;
    internal static readonly object NotCacheable = new();

    public static int Id(object o) => s_ids.TryGetValue(o, out var id) ? id : s_ids.GetOrAdd(o, static _ => Interlocked.Increment(ref s_nextId));

    public static object? Find(string key, OrmDialect d) => s_plans.GetValueOrDefault((key, d));

    public static void Store(string key, OrmDialect d, object plan)
    {
        if (s_plans.Count >= Capacity) s_plans.Clear();
        s_plans[(key, d)] = plan;
    }

    /// <summary>The structural key of a chain and its slot values; false when a captured value cannot be a slot.</summary>
    public static bool TryKey(QueryNode node, Type resultType, string suffix, out string key, out List<object> values,
        IReadOnlyDictionary<ParameterExpression, object?>? env = null)
    {
        var v = new SlotVisitor(null, env);
        v.Sb.Append(Id(resultType)).Append(suffix);
        key = "";
        values = v.Values;
        if (!v.Walk(node)) return false;
        key = v.Sb.ToString();
        return true;
    }

    /// <summary>A copy of the chain with every slot replaced by probe value set <paramref name="set"/> (0 or 1).</summary>
    public static QueryNode Probe(QueryNode node, int set, int slots, IReadOnlyDictionary<ParameterExpression, object?>? env = null)
    {
        var v = new SlotVisitor(new ProbeSet(set, slots), env);
        return v.Rewrite(node);
    }

    /// <summary>A copy of the chain with the compiled query's parameters replaced by their values (constants).</summary>
    public static QueryNode Bind(QueryNode node, IReadOnlyDictionary<ParameterExpression, object?> env)
    {
        var v = new SlotVisitor(new ProbeSet(-1, 0), env);
        return v.Rewrite(node);
    }

    public static object? ProbeValue(Type type, int set, int index, int slots)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        // opposite orders in the two sets: an operator that combines slots (min of two Takes) picks different slots
        var n = set == 0 ? 1_000_003 + index * 7919 : 1_000_003 + (slots - 1 - index) * 7919 + 500_009;
        if (t == typeof(int)) return n;
        if (t == typeof(long)) return (long)n * 1_000_003;
        if (t == typeof(short)) return (short)(10_007 + (set == 0 ? index : slots - 1 - index + 9_001) % 20_000);
        if (t == typeof(double)) return n + 0.5;
        if (t == typeof(float)) return n + 0.5f;
        if (t == typeof(decimal)) return n + 0.25m;
        if (t == typeof(string)) return "\u0001trove-probe-" + set + "-" + index;
        if (t == typeof(DateTime)) return new DateTime(2001, 2, 3, 0, 0, 0, DateTimeKind.Unspecified).AddSeconds(n);
        if (t == typeof(DateTimeOffset)) return new DateTimeOffset(2001, 2, 3, 0, 0, 0, TimeSpan.Zero).AddSeconds(n);
        if (t == typeof(TimeSpan)) return TimeSpan.FromTicks(n * 1_000L);
        if (t == typeof(Guid)) return new Guid(n, (short)set, (short)index, 1, 2, 3, 4, 5, 6, 7, 8);
        throw new InvalidOperationException("no probe for " + t);
    }

    public static bool IsSlotType(Type t) =>
        t == typeof(int) || t == typeof(long) || t == typeof(short) || t == typeof(double) || t == typeof(float) ||
        t == typeof(decimal) || t == typeof(string) || t == typeof(DateTime) || t == typeof(DateTimeOffset) ||
        t == typeof(TimeSpan) || t == typeof(Guid);

    private static bool IsStructuralValue(object? v) => v is null or bool or Enum or char or byte or sbyte or ushort or uint or ulong;

    private sealed record ProbeSet(int Set, int Slots);

    /// <summary>
    /// Walks a chain in a fixed order: writes the key (fingerprint mode) or replaces slots with probe constants
    /// (probe mode); both modes meet the slots in the same order.
    /// </summary>
    private sealed class SlotVisitor(ProbeSet? probe, IReadOnlyDictionary<ParameterExpression, object?>? env) : ExpressionVisitor
    {
        public readonly StringBuilder Sb = new(128);
        public readonly List<object> Values = [];
        private readonly Dictionary<ParameterExpression, int> _params = [];
        private int _slot;
        private bool _failed;

        public bool Walk(QueryNode? node)
        {
            for (var n = node; n is not null && !_failed; n = n.Parent)
            {
                // eager-load paths are not part of the key: such queries are not cached
                if (n.Include is not null) { _failed = true; break; }
                Sb.Append('|').Append((int)n.Op).Append(',').Append(n.Mapper?.Id ?? 0);
                if (n.Op is QueryOp.Skip or QueryOp.Take) AddSlot(n.Count);
                else Sb.Append(',').Append(n.Count);
                if (n.Text is not null) Sb.Append(",t").Append(n.Text.Length).Append(':').Append(n.Text);
                if (n.Of is not null) foreach (var m in n.Of) Sb.Append(",o").Append(m.Id);
                Lambda(n.L1);
                Lambda(n.L2);
                Lambda(n.L3);
                if (n.Other is not null)
                {
                    Sb.Append("(q").Append(Id(n.Other.ElementType));
                    Walk(n.Other.Node);
                    Sb.Append(')');
                }
            }
            return !_failed;
        }

        /// <summary>Copies a chain replacing slots, meeting them in <see cref="Walk"/>'s order (a node's parts, then its parent).</summary>
        public QueryNode Rewrite(QueryNode node)
        {
            var count = node.Op is QueryOp.Skip or QueryOp.Take && probe!.Set >= 0 ? (int)NextProbe(typeof(int))! : node.Count;
            var l1 = RewriteLambda(node.L1);
            var l2 = RewriteLambda(node.L2);
            var l3 = RewriteLambda(node.L3);
            var other = node.Other is null ? null : node.Other.WithNode(Rewrite(node.Other.Node));
            var parent = node.Parent is null ? null : Rewrite(node.Parent);
            return new QueryNode
            {
                Op = node.Op, Parent = parent, Mapper = node.Mapper, Count = count, Text = node.Text, Of = node.Of,
                Factory = node.Factory, L1 = l1, L2 = l2, L3 = l3, Other = other, Include = node.Include,
            };
        }

        private LambdaExpression? RewriteLambda(LambdaExpression? l) => l is null ? null : (LambdaExpression)Visit(l)!;

        private object? NextProbe(Type t) => ProbeValue(t, probe!.Set, _slot++, probe.Slots);

        private void Lambda(LambdaExpression? l)
        {
            if (l is null) { Sb.Append(",~"); return; }
            Sb.Append(",L");
            Visit(l);
        }

        private void AddSlot(object value)
        {
            Sb.Append(",$").Append(Id(value.GetType()));
            Values.Add(value);
        }

        public override Expression? Visit(Expression? node)
        {
            if (node is null || _failed) return node;
            if (IsCapture(node))
            {
                object? value;
                if (probe is null)
                {
                    try { value = EvaluateCapture(node); }
                    catch (Exception) { _failed = true; return node; }
                    if (IsStructuralValue(value)) Sb.Append(",c").Append(Id(node.Type)).Append('=').Append(value?.ToString() ?? "null");
                    else if (IsSlotType(value!.GetType())) AddSlot(value);
                    else _failed = true;
                    return node;
                }
                value = EvaluateCapture(node);
                // binding a compiled query's parameters: every value becomes a constant the translator can read
                if (probe.Set < 0) return UsesEnv(node) ? Expression.Constant(value, node.Type) : node;
                if (IsStructuralValue(value)) return UsesEnv(node) ? Expression.Constant(value, node.Type) : node;
                return Expression.Constant(NextProbe(value!.GetType()), node.Type);
            }
            if (probe is null) Signature(node);
            return base.Visit(node);
        }

        /// <summary>A constant, a compiled query's parameter, or a member chain over either / a static member: a client value.</summary>
        private bool IsCapture(Expression e)
        {
            for (var x = e; ;)
            {
                switch (x)
                {
                    case ParameterExpression p: return env is not null && env.ContainsKey(p);
                    case ConstantExpression c: return c.Value is not LambdaExpression;
                    case MemberExpression { Expression: null } m: return m.Member is FieldInfo or PropertyInfo;
                    case MemberExpression m: x = m.Expression!; continue;
                    default: return false;
                }
            }
        }

        private bool UsesEnv(Expression e)
        {
            for (var x = e; ; x = ((MemberExpression)x).Expression!)
            {
                if (x is ParameterExpression) return true;
                if (x is not MemberExpression { Expression: not null }) return false;
            }
        }

        /// <summary>Value of a capture: constants and members by reflection, compiled query parameters from the environment.</summary>
        private object? EvaluateCapture(Expression e)
        {
            switch (e)
            {
                case ParameterExpression p: return env![p];
                case MemberExpression { Expression: { } inner } m when UsesEnv(inner):
                {
                    var target = EvaluateCapture(inner);
                    return m.Member switch
                    {
                        FieldInfo f => f.GetValue(target),
                        PropertyInfo pi => pi.GetValue(target),
                        _ => throw new NotSupportedException(m.ToString()),
                    };
                }
                default: return ExpressionTranslator.Evaluate(e);
            }
        }

        private void Signature(Expression node)
        {
            Sb.Append(',').Append((int)node.NodeType).Append(':').Append(Id(node.Type));
            switch (node)
            {
                case MemberExpression m: Sb.Append('m').Append(Id(m.Member)); break;
                case MethodCallExpression mc: Sb.Append('f').Append(Id(mc.Method)); break;
                case NewExpression ne:
                    Sb.Append('n').Append(ne.Constructor is null ? 0 : Id(ne.Constructor));
                    if (ne.Members is not null) foreach (var m in ne.Members) Sb.Append('.').Append(Id(m));
                    break;
                case BinaryExpression b when b.Method is not null: Sb.Append('f').Append(Id(b.Method)); break;
                case UnaryExpression u when u.Method is not null: Sb.Append('f').Append(Id(u.Method)); break;
                case TypeBinaryExpression tb: Sb.Append('t').Append(Id(tb.TypeOperand)); break;
                case IndexExpression ix when ix.Indexer is not null: Sb.Append('i').Append(Id(ix.Indexer)); break;
                case MemberInitExpression mi:
                    foreach (var b in mi.Bindings)
                    {
                        if (b is not MemberAssignment) { _failed = true; return; }
                        Sb.Append('.').Append(Id(b.Member));
                    }
                    break;
                case LambdaExpression l: Sb.Append('l').Append(l.Parameters.Count); break;
                case ParameterExpression p:
                    if (!_params.TryGetValue(p, out var idx)) _params[p] = idx = _params.Count;
                    Sb.Append('p').Append(idx);
                    break;
                case ConditionalExpression or NewArrayExpression or InvocationExpression or DefaultExpression or BinaryExpression or UnaryExpression:
                    break;
                default:
                    _failed = true;
                    break;
            }
        }
    }
}

/// <summary>Where one bound value of a cached plan comes from.</summary>
internal readonly record struct ArgSource(int Slot, object? Fixed, Type? Convert);

/// <summary>A cached plan: SQL for one dialect, parameter sources and the row reader.</summary>
internal sealed class CachedPlan<T>(string sql, ArgSource[] args, Func<DbDataReader, Session?, T> read)
{
    public string Sql { get; } = sql;
    public ArgSource[] Args { get; } = args;
    public Func<DbDataReader, Session?, T> Read { get; } = read;

    public object?[] Bind(List<object> values)
    {
        var a = new object?[Args.Length];
        for (var i = 0; i < a.Length; i++)
        {
            var s = Args[i];
            if (s.Slot < 0) { a[i] = s.Fixed; continue; }
            var v = values[s.Slot];
            a[i] = s.Convert is null ? v : System.Convert.ChangeType(v, s.Convert, System.Globalization.CultureInfo.InvariantCulture);
        }
        return a;
    }

    /// <summary>Matches the parameters of the real and the two probe translations; null when they disagree.</summary>
    public static ArgSource[]? Match(List<object?> real, List<object?> a, List<object?> b, List<object> values, int slots)
    {
        if (a.Count != real.Count || b.Count != real.Count) return null;
        var result = new ArgSource[real.Count];
        for (var i = 0; i < real.Count; i++)
        {
            var ja = FindProbe(a[i], 0, slots, out var ca);
            var jb = FindProbe(b[i], 1, slots, out _);
            if (ja >= 0 || jb >= 0)
            {
                if (ja != jb) return null;
                var expect = ca is null ? values[ja] : System.Convert.ChangeType(values[ja], ca, System.Globalization.CultureInfo.InvariantCulture);
                if (!Equals(expect, real[i])) return null;
                result[i] = new ArgSource(ja, null, ca);
            }
            else
            {
                if (!Equals(a[i], real[i]) || !Equals(b[i], real[i])) return null;
                result[i] = new ArgSource(-1, real[i], null);
            }
        }
        return result;
    }

    private static int FindProbe(object? arg, int set, int slots, out Type? convert)
    {
        convert = null;
        if (arg is null || !PlanCache.IsSlotType(arg.GetType())) return -1;
        for (var j = 0; j < slots; j++)
        {
            var p = PlanCache.ProbeValue(arg.GetType(), set, j, slots);
            if (Equals(p, arg)) return j;
        }
        // a numeric slot widened or narrowed to the column's type (int captured, long column)
        if (arg is int or long or short or double or float or decimal)
        {
            foreach (var t in (Type[])[typeof(int), typeof(long), typeof(short), typeof(double), typeof(float), typeof(decimal)])
            {
                if (t == arg.GetType()) continue;
                for (var j = 0; j < slots; j++)
                {
                    var p = PlanCache.ProbeValue(t, set, j, slots);
                    if (System.Convert.ToDecimal(p, System.Globalization.CultureInfo.InvariantCulture) ==
                        System.Convert.ToDecimal(arg, System.Globalization.CultureInfo.InvariantCulture))
                    {
                        convert = arg.GetType();
                        return j;
                    }
                }
            }
        }
        return -1;
    }
}
