using System.Collections.Concurrent;
using System.Text;
using Trove.Orm.Internal;
using Trove.Orm.Relationships;

namespace Trove.Orm;

/// <summary>
/// Relationship work of the session: lazy loads, save-update cascade on <see cref="Add"/>, and the flush steps
/// (delete cascade and orphans before the plan, foreign keys before each INSERT/UPDATE, link rows after them).
/// </summary>
public sealed partial class Session
{
    private readonly List<(InstanceState Child, RelationshipMap Rel)> _nullKeys = new();
    private readonly List<(InstanceState Child, RelationshipMap Rel)> _orphans = new();
    private readonly HashSet<RelationCollection> _linkChanges = new(ReferenceEqualityComparer.Instance);
    private readonly List<(RelationshipMap Rel, InstanceState Owner)> _linkDeletes = new();

    private static readonly ConcurrentDictionary<(RelationshipMap Rel, OrmDialect Dialect, int Kind), string> s_relSql = new();

    internal bool HasRelationWork => _nullKeys.Count > 0 || _orphans.Count > 0 || _linkChanges.Count > 0;

    internal void QueueNullKey(InstanceState child, RelationshipMap rel) => _nullKeys.Add((child, rel));
    internal void QueueOrphan(InstanceState child, RelationshipMap rel) => _orphans.Add((child, rel));
    internal void TrackLinks(RelationCollection coll) => _linkChanges.Add(coll);

    // ------------------------------------------------------------------ cascade on Add

    /// <summary>save-update cascade: everything reachable through loaded relationships joins the session.</summary>
    private void OnAttached(InstanceState state)
    {
        var m = state.Mapper;
        var rels = m.Relationships;
        if (rels.Length == 0) return;
        foreach (var rel in rels)
        {
            var raw = m.GetRelated(state.Entity, rel.Index);
            if (raw is null) continue;
            if (raw is RelationCollection coll)
            {
                if (coll.HasLinkChanges) TrackLinks(coll);
                if ((rel.Cascade & Cascade.SaveUpdate) == 0) continue;
                foreach (var item in coll.Snapshot()) CascadeAdd(item);
            }
            else if (raw is DeclarativeBase e && (rel.Cascade & Cascade.SaveUpdate) != 0) CascadeAdd(e);
        }
    }

    private void CascadeAdd(DeclarativeBase item)
    {
        var s = item._troveState;
        if (s is not null && s.Session is not null) return;
        Add(item);
    }

    // ------------------------------------------------------------------ lazy load

    /// <summary>Loads one relationship of a persistent instance (lazy select; identity map first for a many-to-one by key).</summary>
    internal void LoadRelationship(InstanceState s, RelationshipMap rel)
    {
        CheckUsable();
        if (rel.Loading == Loading.Raise || (s.RelRaise & rel.Bit) != 0)
            throw new RaiseLoadException($"'{rel}' is not available due to lazy='raise'");
        if (rel.Loading == Loading.NoLoad || rel.Kind == RelationKind.Dynamic)
        {
            if (rel.IsCollection && rel.Kind != RelationKind.Dynamic) rel.Owner.CreateCollection(s.Entity, rel.Index);
            s.RelLoaded |= rel.Bit;
            return;
        }
        var owner = rel.Owner;
        // the join values come from the owner's columns: reload them first when expired
        var needed = 0UL;
        foreach (var c in OwnerJoinColumns(rel)) needed |= owner.Columns[c].Bit;
        if ((s.Unloaded & needed) != 0)
        {
            LoadUnloaded(s);
            // a reload by query may have brought this relationship in its joined SELECT
            if ((s.RelLoaded & rel.Bit) != 0) return;
        }
        var key = JoinValues(s, rel);
        if (rel.Direction == RelationDirection.ManyToOne)
        {
            DeclarativeBase? found = null;
            if (key is not null) found = FindOrSelectParent(rel, key);
            s.Loading = true;
            try { owner.SetRelated(s.Entity, rel.Index, found); }
            finally { s.Loading = false; }
            s.RelLoaded |= rel.Bit;
            return;
        }
        var items = key is null ? [] : SelectRelated(rel, key);
        Populate(s, rel, items);
    }

    /// <summary>Fills a loaded relationship without events; children of a one-to-many get their reverse reference.</summary>
    internal static void Populate(InstanceState s, RelationshipMap rel, IReadOnlyList<DeclarativeBase> items)
    {
        var owner = rel.Owner;
        if (rel.IsCollection)
        {
            ((RelationCollection)owner.CreateCollection(s.Entity, rel.Index)).RawReplace(items);
        }
        else owner.SetRelated(s.Entity, rel.Index, items.Count > 0 ? items[0] : null);
        s.RelLoaded |= rel.Bit;
        if (rel.Reverse is { IsCollection: false } rev && rel.Direction == RelationDirection.OneToMany)
        {
            foreach (var i in items)
            {
                var cs = i._troveState;
                if (cs is null || (cs.RelLoaded & rev.Bit) != 0) continue;
                rev.Owner.SetRelated(i, rev.Index, s.Entity);
                cs.RelLoaded |= rev.Bit;
            }
        }
    }

    private static int[] OwnerJoinColumns(RelationshipMap rel) => rel.OwnerJoin;

