using Trove.Sql;
using System.Data.Common;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Trove.Orm.Internal;
using Trove.Orm.Querying;

namespace Trove.Orm;

public sealed partial class Query<T>
{
    // ------------------------------------------------------------------ plumbing

    private EntityMapper RootMapper => Node.Root.Mapper!;

    private Translator Translated() => Translator.Translate(Node);

    private DbRunner Runner() => Session.RunnerFor(RootMapper);

    /// <summary>The SELECT list for the element shape plus its reader (grouped enumeration handled separately).</summary>
    private (SelectModel Model, Func<DbDataReader, Session?, T> Read) Plan() => Plan(out _);

    private (SelectModel Model, Func<DbDataReader, Session?, T> Read) Plan(out Shape shape)
    {
        var t = Translated();
        shape = t.Shape;
        var model = t.Model;
        if (t.Shape is GroupingShape g && model.Columns.Count == 0)
            return GroupedPlan(model, g);
        if (model.Columns.Count == 0) Translator.Project(model, t.Shape);
        return (model, Relationships.EagerLoader.Prepare(model, t.Shape, Node, Materializer.Build<T>(t.Shape)));
    }

    /// <summary>
    /// Enumerating a grouping: rows ordered by the key, grouped while streaming (portable, unlike selecting
    /// non-grouped columns with GROUP BY, which PostgreSQL rejects).
    /// </summary>
    private (SelectModel, Func<DbDataReader, Session?, T>) GroupedPlan(SelectModel model, GroupingShape g)
    {
        var keys = model.GroupBy.ToList();
        model.GroupBy.Clear();
        var order = new List<OrderNode>(keys.Select(k => new OrderNode(k, false)));
        order.AddRange(model.OrderBy);
        model.OrderBy.Clear();
        model.OrderBy.AddRange(order);
        Translator.Project(model, g.Key);
        var keyRead = Materializer.Build<object?>(g.Key);
        var keyCount = model.Columns.Count;
        Translator.Project(model, g.Element);
        var elementRead = ElementReader(g.Element, keyCount);
        var factory = (Func<object?, List<object?>, T>)FindFactory();
        // rows come ordered by key; the reader returns a group per run of equal keys (see ReadGrouped)
        return (model, (r, s) => factory(keyRead(r, s), [elementRead(r, s)]));
    }

    private static Func<DbDataReader, Session?, object?> ElementReader(Shape element, int offset)
    {
        if (element is EntityShape es) return (r, s) => es.Mapper.LoadObject(s, r, offset);
        if (element is ScalarShape sc)
        {
            var read = Materializer.ScalarReader(sc, offset);
            return (r, _) => read(r);
        }
        throw Translator.Unsupported("a grouped element that is not an entity or a column");
    }

    private Delegate FindFactory()
    {
        for (var n = Node; n is not null; n = n.Parent) if (n.Op == QueryOp.GroupBy) return n.Factory!;
        throw Translator.Unsupported("grouping");
    }

    private string Render(SelectModel model, OrmDialect dialect, out List<object?> args)
    {
        var w = new SqlWriter(dialect);
        model.Render(w);
        args = w.Args;
        return w.Sb.ToString();
    }

    private List<TR> Run<TR>(SelectModel model, Func<DbDataReader, Session?, TR> read, int maxRows = int.MaxValue)
    {
        Session.Autoflush();
        var runner = Session.Begin(Runner());
        var sql = Render(model, runner.Dialect, out var args);
        return RunSql(runner, sql, CollectionsMarshal.AsSpan(args), read, maxRows, model);
    }

    private List<TR> RunSql<TR>(DbRunner runner, string sql, ReadOnlySpan<object?> args, Func<DbDataReader, Session?, TR> read, int maxRows, SelectModel? model = null)
    {
        var tracked = Node.NoTracking ? null : Session;
        var list = new List<TR>();
        using (var r = runner.ExecuteReader(sql, args)) Materializer.ReadAll(r, tracked, read, list, maxRows);
        return tracked is null || model is null ? list : Relationships.EagerLoader.Complete(Session, model, list);
    }

    private async Task<List<TR>> RunAsync<TR>(SelectModel model, Func<DbDataReader, Session?, TR> read, CancellationToken ct, int maxRows = int.MaxValue)
    {
        ct.ThrowIfCancellationRequested();
        Session.Autoflush();
        var runner = Session.Begin(Runner());
        var sql = Render(model, runner.Dialect, out var args);
        var tracked = Node.NoTracking ? null : Session;
        var list = new List<TR>();
        await using (var r = await runner.ExecuteReaderAsync(sql, args.ToArray(), ct).ConfigureAwait(false))
        {
            while (list.Count < maxRows && await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(read(r, tracked));
        }
        return tracked is null ? list : Relationships.EagerLoader.Complete(Session, model, list);
    }

    private List<T> Execute(SelectModel model, Func<DbDataReader, Session?, T> read)
    {
        var rows = Run(model, read);
        return IsGrouped ? Regroup(rows) : rows;
    }

    private bool IsGrouped
    {
        get
        {
            var t = typeof(T);
            return t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IGrouping<,>) && Node.Op != QueryOp.Select && HasGroupBy();
        }
    }

