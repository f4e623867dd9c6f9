using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Sql;

namespace Trove.Orm.Tests.Seeds;

/// <summary>Seed 000 §四.1–四.2 (sqlalchemy_reference.out sections "000 四.1" and "000 四.2"), on SQLite and PostgreSQL.</summary>
public class Seed000Tests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Fact]
    public void Create_engine_with_max_overflow()
    {
        // >>> engine = create_engine("mysql+pymysql://root:123@127.0.0.1:3306/t1", max_overflow=5). The URL parses and
        // the MySQL dialect exists (compile-only), but no MySQL driver ships (orm.md D6): refused at once, no connection.
        Assert.Throws<NoSuchDriverException>(() => Engine.Create("mysql+pymysql://root:123@127.0.0.1:3306/t1", new EngineOptions { MaxOverflow = 5 }));
        // The reference ran it on in-memory SQLite, where SQLAlchemy's SingletonThreadPool refuses max_overflow
        // (TypeError). Trove takes the option for every pool (orm.md 000 §四 row: new EngineOptions { MaxOverflow = 5 });
        // an in-memory database uses one shared connection, so the overflow has no effect there.
        using var engine = Engine.Create("sqlite://", new EngineOptions { MaxOverflow = 5 });
        Assert.Equal(1L, engine.Scalar<long>(Db.Text("select 1")));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void CreateTables_create_all_is_idempotent_and_drop_all_drops_dependents_first(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var log = new StatementLog(engine);
        // >>> init_db()   # Base.metadata.create_all(engine). Left out of the comparison: the existence checks (SQLAlchemy
        // PRAGMA table_info, Trove a SELECT on sqlite_master / the catalog: dialect spelling) and BEGIN/COMMIT (the DDL
        // runs in one transaction as in SQLAlchemy, but Trove.Sql's Connection.Begin() raises no StatementExecuted).
        Base.Metadata.CreateAll(engine);
        Assert.Equal(["CREATE TABLE users", "CREATE INDEX ix_id_name", "CREATE TABLE favor", "CREATE TABLE group", "CREATE TABLE server",
            "CREATE TABLE person", "CREATE INDEX ix_person_name", "CREATE TABLE servertogroup"], Ddl(log));
        Assert.Contains(log.Sql, s => s.Contains("CREATE TABLE \"group\"", StringComparison.Ordinal)); // reserved word quoted
        Assert.Contains(log.Sql, s => s.Contains("CONSTRAINT uix_id_name UNIQUE (id, name)", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.StartsWith("CREATE INDEX ix_id_name ON users (name, extra)", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.StartsWith("CREATE INDEX ix_person_name ON person (name)", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.Contains("FOREIGN KEY(server_id) REFERENCES server (id)", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.Contains("FOREIGN KEY(group_id) REFERENCES \"group\" (id)", StringComparison.Ordinal));
        log.Clear();
        // >>> init_db()   # again: create_all checks first, creates nothing
        Base.Metadata.CreateAll(engine);
        Assert.Empty(Ddl(log));
        log.Clear();
        // >>> drop_db(): dependents first
        Base.Metadata.DropAll(engine);
        Assert.Equal(["DROP TABLE servertogroup", "DROP TABLE person", "DROP TABLE server", "DROP TABLE group", "DROP TABLE favor",
            "DROP TABLE users"], Ddl(log));
    }

    /// <summary>The log without the dialect's table-existence checks.</summary>
    private static List<string> Ddl(StatementLog log) =>
        log.Summary().Where(s => s is not ("BEGIN" or "COMMIT" or "PRAGMA") && !s.StartsWith("SELECT", StringComparison.Ordinal)).ToList();

    private static (Engine Engine, Trove.Orm.Session Session) Setup(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        return (engine, new SessionFactory(engine).Create());
    }

    /// <summary>Asserts the statements since the last call, transaction control included, and clears the log.</summary>
    private static void Sql(StatementLog log, params string[] expected) => Assert.Equal(expected, log.Take(dmlOnly: false));

    [Theory, MemberData(nameof(Dialects))]
    public void Operate_add_commit_delete_update(string dialect)
    {
        var (engine, session) = Setup(dialect);
        using var _e = engine;
        using var _s = session;
        using var log = new StatementLog(engine);

        // >>> obj = Users(...); session.add(obj); session.add_all([...]); session.commit()
        var obj = new Users { Name = "alex0", Extra = "sb" };
        session.Add(obj);
        session.AddRange(new Users { Name = "alex1", Extra = "sb" }, new Users { Name = "alex2", Extra = "sb" });
        Assert.Equal(0, obj.Id); // no id before the flush
        session.Commit();
        Sql(log, "BEGIN", "INSERT users", "INSERT users", "INSERT users", "COMMIT");
        Assert.Equal([(1, "alex0"), (2, "alex1"), (3, "alex2")], session.Query<Users>().OrderBy(u => u.Id).ToList().Select(u => (u.Id, u.Name)));
        Sql(log, "BEGIN", "SELECT users");

        // >>> session.query(Users).filter(Users.id > 2).delete(); session.commit()
        var n = session.Query<Users>().Where(u => u.Id > 2).ExecuteDelete();
        session.Commit();
        Assert.Equal(1, n);
        Sql(log, "DELETE users", "COMMIT");
        Assert.Equal(2, session.Query<Users>().Count());
        // SQLAlchemy wraps the query: SELECT count(*) FROM (SELECT users.id, … FROM users) AS anon_1; Trove counts
        // the table directly (same statement count and result, different spelling)
        Sql(log, "BEGIN", "SELECT users");

        session.AddRange(new Users { Id = 3, Name = "alex2", Extra = "sb" }, new Users { Id = 4, Name = "alex3", Extra = "nb" });
        session.Commit();
        log.Clear();
        // >>> update({"name": "099"})  (synchronize 'evaluate')
        Assert.Equal(2, session.Query<Users>().Where(u => u.Id > 2).ExecuteUpdate(x => x.SetProperty(u => u.Name, "099")));
        Sql(log, "BEGIN", "UPDATE users");
        // >>> update({Users.name: Users.name + "099"}, synchronize_session=False)
        session.Query<Users>().Where(u => u.Id > 2).ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "099"), Synchronize.None);
        Assert.Contains("||", log.Sql.Single());
        Sql(log, "UPDATE users");
        Assert.Equal(["099099", "099099"], session.Query<Users>().Where(u => u.Id > 2).OrderBy(u => u.Id).Select(u => u.Name).ToList());
        Sql(log, "SELECT users");
        // >>> update({"num": Users.num + 1}, synchronize_session="evaluate"): the seed's Users has no 'num'; Python fails at
        // run time before any SQL, C# does not compile (CS1061). The evaluate form on a numeric column is 004 §3.4.
        session.Commit();
        Sql(log, "COMMIT");
    }

    private static void Data(Trove.Orm.Session s)
    {
        s.AddRange(new Users { Id = 1, Name = "alex", Extra = "sb" }, new Users { Id = 2, Name = "eric", Extra = "sb" },
            new Users { Id = 3, Name = "eric", Extra = "nb" }, new Users { Id = 4, Name = "tony", Extra = "" },
            new Users { Id = 5, Name = "eve", Extra = "sb" }, new Users { Id = 6, Name = "eric", Extra = "" });
        s.AddRange(new Favor { Nid = 1, Caption = "red" }, new Favor { Nid = 2, Caption = "blue" });
        s.AddRange(new Person { Nid = 1, Name = "p1", FavorId = 1 }, new Person { Nid = 2, Name = "p2", FavorId = 2 },
            new Person { Nid = 3, Name = "p3", FavorId = null });
        s.Commit();
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Query_other_operations(string dialect)
    {
        var (engine, session) = Setup(dialect);
        using var _e = engine;
        using var _s = session;
        Data(session);
        using var log = new StatementLog(engine);
        var users = session.Query<Users>();
        List<int> Ids(Query<Users> q) => q.OrderBy(u => u.Id).Select(u => u.Id).ToList();
        // one SELECT per example, as in the reference
        void One(string expected = "SELECT users") => Sql(log, expected);

        // >>> all() / query(Users.name, Users.extra).all() / filter_by(...).all() / filter_by(...).first()
        Assert.Equal("[1-alex, 2-eric, 3-eric, 4-tony, 5-eve, 6-eric]", "[" + string.Join(", ", users.OrderBy(u => u.Id).ToList()) + "]");
        Sql(log, "BEGIN", "SELECT users");
        var pairs = users.OrderBy(u => u.Id).Select(u => new { u.Name, u.Extra }).ToList();
        Assert.Equal(("alex", "sb"), (pairs[0].Name, pairs[0].Extra));
        Assert.DoesNotContain("users.id,", log.Sql.Single().Split("FROM")[0]);
        One();
        Assert.Equal("[1-alex]", "[" + string.Join(", ", users.Where(u => u.Name == "alex").ToList()) + "]");
        One();
        Assert.Equal("1-alex", users.Where(u => u.Name == "alex").FirstOrDefault()!.ToString());
        Assert.Contains("LIMIT", log.Sql.Single());
        One();

        Assert.Equal([2, 3, 6], Ids(users.Where(u => u.Id > 1 && u.Name == "eric")));
        One();
        Assert.Equal([2, 3, 6], Ids(users.Where(u => u.Id > 1).Where(u => u.Name == "eric"))); // chained Where = the comma
        One();
        Assert.Equal([2, 3], Ids(users.Where(u => u.Id.Between(1, 3) && u.Name == "eric")));
        Assert.Contains("BETWEEN", log.Sql.Single());
        One();
        int[] ids = [1, 3, 4];
        Assert.Equal([1, 3, 4], Ids(users.Where(u => ids.Contains(u.Id))));
        One();
        Assert.Equal([2, 5, 6], Ids(users.Where(u => !ids.Contains(u.Id))));
        Assert.Contains("NOT IN", log.Sql.Single());
        One();
        var sub = session.Query<Users>().Where(u => u.Name == "eric").Select(u => u.Id);
        Assert.Equal([2, 3, 6], Ids(users.Where(u => sub.Contains(u.Id))));
        Assert.Contains("IN (SELECT users.id", log.Sql.Single());
        One();
        Assert.Equal([6], Ids(users.Where(u => u.Id > 3 && u.Name == "eric")));
        One();
        Assert.Equal([1, 2, 3, 6], Ids(users.Where(u => u.Id < 2 || u.Name == "eric")));
        One();
        // D5: extra != '' does not match NULL rows, and '' rows are excluded
        Assert.Equal([1, 2, 3, 5, 6], Ids(users.Where(u => u.Id < 2 || (u.Name == "eric" && u.Id > 3) || u.Extra != "")));
        One();
        Assert.Equal([2, 3, 5, 6], Ids(users.Where(u => u.Name!.Like("e%"))));
        One();
        Assert.Equal([1, 4], Ids(users.Where(u => !u.Name!.Like("e%"))));
        Assert.Contains("NOT LIKE", log.Sql.Single());
        One();

        // >>> session.query(Users)[1:2]  (the reference's SQLite order is insertion order; ordered here for PostgreSQL)
        Assert.Equal("[2-eric]", "[" + string.Join(", ", users.OrderBy(u => u.Id)[1..2].ToList()) + "]");
        One();
        Assert.Equal(["tony", "eve", "eric", "eric", "eric", "alex"], users.OrderByDescending(u => u.Name).Select(u => u.Name).ToList());
        One();
        Assert.Equal("[4-tony, 5-eve, 2-eric, 3-eric, 6-eric, 1-alex]", "[" + string.Join(", ", users.OrderByDescending(u => u.Name).ThenBy(u => u.Id).ToList()) + "]");
        One();

        // >>> query(Users).group_by(Users.extra).all(): orm.md decision: GroupBy of entities is portable (SQL ORDER BY extra,
        // grouped while streaming) because PostgreSQL rejects selecting non-grouped columns; the keys are the reference's
        var groups = users.GroupBy(u => u.Extra).ToList();
        Assert.Equal(["", "nb", "sb"], groups.Select(g => g.Key).Order());
        Assert.Equal(3, groups.Single(g => g.Key == "sb").Count());
        One();
        var stats = users.GroupBy(u => u.Name).Select(g => new { Max = g.Max(u => u.Id), Sum = g.Sum(u => u.Id), Min = g.Min(u => u.Id) }).ToList();
        Assert.Equal([(1, 1, 1), (4, 4, 4), (5, 5, 5), (6, 11, 2)], stats.Select(x => (x.Max, x.Sum, x.Min)).Order());
        Assert.Contains("GROUP BY users.name", log.Sql.Single());
        One();
        var having = users.GroupBy(u => u.Name).Where(g => g.Min(u => u.Id) > 2)
            .Select(g => new { Max = g.Max(u => u.Id), Sum = g.Sum(u => u.Id), Min = g.Min(u => u.Id) }).ToList();
        Assert.Equal([(4, 4, 4), (5, 5, 5)], having.Select(x => (x.Max, x.Sum, x.Min)).Order());
        Assert.Contains("HAVING min(users.id) >", log.Sql.Single());
        One();

        var names = (from u in users where u.Id > 2 orderby u.Name descending select u.Name).ToList();
        Assert.Equal(["tony", "eve", "eric", "eric"], names);
        One();

        // >>> session.query(Users, Favor).filter(Users.id == Favor.nid).all()
        var cross = (from u in users from f in session.Query<Favor>() where u.Id == f.Nid orderby u.Id select new { u, f }).ToList();
        Assert.Equal("[(1-alex, 1-red), (2-eric, 2-blue)]", "[" + string.Join(", ", cross.Select(x => $"({x.u}, {x.f})")) + "]");
        Assert.Contains("FROM users, favor", log.Sql.Single());
        One();
        Assert.Same(session.Get<Users>(1), cross[0].u); // identity map: one object per row, no SQL
        Assert.Empty(log.Take());

        // >>> session.query(Person).join(Favor).all() / join(Favor, isouter=True)
        var persons = session.Query<Person>();
        Assert.Equal("[Person(1-p1), Person(2-p2)]", "[" + string.Join(", ", persons.Join(p => p.Favor).OrderBy(p => p.Nid).ToList()) + "]");
        Assert.Contains("JOIN favor ON", log.Sql.Single());
        One("SELECT person");
        Assert.Equal("[Person(1-p1), Person(2-p2), Person(3-p3)]", "[" + string.Join(", ", persons.LeftJoin(p => p.Favor).OrderBy(p => p.Nid).ToList()) + "]");
        Assert.Contains("LEFT OUTER JOIN favor ON", log.Sql.Single());
        One("SELECT person");
        var explicitOn = persons.Join(session.Query<Favor>(), p => p.FavorId, f => (int?)f.Nid, (p, f) => new { p.Name, f.Caption }).ToList();
        Assert.Equal([("p1", "red"), ("p2", "blue")], explicitOn.Select(x => (x.Name, x.Caption)).Order());
        One("SELECT person");

        // >>> q1.union(q2).all() / q1.union_all(q2).all(). SQLAlchemy wraps the compound select in
        // SELECT anon_1.users_name FROM (… UNION …) AS anon_1; Trove sends the compound select itself (one statement either way)
        var q1 = users.Where(u => u.Id > 2).Select(u => u.Name);
        var q2 = session.Query<Favor>().Where(f => f.Nid < 2).Select(f => f.Caption);
        Assert.Equal(["eric", "eve", "red", "tony"], q1.Union(q2).ToList().Order());
        Assert.Contains(" UNION SELECT", log.Sql.Single());
        One();
        var all = q1.Concat(q2).ToList();
        Assert.Equal(["eric", "eric", "eve", "red", "tony"], all.Order());
        Assert.Equal(5, all.Count);
        Assert.Contains(" UNION ALL SELECT", log.Sql.Single());
        One();
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Client_default_applied_on_insert(string dialect)
    {
        var (engine, session) = Setup(dialect);
        using var _e = engine;
        using var _s = session;
        using var log = new StatementLog(engine);
        var g = new Group { Name = "dba" };
        session.AddRange(new Server { Hostname = "c1.com" }, g);
        session.Flush();
        Assert.Equal(22, g.Port); // Column default=22 applied on INSERT
        Assert.Equal(["INSERT group", "INSERT server"], log.Take());
        session.Commit();
        Assert.Equal(22, session.Query<Group>().Where(x => x.Name == "dba").Single().Port);
    }
}
