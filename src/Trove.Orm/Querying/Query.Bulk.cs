using System.Linq.Expressions;
using Trove.Orm.Querying;

namespace Trove.Orm;

/// <summary>The SET list of an <c>ExecuteUpdate</c>: <c>x =&gt; x.SetProperty(u =&gt; u.Name, "123")</c>.</summary>
public sealed class UpdateSetters<T>
{
    internal readonly List<(LambdaExpression Property, object? Value, LambdaExpression? Expression)> Items = new();

    /// <summary>Sets a column to a value.</summary>
    public UpdateSetters<T> SetProperty<TProperty>(Expression<Func<T, TProperty>> property, TProperty value)
    {
        Items.Add((property, value, null));
        return this;
    }

    /// <summary>Sets a column to a SQL expression of the row (<c>u =&gt; u.Name + "x"</c>).</summary>
    public UpdateSetters<T> SetProperty<TProperty>(Expression<Func<T, TProperty>> property, Expression<Func<T, TProperty>> value)
    {
        Items.Add((property, null, value));
        return this;
    }
}

public sealed partial class Query<T>
{
    private (EntityShape Entity, Translator T, List<LambdaExpression> Filters) BulkTarget(string what)
    {
        var t = Translated();
        if (t.Shape is not EntityShape es || t.Model.From.Count != 1 || t.Model.Limit is not null || t.Model.Offset is not null
            || t.Model.GroupBy.Count > 0 || t.Model.Distinct || t.Model.Compound.Count > 0)
            throw Translator.Unsupported(what + " on a query other than one entity with Where filters");
        var filters = new List<LambdaExpression>();
        for (var n = Node; n is not null; n = n.Parent)
        {
            if (n.Op == QueryOp.Where) filters.Insert(0, n.L1!);
            else if (n.Op is not (QueryOp.Root or QueryOp.AsNoTracking or QueryOp.OrderBy or QueryOp.OrderByDescending or QueryOp.ThenBy or QueryOp.ThenByDescending))
                throw Translator.Unsupported(what + " after " + n.Op);
        }
        return (es, t, filters);
    }

    /// <summary>
    /// <c>DELETE FROM … WHERE …</c>; returns the rows deleted. <paramref name="sync"/> decides how the session's
    /// instances follow: Evaluate marks matching instances deleted (UnevaluatableException before any SQL when the
    /// filter cannot run in memory), Fetch uses the deleted keys (RETURNING), None leaves them.
    /// </summary>
    public int ExecuteDelete(Synchronize sync = Synchronize.Auto)
    {
        var (es, t, filters) = BulkTarget("ExecuteDelete");
        var mapper = es.Mapper;
        Session.CheckUsable();
        List<Func<DeclarativeBase, object?>>? where = null;
        if (sync is Synchronize.Evaluate or Synchronize.Auto)
        {
            try { where = filters.Select(f => Evaluator.Compile(f, mapper)).ToList(); }
            catch (UnevaluatableException) when (sync == Synchronize.Auto) { sync = Synchronize.Fetch; }
            catch (QueryTranslationException e) when (sync == Synchronize.Evaluate) { throw new UnevaluatableException(e.Message); }
            if (sync == Synchronize.Auto) sync = Synchronize.Evaluate;
        }
        Session.Autoflush();
        var runner = Session.Begin(Session.RunnerFor(mapper));
        var w = new SqlWriter(runner.Dialect);
        w.Append("DELETE FROM ");
        w.Ident(mapper.TableName);
        var fetch = sync == Synchronize.Fetch;
        int count = Run(w, runner, mapper, t.Model.Where, fetch, out var keys);

        if (sync == Synchronize.Evaluate) foreach (var s in Matching(mapper, where!)) Session.MarkBulkDeleted(s);
        else if (fetch) foreach (var s in ByKeys(mapper, keys)) Session.MarkBulkDeleted(s);
        return count;
    }