    private bool HasGroupBy()
    {
        for (var n = Node; n is not null; n = n.Parent)
        {
            if (n.Op == QueryOp.Select) return false;
            if (n.Op == QueryOp.GroupBy) return true;
        }
        return false;
    }

    /// <summary>Merges the one-element groups of consecutive rows with equal keys.</summary>
    private List<T> Regroup(List<T> rows)
    {
        var factory = (Func<object?, List<object?>, T>)FindFactory();
        var result = new List<T>();
        object? currentKey = null;
        List<object?>? items = null;
        var first = true;
        foreach (var row in rows)
        {
            var key = KeyOf(row);
            var element = FirstOf(row);
            if (first || !Equals(key, currentKey))
            {
                if (items is not null) result.Add(factory(currentKey, items));
                items = [];
                currentKey = key;
                first = false;
            }
            items!.Add(element);
        }
        if (items is not null) result.Add(factory(currentKey, items));
        return result;
    }

    private static object? KeyOf(T row) => row is IGroupingKey k ? k.BoxedKey : null;
    private static object? FirstOf(T row) => row is IGroupingKey k ? k.First : null;

    // ------------------------------------------------------------------ lists

    /// <summary>
    /// Runs the query through the plan cache (see <see cref="PlanCache"/>); null when its structure cannot be
    /// cached, and the caller translates it.
    /// </summary>
    private List<T>? TryRunCached(int maxRows)
    {
        if (IsGrouped || Relationships.EagerLoader.Involved(Node) || !PlanCache.TryKey(Node, typeof(T), "", out var key, out var values, Env)) return null;
        Session.Autoflush();
        var runner = Session.Begin(Runner());
        var found = PlanCache.Find(key, runner.Dialect);
        if (ReferenceEquals(found, PlanCache.NotCacheable)) return null;
        var plan = found as CachedPlan<T> ?? BuildPlan(key, runner.Dialect, values);
        if (plan is null) return null;
        return RunSql(runner, plan.Sql, plan.Bind(values), plan.Read, maxRows);
    }

    private CachedPlan<T>? BuildPlan(string key, OrmDialect dialect, List<object> values)
    {
        CachedPlan<T>? plan = null;
        try
        {
            var bound = Env is null ? this : Unbound();
            ExpressionTranslator.ComputedValues = 0;
            var (model, read) = bound.Plan(out var shape);
            if (!HasClientValue(shape) && ExpressionTranslator.ComputedValues == 0)
            {
                var sql = Render(model, dialect, out var real);
                var qa = new Query<T>(Session, PlanCache.Probe(Node, 0, values.Count, Env));
                var sqlA = qa.Render(qa.Plan().Model, dialect, out var a);
                var qb = new Query<T>(Session, PlanCache.Probe(Node, 1, values.Count, Env));
                var sqlB = qb.Render(qb.Plan().Model, dialect, out var b);
                if (sql == sqlA && sql == sqlB && CachedPlan<T>.Match(real, a, b, values, values.Count) is { } args)
                    plan = new CachedPlan<T>(sql, args, read);
            }
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or InvalidCastException or FormatException or OverflowException or System.Reflection.TargetInvocationException)
        {
            // the normal path translates again and reports the problem
        }
        PlanCache.Store(key, dialect, (object?)plan ?? PlanCache.NotCacheable);
        return plan;
    }

    /// <summary>A projection holding a client value (constant or captured) is compiled with that value: not reusable.</summary>
    private static bool HasClientValue(Shape shape) => shape switch
    {
        ValueShape => true,
        NewShape n => n.Arguments.Any(HasClientValue),
        GroupingShape g => HasClientValue(g.Key) || HasClientValue(g.Element),
        _ => false,
    };

    /// <summary>Runs the query and returns every element.</summary>
    public List<T> ToList()
    {
        if (TryRunCached(int.MaxValue) is { } cached) return cached;
        if (Env is not null) return Unbound().ToList();
        var (model, read) = Plan();
        return Execute(model, read);
    }

