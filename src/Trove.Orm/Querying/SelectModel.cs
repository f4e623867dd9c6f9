namespace Trove.Orm.Querying;

/// <summary>One FROM item: an entity table (with its qualifier) or a derived table.</summary>
internal sealed class FromItem
{
    public EntityMapper? Mapper;
    public SelectModel? Derived;
    /// <summary>A table without a mapper (a relationship's secondary table).</summary>
    public string? Table;
    public string Qualifier = "";
    /// <summary>Null: comma-separated (cross join); otherwise the ON condition.</summary>
    public SqlNode? On;
    public bool Outer;
    public bool IsJoin;
}

/// <summary>A SELECT being built by the translator; rendered once per execution.</summary>
internal sealed class SelectModel
{
    public readonly List<FromItem> From = new();
    public readonly List<SqlNode> Columns = new();
    public readonly List<SqlNode> Where = new();
    public readonly List<SqlNode> GroupBy = new();
    public readonly List<SqlNode> Having = new();
    public readonly List<OrderNode> OrderBy = new();
    public SqlNode? Limit;
    public SqlNode? Offset;
    public bool Distinct;
    public string? ForUpdate;
    public IReadOnlyList<EntityMapper>? ForUpdateOf;
    /// <summary>Compound: this select UNION [ALL] the others.</summary>
    public readonly List<(SelectModel Select, bool All)> Compound = new();

    public string NewQualifier(EntityMapper m)
    {
        var name = m.TableName;
        var n = 1;
        while (HasQualifier(name)) name = m.TableName + "_" + n++;
        return name;
    }

    private bool HasQualifier(string q)
    {
        foreach (var f in From) if (f.Qualifier == q) return true;
        return false;
    }

    public static SqlNode And(IReadOnlyList<SqlNode> parts)
    {
        var r = parts[0];
        for (var i = 1; i < parts.Count; i++) r = new BinaryNode(r, "AND", parts[i], 2);
        return r;
    }

    public void Render(SqlWriter w)
    {
        if (Compound.Count > 0)
        {
            RenderCore(w);
            foreach (var (s, all) in Compound)
            {
                w.Append(all ? " UNION ALL " : " UNION ");
                s.RenderCore(w);
            }
            return;
        }
        RenderCore(w);
    }

    private void RenderCore(SqlWriter w)
    {
        w.Append(Distinct ? "SELECT DISTINCT " : "SELECT ");
        for (var i = 0; i < Columns.Count; i++)
        {
            if (i > 0) w.Append(", ");
            Columns[i].Render(w);
        }
        if (From.Count > 0)
        {
            w.Append(" FROM ");
            for (var i = 0; i < From.Count; i++)
            {
                var f = From[i];
                if (i > 0) w.Append(f.IsJoin ? (f.Outer ? " LEFT OUTER JOIN " : " JOIN ") : ", ");
                if (f.Mapper is not null || f.Table is not null)
                {
                    var table = f.Mapper?.TableName ?? f.Table!;
                    w.Ident(table);
                    if (f.Qualifier != table) { w.Append(" AS "); w.Ident(f.Qualifier); }
                }
                else
                {
                    w.Append('(');
                    f.Derived!.Render(w);
                    w.Append(") AS ");
                    w.Ident(f.Qualifier);
                }
                if (f.IsJoin && f.On is not null)
                {
                    w.Append(" ON ");
                    f.On.Render(w);
                }
            }
        }
        if (Where.Count > 0)
        {
            w.Append(" WHERE ");
            And(Where).Render(w);
        }
        if (GroupBy.Count > 0)
        {
            w.Append(" GROUP BY ");
            for (var i = 0; i < GroupBy.Count; i++)
            {
                if (i > 0) w.Append(", ");
                GroupBy[i].Render(w);
            }
        }
        if (Having.Count > 0)
        {
            w.Append(" HAVING ");
            And(Having).Render(w);
        }
        if (OrderBy.Count > 0)
        {
            w.Append(" ORDER BY ");
            for (var i = 0; i < OrderBy.Count; i++)
            {
                if (i > 0) w.Append(", ");
                OrderBy[i].Render(w);
            }
        }
        if (Limit is not null || Offset is not null)
        {
            w.Append(" LIMIT ");
            if (Limit is not null) Limit.Render(w);
            else w.Append(w.Dialect.IsPostgres ? "ALL" : "-1");
            if (Offset is not null)
            {
                w.Append(" OFFSET ");
                Offset.Render(w);
            }
        }
        if (ForUpdate is not null && w.Dialect.SupportsForUpdate)
        {
            var nowait = ForUpdate.EndsWith(" NOWAIT", StringComparison.Ordinal);
            var clause = nowait ? ForUpdate[..^7] : ForUpdate;
            var mysqlShare = w.Dialect.IsMySql && clause == "FOR SHARE";
            w.Append(' ').Append(mysqlShare ? "LOCK IN SHARE MODE" : clause);
            if (ForUpdateOf is { Count: > 0 } && w.Dialect.IsPostgres)
            {
                w.Append(" OF ");
                for (var i = 0; i < ForUpdateOf.Count; i++)
                {
                    if (i > 0) w.Append(", ");
                    w.Ident(ForUpdateOf[i].TableName);
                }
            }
            if (nowait) w.Append(" NOWAIT");
        }
    }

    /// <summary>A shallow copy whose lists can be changed without touching this one.</summary>
    public SelectModel Clone()
    {
        var c = new SelectModel { Limit = Limit, Offset = Offset, Distinct = Distinct, ForUpdate = ForUpdate, ForUpdateOf = ForUpdateOf };
        c.From.AddRange(From);
        c.Columns.AddRange(Columns);
        c.Where.AddRange(Where);
        c.GroupBy.AddRange(GroupBy);
        c.Having.AddRange(Having);
        c.OrderBy.AddRange(OrderBy);
        c.Compound.AddRange(Compound);
        return c;
    }
}
