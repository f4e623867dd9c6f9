namespace Trove.Sql.Schema;

/// <summary>CREATE/DROP of tables in one transaction, in the order given (MetaData sorts by foreign keys).</summary>
internal static class Ddl
{
    private static readonly HashSet<ForeignKeyDef> s_none = new();

    public static void CreateTables(Engine engine, IReadOnlyList<Table> tables, bool checkFirst, IReadOnlySet<ForeignKeyDef>? altered = null)
    {
        altered ??= s_none;
        using var conn = engine.Connect();
        using var tx = conn.Begin();
        var d = engine.Dialect;
        var created = new List<Table>(tables.Count);
        foreach (var t in tables)
        {
            if (checkFirst && conn.HasTable(t.Name)) continue;
            bool types = false;
            foreach (var sql in d.CreateTypesSql(t)) { conn.ExecuteSql(sql); types = true; }
            if (types && !conn.IsMock) engine.Driver!.TypesChanged(conn.DbConnection);
            conn.ExecuteSql(altered.Count == 0 ? d.CreateTableSql(t) : d.CreateTableSql(t, Sources(t, altered)));
            foreach (var ix in t.Indexes) conn.ExecuteSql(d.CreateIndexSql(ix));
            created.Add(t);
        }
        // like SQLAlchemy: the deferred constraints of the tables created now, once all of them exist
        if (altered.Count > 0)
            foreach (var t in created)
                foreach (var fk in t.ForeignKeyDefs())
                    if (altered.Contains(fk)) conn.ExecuteSql(d.AddForeignKeySql(fk));
        tx.Commit();
    }

    public static void DropTables(Engine engine, IReadOnlyList<Table> tables, bool checkFirst, IReadOnlySet<ForeignKeyDef>? altered = null)
    {
        altered ??= s_none;
        using var conn = engine.Connect();
        using var tx = conn.Begin();
        var d = engine.Dialect;
        var existing = tables.Where(t => !checkFirst || conn.IsMock || conn.HasTable(t.Name)).ToList();
        // the constraints CreateAll added by ALTER go first: until then the cycle pins every table of it
        if (altered.Count > 0)
            foreach (var t in existing.AsEnumerable().Reverse())
                foreach (var fk in t.ForeignKeyDefs())
                    if (altered.Contains(fk)) conn.ExecuteSql(d.DropForeignKeySql(fk));
        foreach (var t in existing)
        {
            conn.ExecuteSql(d.DropTableSql(t));
            foreach (var sql in d.DropTypesSql(t)) conn.ExecuteSql(sql);
        }
        tx.Commit();
    }

    private static HashSet<ITableElement> Sources(Table t, IReadOnlySet<ForeignKeyDef> altered)
    {
        var r = new HashSet<ITableElement>(ReferenceEqualityComparer.Instance);
        foreach (var fk in t.ForeignKeyDefs()) if (altered.Contains(fk)) r.Add(fk.Source);
        return r;
    }
}

/// <summary>
/// CREATE/DROP order of a set of tables and the foreign keys deferred to ALTER statements (SQLAlchemy's
/// <c>sort_tables_and_constraints</c>): foreign keys marked use-alter and every foreign key inside a cycle of
/// tables (a strongly connected component of the reference graph) are deferred where the dialect can ALTER-add
/// constraints, and stay inline elsewhere; the remaining references order the tables, parents first, declaration
/// order otherwise.
/// </summary>
internal sealed class DdlPlan
{
    public required IReadOnlyList<Table> Tables { get; init; }
    public required IReadOnlySet<ForeignKeyDef> Altered { get; init; }

    public static DdlPlan For(IReadOnlyList<Table> tables, Dialects.Dialect? dialect)
    {
        var byName = tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        // edges between distinct tables of this set; a self-reference never blocks a CREATE
        var edges = tables.SelectMany(t => t.ForeignKeyDefs())
            .Where(fk => byName.TryGetValue(fk.ReferredTable, out var rt) && rt != fk.Table).ToList();
        // use-alter keys and the keys inside a cycle do not order the tables (SQLAlchemy sorts without them on
        // every dialect); only where ALTER can add them later are they left out of CREATE TABLE
        var ignored = new HashSet<ForeignKeyDef>(edges.Where(fk => fk.UseAlter));
        var component = Components(tables, edges.Where(fk => !fk.UseAlter).ToList(), byName);
        foreach (var fk in edges)
            if (component[fk.Table] >= 0 && component[fk.Table] == component[byName[fk.ReferredTable]]) ignored.Add(fk);
        var altered = dialect is { SupportsAlter: true } ? ignored : new HashSet<ForeignKeyDef>();
        // level by level, as SQLAlchemy's create_all: every table whose remaining references are created, in
        // declaration order, then the next level (MetaData.SortedTables is this order)
        var result = new List<Table>(tables.Count);
        var todo = new List<Table>(tables);
        var done = new HashSet<Table>();
        while (todo.Count > 0)
        {
            var level = todo.Where(t => t.ForeignKeyDefs().All(fk => ignored.Contains(fk)
                || !byName.TryGetValue(fk.ReferredTable, out var rt) || rt == t || done.Contains(rt))).ToList();
            if (level.Count == 0) level = todo; // unreachable: every cycle's keys are ignored above
            result.AddRange(level);
            done.UnionWith(level);
            todo = todo.Where(t => !done.Contains(t)).ToList();
        }
        return new DdlPlan { Tables = result, Altered = altered };
    }

    /// <summary>Tarjan's strongly connected components: a component number per table in a cycle, -1 for the others.</summary>
    private static Dictionary<Table, int> Components(IReadOnlyList<Table> tables, List<ForeignKeyDef> edges, Dictionary<string, Table> byName)
    {
        var next = tables.ToDictionary(t => t, _ => new List<Table>());
        foreach (var fk in edges) next[fk.Table].Add(byName[fk.ReferredTable]);
        var index = new Dictionary<Table, int>();
        var low = new Dictionary<Table, int>();
        var onStack = new HashSet<Table>();
        var stack = new Stack<Table>();
        var component = tables.ToDictionary(t => t, _ => -1);
        int counter = 0, components = 0;
        void Connect(Table v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v); onStack.Add(v);
            foreach (var w in next[v])
            {
                if (!index.ContainsKey(w)) { Connect(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var members = new List<Table>();
            Table x;
            do { x = stack.Pop(); onStack.Remove(x); members.Add(x); } while (x != v);
            if (members.Count < 2) return;
            foreach (var m in members) component[m] = components;
            components++;
        }
        foreach (var t in tables) if (!index.ContainsKey(t)) Connect(t);
        return component;
    }
}