    /// <summary>Async twin of <see cref="ToList"/>.</summary>
    public async Task<List<T>> ToListAsync(CancellationToken ct = default)
    {
        var (model, read) = Plan();
        var rows = await RunAsync(model, read, ct).ConfigureAwait(false);
        return IsGrouped ? Regroup(rows) : rows;
    }

    /// <summary>Runs the query and returns every element as an array.</summary>
    public T[] ToArray() => ToList().ToArray();

    /// <summary>Async twin of <see cref="ToArray"/>.</summary>
    public async Task<T[]> ToArrayAsync(CancellationToken ct = default) => (await ToListAsync(ct).ConfigureAwait(false)).ToArray();

    /// <summary>Selects only the key and value expressions and builds a dictionary (duplicate keys: last wins).</summary>
    public Dictionary<TKey, TValue> ToDictionary<TKey, TValue>(Expression<Func<T, TKey>> keySelector, Expression<Func<T, TValue>> valueSelector)
        where TKey : notnull
    {
        var pairs = Select(PairSelector(keySelector, valueSelector)).ToList();
        var d = new Dictionary<TKey, TValue>(pairs.Count);
        foreach (var p in pairs) d[p.Key] = p.Value;
        return d;
    }

    /// <summary>Async twin of <see cref="ToDictionary{TKey,TValue}(Expression{Func{T,TKey}},Expression{Func{T,TValue}})"/>.</summary>
    public async Task<Dictionary<TKey, TValue>> ToDictionaryAsync<TKey, TValue>(Expression<Func<T, TKey>> keySelector,
        Expression<Func<T, TValue>> valueSelector, CancellationToken ct = default) where TKey : notnull
    {
        var pairs = await Select(PairSelector(keySelector, valueSelector)).ToListAsync(ct).ConfigureAwait(false);
        var d = new Dictionary<TKey, TValue>(pairs.Count);
        foreach (var p in pairs) d[p.Key] = p.Value;
        return d;
    }

    /// <summary>Builds a dictionary keyed by <paramref name="keySelector"/> of whole elements.</summary>
    public Dictionary<TKey, T> ToDictionary<TKey>(Expression<Func<T, TKey>> keySelector) where TKey : notnull
    {
        var key = keySelector.Compile(preferInterpretation: !RuntimeFeature.IsDynamicCodeSupported);
        var d = new Dictionary<TKey, T>();
        foreach (var e in ToList()) d[key(e)] = e;
        return d;
    }

    private static Expression<Func<T, KeyValuePair<TKey, TValue>>> PairSelector<TKey, TValue>(Expression<Func<T, TKey>> k, Expression<Func<T, TValue>> v)
    {
        var p = k.Parameters[0];
        var vBody = new Rebind(v.Parameters[0], p).Visit(v.Body)!;
        // the constructor comes from a compiler-built tree (no reflection lookup: trimming/AOT-safe)
        Expression<Func<TKey, TValue, KeyValuePair<TKey, TValue>>> make = (a, b) => new KeyValuePair<TKey, TValue>(a, b);
        return Expression.Lambda<Func<T, KeyValuePair<TKey, TValue>>>(Expression.New(((NewExpression)make.Body).Constructor!, k.Body, vBody), p);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }

    /// <summary>Pattern enumerator: runs the query (buffered) and enumerates the results.</summary>
    public List<T>.Enumerator GetEnumerator() => ToList().GetEnumerator();

