namespace Trove.Sql.Schema;

/// <summary>CREATE/DROP of tables in one transaction, in the order given (MetaData sorts by foreign keys).</summary>
internal static class Ddl
{
    public static void CreateTables(Engine engine, IReadOnlyList<Table> tables, bool checkFirst)
    {
        using var conn = engine.Connect();
        using var tx = conn.Begin();
        var d = engine.Dialect;
        foreach (var t in tables)
        {
            if (checkFirst && conn.HasTable(t.Name)) continue;
            bool types = false;
            foreach (var sql in d.CreateTypesSql(t)) { conn.ExecuteSql(sql); types = true; }
            if (types && !conn.IsMock) engine.Driver!.TypesChanged(conn.DbConnection);
            conn.ExecuteSql(d.CreateTableSql(t));
            foreach (var ix in t.Indexes) conn.ExecuteSql(d.CreateIndexSql(ix));
        }
        tx.Commit();
    }

    public static void DropTables(Engine engine, IReadOnlyList<Table> tables, bool checkFirst)
    {
        using var conn = engine.Connect();
        using var tx = conn.Begin();
        var d = engine.Dialect;
        foreach (var t in tables)
        {
            if (checkFirst && !conn.IsMock && !conn.HasTable(t.Name)) continue;
            conn.ExecuteSql(d.DropTableSql(t));
            foreach (var sql in d.DropTypesSql(t)) conn.ExecuteSql(sql);
        }
        tx.Commit();
    }
}
