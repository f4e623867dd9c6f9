using Trove.Sql;
using System.Data.Common;
using System.Linq.Expressions;
using System.Runtime.InteropServices;
using Trove.Orm.Querying;

namespace Trove.Orm;

public sealed partial class Query<T>
{
    /// <summary>Runs a one-value SELECT built around this query's translation.</summary>
    private object? ScalarOf(Func<Translator, SelectModel> build)
    {
        var model = build(Translated());
        Session.Autoflush();
        var runner = Session.Begin(Runner());
        var sql = Render(model, runner.Dialect, out var args);
        using var r = runner.ExecuteReader(sql, CollectionsMarshal.AsSpan(args));
        return r.Read() && !r.IsDBNull(0) ? r.GetValue(0) : null;
    }

    private async Task<object?> ScalarOfAsync(Func<Translator, SelectModel> build, CancellationToken ct)
    {
        var model = build(Translated());
        Session.Autoflush();
        var runner = Session.Begin(Runner());
        var sql = Render(model, runner.Dialect, out var args);
        await using var r = await runner.ExecuteReaderAsync(sql, args.ToArray(), ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) && !await r.IsDBNullAsync(0, ct).ConfigureAwait(false) ? r.GetValue(0) : null;
    }

    /// <summary><c>SELECT count(*) FROM (this query) AS anon_1</c> (the shape SQLAlchemy uses, correct with LIMIT/DISTINCT/GROUP BY).</summary>
    private static SelectModel CountModel(Translator t)
    {
        var inner = t.Model;
        if (inner.Columns.Count == 0)
        {
            if (t.Shape is GroupingShape g) Translator.Project(inner, g.Key);
            else Translator.Project(inner, t.Shape);
        }
        var outer = new SelectModel();
        outer.From.Add(new FromItem { Derived = inner, Qualifier = "anon_1" });
        outer.Columns.Add(new RawNode("count(*)"));
        return outer;
    }

    private static SelectModel ExistsModel(Translator t)
    {
        var inner = t.Model;
        if (inner.Columns.Count == 0)
        {
            if (t.Shape is GroupingShape g) Translator.Project(inner, g.Key);
            else Translator.Project(inner, t.Shape);
        }
        var outer = new SelectModel();
        outer.Columns.Add(new ExistsNode(inner));
        return outer;
    }

    /// <summary>Number of rows.</summary>
    public int Count() => Convert.ToInt32(ScalarOf(CountModel));
    /// <summary>Number of rows matching <paramref name="predicate"/>.</summary>
    public int Count(Expression<Func<T, bool>> predicate) => Where(predicate).Count();
    /// <summary>Number of rows as a long.</summary>
    public long LongCount() => Convert.ToInt64(ScalarOf(CountModel));
    /// <summary>Number of rows matching <paramref name="predicate"/> as a long.</summary>
    public long LongCount(Expression<Func<T, bool>> predicate) => Where(predicate).LongCount();
    /// <summary>Async twin of <see cref="Count()"/>.</summary>
    public async Task<int> CountAsync(CancellationToken ct = default) => Convert.ToInt32(await ScalarOfAsync(CountModel, ct).ConfigureAwait(false));
    /// <summary>Async twin of <see cref="LongCount()"/>.</summary>
    public async Task<long> LongCountAsync(CancellationToken ct = default) => Convert.ToInt64(await ScalarOfAsync(CountModel, ct).ConfigureAwait(false));

    /// <summary>True when the query has a row (<c>SELECT EXISTS (…)</c>).</summary>
    public bool Any() => Convert.ToInt64(ScalarOf(ExistsModel)) != 0;
    /// <summary>True when a row matches <paramref name="predicate"/>.</summary>
    public bool Any(Expression<Func<T, bool>> predicate) => Where(predicate).Any();
    /// <summary>True when every row matches <paramref name="predicate"/> (no row matches its negation; SQL NULL counts as not matching).</summary>
    public bool All(Expression<Func<T, bool>> predicate) =>
        !Where(Expression.Lambda<Func<T, bool>>(Expression.Not(predicate.Body), predicate.Parameters)).Any();
    /// <summary>Async twin of <see cref="Any()"/>.</summary>
    public async Task<bool> AnyAsync(CancellationToken ct = default) => Convert.ToInt64(await ScalarOfAsync(ExistsModel, ct).ConfigureAwait(false)) != 0;
    /// <summary>Async twin of <see cref="All"/>.</summary>
    public async Task<bool> AllAsync(Expression<Func<T, bool>> predicate, CancellationToken ct = default) =>
        !await Where(Expression.Lambda<Func<T, bool>>(Expression.Not(predicate.Body), predicate.Parameters)).AnyAsync(ct).ConfigureAwait(false);

