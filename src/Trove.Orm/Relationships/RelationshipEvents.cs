using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Trove.Orm.Relationships;

/// <summary>
/// What happens in memory when a relationship changes (SQLAlchemy's attribute events): the reverse side is
/// updated without events, foreign keys are copied at once when the parent's key is known (else at flush),
/// save-update cascades into the owner's session, and many-to-many changes are queued as link rows.
/// </summary>
/// <remarks>
/// A reverse collection that is not loaded is left alone: the lazy load after the next autoflush sees the row.
/// Not thread-safe (instances belong to one session / one flow).
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RelationshipEvents
{
    /// <summary>Children of a one-to-many relationship that has no reverse reference: their parent, for the FK at flush.</summary>
    private static readonly ConditionalWeakTable<DeclarativeBase, List<(RelationshipMap Rel, DeclarativeBase Parent)>> s_parents = new();
    // false until the first parent link is recorded: every INSERT asks for links, most programs never record any
    private static volatile bool s_anyParentLinks;

    /// <summary>Generated setter of a reference property.</summary>
    public static void SetReference(DeclarativeBase owner, RelationshipMap rel, DeclarativeBase? value)
    {
        rel = rel.Resolved();
        var m = rel.Owner;
        var s = owner._troveState;
        if (s is { Loading: true })
        {
            m.SetRelated(owner, rel.Index, value);
            return;
        }
        var loaded = s is null || (s.RelLoaded & rel.Bit) != 0;
        var orphanable = rel.Direction == RelationDirection.ManyToOne && (rel.Cascade & Orm.Cascade.DeleteOrphan) != 0;
        if (!loaded && orphanable && s is { Status: InstanceStatus.Persistent })
        {
            // the target being replaced may become an orphan, so it is loaded first (SQLAlchemy's active history)
            s.LoadRelationship(rel.Index);
            loaded = true;
        }
        var old = loaded ? m.GetRelated(owner, rel.Index) as DeclarativeBase : null;
        if (rel.SingleParent && value is not null && !ReferenceEquals(old, value)) SingleParent.Check(rel, value);
        m.SetRelated(owner, rel.Index, value);
        if (s is not null)
        {
            s.RelLoaded |= rel.Bit;
            s.RelChanged |= rel.Bit;
        }
        if (loaded && ReferenceEquals(old, value)) return;
        if (rel.SingleParent)
        {
            if (old is not null) SingleParent.Set(rel, old, held: false);
            if (value is not null) SingleParent.Set(rel, value, held: true);
        }
        if (rel.Reverse is { } rev)
        {
            if (old is not null) RawUnlink(old, rev, owner);
            if (value is not null) RawLink(value, rev, owner);
        }
        if (rel.ViewOnly) return;
        if (rel.Direction == RelationDirection.ManyToOne)
        {
            if (orphanable && old?._troveState is { Session: { } session } olds) session.QueueOrphan(olds, rel);
            if (value is null) NullKey(rel, owner);
            else if (!CopyKey(rel, value, owner)) MarkKeyPending(rel, owner);
        }
        else if (rel.Direction == RelationDirection.OneToMany)
        {
            if (old is not null) ChildRemoved(rel, owner, old);
            if (value is not null) ChildAdded(rel, owner, value);
        }
        if (value is not null) Cascade(rel, owner, value);
    }

    /// <summary>Generated setter of a collection property: replaces the elements (events for the difference).</summary>
    public static void SetCollection<T>(DeclarativeBase owner, RelationshipMap rel, IEnumerable<T>? value) where T : DeclarativeBase
    {
        rel = rel.Resolved();
        var coll = (RelationCollection)rel.Owner.CreateCollection(owner, rel.Index);
        var s = owner._troveState;
        if (s is not null && (s.RelLoaded & rel.Bit) == 0) s.LoadRelationship(rel.Index);
        var incoming = value is null ? [] : value.Cast<DeclarativeBase>().ToArray();
        if (s is { Loading: true })
        {
            coll.RawClear();
            foreach (var e in incoming) coll.RawAdd(e);
            return;
        }
        var old = coll.Snapshot();
        var keep = new HashSet<DeclarativeBase>(incoming, ReferenceEqualityComparer.Instance);
        var had = new HashSet<DeclarativeBase>(old, ReferenceEqualityComparer.Instance);
        coll.RawClear();
        foreach (var e in incoming) coll.RawAdd(e);
        if (s is not null) s.RelLoaded |= rel.Bit;
        foreach (var e in old) if (!keep.Contains(e)) Removed(owner, rel, e);
        foreach (var e in incoming) if (!had.Contains(e)) Appended(owner, rel, e);
    }

    /// <summary>An element was added to a collection by the user.</summary>
    internal static void Appended(DeclarativeBase owner, RelationshipMap rel, DeclarativeBase item)
    {
        rel = rel.Resolved();
        if (rel.SingleParent)
        {
            SingleParent.Check(rel, item);
            SingleParent.Set(rel, item, held: true);
        }
        if (rel.Reverse is { } rev)
        {
            if (!rev.IsCollection)
            {
                // the element's previous parent loses it
                var ist = item._troveState;
                if (ist is null || (ist.RelLoaded & rev.Bit) != 0)
                {
                    var prev = rev.Owner.GetRelated(item, rev.Index) as DeclarativeBase;
                    if (prev is not null && !ReferenceEquals(prev, owner)) RawUnlink(prev, rel, item);
                }
            }
            RawLink(item, rev, owner);
        }
        if (!rel.ViewOnly)
        {
            if (rel.Direction == RelationDirection.OneToMany) ChildAdded(rel, owner, item);
            else if (rel.Direction == RelationDirection.ManyToMany) LinkChanged(owner, rel, item, added: true);
        }
        Cascade(rel, owner, item);
    }

    /// <summary>An element was removed from a collection by the user.</summary>
    internal static void Removed(DeclarativeBase owner, RelationshipMap rel, DeclarativeBase item)
    {
        rel = rel.Resolved();
        if (rel.SingleParent) SingleParent.Set(rel, item, held: false);
        if (rel.Reverse is { } rev) RawUnlink(item, rev, owner);
        if (rel.ViewOnly) return;
        if (rel.Direction == RelationDirection.OneToMany) ChildRemoved(rel, owner, item);
        else if (rel.Direction == RelationDirection.ManyToMany)
        {
            LinkChanged(owner, rel, item, added: false);
            if ((rel.Cascade & Orm.Cascade.DeleteOrphan) != 0 && item._troveState is { Session: { } session } its) session.QueueOrphan(its, rel);
        }
    }

    // ------------------------------------------------------------------ raw reverse-side updates

    /// <summary>Makes <paramref name="item"/> appear on <paramref name="target"/>'s side <paramref name="rev"/> without events.</summary>
    internal static void RawLink(DeclarativeBase target, RelationshipMap rev, DeclarativeBase item)
    {
        var ts = target._troveState;
        if (rev.IsCollection)
        {
            if (rev.Kind == RelationKind.Dynamic) return;
            if (ts is not null && ts.Status != InstanceStatus.Pending && ts.HasIdentity && (ts.RelLoaded & rev.Bit) == 0) return;
            var coll = (RelationCollection)rev.Owner.CreateCollection(target, rev.Index);
            if (!coll.RawContains(item)) coll.RawAdd(item);
            if (ts is not null) ts.RelLoaded |= rev.Bit;
        }
        else
        {
            if (rev.SingleParent)
            {
                // a change through the reverse side moves the flag without a check, as SQLAlchemy's backrefs do
                if (rev.Owner.GetRelated(target, rev.Index) is DeclarativeBase before) SingleParent.Set(rev, before, held: false);
                SingleParent.Set(rev, item, held: true);
            }
            rev.Owner.SetRelated(target, rev.Index, item);
            if (ts is not null)
            {
                ts.RelLoaded |= rev.Bit;
                ts.RelChanged |= rev.Bit;
            }
        }
    }

    /// <summary>Removes <paramref name="item"/> from <paramref name="target"/>'s side <paramref name="rev"/> without events.</summary>
    internal static void RawUnlink(DeclarativeBase target, RelationshipMap rev, DeclarativeBase item)
    {
        var ts = target._troveState;
        var loaded = ts is null || (ts.RelLoaded & rev.Bit) != 0 || ts.Status == InstanceStatus.Pending || !ts.HasIdentity;
        if (rev.IsCollection)
        {
            if (!loaded || rev.Kind == RelationKind.Dynamic) return;
            if (rev.Owner.GetRelated(target, rev.Index) is RelationCollection coll) coll.RawRemove(item);
        }
        else if (!loaded || ReferenceEquals(rev.Owner.GetRelated(target, rev.Index), item))
        {
            // an unloaded reference pointed at the item (the item held the target): it is now known to be empty
            if (rev.SingleParent) SingleParent.Set(rev, item, held: false);
            rev.Owner.SetRelated(target, rev.Index, null);
            if (ts is not null)
            {
                ts.RelLoaded |= rev.Bit;
                ts.RelChanged |= rev.Bit;
            }
        }
    }

    // ------------------------------------------------------------------ foreign keys

    /// <summary>Copies the parent's key into the child's foreign-key columns when the key is known.</summary>
    internal static bool CopyKey(RelationshipMap rel, DeclarativeBase parent, DeclarativeBase child)
    {
        var ps = parent._troveState;
        if (ps is null || !ps.HasIdentity) return false;
        var pm = rel.Parent;
        var cm = rel.Child;
        var cs = child._troveState;
        var pWas = ps.Loading;
        ps.Loading = true;
        object?[] values;
        try
        {
            values = new object?[rel.ParentColumns.Length];
            for (var i = 0; i < values.Length; i++) values[i] = pm.GetValue(parent, rel.ParentColumns[i]);
        }
        finally { ps.Loading = pWas; }
        for (var i = 0; i < values.Length; i++)
        {
            var col = rel.ChildColumns[i];
            if (cs is not null && (cs.Unloaded & cm.Columns[col].Bit) == 0)
            {
                var was = cs.Loading;
                cs.Loading = true;
                object? cur;
                try { cur = cm.GetValue(child, col); }
                finally { cs.Loading = was; }
                if (Equals(cur, values[i]) && cs.Status != InstanceStatus.Pending) continue;
            }
            cm.SetValue(child, col, values[i]);
        }
        return true;
    }

    /// <summary>Sets the child's foreign key to NULL (at once when the columns accept it, else at flush, where it fails).</summary>
    private static void NullKey(RelationshipMap rel, DeclarativeBase child)
    {
        var cs = child._troveState;
        if (rel.ChildNullable)
        {
            foreach (var col in rel.ChildColumns) rel.Child.SetValue(child, col, null);
            return;
        }
        if (cs is { Session: { } session, Status: InstanceStatus.Persistent }) session.QueueNullKey(cs, rel);
    }

    private static void ChildAdded(RelationshipMap rel, DeclarativeBase parent, DeclarativeBase child)
    {
        if (CopyKey(rel, parent, child)) return;
        // the parent has no key yet: the flush copies it after the parent's INSERT
        if (rel.Reverse is null || rel.Reverse.IsCollection)
        {
            s_anyParentLinks = true;
            var links = s_parents.GetOrCreateValue(child);
            links.RemoveAll(l => ReferenceEquals(l.Rel, rel));
            links.Add((rel, parent));
        }
        MarkKeyPending(rel, child);
    }

    /// <summary>A persistent child whose parent has no key yet: it joins the dirty list so the flush UPDATEs its key.</summary>
    private static void MarkKeyPending(RelationshipMap rel, DeclarativeBase child)
    {
        if (child._troveState is not { Status: InstanceStatus.Persistent } cs) return;
        var bits = 0UL;
        foreach (var c in rel.ChildColumns) bits |= rel.Child.Columns[c].Bit;
        cs.OnModify(bits);
    }

    private static void ChildRemoved(RelationshipMap rel, DeclarativeBase parent, DeclarativeBase child)
    {
        if (s_parents.TryGetValue(child, out var links)) links.RemoveAll(l => ReferenceEquals(l.Rel, rel) && ReferenceEquals(l.Parent, parent));
        var cs = child._troveState;
        if ((rel.Cascade & Orm.Cascade.DeleteOrphan) != 0)
        {
            if (cs?.Session is { } session) session.QueueOrphan(cs, rel);
            return;
        }
        if (rel.ChildNullable)
        {
            foreach (var col in rel.ChildColumns) rel.Child.SetValue(child, col, null);
            return;
        }
        if (cs is { Session: { } s, Status: InstanceStatus.Persistent }) s.QueueNullKey(cs, rel);
    }

    /// <summary>The parent links recorded for a child whose one-to-many relationship has no reverse reference.</summary>
    internal static List<(RelationshipMap Rel, DeclarativeBase Parent)>? ParentLinks(DeclarativeBase child) =>
        s_anyParentLinks && s_parents.TryGetValue(child, out var l) && l.Count > 0 ? l : null;

    internal static void ForgetParentLinks(DeclarativeBase child) => s_parents.Remove(child);

    private static void LinkChanged(DeclarativeBase owner, RelationshipMap rel, DeclarativeBase item, bool added)
    {
        var coll = (RelationCollection)rel.Owner.CreateCollection(owner, rel.Index);
        coll.RecordLink(item, added);
        // the reverse side never records the same link
        if (rel.Reverse is { } rev && rev.Owner.GetRelated(item, rev.Index) is RelationCollection other)
        {
            if (added) other.LinksRemoved?.Remove(owner);
            else other.LinksAdded?.Remove(owner);
        }
        owner._troveState?.Session?.TrackLinks(coll);
    }

    // ------------------------------------------------------------------ cascade

    /// <summary>save-update: an element attached to an instance of a session joins that session (and, as in SQLAlchemy 1.4, the other way round through the reverse side).</summary>
    private static void Cascade(RelationshipMap rel, DeclarativeBase owner, DeclarativeBase item)
    {
        var os = owner._troveState;
        var its = item._troveState;
        if (os?.Session is { } session && (rel.Cascade & Orm.Cascade.SaveUpdate) != 0 && os.Status is InstanceStatus.Pending or InstanceStatus.Persistent)
        {
            if (its is null || its.Session is null) session.Add(item);
            return;
        }
        if (its?.Session is { } other && rel.Reverse is { } rev && (rev.Cascade & Orm.Cascade.SaveUpdate) != 0 && (os is null || os.Session is null)
            && its.Status is InstanceStatus.Pending or InstanceStatus.Persistent)
            other.Add(owner);
    }
}
