using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

public class EngineTests
{
    private static (MetaData, Table, Table) BlogUser()
    {
        var m = new MetaData();
        var blog = new Table("blog", m,
            new Column<string>("id", SqlTypes.Char(32), primaryKey: true),
            new Column<string>("title", SqlTypes.String(64), serverDefault: "", nullable: false),
            new Column<string>("text", SqlTypes.String(), serverDefault: "", nullable: false),
            new Column<string>("user", SqlTypes.Char(32), index: true, serverDefault: "", nullable: false, foreignKey: "user.id"),
            new Column<long>("create", index: true, serverDefault: "0", nullable: false));
        var user = new Table("user", m,
            new Column<string>("id", SqlTypes.Char(32), primaryKey: true),
            new Column<string>("name", SqlTypes.String(32), serverDefault: "", nullable: false),
            new Column<string>("username", SqlTypes.String(32), index: true, serverDefault: "", nullable: false),
            new Column<string>("password", SqlTypes.String(64), serverDefault: "", nullable: false));
        return (m, blog, user);
    }

    [Fact]
    public void MockEnginePrintsSqlAndDdl()
    {
        // seed 004 §2.2: strategy='mock', executor=f — statements are compiled for the URL's dialect, not run.
        var seen = new List<string>();
        using var e = Engine.CreateMock("postgresql://test@localhost:5432/bbcustom", s => seen.Add(s.Sql));
        Assert.True(e.IsMock);
        var r = e.Execute(Db.Text("select id from \"user\""));
        Assert.Empty(r.All());
        var (m, _, _) = BlogUser();
        m.CreateAll(e);
        Assert.Equal("select id from \"user\"", seen[0]);
        Assert.Equal("CREATE TABLE \"user\" (\n\tid CHAR(32) NOT NULL, \n\tname VARCHAR(32) DEFAULT '' NOT NULL, \n\tusername VARCHAR(32) DEFAULT '' NOT NULL, \n\tpassword VARCHAR(64) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id)\n)", seen[1]);
        Assert.Equal("CREATE INDEX ix_user_username ON \"user\" (username)", seen[2]);
        Assert.StartsWith("CREATE TABLE blog (", seen[3]);
        Assert.Contains("\tFOREIGN KEY(\"user\") REFERENCES \"user\" (id)\n)", seen[3]);
        Assert.Equal(["CREATE INDEX ix_blog_user ON blog (\"user\")", "CREATE INDEX ix_blog_create ON blog (\"create\")"], seen[4..6]);
        var my = new List<string>();
        using var mysql = Engine.CreateMock("mysql+pymysql://root@localhost/x", s => my.Add(s.Sql));
        mysql.Execute(Db.Select(m.Tables["blog"].C["create"].Expression).Where(m.Tables["blog"].C.Get<long>("create") > 1L).Limit(1));
        Assert.Equal("SELECT blog.`create` FROM blog WHERE blog.`create` > @p0 LIMIT @p1", my[0]);
    }

