using System.Data.Common;
using System.Text;
using Trove.Orm.Internal;
using Trove.Orm.Querying;

namespace Trove.Orm.Relationships;

internal static partial class EagerLoader
{
    private static void PostLoad(Session session, List<DeclarativeBase> parents, List<LoadNode> nodes, Execution? exec)
    {
        foreach (var n in nodes)
        {
            var rel = n.Rel;
            List<DeclarativeBase> children;
            switch (n.Strategy)
            {
                case Loading.Raise:
                    foreach (var p in parents)
                        if (p._troveState is { } rs && (rs.RelLoaded & rel.Bit) == 0) rs.RelRaise |= rel.Bit;
                    continue;
                case Loading.NoLoad:
                    foreach (var p in parents)
                        if (p._troveState is { } ps && (ps.RelLoaded & rel.Bit) == 0) Session.Populate(ps, rel, []);
                    continue;
                case Loading.Joined:
                case Loading.ContainsEager:
                    // loaded while reading the rows; the children are only needed to load below them
                    if (n.Children.Count == 0) continue;
                    children = Gather(parents, rel);
                    break;
                case Loading.Subquery when exec is not null && rel.OwnerJoinColumnCount() == 1:
                    children = LoadSubquery(session, parents, rel, exec, n.Children.Count > 0);
                    break;
                default:
                    children = LoadSelectIn(session, parents, rel, n.Children.Count > 0);
                    break;
            }
            if (n.Children.Count > 0 && children.Count > 0) PostLoad(session, children, n.Children, null);
        }
    }

    private static List<DeclarativeBase> Gather(List<DeclarativeBase> parents, RelationshipMap rel)
    {
        var set = new HashSet<DeclarativeBase>(ReferenceEqualityComparer.Instance);
        var list = new List<DeclarativeBase>();
        foreach (var p in parents)
        {
            switch (rel.Owner.GetRelated(p, rel.Index))
            {
                case RelationCollection c:
                    foreach (var x in c.Snapshot()) if (set.Add(x)) list.Add(x);
                    break;
                case DeclarativeBase d:
                    if (set.Add(d)) list.Add(d);
                    break;
            }
        }
        return list;
    }

    /// <summary>Integer keys of different widths (SQLite long, PostgreSQL int) compare equal.</summary>
    private static object NormKey(object v) => v switch
    {
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        _ => v,
    };

    /// <summary>Parents that still need the relationship, grouped by their join value (null join value: empty at once).</summary>
    private static Dictionary<object, List<InstanceState>> Pending(List<DeclarativeBase> parents, RelationshipMap rel, List<InstanceState> composite)
    {
        var byKey = new Dictionary<object, List<InstanceState>>();
        foreach (var p in parents)
        {
            var ps = p._troveState;
            if (ps is null || (ps.RelLoaded & rel.Bit) != 0 || !ps.HasIdentity) continue;
            if (rel.OwnerJoinColumnCount() != 1) { composite.Add(ps); continue; }
            var key = Session.JoinValues(ps, rel);
            if (key is null) { Session.Populate(ps, rel, []); continue; }
            var k = NormKey(key[0]!);
            if (!byKey.TryGetValue(k, out var l)) byKey[k] = l = [];
            l.Add(ps);
        }
        return byKey;
    }

    /// <summary>
    /// The related rows by join key: integer keys (the usual case) are read with the typed getter into a
    /// dictionary of longs, so a row costs no boxing; other keys go through <see cref="NormKey"/>.
    /// </summary>
    private sealed class Found
    {
        private readonly Dictionary<long, List<DeclarativeBase>> _byLong = new();
        private readonly Dictionary<object, List<DeclarativeBase>> _byObject = new();
        private static readonly List<DeclarativeBase> Empty = [];