    /// <summary>Pattern async enumerator for <c>await foreach</c>.</summary>
    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken ct = default) => AsAsyncEnumerable(ct).GetAsyncEnumerator(ct);

    /// <summary>Streams results asynchronously.</summary>
    public async IAsyncEnumerable<T> AsAsyncEnumerable([EnumeratorCancellation] CancellationToken ct = default)
    {
        var (model, read) = Plan();
        if (IsGrouped)
        {
            foreach (var g in Regroup(await RunAsync(model, read, ct).ConfigureAwait(false))) yield return g;
            yield break;
        }
        Session.Autoflush();
        var runner = Session.Begin(Runner());
        var sql = Render(model, runner.Dialect, out var args);
        var tracked = Node.NoTracking ? null : Session;
        await using var r = await runner.ExecuteReaderAsync(sql, args.ToArray(), ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) yield return read(r, tracked);
    }

    /// <summary>The SQL this query runs, for the session's dialect; executes nothing.</summary>
    public string ToQueryString()
    {
        var (model, _) = Plan();
        return Render(model, Runner().Dialect, out _);
    }

    // ------------------------------------------------------------------ single rows

    private List<T> Limited(int n)
    {
        var q = Take(n);
        if (q.TryRunCached(int.MaxValue) is { } cached) return cached;
        if (Env is not null) return Unbound().Limited(n);
        var (model, read) = q.Plan();
        return Execute(model, read);
    }

    /// <summary>
    /// Single/SingleOrDefault: like SQLAlchemy's <c>one()</c> the SQL has no LIMIT (the statement sequence matches
    /// the reference); reading stops after a second row, which is all the check needs.
    /// </summary>
    private List<T> AtMostTwo()
    {
        if (TryRunCached(2) is { } cached) return cached;
        if (Env is not null) return Unbound().AtMostTwo();
        var (model, read) = Plan();
        return IsGrouped ? Regroup(Run(model, read)) : Run(model, read, 2);
    }

    private async Task<List<T>> AtMostTwoAsync(CancellationToken ct)
    {
        var (model, read) = Plan();
        return IsGrouped ? Regroup(await RunAsync(model, read, ct).ConfigureAwait(false)) : await RunAsync(model, read, ct, 2).ConfigureAwait(false);
    }

    /// <summary>The first element (LIMIT 1); <see cref="NoResultException"/> when there is none.</summary>
    public T First()
    {
        var l = Limited(1);
        return l.Count > 0 ? l[0] : throw new NoResultException("No row was found when one was required");
    }

    /// <summary>The first element matching <paramref name="predicate"/>.</summary>
    public T First(Expression<Func<T, bool>> predicate) => Where(predicate).First();

    /// <summary>The first element or default.</summary>
    public T? FirstOrDefault()
    {
        var l = Limited(1);
        return l.Count > 0 ? l[0] : default;
    }

    /// <summary>The first element matching <paramref name="predicate"/> or default.</summary>
    public T? FirstOrDefault(Expression<Func<T, bool>> predicate) => Where(predicate).FirstOrDefault();

    /// <summary>The only element (no LIMIT, as SQLAlchemy's <c>one()</c>); <see cref="NoResultException"/> or <see cref="MultipleResultsException"/> otherwise.</summary>
    public T Single()
    {
        var l = AtMostTwo();
        if (l.Count == 0) throw new NoResultException("No row was found when one was required");
        if (l.Count > 1) throw new MultipleResultsException("Multiple rows were found when exactly one was required");
        return l[0];
    }

    /// <summary>The only element matching <paramref name="predicate"/>.</summary>
    public T Single(Expression<Func<T, bool>> predicate) => Where(predicate).Single();

    /// <summary>The only element or default; <see cref="MultipleResultsException"/> when several.</summary>
    public T? SingleOrDefault()
    {
        var l = AtMostTwo();
        if (l.Count > 1) throw new MultipleResultsException("Multiple rows were found when exactly one was required");
        return l.Count == 1 ? l[0] : default;
    }

    /// <summary>The only element matching <paramref name="predicate"/> or default.</summary>
    public T? SingleOrDefault(Expression<Func<T, bool>> predicate) => Where(predicate).SingleOrDefault();

    /// <summary>Async twin of <see cref="First()"/>.</summary>
    public async Task<T> FirstAsync(CancellationToken ct = default)
    {
        var (model, read) = Take(1).Plan();
        var l = await RunAsync(model, read, ct).ConfigureAwait(false);
        return l.Count > 0 ? l[0] : throw new NoResultException("No row was found when one was required");
    }

    /// <summary>Async twin of <see cref="FirstOrDefault()"/>.</summary>
    public async Task<T?> FirstOrDefaultAsync(CancellationToken ct = default)
    {
        var (model, read) = Take(1).Plan();
        var l = await RunAsync(model, read, ct).ConfigureAwait(false);
        return l.Count > 0 ? l[0] : default;
    }

    /// <summary>Async twin of <see cref="Single()"/>.</summary>
    public async Task<T> SingleAsync(CancellationToken ct = default)
    {
        var l = await AtMostTwoAsync(ct).ConfigureAwait(false);
        if (l.Count == 0) throw new NoResultException("No row was found when one was required");
        if (l.Count > 1) throw new MultipleResultsException("Multiple rows were found when exactly one was required");
        return l[0];
    }

    /// <summary>Async twin of <see cref="SingleOrDefault()"/>.</summary>
    public async Task<T?> SingleOrDefaultAsync(CancellationToken ct = default)
    {
        var l = await AtMostTwoAsync(ct).ConfigureAwait(false);
        if (l.Count > 1) throw new MultipleResultsException("Multiple rows were found when exactly one was required");
        return l.Count == 1 ? l[0] : default;
    }
}

/// <summary>Implemented by the one-row groups the grouped reader produces, so rows can be merged by key.</summary>
internal interface IGroupingKey
{
    object? BoxedKey { get; }
    object? First { get; }
}