    /// <summary>
    /// <c>UPDATE … SET … WHERE …</c>; returns the rows matched. With Evaluate the session's matching instances get
    /// the new values in memory (UnevaluatableException before any SQL when the filter or a SET value cannot be
    /// evaluated); Fetch updates the instances whose keys RETURNING reports (SET values it cannot compute are
    /// expired and reload on access); Auto = Evaluate when possible, else Fetch; None leaves the session alone.
    /// </summary>
    public int ExecuteUpdate(Action<UpdateSetters<T>> setters, Synchronize sync = Synchronize.Auto)
    {
        ArgumentNullException.ThrowIfNull(setters);
        var (es, t, filters) = BulkTarget("ExecuteUpdate");
        var mapper = es.Mapper;
        var set = new UpdateSetters<T>();
        setters(set);
        if (set.Items.Count == 0) throw new ArgumentException("ExecuteUpdate needs at least one SetProperty", nameof(setters));
        Session.CheckUsable();

        var columns = new List<ColumnMap>();
        foreach (var item in set.Items)
        {
            var member = Translator.StripConvert(item.Property.Body) as MemberExpression;
            var col = member?.Expression == item.Property.Parameters[0] ? mapper.FindByProperty(member!.Member.Name) : null;
            columns.Add(col ?? throw Translator.Unsupported("SetProperty on something other than a mapped column: " + item.Property));
        }

        List<Func<DeclarativeBase, object?>>? where = null;
        var values = new Func<DeclarativeBase, object?>?[set.Items.Count];
        if (sync is Synchronize.Evaluate or Synchronize.Auto)
        {
            try
            {
                where = filters.Select(f => Evaluator.Compile(f, mapper)).ToList();
                for (var i = 0; i < values.Length; i++)
                {
                    var item = set.Items[i];
                    var v = item.Value;
                    values[i] = item.Expression is null ? _ => v : Evaluator.Compile(item.Expression, mapper);
                }
                if (sync == Synchronize.Auto) sync = Synchronize.Evaluate;
            }
            catch (UnevaluatableException) when (sync == Synchronize.Auto) { sync = Synchronize.Fetch; }
            catch (QueryTranslationException e) when (sync == Synchronize.Evaluate) { throw new UnevaluatableException(e.Message); }
        }

        Session.Autoflush();
        var runner = Session.Begin(Session.RunnerFor(mapper));
        var w = new SqlWriter(runner.Dialect);
        w.Append("UPDATE ");
        w.Ident(mapper.TableName);
        w.Append(" SET ");
        for (var i = 0; i < set.Items.Count; i++)
        {
            if (i > 0) w.Append(", ");
            w.Ident(columns[i].Name);
            w.Append('=');
            var item = set.Items[i];
            if (item.Expression is null) w.Param(mapper.ToDbValue(columns[i].Index, item.Value));
            else
            {
                var node = new ExpressionTranslator(item.Expression, [es]).Translate() switch
                {
                    ScalarShape sc => sc.Node,
                    ValueShape vs => new ParamNode(mapper.ToDbValue(columns[i].Index, vs.Value)),
                    _ => throw Translator.Unsupported("a SET value that is not a column expression"),
                };
                var paren = node is BinaryNode;
                if (paren) w.Append('(');
                node.Render(w);
                if (paren) w.Append(')');
            }
        }
        var fetch = sync == Synchronize.Fetch;
        int count = Run(w, runner, mapper, t.Model.Where, fetch, out var keys);

        if (sync == Synchronize.Evaluate)
        {
            foreach (var s in Matching(mapper, where!))
            {
                var computed = values.Select(v => v!(s.Entity)).ToArray();
                Assign(s, columns, computed, null);
            }
        }
        else if (fetch)
        {
            // constant SET values are known; computed ones are expired and reload on access
            var known = set.Items.Select(i => i.Expression is null).ToArray();
            var consts = set.Items.Select(i => i.Value).ToArray();
            foreach (var s in ByKeys(mapper, keys)) Assign(s, columns, consts, known);
        }
        return count;
    }