        /// <summary>Reads every row: ordinal 0 is the join key, the target's columns follow.</summary>
        public void ReadAll(DbDataReader r, Session session, EntityMapper target)
        {
            var t = r.FieldCount > 0 ? r.GetFieldType(0) : null;
            var kind = t == typeof(long) ? 1 : t == typeof(int) ? 2 : t == typeof(short) ? 3 : 0;
            while (r.Read())
            {
                List<DeclarativeBase>? l;
                // the key is never NULL here: rows come through "key IN (…)" or an equality join
                if (kind != 0)
                {
                    long k = kind == 1 ? r.GetInt64(0) : kind == 2 ? r.GetInt32(0) : r.GetInt16(0);
                    if (!_byLong.TryGetValue(k, out l)) _byLong[k] = l = [];
                }
                else
                {
                    var k = NormKey(r.GetValue(0));
                    if (k is long lk)
                    {
                        if (!_byLong.TryGetValue(lk, out l)) _byLong[lk] = l = [];
                    }
                    else if (!_byObject.TryGetValue(k, out l)) _byObject[k] = l = [];
                }
                l.Add(target.LoadObject(session, r, 1));
            }
        }

        public List<DeclarativeBase> For(object key) =>
            (key is long lk ? _byLong.GetValueOrDefault(lk) : _byObject.GetValueOrDefault(key)) ?? Empty;
    }

    private static List<DeclarativeBase> LoadSelectIn(Session session, List<DeclarativeBase> parents, RelationshipMap rel, bool needChildren)
    {
        var composite = new List<InstanceState>();
        var byKey = Pending(parents, rel, composite);
        var result = new List<DeclarativeBase>();
        foreach (var ps in composite)
        {
            session.LoadRelationship(ps, rel);
            result.AddRange(Gather([ps.Entity], rel));
        }
        if (byKey.Count == 0) return result;
        var found = new Found();
        var keys = byKey.Keys.ToList();
        var target = rel.Target;
        var runner = session.Begin(session.RunnerFor(target));
        for (var start = 0; start < keys.Count; start += BatchSize)
        {
            var count = Math.Min(BatchSize, keys.Count - start);
            var sql = SelectInSql(rel, runner.Dialect, count);
            var args = new object?[count];
            for (var i = 0; i < count; i++) args[i] = keys[start + i];
            using var r = runner.ExecuteReader(sql, args);
            found.ReadAll(r, session, target);
        }
        return Distribute(byKey, found, rel, result, needChildren);
    }

    /// <summary>
    /// Fills each pending parent's relationship; returns the distinct related instances when
    /// <paramref name="needChildren"/> (relationships to load below them), else only <paramref name="result"/>.
    /// </summary>
    private static List<DeclarativeBase> Distribute(Dictionary<object, List<InstanceState>> byKey, Found found,
        RelationshipMap rel, List<DeclarativeBase> result, bool needChildren)
    {
        var seen = needChildren ? new HashSet<DeclarativeBase>(result, ReferenceEqualityComparer.Instance) : null;
        foreach (var (k, states) in byKey)
        {
            var items = found.For(k);
            foreach (var ps in states)
            {
                Session.Populate(ps, rel, items);
                if (seen is not null)
                    foreach (var i in items) if (seen.Add(i)) result.Add(i);
            }
        }
        return result;
    }

    /// <summary>SELECT &lt;join key&gt;, &lt;target columns&gt; … WHERE &lt;join key&gt; IN (…) ORDER BY &lt;relationship order&gt;.</summary>
    private static string SelectInSql(RelationshipMap rel, OrmDialect d, int count)
    {
        var t = rel.Target;
        var tq = t.TableName;
        var sb = new StringBuilder("SELECT ");
        string keyTable, keyColumn;
        switch (rel.Direction)
        {
            case RelationDirection.ManyToOne:
                (keyTable, keyColumn) = (tq, t.Columns[rel.ParentColumns[0]].Name);
                break;
            case RelationDirection.OneToMany:
                (keyTable, keyColumn) = (tq, t.Columns[rel.ChildColumns[0]].Name);
                break;
            default:
                (keyTable, keyColumn) = (rel.SecondaryName, rel.SecondaryOwnerColumns[0]);
                break;
        }
        Session.Col(sb, d, keyTable, keyColumn);
        sb.Append(", ");
        Session.SelectColumns(sb, t, d, tq);
        sb.Append(" FROM ");
        d.Quote(sb, tq);
        if (rel.Direction == RelationDirection.ManyToMany)
        {
            sb.Append(", ");
            d.Quote(sb, rel.SecondaryName);
        }
        sb.Append(" WHERE ");
        Session.Col(sb, d, keyTable, keyColumn);
        sb.Append(" IN (");
        for (var i = 0; i < count; i++)
        {
            if (i > 0) sb.Append(", ");
            d.Placeholder(sb, i);
        }
        sb.Append(')');
        if (rel.Direction == RelationDirection.ManyToMany) SecondaryJoin(sb, rel, d, " AND ");
        Session.OrderClause(sb, rel, d, tq);
        return sb.ToString();
    }

