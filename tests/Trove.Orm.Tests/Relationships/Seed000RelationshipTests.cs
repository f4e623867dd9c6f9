using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// Seed 000 §四 relationship rows (sqlalchemy_reference.out "000 四.2": "person.favor / favor.pers" and
/// "ServerToGroup(server=…, group=…); group.s2g"), on SQLite and PostgreSQL.
/// </summary>
public class Seed000RelationshipTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static (Engine Engine, Trove.Orm.Session Session) Setup(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        return (engine, new SessionFactory(engine).Create());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Many_to_one_loads_on_access_and_backref_gives_the_list_side(string dialect)
    {
        var (engine, s) = Setup(dialect);
        using var _e = engine;
        using var _s = s;
        s.AddRange(new Favor { Nid = 1, Caption = "red" }, new Favor { Nid = 2, Caption = "blue" });
        s.AddRange(new Person { Nid = 1, Name = "p1", FavorId = 1 }, new Person { Nid = 2, Name = "p2", FavorId = 2 },
            new Person { Nid = 3, Name = "p3", FavorId = null });
        s.Commit();
        s.Dispose();
        using var s2 = new SessionFactory(engine).Create();
        using var log = new StatementLog(engine);

        // >>> p1 = session.query(Person).get(1); p1.favor. (A fresh session: the reference's identity map is weak and
        // no one held these objects, so it SELECTs them again; Trove's holds them, hence the new session.)
        var p1 = s2.Get<Person>(1)!;
        Assert.Equal("1-red", p1.Favor!.ToString());
        Assert.Equal(["BEGIN", "SELECT person", "SELECT favor"], log.Take(dmlOnly: false));
        var f2 = s2.Get<Favor>(2)!;
        Assert.Equal("[Person(2-p2)]", "[" + string.Join(", ", f2.Pers) + "]");
        Assert.Equal(["SELECT favor", "SELECT person"], log.Take());
        // the loaded side is not loaded again; the reverse reference of the loaded child is set without SQL
        Assert.Same(f2, f2.Pers[0].Favor);
        Assert.Null(s2.Get<Person>(3)!.Favor);
        Assert.Equal(["SELECT person"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Backref_sync_in_memory_cascade_and_parents_inserted_first(string dialect)
    {
        var (engine, s) = Setup(dialect);
        using var _e = engine;
        using var _s = s;
        using var log = new StatementLog(engine);

        var red = new Favor { Caption = "red" };
        var p1 = new Person { Name = "p1", Favor = red };
        Assert.Same(p1, Assert.Single(red.Pers)); // backref kept in sync on transient instances
        s.AddRange(p1, new Person { Name = "p2" });
        Assert.True(s.Contains(red)); // save-update cascade through Person.Favor
        var g1 = new Group { Name = "g1" };
        s.AddRange(new ServerToGroup { Group = g1, Server = new Server { Hostname = "h1" } },
                   new ServerToGroup { Group = g1, Server = new Server { Hostname = "h2" } });
        Assert.Equal(2, g1.S2g.Count);
        s.Commit();
        Assert.Equal(
            ["INSERT favor", "INSERT group", "INSERT person", "INSERT person", "INSERT server", "INSERT server",
             "INSERT servertogroup", "INSERT servertogroup"],
            log.Take());
        // cascade order is depth-first like SQLAlchemy's cascade_iterator (g1.S2g reaches the second link and h2 first)
        var rows = (from x in s.Query<ServerToGroup>() from sv in s.Query<Server>() where x.ServerId == sv.Id orderby sv.Hostname
                    select new { sv.Hostname, x.GroupId }).ToList();
        Assert.Equal([("h1", g1.Id), ("h2", g1.Id)], rows.Select(r => (r.Hostname, r.GroupId!.Value)));
        Assert.Equal(1, s.Query<Person>().Where(p => p.Name == "p1").Select(p => p.FavorId).Single());
        log.Clear();

        var q = s.Query<Person>().Where(p => p.Name == "p1").Single();
        Assert.Equal("red", q.Favor!.Caption);
        Assert.Equal("p1", string.Join(",", red.Pers.Select(p => p.Name)));
        Assert.Equal("h1,h2", string.Join(",", g1.S2g.Select(x => x.Server!.Hostname)));
        Assert.Equal(["SELECT person", "SELECT favor", "SELECT person", "SELECT servertogroup", "SELECT server", "SELECT server"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Association_object_navigated_through_backrefs(string dialect)
    {
        var (engine, s) = Setup(dialect);
        using var _e = engine;
        using var _s = s;
        using var log = new StatementLog(engine);
        // >>> ServerToGroup(server=Server(hostname='c1.com'), group=Group(name='dba')); commit; group.s2g
        s.Add(new ServerToGroup { Server = new Server { Hostname = "c1.com" }, Group = new Group { Name = "dba" } });
        s.Commit();
        Assert.Equal(["BEGIN", "INSERT group", "INSERT server", "INSERT servertogroup", "COMMIT"], log.Take(dmlOnly: false));
        var g = s.Query<Group>().Where(x => x.Name == "dba").Single();
        Assert.Equal(["c1.com"], g.S2g.Select(x => x.Server!.Hostname));
        Assert.Equal(22, g.Port); // Column default=22 applied on INSERT
        Assert.Equal(["BEGIN", "SELECT group", "SELECT servertogroup", "SELECT server"], log.Take(dmlOnly: false));
        s.Dispose();
        Assert.Equal(["ROLLBACK"], log.Take(dmlOnly: false));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Reassigning_and_removing_keep_both_sides_and_the_key_in_line(string dialect)
    {
        var (engine, s) = Setup(dialect);
        using var _e = engine;
        using var _s = s;
        var red = new Favor { Caption = "red" };
        var blue = new Favor { Caption = "blue" };
        var p = new Person { Name = "p", Favor = red };
        s.AddRange(p, blue);
        s.Commit();
        p.Favor = blue;                       // persistent parent: key copied at once
        Assert.Equal(blue.Nid, p.FavorId);
        Assert.Empty(red.Pers);               // red.Pers is loaded here (empty after the move, autoflushed first)
        Assert.Same(p, Assert.Single(blue.Pers));
        s.Commit();
        Assert.Equal(blue.Nid, s.Query<Person>().Select(x => x.FavorId).Single());
        blue.Pers.Remove(p);                  // nullable key: set to NULL
        Assert.Null(p.Favor);
        s.Commit();
        Assert.Null(s.Query<Person>().Select(x => x.FavorId).Single());
        var green = new Favor { Caption = "green" };
        green.Pers.Add(p);                    // transient parent: key copied after its INSERT
        Assert.True(s.Contains(green));       // 1.4 backref cascade: the persistent child pulls its new parent in
        s.Commit();
        Assert.Equal(green.Nid, s.Query<Person>().Select(x => x.FavorId).Single());
    }
}
