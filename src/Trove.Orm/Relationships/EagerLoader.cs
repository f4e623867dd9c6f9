using System.Data.Common;
using System.Runtime.CompilerServices;
using Trove.Orm.Querying;

namespace Trove.Orm.Relationships;

/// <summary>One relationship to load with a query, and what to load below it.</summary>
internal sealed class LoadNode(RelationshipMap rel, Loading strategy)
{
    public RelationshipMap Rel { get; } = rel;
    public Loading Strategy { get; set; } = strategy;
    public List<LoadNode> Children { get; set; } = [];
    /// <summary>Joined: first ordinal of the target's columns in the row.</summary>
    public int Offset;
    /// <summary>Joined collection whose (parent, child) pairs may repeat across rows (several collection joins).</summary>
    public bool MayRepeat;
    // Joined reading: the parent of the previous row at this node and what was decided for it. A parent's rows
    // usually come one after another, so most rows skip the per-(parent, relationship) lookup.
    internal InstanceState? LastParent;
    internal bool LastSkip;
    internal RelationCollection? LastCollection;
}

/// <summary>
/// Eager loading of an entity query (SQLAlchemy's loader strategies): joined adds LEFT OUTER JOINs and columns
/// to the query and attaches related rows while reading; selectin runs one query per 500 parent keys
/// (<c>IN</c>); subquery runs one query joined to the original query's keys; noload marks the relationship
/// loaded and empty. Included paths come from <c>Include</c>/<c>ThenInclude</c>, the rest from the
/// relationships' configured <see cref="RelationshipMap.Loading"/>; a cycle stops at <see cref="RelationshipMap.JoinDepth"/>.
/// </summary>
internal static partial class EagerLoader
{
    public const int BatchSize = 500;

    /// <summary>The plan of one execution, found again by its SELECT model after the rows are read.</summary>
    private sealed class Execution(List<LoadNode> nodes, EntityShape root, SelectModel original)
    {
        public List<LoadNode> Nodes { get; } = nodes;
        public EntityShape Root { get; } = root;
        public SelectModel Original { get; } = original;
        public bool Dedupe;
    }

    private static readonly ConditionalWeakTable<SelectModel, Execution> s_executions = new();

    // ------------------------------------------------------------------ plan

