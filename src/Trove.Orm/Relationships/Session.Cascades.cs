using Trove.Orm.Relationships;

namespace Trove.Orm;

/// <summary>The expunge, refresh-expire and merge cascades (save-update and delete live with Add and Flush).</summary>
public sealed partial class Session
{
    private Dictionary<DeclarativeBase, DeclarativeBase>? _merging;

    /// <summary>Loaded related instances of <paramref name="s"/> through relationships with cascade <paramref name="cascade"/>.</summary>
    private static IEnumerable<DeclarativeBase> CascadeTargets(InstanceState s, Cascade cascade)
    {
        var m = s.Mapper;
        foreach (var rel in m.Relationships)
        {
            if ((rel.Cascade & cascade) == 0 || (s.RelLoaded & rel.Bit) == 0 && s.Status != InstanceStatus.Pending) continue;
            switch (m.GetRelated(s.Entity, rel.Index))
            {
                case RelationCollection c:
                    foreach (var e in c.Snapshot()) yield return e;
                    break;
                case DeclarativeBase e:
                    yield return e;
                    break;
            }
        }
    }

    /// <summary>expunge cascade: loaded related instances leave the session too.</summary>
    private void ExpungeCascade(InstanceState s)
    {
        foreach (var e in CascadeTargets(s, Cascade.Expunge).ToList())
        {
            var es = e._troveState;
            if (es is null || !ReferenceEquals(es.Session, this)) continue;
            ExpungeCascade(es);
            if (ReferenceEquals(es.Session, this)) ExpungeState(es);
        }
    }

    /// <summary>refresh-expire cascade: loaded related instances are expired with their parent.</summary>
    private void ExpireCascade(InstanceState s)
    {
        var seen = new HashSet<InstanceState>(ReferenceEqualityComparer.Instance) { s };
        var todo = new Stack<InstanceState>();
        todo.Push(s);
        while (todo.Count > 0)
        {
            var cur = todo.Pop();
            // the parent's relationships were just marked unloaded; their last values are still the cascade's path
            var rels = cur.RelLoaded;
            cur.RelLoaded = cur.Mapper.AllRelationships;
            var targets = CascadeTargets(cur, Cascade.RefreshExpire).ToList();
            cur.RelLoaded = ReferenceEquals(cur, s) ? 0 : rels;
            foreach (var e in targets)
            {
                var es = e._troveState;
                if (es is null || !ReferenceEquals(es.Session, this) || !seen.Add(es)) continue;
                ExpireState(es, es.Mapper.AllColumns);
                todo.Push(es);
            }
        }
    }

    private DeclarativeBase? MergedAlready(DeclarativeBase instance) =>
        _merging is not null && _merging.TryGetValue(instance, out var t) ? t : null;

    /// <summary>merge cascade: related instances of the merged one are merged and set on the session's copy.</summary>
    private void MergeRelationships(DeclarativeBase source, DeclarativeBase target)
    {
        var m = MapperOf(source);
        if (m.Relationships.Length == 0) return;
        var outer = _merging is null;
        _merging ??= new Dictionary<DeclarativeBase, DeclarativeBase>(ReferenceEqualityComparer.Instance);
        _merging[source] = target;
        // like SQLAlchemy's merge: loading the target's collections must not flush half-merged instances
        _noAutoflush++;
        try
        {
            var ss = source._troveState;
            foreach (var rel in m.Relationships)
            {
                if ((rel.Cascade & Cascade.Merge) == 0 || rel.Kind == RelationKind.Dynamic) continue;
                if (ss is not null && (ss.RelLoaded & rel.Bit) == 0) continue;
                switch (m.GetRelated(source, rel.Index))
                {
                    case RelationCollection c:
                        var merged = c.Snapshot().Select(e => (DeclarativeBase)Merge(e)).ToList();
                        RelationshipEvents.SetCollection(target, rel, merged);
                        break;
                    case DeclarativeBase e:
                        RelationshipEvents.SetReference(target, rel, Merge(e));
                        break;
                }
            }
        }
        finally
        {
            _noAutoflush--;
            if (outer) _merging = null;
        }
    }
}