    [Fact]
    public void CreateAllInDependencyOrderCheckFirstAndDrop()
    {
        using var e = Engine.Create("sqlite://");
        var sql = new List<string>();
        e.StatementExecuted += (_, a) => sql.Add(a.Sql);
        var (m, blog, user) = BlogUser();
        Assert.Equal(["user", "blog"], m.SortedTables.Select(t => t.Name));
        m.CreateAll(e);
        Assert.Equal("SELECT name FROM sqlite_master WHERE type = 'table' AND name = @p0", sql[0]);
        Assert.Equal([
            "CREATE TABLE user (\n\tid CHAR(32) NOT NULL, \n\tname VARCHAR(32) DEFAULT '' NOT NULL, \n\tusername VARCHAR(32) DEFAULT '' NOT NULL, \n\tpassword VARCHAR(64) DEFAULT '' NOT NULL, \n\tPRIMARY KEY (id)\n)",
            "CREATE INDEX ix_user_username ON user (username)",
        ], sql[1..3]);
        Assert.Equal("CREATE TABLE blog (\n\tid CHAR(32) NOT NULL, \n\ttitle VARCHAR(64) DEFAULT '' NOT NULL, \n\ttext VARCHAR DEFAULT '' NOT NULL, \n\tuser CHAR(32) DEFAULT '' NOT NULL, \n\t\"create\" BIGINT DEFAULT '0' NOT NULL, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(user) REFERENCES user (id)\n)", sql[4]);
        sql.Clear();
        m.CreateAll(e); // checkFirst: nothing created
        Assert.All(sql, s => Assert.StartsWith("SELECT name FROM sqlite_master", s));
        user.Create(e, checkFirst: true);
        // server defaults apply
        e.Execute(Db.Insert(user).Values(("id", "00000000000000000000000000000001")));
        e.Execute(Db.Insert(blog).Values(("id", "b1"), ("user", "00000000000000000000000000000001")));
        var row = e.Execute(Db.Select(blog)).Single();
        Assert.Equal("", row["title"]);
        Assert.Equal(0L, row["create"]);
        sql.Clear();
        m.DropAll(e);
        Assert.Equal(["DROP TABLE blog", "DROP TABLE user"], sql.Where(s => s.StartsWith("DROP")));
        user.Create(e);
        user.Drop(e);
        Assert.Throws<ProgrammingException>(() => user.Drop(e, checkFirst: false));
    }

    [Fact]
    public void AutoincrementKeysPerDialect()
    {
        var m = new MetaData();
        var t = new Table("node", m, new Column<long>("id", primaryKey: true), new Column<int?>("parent", foreignKey: "node.id", index: true));
        Assert.Equal("CREATE TABLE node (\n\tid INTEGER NOT NULL, \n\tparent INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(parent) REFERENCES node (id)\n)", Trove.Sql.Dialects.Dialect.Sqlite.CreateTableSql(t));
        Assert.Equal("CREATE TABLE node (\n\tid BIGINT GENERATED BY DEFAULT AS IDENTITY NOT NULL, \n\tparent INTEGER, \n\tPRIMARY KEY (id), \n\tFOREIGN KEY(parent) REFERENCES node (id)\n)", Trove.Sql.Dialects.Dialect.PostgreSql.CreateTableSql(t));
        var m2 = new MetaData();
        var t2 = new Table("users", m2, new Column<int>("id", primaryKey: true), new Column<string?>("name", SqlTypes.String(32)), new Column<string?>("extra", SqlTypes.String(16)),
            new UniqueConstraint("id", "name") { Name = "uix_id_name" }, new Schema.Index("ix_id_name", "name", "extra"),
            new Column<string?>("caption", SqlTypes.String(50), unique: true), new ForeignKeyConstraint(["extra"], "other", ["x"]) { OnDelete = ReferentialAction.SetNull, OnUpdate = ReferentialAction.Cascade });
        Assert.Equal("CREATE TABLE users (\n\tid SERIAL NOT NULL, \n\tname VARCHAR(32), \n\textra VARCHAR(16), \n\tcaption VARCHAR(50), \n\tPRIMARY KEY (id), \n\tUNIQUE (caption), \n\tCONSTRAINT uix_id_name UNIQUE (id, name), \n\tFOREIGN KEY(extra) REFERENCES other (x) ON DELETE SET NULL ON UPDATE CASCADE\n)".Replace("SERIAL", "INTEGER GENERATED BY DEFAULT AS IDENTITY"), Trove.Sql.Dialects.Dialect.PostgreSql.CreateTableSql(t2));
        Assert.Equal("CREATE INDEX ix_id_name ON users (name, extra)", Trove.Sql.Dialects.Dialect.PostgreSql.CreateIndexSql(t2.Indexes[0]));
    }

