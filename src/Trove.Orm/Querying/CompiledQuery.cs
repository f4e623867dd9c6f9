using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Trove.Orm.Querying;

namespace Trove.Orm;

/// <summary>
/// Queries prepared once for hot paths (orm.md §5): <c>CompiledQuery.Create((Session s, int id) =&gt;
/// s.Query&lt;User&gt;().Where(u =&gt; u.Id == id).FirstOrDefault())</c>. The query's operator chain is built once; each
/// call only binds the arguments and runs the cached plan, so no expression tree is built, translated or hashed
/// by the caller per call. Supported as compiled: a chain of <see cref="Query{T}"/> operators with lambda or
/// constant arguments, started by <c>s.Query&lt;T&gt;()</c> and ended by <c>ToList</c>, <c>ToArray</c>,
/// <c>First</c>, <c>FirstOrDefault</c>, <c>Single</c> or <c>SingleOrDefault</c>; any other body still works
/// (it is run as an ordinary query each call).
/// </summary>
public static class CompiledQuery
{
    /// <summary>Prepares a query without arguments.</summary>
    public static Func<Session, TResult> Create<TResult>(Expression<Func<Session, TResult>> query)
    {
        var c = new Compiled<TResult>(query);
        return s => c.Run(s, []);
    }

    /// <summary>Prepares a query with one argument.</summary>
    public static Func<Session, TArg, TResult> Create<TArg, TResult>(Expression<Func<Session, TArg, TResult>> query)
    {
        var c = new Compiled<TResult>(query);
        return (s, a) => c.Run(s, [a]);
    }

    /// <summary>Prepares a query with two arguments.</summary>
    public static Func<Session, TArg1, TArg2, TResult> Create<TArg1, TArg2, TResult>(Expression<Func<Session, TArg1, TArg2, TResult>> query)
    {
        var c = new Compiled<TResult>(query);
        return (s, a, b) => c.Run(s, [a, b]);
    }

    private static readonly HashSet<string> Terminals = ["ToList", "ToArray", "First", "FirstOrDefault", "Single", "SingleOrDefault"];

    /// <summary>One prepared query: the parsed chain, the node chain built on first use, or the fallback delegate.</summary>
    private sealed class Compiled<TResult>
    {
        private readonly LambdaExpression _lambda;
        private readonly ParameterExpression[] _args;
        private readonly MethodInfo? _root;
        private readonly List<(MethodInfo Method, object?[] Args)>? _ops;
        private readonly MethodInfo? _terminal;
        private readonly Lock _lock = new();
        private IQueryInternal? _template;
        private Delegate? _fallback;

        public Compiled(LambdaExpression lambda)
        {
            _lambda = lambda;
            _args = lambda.Parameters.Skip(1).ToArray();
            if (lambda.Body is not MethodCallExpression { Object: { } chain, Arguments.Count: 0 } terminal ||
                !IsQuery(chain.Type) || !Terminals.Contains(terminal.Method.Name)) return;
            var ops = new List<(MethodInfo, object?[])>();
            var e = chain;
            while (e is MethodCallExpression { Object: { } inner } mc && IsQuery(inner.Type))
            {
                var args = new object?[mc.Arguments.Count];
                for (var i = 0; i < args.Length; i++)
                {
                    switch (mc.Arguments[i])
                    {
                        case UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression l }: args[i] = l; break;
                        case ConstantExpression k: args[i] = k.Value; break;
                        default: return;
                    }
                }
                ops.Add((mc.Method, args));
                e = inner;
            }
            if (e is not MethodCallExpression { Object: ParameterExpression p, Arguments.Count: 0, Method.Name: "Query" } root || p != lambda.Parameters[0]) return;
            ops.Reverse();
            _root = root.Method;
            _ops = ops;
            _terminal = terminal.Method;
        }

        private static bool IsQuery(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Query<>);

        public TResult Run(Session session, object?[] values)
        {
            if (_terminal is null) return RunFallback(session, values);
            var template = _template ?? Build(session);
            var env = new Dictionary<ParameterExpression, object?>(_args.Length);
            for (var i = 0; i < _args.Length; i++) env[_args[i]] = values[i];
            var q = template.Rebind(session, env);
            try { return (TResult)_terminal.Invoke(q, null)!; }
            catch (TargetInvocationException t) when (t.InnerException is { } inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
                throw;
            }
        }

        /// <summary>Applies the operators once; the node chain holds no session and is shared by later calls.</summary>
        private IQueryInternal Build(Session session)
        {
            lock (_lock)
            {
                if (_template is not null) return _template;
                var q = _root!.Invoke(session, null)!;
                foreach (var (m, a) in _ops!) q = m.Invoke(q, a)!;
                return _template = (IQueryInternal)q;
            }
        }

        private TResult RunFallback(Session session, object?[] values)
        {
            var d = _fallback ??= _lambda.Compile(preferInterpretation: !RuntimeFeature.IsDynamicCodeSupported);
            var all = new object?[values.Length + 1];
            all[0] = session;
            values.CopyTo(all, 1);
            return (TResult)d.DynamicInvoke(all)!;
        }
    }
}