    /// <summary>True when <paramref name="item"/> is among the results (entities: by primary key).</summary>
    public bool Contains(T item)
    {
        var t = Translated();
        if (t.Shape is EntityShape es)
        {
            var st = ((DeclarativeBase)(object)item!)._troveState;
            var mapper = es.Mapper;
            if (st is not null) st.Loading = true;
            try
            {
                foreach (var k in mapper.KeyColumns)
                    t.Model.Where.Add(new BinaryNode(es.Column(mapper.Columns[k]), "=", new ParamNode(mapper.GetDbValue((DeclarativeBase)(object)item!, k)), 5));
            }
            finally { if (st is not null) st.Loading = false; }
        }
        else if (t.Shape is ScalarShape sc)
        {
            t.Model.Where.Add(item is null ? new PostfixNode(sc.Node, " IS NULL") : new BinaryNode(sc.Node, "=", new ParamNode(item), 5));
        }
        else throw Translator.Unsupported("Contains on this projection");
        return Convert.ToInt64(ScalarOf(_ => ExistsModel(t))) != 0;
    }

    private TR Aggregate<TR>(string function, LambdaExpression? selector, bool emptyThrows)
    {
        var value = ScalarOf(t =>
        {
            var shape = selector is null ? t.Shape : new ExpressionTranslator(selector, [t.Shape]).Translate();
            var node = shape switch
            {
                ScalarShape sc => sc.Node,
                _ => throw Translator.Unsupported(function + " over a non-scalar"),
            };
            t.Model.Columns.Clear();
            t.Model.OrderBy.Clear();
            t.Model.Columns.Add(new FuncNode(function, [node]));
            return t.Model;
        });
        if (value is null)
        {
            if (emptyThrows && default(TR) is not null) throw new InvalidOperationException("Sequence contains no elements");
            return function == "sum" && default(TR) is not null ? (TR)Materializer.ConvertTo(0, typeof(TR))! : default!;
        }
        return (TR)Materializer.ConvertTo(value, typeof(TR))!;
    }

    /// <summary>Largest value of <paramref name="selector"/>.</summary>
    public TR Max<TR>(Expression<Func<T, TR>> selector) => Aggregate<TR>("max", selector, emptyThrows: true);
    /// <summary>Smallest value of <paramref name="selector"/>.</summary>
    public TR Min<TR>(Expression<Func<T, TR>> selector) => Aggregate<TR>("min", selector, emptyThrows: true);
    /// <summary>Largest element (scalar queries).</summary>
    public T Max() => Aggregate<T>("max", null, emptyThrows: true);
    /// <summary>Smallest element (scalar queries).</summary>
    public T Min() => Aggregate<T>("min", null, emptyThrows: true);
    /// <summary>Sum of <paramref name="selector"/> (0 for no rows).</summary>
    public TR Sum<TR>(Expression<Func<T, TR>> selector) => Aggregate<TR>("sum", selector, emptyThrows: false);
    /// <summary>Sum of the elements (scalar queries; 0 for no rows).</summary>
    public T Sum() => Aggregate<T>("sum", null, emptyThrows: false);
    /// <summary>Average of an integer expression.</summary>
    public double Average(Expression<Func<T, int>> selector) => Aggregate<double>("avg", selector, emptyThrows: true);
    /// <summary>Average of a long expression.</summary>
    public double Average(Expression<Func<T, long>> selector) => Aggregate<double>("avg", selector, emptyThrows: true);
    /// <summary>Average of a double expression.</summary>
    public double Average(Expression<Func<T, double>> selector) => Aggregate<double>("avg", selector, emptyThrows: true);
    /// <summary>Average of a decimal expression.</summary>
    public decimal Average(Expression<Func<T, decimal>> selector) => Aggregate<decimal>("avg", selector, emptyThrows: true);

    /// <summary>Async twin of <see cref="Max{TR}"/>.</summary>
    public Task<TR> MaxAsync<TR>(Expression<Func<T, TR>> selector, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return Task.FromResult(Max(selector)); }
    /// <summary>Async twin of <see cref="Min{TR}"/>.</summary>
    public Task<TR> MinAsync<TR>(Expression<Func<T, TR>> selector, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return Task.FromResult(Min(selector)); }
    /// <summary>Async twin of <see cref="Sum{TR}"/>.</summary>
    public Task<TR> SumAsync<TR>(Expression<Func<T, TR>> selector, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return Task.FromResult(Sum(selector)); }
    /// <summary>Async twin of <see cref="Average(Expression{Func{T,int}})"/>.</summary>
    public Task<double> AverageAsync(Expression<Func<T, int>> selector, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return Task.FromResult(Average(selector)); }
    /// <summary>Async twin of <see cref="Contains"/>.</summary>
    public Task<bool> ContainsAsync(T item, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); return Task.FromResult(Contains(item)); }

    internal static DbDataReader? NoReader => null;
}