    private static void SecondaryJoin(StringBuilder sb, RelationshipMap rel, OrmDialect d, string first)
    {
        for (var i = 0; i < rel.SecondaryTargetColumns.Length; i++)
        {
            sb.Append(i == 0 ? first : " AND ");
            Session.Col(sb, d, rel.Target.TableName, rel.Target.Columns[rel.TargetColumns[i]].Name);
            sb.Append(" = ");
            Session.Col(sb, d, rel.SecondaryName, rel.SecondaryTargetColumns[i]);
        }
    }

    /// <summary>
    /// SQLAlchemy's subqueryload: the original query reduced to the parents' join keys becomes a derived table
    /// joined to the related table (one statement whatever the number of parents).
    /// </summary>
    private static List<DeclarativeBase> LoadSubquery(Session session, List<DeclarativeBase> parents, RelationshipMap rel, Execution exec, bool needChildren)
    {
        var composite = new List<InstanceState>();
        var byKey = Pending(parents, rel, composite);
        if (byKey.Count == 0) return Gather(parents, rel);
        var target = rel.Target;
        var runner = session.Begin(session.RunnerFor(target));
        var d = runner.Dialect;
        var inner = exec.Original.Clone();
        inner.Columns.Clear();
        var ownerCol = rel.Owner.Columns[Session.OwnerJoinColumn(rel)].Name;
        inner.Columns.Add(new ColumnNode(exec.Root.From.Qualifier, ownerCol));
        inner.Distinct = true;
        if (inner.Limit is null && inner.Offset is null) inner.OrderBy.Clear();
        var w = new SqlWriter(d);
        w.Append("SELECT anon_1.");
        w.Ident(ownerCol);
        w.Append(", ");
        Session.SelectColumns(w.Sb, target, d, target.TableName);
        w.Append(" FROM (");
        inner.Render(w);
        w.Append(") AS anon_1 JOIN ");
        var sb = w.Sb;
        switch (rel.Direction)
        {
            case RelationDirection.ManyToOne:
                d.Quote(sb, target.TableName);
                sb.Append(" ON ");
                Session.Col(sb, d, target.TableName, target.Columns[rel.ParentColumns[0]].Name);
                break;
            case RelationDirection.OneToMany:
                d.Quote(sb, target.TableName);
                sb.Append(" ON ");
                Session.Col(sb, d, target.TableName, target.Columns[rel.ChildColumns[0]].Name);
                break;
            default:
                d.Quote(sb, rel.SecondaryName);
                sb.Append(" ON ");
                Session.Col(sb, d, rel.SecondaryName, rel.SecondaryOwnerColumns[0]);
                sb.Append(" = anon_1.");
                d.Quote(sb, ownerCol);
                sb.Append(" JOIN ");
                d.Quote(sb, target.TableName);
                SecondaryJoin(sb, rel, d, " ON ");
                break;
        }
        if (rel.Direction != RelationDirection.ManyToMany)
        {
            sb.Append(" = anon_1.");
            d.Quote(sb, ownerCol);
        }
        sb.Append(" ORDER BY anon_1.");
        d.Quote(sb, ownerCol);
        Session.OrderClause(sb, rel, d, target.TableName, first: false);
        var found = new Found();
        using (var r = runner.ExecuteReader(sb.ToString(), w.Args.ToArray())) found.ReadAll(r, session, target);
        var result = new List<DeclarativeBase>();
        foreach (var ps in composite)
        {
            session.LoadRelationship(ps, rel);
            result.AddRange(Gather([ps.Entity], rel));
        }
        return Distribute(byKey, found, rel, result, needChildren);
    }
}