    private static void Assign(InstanceState s, List<ColumnMap> columns, object?[] values, bool[]? known)
    {
        s.Loading = true;
        try
        {
            for (var i = 0; i < columns.Count; i++)
            {
                var bit = columns[i].Bit;
                if (known is not null && !known[i]) { s.Unloaded |= bit; s.Modified &= ~bit; continue; }
                s.Mapper.SetValue(s.Entity, columns[i].Index, values[i]);
                s.Unloaded &= ~bit;
                s.Modified &= ~bit;
            }
        }
        finally { s.Loading = false; }
    }

    /// <summary>
    /// Finishes a bulk UPDATE/DELETE: the query's WHERE, RETURNING of the keys when the session is
    /// synchronized by fetch, then runs it. Returns the rows matched; <paramref name="keys"/> holds
    /// the fetched keys (empty without fetch).
    /// </summary>
    private static int Run(SqlWriter w, Internal.DbRunner runner, EntityMapper mapper, List<SqlNode> where, bool fetch, out List<object?[]> keys)
    {
        if (where.Count > 0)
        {
            w.Append(" WHERE ");
            SelectModel.And(where).Render(w);
        }
        if (fetch) Returning(w, mapper);
        var sql = w.Sb.ToString();
        keys = new List<object?[]>();
        if (!fetch) return runner.ExecuteNonQuery(sql, w.Args.ToArray());
        using var r = runner.ExecuteReader(sql, w.Args.ToArray());
        while (r.Read()) keys.Add(ReadKeyRow(r, mapper));
        return keys.Count;
    }

    private static void Returning(SqlWriter w, EntityMapper mapper)
    {
        w.Append(" RETURNING ");
        for (var i = 0; i < mapper.KeyColumns.Length; i++)
        {
            if (i > 0) w.Append(", ");
            w.Ident(mapper.Columns[mapper.KeyColumns[i]].Name);
        }
    }

    private static object?[] ReadKeyRow(System.Data.Common.DbDataReader r, EntityMapper mapper)
    {
        var k = new object?[mapper.KeyColumns.Length];
        for (var i = 0; i < k.Length; i++) k[i] = mapper.ReadValue(mapper.KeyColumns[i], r, i);
        return k;
    }

    private IEnumerable<InstanceState> ByKeys(EntityMapper mapper, List<object?[]> keys)
    {
        var map = Session.MapFor(mapper);
        foreach (var k in keys)
        {
            object key = k.Length == 1 ? k[0]! : k;
            var s = map.Find(mapper.NormalizeKey(key));
            if (s is not null && s.Status == InstanceStatus.Persistent) yield return s;
        }
    }

    /// <summary>Persistent instances of the mapper for which every filter is true (expired ones are skipped).</summary>
    private List<InstanceState> Matching(EntityMapper mapper, List<Func<DeclarativeBase, object?>> where)
    {
        var result = new List<InstanceState>();
        foreach (var s in Session.MapFor(mapper).States)
        {
            if (s.Status != InstanceStatus.Persistent) continue;
            if (s.Unloaded != 0)
            {
                // SQLAlchemy evaluates only loaded state; an expired instance reloads anyway on next access
                continue;
            }
            var ok = true;
            s.Loading = true;
            try
            {
                foreach (var f in where)
                    if (f(s.Entity) is not true) { ok = false; break; }
            }
            finally { s.Loading = false; }
            if (ok) result.Add(s);
        }
        return result;
    }

    /// <summary>Async twin of <see cref="ExecuteDelete"/>.</summary>
    public Task<int> ExecuteDeleteAsync(Synchronize sync = Synchronize.Auto, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(ExecuteDelete(sync));
    }

    /// <summary>Async twin of <see cref="ExecuteUpdate"/>.</summary>
    public Task<int> ExecuteUpdateAsync(Action<UpdateSetters<T>> setters, Synchronize sync = Synchronize.Auto, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(ExecuteUpdate(setters, sync));
    }
}