    internal static int OwnerJoinColumn(RelationshipMap rel) => rel.OwnerJoin[0];

    /// <summary>Database values of the owner's join columns; null when one is NULL (nothing related).</summary>
    internal static object?[]? JoinValues(InstanceState s, RelationshipMap rel)
    {
        var cols = OwnerJoinColumns(rel);
        var values = new object?[cols.Length];
        var was = s.Loading;
        s.Loading = true;
        try
        {
            for (var i = 0; i < cols.Length; i++)
            {
                values[i] = rel.Owner.GetDbValue(s.Entity, cols[i]);
                if (values[i] is null) return null;
            }
        }
        finally { s.Loading = was; }
        return values;
    }

    private DeclarativeBase? FindOrSelectParent(RelationshipMap rel, object?[] key)
    {
        var target = rel.Target;
        if (rel.ParentColumns.AsSpan().SequenceEqual(target.KeyColumns))
        {
            object boxed = key.Length == 1 ? key[0]! : key;
            var found = MapFor(target).Find(target.NormalizeKey(boxed));
            if (found is not null) return found.Status == InstanceStatus.Deleted ? null : found.Entity;
        }
        Autoflush();
        var items = SelectRelated(rel, key);
        return items.Count > 0 ? items[0] : null;
    }

    /// <summary>SELECT of the related rows for one owner (target columns in mapper order), through the identity map.</summary>
    private List<DeclarativeBase> SelectRelated(RelationshipMap rel, object?[] key)
    {
        Autoflush();
        var target = rel.Target;
        var runner = Begin(RunnerFor(target));
        var sql = s_relSql.GetOrAdd((rel, runner.Dialect, 0), static k => LazySql(k.Rel, k.Dialect));
        var list = new List<DeclarativeBase>();
        using var r = runner.ExecuteReader(sql, key);
        while (r.Read()) list.Add(target.LoadObject(this, r, 0));
        return list;
    }

    /// <summary>Column list of <paramref name="m"/> qualified by <paramref name="alias"/> (mapper order).</summary>
    internal static void SelectColumns(StringBuilder sb, EntityMapper m, OrmDialect d, string alias)
    {
        for (var i = 0; i < m.Columns.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            d.Quote(sb, alias);
            sb.Append('.');
            d.Quote(sb, m.Columns[i].Name);
        }
    }

    internal static void OrderClause(StringBuilder sb, RelationshipMap rel, OrmDialect d, string alias, bool first = true)
    {
        foreach (var (col, desc) in rel.Order)
        {
            sb.Append(first ? " ORDER BY " : ", ");
            first = false;
            d.Quote(sb, alias);
            sb.Append('.');
            d.Quote(sb, rel.Target.Columns[col].Name);
            if (desc) sb.Append(" DESC");
        }
    }

    private static string LazySql(RelationshipMap rel, OrmDialect d)
    {
        var t = rel.Target;
        var sb = new StringBuilder("SELECT ");
        SelectColumns(sb, t, d, t.TableName);
        sb.Append(" FROM ");
        d.Quote(sb, t.TableName);
        var n = 0;
        switch (rel.Direction)
        {
            case RelationDirection.ManyToOne:
                sb.Append(" WHERE ");
                for (var i = 0; i < rel.ParentColumns.Length; i++)
                {
                    if (i > 0) sb.Append(" AND ");
                    Col(sb, d, t.TableName, t.Columns[rel.ParentColumns[i]].Name);
                    sb.Append(" = ");
                    d.Placeholder(sb, n++);
                }
                break;
            case RelationDirection.OneToMany:
                sb.Append(" WHERE ");
                for (var i = 0; i < rel.ChildColumns.Length; i++)
                {
                    if (i > 0) sb.Append(" AND ");
                    d.Placeholder(sb, n++);
                    sb.Append(" = ");
                    Col(sb, d, t.TableName, t.Columns[rel.ChildColumns[i]].Name);
                }
                break;
            default:
                sb.Append(", ");
                d.Quote(sb, rel.SecondaryName);
                sb.Append(" WHERE ");
                for (var i = 0; i < rel.SecondaryOwnerColumns.Length; i++)
                {
                    if (i > 0) sb.Append(" AND ");
                    d.Placeholder(sb, n++);
                    sb.Append(" = ");
                    Col(sb, d, rel.SecondaryName, rel.SecondaryOwnerColumns[i]);
                }
                for (var i = 0; i < rel.SecondaryTargetColumns.Length; i++)
                {
                    sb.Append(" AND ");
                    Col(sb, d, t.TableName, t.Columns[rel.TargetColumns[i]].Name);
                    sb.Append(" = ");
                    Col(sb, d, rel.SecondaryName, rel.SecondaryTargetColumns[i]);
                }
                break;
        }
        OrderClause(sb, rel, d, t.TableName);
        return sb.ToString();
    }

    internal static void Col(StringBuilder sb, OrmDialect d, string table, string column)
    {
        d.Quote(sb, table);
        sb.Append('.');
        d.Quote(sb, column);
    }
}

/// <summary>A relationship configured (or included) with <see cref="Loading.Raise"/> was accessed while not loaded.</summary>
public sealed class RaiseLoadException(string message) : InvalidOperationException(message);