    /// <summary>
    /// True when running the query may load relationships (an Include, or a root class with a relationship
    /// configured eager): such executions are not served from the plan cache, whose reader is shared.
    /// </summary>
    public static bool Involved(QueryNode node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (n.Op == QueryOp.Include) return true; // the plan cache key does not see include paths, joins or correlation values
            if (n.Op == QueryOp.Root && n.Mapper is { } m && m.HasEagerDefaults) return true;
        }
        return false;
    }

    public static List<LoadNode>? Plan(EntityMapper root, QueryNode node)
    {
        var specs = new List<IncludeSpec>();
        for (var n = node; n is not null; n = n.Parent)
            if (n.Op == QueryOp.Include && n.Include is IncludeSpec { Join: JoinKind.None } spec) specs.Insert(0, spec);
        var wildcards = specs.Where(s => s.Name == IncludeSpec.Wildcard).ToList();
        var paths = specs.Where(s => s.Name != IncludeSpec.Wildcard).Select(s => s.Path()).ToList();
        var nodes = Build(root, paths, [], wildcards, null);
        return nodes.Count == 0 ? null : nodes;
    }

    private static bool IsEager(Loading l) => l is Loading.Joined or Loading.SelectIn or Loading.Subquery or Loading.NoLoad;

    private static Loading DefaultEager(RelationshipMap rel) =>
        IsEager(rel.Loading) && rel.Loading != Loading.NoLoad ? rel.Loading : rel.IsCollection ? Loading.SelectIn : Loading.Joined;

    private static List<LoadNode> Build(EntityMapper m, List<List<IncludeSpec>> paths, List<RelationshipMap> ancestors, List<IncludeSpec> wildcards, RelationshipMap? via)
    {
        var list = new List<LoadNode>();
        foreach (var r in m.Relationships)
        {
            var rel = r.Resolved();
            if (rel.Kind == RelationKind.Dynamic) continue;
            var mine = paths.Where(p => p.Count > 0 && p[0].Name == rel.Name).ToList();
            Loading strategy;
            if (mine.Count > 0)
            {
                var chosen = mine.Select(p => p[0].Loading).LastOrDefault(l => l != Loading.Default);
                strategy = chosen == Loading.Default ? DefaultEager(rel) : chosen;
            }
            else
            {
                if (via is not null && ReferenceEquals(rel, via.Reverse)) continue; // filled by the loading itself
                var w = wildcards.LastOrDefault(x => x.ForType is null || x.ForType == m.EntityType);
                strategy = w?.Loading ?? rel.Loading;
                if (!IsEager(strategy)) continue;
                // configured eager loading of a self-referential relationship needs JoinDepth (as in SQLAlchemy)
                if (rel.JoinDepth == 0 && ReferenceEquals(rel.Owner, rel.Target)) continue;
                var seen = ancestors.Count(a => ReferenceEquals(a, rel));
                if (seen >= Math.Max(1, rel.JoinDepth)) continue;
                if (rel.JoinDepth == 0 && seen == 0 && ancestors.Any(a => ReferenceEquals(a.Owner, rel.Target) && !ReferenceEquals(a, rel))) continue;
            }
            if (!IsEager(strategy) && strategy is not (Loading.ContainsEager or Loading.Raise)) continue;
            if (strategy == Loading.Raise && mine.Count == 0) continue;
            var node = new LoadNode(rel, strategy);
            if (strategy is not (Loading.NoLoad or Loading.Raise))
                node.Children = Build(rel.Target, mine.Select(p => p.Skip(1).ToList()).ToList(), [.. ancestors, rel], wildcards, rel);
            list.Add(node);
        }
        return list;
    }

    // ------------------------------------------------------------------ joined

    /// <summary>
    /// Plans the eager loading of an entity query, adds its joined relationships to <paramref name="model"/> and returns the row
    /// reader that attaches them; registers the execution for <see cref="Complete{TR}"/>.
    /// </summary>
    public static Func<DbDataReader, Session?, T> Prepare<T>(SelectModel model, Shape shape, QueryNode node, Func<DbDataReader, Session?, T> read)
    {
        if (shape is NewShape ns && !node.NoTracking) return PrepareProjection(model, ns, node, read);
        if (shape is not EntityShape es || node.NoTracking) return read;
        var nodes = Plan(es.Mapper, node);
        if (nodes is null) return read;
        var original = model.Clone();
        var limited = model.Limit is not null || model.Offset is not null || model.Distinct || model.Compound.Count > 0 || model.GroupBy.Count > 0;
        var exec = new Execution(nodes, es, original);
        var joined = new List<LoadNode>();
        var rootQualifier = es.From.Qualifier;
        if (limited && nodes.Any(n => n.Strategy == Loading.Joined && (n.Rel.IsCollection || n.Rel.Direction != RelationDirection.ManyToOne))
            && WrapLimited(model, es))
        {
            // LIMIT applies to the parents in a derived table; the joined collections go around it (SQLAlchemy does the same)
            rootQualifier = "anon_1";
            limited = false;
        }
        AddJoins(model, rootQualifier, nodes, joined, limited, exec, top: true);
        s_executions.AddOrUpdate(model, exec);
        if (joined.Count == 0) return read;
        var collections = CountCollectionJoins(joined);
        MarkUnique(joined, collections > 1);
        ResetRowCache(joined);
        var seen = new Dictionary<(InstanceState, RelationshipMap), bool>();
        return (r, s) =>
        {
            var e = read(r, s);
            if (s is not null && e is DeclarativeBase d) Attach(d, joined, r, s, seen);
            return e;
        };
    }

    /// <summary>
    /// Turns <paramref name="model"/> into <c>SELECT anon_1.* FROM (&lt;model&gt;) AS anon_1</c> (same column order),
    /// repeating its ORDER BY on the outer query; false (model untouched) when the ordering is not plain columns.
    /// </summary>
    private static bool WrapLimited(SelectModel model, EntityShape root)
    {
        if (model.Compound.Count > 0 || model.GroupBy.Count > 0 || model.From.Count != 1) return false;
        var order = new List<OrderNode>();
        foreach (var o in model.OrderBy)
        {
            if (o.Expr is not ColumnNode c || c.Qualifier != root.From.Qualifier) return false;
            order.Add(new OrderNode(new ColumnNode("anon_1", c.Name), o.Descending));
        }
        var inner = model.Clone();
        model.From.Clear();
        model.Columns.Clear();
        model.Where.Clear();
        model.OrderBy.Clear();
        model.Limit = null;
        model.Offset = null;
        model.Distinct = false;
        model.ForUpdate = null;
        model.From.Add(new FromItem { Derived = inner, Qualifier = "anon_1" });
        foreach (var c in root.Mapper.Columns) model.Columns.Add(new ColumnNode("anon_1", c.Name));
        model.OrderBy.AddRange(order);
        return true;
    }

    private static void AddJoins(SelectModel model, string parentQualifier, List<LoadNode> nodes, List<LoadNode> joined, bool limited, Execution exec, bool top)
    {
        foreach (var n in nodes)
        {
            if (n.Strategy == Loading.ContainsEager)
            {
                // populated from a join the query made itself (Join(b => b.UserObj)): its columns are read, nothing is added
                var existing = model.From.Skip(1).FirstOrDefault(f => f.IsJoin && ReferenceEquals(f.Mapper, n.Rel.Target));
                if (existing is null) throw new QueryTranslationException($"ContainsEager of '{n.Rel}' needs a Join along it first");
                if (n.Rel.IsCollection && top) exec.Dedupe = true;
                n.Offset = model.Columns.Count;
                foreach (var c in n.Rel.Target.Columns) model.Columns.Add(new ColumnNode(existing.Qualifier, c.Name));
                joined.Add(n);
                continue;
            }
            if (n.Strategy != Loading.Joined) continue;
            var rel = n.Rel;
            var collection = rel.IsCollection || rel.Direction != RelationDirection.ManyToOne;
            // rows multiply under a joined collection: LIMIT would cut parents, and a secondary without a mapper cannot be joined
            if (collection && limited)
            {
                n.Strategy = Loading.SelectIn;
                continue;
            }
            if (collection && top) exec.Dedupe = true;
            var target = rel.Target;
            var q = Alias(model, target.TableName);
            SqlNode on;
            if (rel.Direction == RelationDirection.ManyToMany)
            {
                var sq = Alias(model, rel.SecondaryName);
                var secOn = Eq(sq, rel.SecondaryOwnerColumns, parentQualifier, rel.OwnerColumns.Select(c => rel.Owner.Columns[c].Name).ToArray());
                model.From.Add(new FromItem { Table = rel.SecondaryName, Qualifier = sq, On = secOn, Outer = true, IsJoin = true });
                on = Eq(q, rel.TargetColumns.Select(c => target.Columns[c].Name).ToArray(), sq, rel.SecondaryTargetColumns);
            }
            else if (rel.Direction == RelationDirection.ManyToOne)
                on = Eq(q, rel.ParentColumns.Select(c => target.Columns[c].Name).ToArray(), parentQualifier, rel.ChildColumns.Select(c => rel.Owner.Columns[c].Name).ToArray());
            else
                on = Eq(q, rel.ChildColumns.Select(c => target.Columns[c].Name).ToArray(), parentQualifier, rel.ParentColumns.Select(c => rel.Owner.Columns[c].Name).ToArray());
            model.From.Add(new FromItem { Mapper = target, Qualifier = q, On = on, Outer = true, IsJoin = true });
            n.Offset = model.Columns.Count;
            foreach (var c in target.Columns) model.Columns.Add(new ColumnNode(q, c.Name));
            foreach (var (col, desc) in rel.Order) model.OrderBy.Add(new OrderNode(new ColumnNode(q, target.Columns[col].Name), desc));
            joined.Add(n);
            var below = new List<LoadNode>();
            AddJoins(model, q, n.Children, below, limited, exec, top && !collection);
            n.Children = [.. below, .. n.Children.Where(c => !below.Contains(c))];
        }
    }

    private static string Alias(SelectModel model, string table)
    {
        var name = table + "_1";
        var i = 1;
        while (model.From.Any(f => f.Qualifier == name)) name = table + "_" + ++i;
        return name;
    }

    private static SqlNode Eq(string q1, string[] c1, string q2, string[] c2)
    {
        SqlNode? r = null;
        for (var i = 0; i < c1.Length; i++)
        {
            var eq = new BinaryNode(new ColumnNode(q1, c1[i]), "=", new ColumnNode(q2, c2[i]), 4);
            r = r is null ? eq : new BinaryNode(r, "AND", eq, 2);
        }
        return r!;
    }

    private static void Attach(DeclarativeBase parent, List<LoadNode> nodes, DbDataReader r, Session s, Dictionary<(InstanceState, RelationshipMap), bool> seen)
    {
        var ps = parent._troveState;
        if (ps is null) return;
        foreach (var n in nodes)
        {
            if (n.Strategy is not (Loading.Joined or Loading.ContainsEager)) continue;
            var rel = n.Rel;
            var target = rel.Target;
            var child = r.IsDBNull(n.Offset + target.KeyColumns[0]) ? null : target.LoadObject(s, r, n.Offset);
            bool skip;
            if (ReferenceEquals(n.LastParent, ps)) skip = n.LastSkip;
            else
            {
                if (!seen.TryGetValue((ps, rel), out skip))
                {
                    // a relationship loaded before this query keeps its (possibly modified) value
                    skip = (ps.RelLoaded & rel.Bit) != 0;
                    seen[(ps, rel)] = skip;
                    if (!skip)
                    {
                        if (rel.IsCollection) ((RelationCollection)rel.Owner.CreateCollection(parent, rel.Index)).RawClear();
                        else rel.Owner.SetRelated(parent, rel.Index, null);
                        ps.RelLoaded |= rel.Bit;
                    }
                }
                n.LastParent = ps;
                n.LastSkip = skip;
                n.LastCollection = !skip && rel.IsCollection ? (RelationCollection)rel.Owner.CreateCollection(parent, rel.Index) : null;
            }
            if (child is null) continue;
            if (!skip)
            {
                if (n.LastCollection is { } coll)
                {
                    // one joined collection: each (parent, child) pair comes in one row; several multiply the rows
                    if (!n.MayRepeat) coll.RawAppend(child);
                    else if (!coll.RawContains(child)) coll.RawAdd(child);
                }
                else rel.Owner.SetRelated(parent, rel.Index, child);
                SetReverse(rel, parent, child);
            }
            if (n.Children.Count > 0) Attach(child, n.Children, r, s, seen);
        }
    }

    private static void ResetRowCache(List<LoadNode> nodes)
    {
        foreach (var n in nodes)
        {
            n.LastParent = null;
            n.LastCollection = null;
            ResetRowCache(n.Children);
        }
    }

    private static int CountCollectionJoins(List<LoadNode> nodes) =>
        nodes.Where(n => n.Strategy is Loading.Joined or Loading.ContainsEager)
            .Sum(n => (n.Rel.IsCollection ? 1 : 0) + CountCollectionJoins(n.Children));

    private static void MarkUnique(List<LoadNode> nodes, bool repeat)
    {
        foreach (var n in nodes)
        {
            n.MayRepeat = repeat || n.Strategy == Loading.ContainsEager;
            MarkUnique(n.Children, repeat);
        }
    }

    /// <summary>A child loaded through a one-to-many gets its (unloaded) many-to-one reverse for free.</summary>
    internal static void SetReverse(RelationshipMap rel, DeclarativeBase parent, DeclarativeBase child)
    {
        if (rel.Direction != RelationDirection.OneToMany || rel.Reverse is not { IsCollection: false } rev) return;
        var cs = child._troveState;
        if (cs is null || (cs.RelLoaded & rev.Bit) != 0) return;
        rev.Owner.SetRelated(child, rev.Index, parent);
        cs.RelLoaded |= rev.Bit;
    }

    // ------------------------------------------------------------------ after the rows

    /// <summary>Runs the non-joined strategies for the rows of an execution prepared by <see cref="Prepare{T}"/>.</summary>
    public static List<TR> Complete<TR>(Session session, SelectModel model, List<TR> rows)
    {
        if (!s_executions.TryGetValue(model, out var exec)) return rows;
        s_executions.Remove(model);
        if (exec.Dedupe && rows.Count > 1)
        {
            // a parent's rows usually come together: compare with the previous row before hashing
            var set = new HashSet<object>(ReferenceEqualityComparer.Instance);
            var unique = new List<TR>();
            object? last = null;
            foreach (var x in rows)
            {
                if (x is null || ReferenceEquals(x, last)) continue;
                last = x;
                if (set.Add(x)) unique.Add(x);
            }
            rows = unique;
        }
        var parents = new List<DeclarativeBase>(rows.Count);
        foreach (var x in rows) if (x is DeclarativeBase d) parents.Add(d);
        if (parents.Count > 0) PostLoad(session, parents, exec.Nodes, exec);
        return rows;
    }
}
