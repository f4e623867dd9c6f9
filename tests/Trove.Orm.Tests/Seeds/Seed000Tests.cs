using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Sql;

namespace Trove.Orm.Tests.Seeds;

/// <summary>Seed 000 §四.1–四.2 (sqlalchemy_reference.out sections "000 四.1" and "000 四.2"), on SQLite and PostgreSQL.</summary>
public class Seed000Tests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void CreateTables_create_all_is_idempotent_and_drop_all_drops_dependents_first(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var log = new StatementLog(engine);
        Base.Metadata.CreateAll(engine);
        var creates = log.Sql.Where(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal)).Select(s => s.Split('(')[0].Trim()).ToList();
        Assert.Equal(6, creates.Count);
        // parents before children: favor before person, group/server before servertogroup
        Assert.True(creates.FindIndex(c => c.EndsWith("favor")) < creates.FindIndex(c => c.EndsWith("person")));
        Assert.True(creates.FindIndex(c => c.EndsWith("server")) < creates.FindIndex(c => c.EndsWith("servertogroup")));
        Assert.Contains(log.Sql, s => s.Contains("\"group\"", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.Contains("CONSTRAINT uix_id_name UNIQUE (id, name)", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.StartsWith("CREATE INDEX ix_id_name ON users (name, extra)", StringComparison.Ordinal));
        Assert.Contains(log.Sql, s => s.StartsWith("CREATE INDEX ix_person_name ON person (name)", StringComparison.Ordinal));
        log.Clear();
        Base.Metadata.CreateAll(engine);
        Assert.DoesNotContain(log.Sql, s => s.StartsWith("CREATE", StringComparison.Ordinal));
        log.Clear();
        Base.Metadata.DropAll(engine);
        var drops = log.Sql.Where(s => s.StartsWith("DROP TABLE", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, drops.Count);
        Assert.True(drops.FindIndex(d => d.EndsWith("servertogroup")) < drops.FindIndex(d => d.EndsWith("\"group\"")));
        Assert.True(drops.FindIndex(d => d.EndsWith("person")) < drops.FindIndex(d => d.EndsWith("favor")));
    }

    private static (Engine Engine, Trove.Orm.Session Session) Setup(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        return (engine, new SessionFactory(engine).Create());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Operate_add_commit_delete_update(string dialect)
    {
        var (engine, session) = Setup(dialect);
        using var _e = engine;
        using var _s = session;
        using var log = new StatementLog(engine);

        var obj = new Users { Name = "alex0", Extra = "sb" };
        session.Add(obj);
        session.AddRange(new Users { Name = "alex1", Extra = "sb" }, new Users { Name = "alex2", Extra = "sb" });
        Assert.Equal(0, obj.Id); // no id before the flush
        session.Commit();
        Assert.Equal(["BEGIN", "INSERT users", "INSERT users", "INSERT users", "COMMIT"], log.Take(dmlOnly: false));
        Assert.Equal([(1, "alex0"), (2, "alex1"), (3, "alex2")], session.Query<Users>().OrderBy(u => u.Id).ToList().Select(u => (u.Id, u.Name)));
        log.Clear();

        var n = session.Query<Users>().Where(u => u.Id > 2).ExecuteDelete();
        session.Commit();
        Assert.Equal(1, n);
        Assert.Equal(["DELETE users"], log.Take());
        Assert.Equal(2, session.Query<Users>().Count());
        Assert.Single(log.Take());

        session.AddRange(new Users { Id = 3, Name = "alex2", Extra = "sb" }, new Users { Id = 4, Name = "alex3", Extra = "nb" });
        session.Commit();
        log.Clear();
        Assert.Equal(2, session.Query<Users>().Where(u => u.Id > 2).ExecuteUpdate(x => x.SetProperty(u => u.Name, "099")));
        Assert.Equal(["UPDATE users"], log.Take());
        session.Query<Users>().Where(u => u.Id > 2).ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "099"), Synchronize.None);
        Assert.Contains(log.Sql, s => s.Contains("||", StringComparison.Ordinal));
        Assert.Equal(["099099", "099099"], session.Query<Users>().Where(u => u.Id > 2).OrderBy(u => u.Id).Select(u => u.Name).ToList());
        session.Commit();
    }

    private static (Engine, Trove.Orm.Session) Data(string dialect)
    {
        var (engine, s) = Setup(dialect);
        s.AddRange(new Users { Id = 1, Name = "alex", Extra = "sb" }, new Users { Id = 2, Name = "eric", Extra = "sb" },
            new Users { Id = 3, Name = "eric", Extra = "nb" }, new Users { Id = 4, Name = "tony", Extra = "" },
            new Users { Id = 5, Name = "eve", Extra = "sb" }, new Users { Id = 6, Name = "eric", Extra = "" });
        s.AddRange(new Favor { Nid = 1, Caption = "red" }, new Favor { Nid = 2, Caption = "blue" });
        s.AddRange(new Person { Nid = 1, Name = "p1", FavorId = 1 }, new Person { Nid = 2, Name = "p2", FavorId = 2 },
            new Person { Nid = 3, Name = "p3", FavorId = null });
        s.Commit();
        return (engine, s);
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Query_other_operations(string dialect)
    {
        var (engine, session) = Data(dialect);
        using var _e = engine;
        using var _s = session;
        using var log = new StatementLog(engine);
        var users = session.Query<Users>();
        List<int> Ids(Query<Users> q) => q.OrderBy(u => u.Id).Select(u => u.Id).ToList();

        Assert.Equal("[1-alex, 2-eric, 3-eric, 4-tony, 5-eve, 6-eric]", "[" + string.Join(", ", users.OrderBy(u => u.Id).ToList()) + "]");
        var pairs = users.OrderBy(u => u.Id).Select(u => new { u.Name, u.Extra }).ToList();
        Assert.Equal(("alex", "sb"), (pairs[0].Name, pairs[0].Extra));
        Assert.Equal("1-alex", string.Join(", ", users.Where(u => u.Name == "alex").ToList()));
        Assert.Equal("1-alex", users.Where(u => u.Name == "alex").FirstOrDefault()!.ToString());
        log.Clear();

        Assert.Equal([2, 3, 6], Ids(users.Where(u => u.Id > 1 && u.Name == "eric")));
        Assert.Equal([2, 3, 6], Ids(users.Where(u => u.Id > 1).Where(u => u.Name == "eric")));
        Assert.Equal([2, 3], Ids(users.Where(u => u.Id.Between(1, 3) && u.Name == "eric")));
        Assert.Contains(log.Sql, s => s.Contains("BETWEEN", StringComparison.Ordinal));
        int[] ids = [1, 3, 4];
        Assert.Equal([1, 3, 4], Ids(users.Where(u => ids.Contains(u.Id))));
        Assert.Equal([2, 5, 6], Ids(users.Where(u => !ids.Contains(u.Id))));
        Assert.Contains(log.Sql, s => s.Contains("NOT IN", StringComparison.Ordinal));
        var sub = session.Query<Users>().Where(u => u.Name == "eric").Select(u => u.Id);
        log.Clear();
        Assert.Equal([2, 3, 6], Ids(users.Where(u => sub.Contains(u.Id))));
        Assert.Equal(["SELECT users"], log.Take()); // one statement: IN (subquery)
        Assert.Equal([6], Ids(users.Where(u => u.Id > 3 && u.Name == "eric")));
        Assert.Equal([1, 2, 3, 6], Ids(users.Where(u => u.Id < 2 || u.Name == "eric")));
        // D5: extra != '' does not match NULL rows, and '' rows are excluded
        Assert.Equal([1, 2, 3, 5, 6], Ids(users.Where(u => u.Id < 2 || (u.Name == "eric" && u.Id > 3) || u.Extra != "")));
        Assert.Equal([2, 3, 5, 6], Ids(users.Where(u => u.Name!.Like("e%"))));
        Assert.Equal([1, 4], Ids(users.Where(u => !u.Name!.Like("e%"))));
        Assert.Contains(log.Sql, s => s.Contains("NOT LIKE", StringComparison.Ordinal));

        Assert.Equal("2-eric", string.Join(", ", users.OrderBy(u => u.Id)[1..2].ToList()));
        Assert.Equal(["tony", "eve", "eric", "eric", "eric", "alex"], users.OrderByDescending(u => u.Name).Select(u => u.Name).ToList());
        Assert.Equal("4-tony, 5-eve, 2-eric, 3-eric, 6-eric, 1-alex", string.Join(", ", users.OrderByDescending(u => u.Name).ThenBy(u => u.Id).ToList()));

        var groups = users.GroupBy(u => u.Extra).ToList();
        Assert.Equal(["", "nb", "sb"], groups.Select(g => g.Key).Order());
        Assert.Equal(3, groups.Single(g => g.Key == "sb").Count());

        var stats = users.GroupBy(u => u.Name).Select(g => new { Max = g.Max(u => u.Id), Sum = g.Sum(u => u.Id), Min = g.Min(u => u.Id) }).ToList();
        Assert.Equal([(1, 1, 1), (4, 4, 4), (5, 5, 5), (6, 11, 2)], stats.Select(x => (x.Max, x.Sum, x.Min)).Order());
        log.Clear();
        var having = users.GroupBy(u => u.Name).Where(g => g.Min(u => u.Id) > 2)
            .Select(g => new { g.Key, Max = g.Max(u => u.Id), Sum = g.Sum(u => u.Id), Min = g.Min(u => u.Id) }).ToList();
        Assert.Equal([(4, 4, 4), (5, 5, 5)], having.Select(x => (x.Max, x.Sum, x.Min)).Order());
        Assert.Contains(log.Sql, s => s.Contains("HAVING min(users.id) >", StringComparison.Ordinal));

        var names = (from u in users where u.Id > 2 orderby u.Name descending select u.Name).ToList();
        Assert.Equal(["tony", "eve", "eric", "eric"], names);

        var cross = (from u in users from f in session.Query<Favor>() where u.Id == f.Nid orderby u.Id select new { u, f }).ToList();
        Assert.Equal("(1-alex, 1-red), (2-eric, 2-blue)", string.Join(", ", cross.Select(x => $"({x.u}, {x.f})")));
        Assert.Same(session.Get<Users>(1), cross[0].u); // identity map: one object per row

        var persons = session.Query<Person>();
        var joined = persons.Join(session.Query<Favor>(), p => p.FavorId, f => (int?)f.Nid, (p, f) => p).OrderBy(p => p.Nid).ToList();
        Assert.Equal("Person(1-p1), Person(2-p2)", string.Join(", ", joined));
        var explicitOn = persons.Join(session.Query<Favor>(), p => p.FavorId, f => (int?)f.Nid, (p, f) => new { p.Name, f.Caption }).ToList();
        Assert.Equal([("p1", "red"), ("p2", "blue")], explicitOn.Select(x => (x.Name, x.Caption)).Order());

        var q1 = users.Where(u => u.Id > 2).Select(u => u.Name);
        var q2 = session.Query<Favor>().Where(f => f.Nid < 2).Select(f => f.Caption);
        Assert.Equal(["eric", "eve", "red", "tony"], q1.Union(q2).ToList().Order());
        var all = q1.Concat(q2).ToList();
        Assert.Equal(["eric", "eric", "eve", "red", "tony"], all.Order());
        Assert.Equal(5, all.Count);
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
