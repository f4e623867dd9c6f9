using System.Runtime.CompilerServices;
using System.Text;
using Trove.Orm.Internal;
using Trove.Orm.Relationships;

namespace Trove.Orm;

/// <summary>
/// The relationship steps of <see cref="Flush"/>. Order: orphans and delete cascade (they add to the plan),
/// foreign keys copied from parents just before each child's INSERT (parents' tables are inserted first),
/// foreign keys of dirty children and NULLed keys before the UPDATEs, link rows after the UPDATEs and before
/// the DELETEs (link rows go before the rows they reference).
/// </summary>
public sealed partial class Session
{
    /// <summary>Before the flush plan is made: delete-orphan and delete cascade, loading children where needed.</summary>
    private void PrepareRelationships()
    {
        if (_orphans.Count > 0)
        {
            var orphans = _orphans.ToArray();
            _orphans.Clear();
            foreach (var (cs, rel) in orphans)
            {
                if (!ReferenceEquals(cs.Session, this) || !IsOrphan(cs, rel)) continue;
                if (cs.Status == InstanceStatus.Pending) ExpungeState(cs);
                else if (cs.Status == InstanceStatus.Persistent) Remove(cs.Entity);
            }
        }
        if (_deleted.Count == 0) return;
        var seen = new HashSet<InstanceState>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < _deleted.Count; i++)
        {
            var s = _deleted[i];
            if (s.DeletedInFlush || !seen.Add(s)) continue;
            CascadeDelete(s);
        }
        ChildrenFirst();
    }

    /// <summary>
    /// Rows of a self-referential table are deleted children first: the delete cascade queued them parents
    /// first, so their order among themselves is reversed (other rows keep their places).
    /// </summary>
    private void ChildrenFirst()
    {
        foreach (var group in _deleted.GroupBy(s => s.Mapper).ToList())
        {
            if (!group.Key.Relationships.Any(r => ReferenceEquals(r.Resolved().Target, group.Key) && r.Secondary is null)) continue;
            var positions = new List<int>();
            for (var i = 0; i < _deleted.Count; i++) if (ReferenceEquals(_deleted[i].Mapper, group.Key)) positions.Add(i);
            var states = positions.Select(p => _deleted[p]).Reverse().ToList();
            for (var k = 0; k < positions.Count; k++) _deleted[positions[k]] = states[k];
        }
    }

    private static bool IsOrphan(InstanceState child, RelationshipMap rel)
    {
        // the target of a many-to-one or many-to-many (SingleParent is required there) is an orphan once no owner holds it
        if (rel.Direction != RelationDirection.OneToMany) return !SingleParent.IsHeld(rel, child.Entity);
        if (rel.Reverse is { IsCollection: false } rev)
            return rev.Owner.GetRelated(child.Entity, rev.Index) is null;
        return true;
    }

    private void CascadeDelete(InstanceState s)
    {
        var m = s.Mapper;
        foreach (var r in m.Relationships)
        {
            var rel = r.Resolved();
            if (rel.ViewOnly) continue;
            var delete = (rel.Cascade & Cascade.Delete) != 0;
            switch (rel.Direction)
            {
                case RelationDirection.OneToMany:
                    foreach (var child in Related(s, rel))
                    {
                        var cs = child._troveState;
                        if (cs is null || !ReferenceEquals(cs.Session, this)) continue;
                        if (delete)
                        {
                            if (cs.Status == InstanceStatus.Pending) ExpungeState(cs);
                            else if (cs.Status == InstanceStatus.Persistent) Remove(child);
                        }
                        else if (cs.Status == InstanceStatus.Persistent)
                        {
                            // without delete cascade the child stays and loses its parent (NOT NULL: the UPDATE fails)
                            if (rel.ChildNullable) foreach (var col in rel.ChildColumns) rel.Child.SetValue(child, col, null);
                            else _nullKeys.Add((cs, rel));
                        }
                    }
                    break;
                case RelationDirection.ManyToOne when delete:
                    foreach (var parent in Related(s, rel))
                        if (parent._troveState is { Status: InstanceStatus.Persistent } ps && ReferenceEquals(ps.Session, this)) Remove(parent);
                    break;
                case RelationDirection.ManyToMany:
                    if (s.HasIdentity)
                    {
                        // SQLAlchemy loads the collection first (its link rows are deleted pair by pair); the
                        // DELETE here goes by the deleted end's key, but the statement sequence is the reference's
                        _ = Related(s, rel);
                        _linkDeletes.Add((rel, s));
                    }
                    if (delete)
                        foreach (var t in Related(s, rel))
                            if (t._troveState is { Status: InstanceStatus.Persistent } ts && ReferenceEquals(ts.Session, this)) Remove(t);
                    break;
            }
        }
    }

    /// <summary>The related instances of <paramref name="s"/> (loading the relationship when it is not loaded).</summary>
    private IReadOnlyList<DeclarativeBase> Related(InstanceState s, RelationshipMap rel)
    {
        if (rel.Kind == RelationKind.Dynamic)
        {
            var key = JoinValues(s, rel);
            return key is null ? [] : SelectRelated(rel, key);
        }
        if ((s.RelLoaded & rel.Bit) == 0 && s.HasIdentity) LoadRelationship(s, rel);
        var raw = rel.Owner.GetRelated(s.Entity, rel.Index);
        return raw switch
        {
            RelationCollection c => c.Snapshot(),
            DeclarativeBase e => [e],
            _ => [],
        };
    }

    /// <summary>Before a pending instance's INSERT: its foreign keys from its parents (inserted earlier in this flush).</summary>
    private void BeforeInsert(InstanceState s)
    {
        var m = s.Mapper;
        foreach (var r in m.Relationships)
        {
            var rel = r.Resolved();
            if (rel.Direction != RelationDirection.ManyToOne || rel.ViewOnly) continue;
            if (m.GetRelated(s.Entity, rel.Index) is DeclarativeBase parent && !RelationshipEvents.CopyKey(rel, parent, s.Entity))
            {
                // the parent is not inserted yet (tables that reference each other): INSERT without the key, UPDATE it after
                _postUpdates.Add((s, rel, parent));
            }
        }
        s.RelChanged = 0;
        CopyParentLinks(s);
    }

    private readonly List<(InstanceState Child, RelationshipMap Rel, DeclarativeBase Parent)> _postUpdates = new();

    /// <summary>
    /// SQLAlchemy's save_obj writes a table's UPDATEs before its INSERTs. Trove does the same when <paramref name="mapper"/>
    /// has rows of both kinds and its UPDATEs wait for no row still to be inserted: not a self-referential table, and
    /// every parent a changed row now points to is already persistent (a parent inserted later keeps INSERTs first).
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    private bool UpdatesFirst(EntityMapper mapper)
    {
        if (_dirty.Count == 0 && _nullKeys.Count == 0) return false;
        foreach (var c in mapper.Columns)
            if (c.ForeignTable == mapper.TableName) return false;
        var updates = false;
        foreach (var (_, rel) in _nullKeys)
            if (ReferenceEquals(rel.Child, mapper)) updates = true;
        foreach (var s in _dirty)
        {
            if (!ReferenceEquals(s.Mapper, mapper) || s.Status != InstanceStatus.Persistent) continue;
            updates = true;
            foreach (var r in mapper.Relationships)
            {
                var rel = r.Resolved();
                if ((s.RelChanged & rel.Bit) == 0 || rel.Direction != RelationDirection.ManyToOne || rel.ViewOnly) continue;
                if (mapper.GetRelated(s.Entity, rel.Index) is DeclarativeBase { _troveState: { Status: not InstanceStatus.Persistent } }) return false;
            }
            if (RelationshipEvents.ParentLinks(s.Entity) is { } links)
                foreach (var (_, parent) in links)
                    if (parent._troveState is { Status: not InstanceStatus.Persistent }) return false;
        }
        if (!updates) return false;
        foreach (var s in _new)
            if (ReferenceEquals(s.Mapper, mapper)) return true;
        return false;
    }

    private static void CopyParentLinks(InstanceState s)
    {
        var links = RelationshipEvents.ParentLinks(s.Entity);
        if (links is null) return;
        foreach (var (rel, parent) in links) RelationshipEvents.CopyKey(rel, parent, s.Entity);
        RelationshipEvents.ForgetParentLinks(s.Entity);
    }

    /// <summary>
    /// Before the UPDATEs: keys of re-parented children whose parent was inserted by this flush; keys set to NULL.
    /// With <paramref name="only"/>: just that table's rows, for its UPDATEs written before its INSERTs (post-updates wait).
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    private void BeforeUpdates(EntityMapper? only = null)
    {
        if (_postUpdates.Count > 0 && only is null)
        {
            // post-update: the parents now have keys; the children join the UPDATEs with the foreign key set
            foreach (var (child, rel, parent) in _postUpdates)
                if (child.Status == InstanceStatus.Persistent) RelationshipEvents.CopyKey(rel, parent, child.Entity);
            _postUpdates.Clear();
        }
        if (_dirty.Count > 0)
        {
            foreach (var s in _dirty.ToArray())
            {
                if (s.Status != InstanceStatus.Persistent || (only is not null && !ReferenceEquals(s.Mapper, only))) continue;
                if (s.RelChanged != 0)
                {
                    var m = s.Mapper;
                    foreach (var r in m.Relationships)
                    {
                        var rel = r.Resolved();
                        if ((s.RelChanged & rel.Bit) == 0 || rel.Direction != RelationDirection.ManyToOne || rel.ViewOnly) continue;
                        if (m.GetRelated(s.Entity, rel.Index) is DeclarativeBase parent) RelationshipEvents.CopyKey(rel, parent, s.Entity);
                    }
                    s.RelChanged = 0;
                }
                CopyParentLinks(s);
            }
        }
        if (_nullKeys.Count == 0) return;
        var nulls = _nullKeys.ToArray();
        _nullKeys.Clear();
        foreach (var (cs, rel) in nulls)
        {
            if (only is not null && !ReferenceEquals(rel.Child, only))
            {
                _nullKeys.Add((cs, rel));
                continue;
            }
            if (cs.Status != InstanceStatus.Persistent || !ReferenceEquals(cs.Session, this)) continue;
            if (rel.Reverse is { IsCollection: false } rev && rev.Owner.GetRelated(cs.Entity, rev.Index) is not null) continue;
            var runner = Begin(RunnerFor(rel.Child));
            var sql = s_relSql.GetOrAdd((rel, runner.Dialect, 1), static k => NullKeySql(k.Rel, k.Dialect));
            var key = new object?[rel.Child.KeyColumns.Length];
            cs.Loading = true;
            try
            {
                for (var i = 0; i < key.Length; i++) key[i] = rel.Child.GetDbValue(cs.Entity, rel.Child.KeyColumns[i]);
            }
            finally { cs.Loading = false; }
            runner.ExecuteNonQuery(sql, key);
        }
    }

    /// <summary>
    /// Before the DELETEs: a deleted row that references a row deleted before it (tables that reference each other,
    /// where the delete order can honour only one direction) gets that key set to NULL first, the UPDATE SQLAlchemy's
    /// post-update emits; the mirror of the INSERT-then-UPDATE of <see cref="BeforeInsert"/>.
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    private void BeforeDeletes(List<EntityMapper> order)
    {
        if (_deleted.Count < 2) return;
        var position = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < order.Count; i++) position.TryAdd(order[i].TableName, i);
        Dictionary<string, HashSet<object>>? keys = null;
        foreach (var s in _deleted)
            if (s.Status == InstanceStatus.Deleted && !s.DeletedInFlush && s.BoxedKey is { } k)
            {
                keys ??= new(StringComparer.Ordinal);
                if (!keys.TryGetValue(s.Mapper.TableName, out var set)) keys[s.Mapper.TableName] = set = new();
                set.Add(k);
            }
        if (keys is null) return;
        foreach (var s in _deleted)
        {
            if (s.Status != InstanceStatus.Deleted || s.DeletedInFlush) continue;
            var m = s.Mapper;
            foreach (var c in m.Columns)
            {
                // order is deletion order reversed: a referenced table further on is deleted first
                if (c.ForeignTable is not { } ft || !c.Nullable || !keys.TryGetValue(ft, out var targets)) continue;
                if (!position.TryGetValue(ft, out var j) || j <= position[m.TableName]) continue;
                if ((s.Unloaded & (1UL << c.Index)) != 0) LoadUnloaded(s);
                object? value;
                var key = new object?[m.KeyColumns.Length];
                s.Loading = true;
                try
                {
                    value = m.GetValue(s.Entity, c.Index);
                    for (var i = 0; i < key.Length; i++) key[i] = m.GetDbValue(s.Entity, m.KeyColumns[i]);
                }
                finally { s.Loading = false; }
                if (value is null || !targets.Contains(value)) continue;
                var runner = Begin(RunnerFor(m));
                runner.ExecuteNonQuery(s_nullColumnSql.GetOrAdd((m, c.Index, runner.Dialect), static k => NullColumnSql(k.Mapper, k.Column, k.Dialect)), key);
            }
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(EntityMapper Mapper, int Column, OrmDialect Dialect), string> s_nullColumnSql = new();

    private static string NullColumnSql(EntityMapper m, int column, OrmDialect d)
    {
        var sb = new StringBuilder("UPDATE ");
        d.Quote(sb, m.TableName);
        sb.Append(" SET ");
        d.Quote(sb, m.Columns[column].Name);
        sb.Append("=NULL");
        AppendKeyWhere(sb, d, m);
        return sb.ToString();
    }

    /// <summary><c> WHERE t.key1 = ? AND …</c>: the primary key, placeholders from 0.</summary>
    private static void AppendKeyWhere(StringBuilder sb, OrmDialect d, EntityMapper m)
    {
        sb.Append(" WHERE ");
        for (var i = 0; i < m.KeyColumns.Length; i++)
        {
            if (i > 0) sb.Append(" AND ");
            Col(sb, d, m.TableName, m.Columns[m.KeyColumns[i]].Name);
            sb.Append(" = ");
            d.Placeholder(sb, i);
        }
    }

    private static string NullKeySql(RelationshipMap rel, OrmDialect d)
    {
        var c = rel.Child;
        var sb = new StringBuilder("UPDATE ");
        d.Quote(sb, c.TableName);
        sb.Append(" SET ");
        for (var i = 0; i < rel.ChildColumns.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            d.Quote(sb, c.Columns[rel.ChildColumns[i]].Name);
            sb.Append("=NULL");
        }
        AppendKeyWhere(sb, d, c);
        return sb.ToString();
    }

    /// <summary>Many-to-many link rows: DELETEs for removed elements and deleted owners, then INSERTs for added elements.</summary>
    [MethodImpl(RowLoop.Optimize)]
    private void FlushLinkRows()
    {
        foreach (var (rel, owner) in _linkDeletes)
        {
            var key = JoinValues(owner, rel);
            if (key is null) continue;
            var runner = Begin(RunnerFor(rel.Owner));
            runner.ExecuteNonQuery(s_relSql.GetOrAdd((rel, runner.Dialect, 2), static k => LinkDeleteSql(k.Rel, k.Dialect, 0)), key);
        }
        _linkDeletes.Clear();
        if (_linkChanges.Count == 0) return;
        var changes = _linkChanges.ToArray();
        _linkChanges.Clear();
        // link rows are written in batches per relationship: DELETEs first, then multi-row INSERTs
        var inserts = new Dictionary<RelationshipMap, List<object?[]>>();
        foreach (var coll in changes)
        {
            var rel = coll.Relation.Resolved();
            var os = coll.Owner._troveState;
            if (os is null || !ReferenceEquals(os.Session, this) || os.Status != InstanceStatus.Persistent) continue;
            var ownerKey = JoinValues(os, rel);
            if (ownerKey is null) continue;
            if (coll.LinksRemoved is { Count: > 0 } removed)
            {
                var runner = Begin(RunnerFor(rel.Owner));
                foreach (var chunk in removed.Chunk(LinkBatch))
                {
                    var args = new List<object?>(ownerKey);
                    foreach (var t in chunk) args.AddRange(TargetValues(rel, t));
                    runner.ExecuteNonQuery(LinkDeleteSql(rel, runner.Dialect, chunk.Length), args.ToArray());
                }
                removed.Clear();
            }
            if (coll.LinksAdded is { Count: > 0 } added)
            {
                if (!inserts.TryGetValue(rel, out var rows)) inserts[rel] = rows = [];
                foreach (var t in added) rows.Add([.. ownerKey, .. TargetValues(rel, t)]);
                added.Clear();
            }
        }
        foreach (var (rel, rows) in inserts)
        {
            var runner = Begin(RunnerFor(rel.Owner));
            foreach (var chunk in rows.Chunk(LinkBatch))
                runner.ExecuteNonQuery(LinkInsertSql(rel, runner.Dialect, chunk.Length), chunk.SelectMany(r => r).ToArray());
        }
    }

    /// <summary>Link rows per statement (well under SQLite's and PostgreSQL's parameter limits).</summary>
    private const int LinkBatch = 500;

    private static object?[] TargetValues(RelationshipMap rel, DeclarativeBase t)
    {
        var ts = t._troveState;
        var values = new object?[rel.TargetColumns.Length];
        var was = ts?.Loading ?? false;
        if (ts is not null) ts.Loading = true;
        try
        {
            for (var i = 0; i < values.Length; i++) values[i] = rel.Target.GetDbValue(t, rel.TargetColumns[i]);
        }
        finally { if (ts is not null) ts.Loading = was; }
        return values;
    }

    /// <summary>DELETE of an owner's link rows: all of them (<paramref name="targets"/> 0) or those to the given targets.</summary>
    private static string LinkDeleteSql(RelationshipMap rel, OrmDialect d, int targets)
    {
        var sb = new StringBuilder("DELETE FROM ");
        d.Quote(sb, rel.SecondaryName);
        sb.Append(" WHERE ");
        var n = 0;
        foreach (var c in rel.SecondaryOwnerColumns)
        {
            if (n > 0) sb.Append(" AND ");
            Col(sb, d, rel.SecondaryName, c);
            sb.Append(" = ");
            d.Placeholder(sb, n++);
        }
        if (targets == 0) return sb.ToString();
        sb.Append(" AND (");
        for (var t = 0; t < targets; t++)
        {
            if (t > 0) sb.Append(" OR ");
            sb.Append('(');
            for (var i = 0; i < rel.SecondaryTargetColumns.Length; i++)
            {
                if (i > 0) sb.Append(" AND ");
                Col(sb, d, rel.SecondaryName, rel.SecondaryTargetColumns[i]);
                sb.Append(" = ");
                d.Placeholder(sb, n++);
            }
            sb.Append(')');
        }
        sb.Append(')');
        return sb.ToString();
    }

    /// <summary>Multi-row INSERT of <paramref name="rows"/> link rows.</summary>
    private static string LinkInsertSql(RelationshipMap rel, OrmDialect d, int rows)
    {
        var sb = new StringBuilder("INSERT INTO ");
        d.Quote(sb, rel.SecondaryName);
        sb.Append(" (");
        var cols = rel.SecondaryOwnerColumns.Concat(rel.SecondaryTargetColumns).ToArray();
        for (var i = 0; i < cols.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            d.Quote(sb, cols[i]);
        }
        sb.Append(") VALUES ");
        var n = 0;
        for (var r = 0; r < rows; r++)
        {
            sb.Append(r > 0 ? ", (" : "(");
            for (var i = 0; i < cols.Length; i++)
            {
                if (i > 0) sb.Append(", ");
                d.Placeholder(sb, n++);
            }
            sb.Append(')');
        }
        return sb.ToString();
    }
}