    [Fact]
    public void EchoWritesStatementsAndParameters()
    {
        var w = new StringWriter();
        using var e = Engine.Create("sqlite://", new EngineOptions { Echo = true, EchoWriter = w });
        int x = 42;
        e.Execute(Db.Text($"select {x}, {"it's"}"));
        var text = w.ToString();
        Assert.Contains("select @p0, @p1", text);
        Assert.Contains("(42, 'it's')", text);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void StatementExecutedOncePerStatementWithDetails(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var events = new List<StatementExecutedEventArgs>();
        e.StatementExecuted += (_, a) => events.Add(a);
        var m = new MetaData();
        var id = new Column<int>("id", primaryKey: true);
        var t = new Table("evt_t", m, id);
        m.DropAll(e); m.CreateAll(e);
        events.Clear();
        using (var c = e.Connect())
        {
            c.Execute(Db.Insert(t).Values(new Dictionary<string, object?>[] { new() { ["id"] = 1 }, new() { ["id"] = 2 } }));
            var rows = c.Execute(Db.Select(id).Where(id > 0));
            Assert.Equal(2, rows.All().Count);
            using var reader = c.ExecuteReader(Db.Select(id).Compile(e.Dialect));
            while (reader.Read()) { }
        }
        Assert.Equal(3, events.Count);
        Assert.Equal(2, events[0].RowCount);
        Assert.Equal(2, events[1].RowCount);
        Assert.Equal(-1, events[2].RowCount);
        Assert.Equal(0, Assert.Single(events[1].Parameters).Value);
        Assert.True(events[1].Elapsed > TimeSpan.Zero);
        m.DropAll(e);
    }

    [Fact]
    public async Task AsyncTwins()
    {
        using var e = Engine.Create("sqlite://");
        Assert.Equal(3, await e.ScalarAsync<int>(Db.Text("select 3")));
        await using var c = await e.ConnectAsync();
        var list = await c.QueryAsync(Db.Text("select 1 union all select 2"), r => r.GetInt32(0));
        Assert.Equal([1, 2], list);
    }
}

public class BatchTests
{
    [Theory, InlineData("sqlite"), PgData]
    public void ExecuteManyAndBatchRaiseOneEventPerStatement(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var m = new MetaData();
        var id = new Column<int>("id", primaryKey: true, autoincrement: false);
        var name = new Column<string>("name", SqlTypes.String(20), unique: true);
        var t = new Table("batch_t", m, id, name);
        m.DropAll(e); m.CreateAll(e);
        var events = new List<StatementExecutedEventArgs>();
        e.StatementExecuted += (_, a) => events.Add(a);
        using var c = e.Connect();
        using (var tx = c.Begin())
        {
            var ins = Db.Insert(t).Values(("id", Db.Param<int>("id")), ("name", Db.Param<string>("name")));
            Assert.Equal(3, c.ExecuteMany(ins, Enumerable.Range(1, 3).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["id"] = i, ["name"] = "n" + i })));
            Assert.Equal(2, c.ExecuteBatch([
                (Db.Update(t).Set(name, "x").Where(id == 1).Compile(e.Dialect), null),
                (Db.Delete(t).Where(id == 2).Compile(e.Dialect), null)]));
            tx.Commit();
        }
        Assert.Equal(5, events.Count);
        Assert.Equal(new object?[] { 3, "n3" }, events[2].Parameters.Select(p => p.Value));
        Assert.Equal(["id", "name"], events[2].Parameters.Select(p => p.Key));
        Assert.Equal(["x", "n3"], c.Execute(Db.Select(name).SelectFrom(t).OrderBy(id.Asc())).Scalars<string>());
        var dup = Assert.Throws<IntegrityException>(() => c.ExecuteMany(Db.Insert(t).Values(("id", Db.Param<int>("id")), ("name", Db.Param<string>("name"))),
            [new Dictionary<string, object?> { ["id"] = 7, ["name"] = "x" }]));
        Assert.Equal(ConstraintKind.Unique, dup.ConstraintKind);
        m.DropAll(e);
    }
}
