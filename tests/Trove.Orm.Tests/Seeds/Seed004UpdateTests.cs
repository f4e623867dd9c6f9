using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S004Update;
using Trove.Sql;

namespace Trove.Orm.Tests.Seeds;

/// <summary>Seed 004 §3.4–3.5: bulk update/delete with synchronization, attribute updates, delete (sqlalchemy_reference.out).</summary>
public class Seed004UpdateTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Update_and_delete_with_every_synchronize_mode(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var session = new SessionFactory(engine).Create();
        session.AddRange(new User { Name = "Abc", Username = "abc" }, new User { Name = "Bob", Username = "bob" }, new User { Name = "Carol", Username = "carol" });
        session.Commit();
        using var log = new StatementLog(engine);
        var users = session.Query<User>();

        Assert.Equal(1, users.Where(u => u.Username == "abc").ExecuteUpdate(x => x.SetProperty(u => u.Name, "123")));
        session.Commit();
        Assert.Equal(["UPDATE user"], log.Take());

        var user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        user.Name = "223";
        session.Commit();
        Assert.Equal(["SELECT user", "UPDATE user"], log.Take());
        Assert.Equal("223", user.Name); // reload after commit
        Assert.Equal(["SELECT user"], log.Take());

        // a SET value that cannot be computed in memory: Auto falls back to fetch; the attribute reloads on access
        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        log.Clear();
        Assert.Equal(3, users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => Db.Function<string>("trim", "123 "))));
        Assert.Equal(["UPDATE user"], log.Take());
        Assert.Equal("123", user.Name);
        Assert.Equal(["SELECT user"], log.Take());
        // ... and with Evaluate it is refused before any SQL
        Assert.Throws<UnevaluatableException>(() => users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => Db.Function<string>("trim", "123 ")), Synchronize.Evaluate));
        Assert.Empty(log.Take());
        session.Commit();

        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        log.Clear();
        users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "x"));
        Assert.Equal("123x", user.Name); // evaluated in memory, no SELECT
        Assert.Equal(["UPDATE user"], log.Take());
        session.Commit();

        // WHERE criteria that cannot run in memory: Evaluate raises before any SQL
        Assert.Throws<UnevaluatableException>(() =>
            users.Where(u => Db.Function<string>("lower", u.Username) == "abc").ExecuteUpdate(x => x.SetProperty(u => u.Name, "x"), Synchronize.Evaluate));
        Assert.DoesNotContain(log.Take(), x => x.StartsWith("UPDATE", StringComparison.Ordinal));
        session.Rollback();

        users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "x"), Synchronize.None);
        session.Commit();
        Assert.Equal("123xx", users.Where(u => u.Username == "abc").Select(u => u.Name).SingleOrDefault());

        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        var first = user.Name;
        users.ExecuteUpdate(x => x.SetProperty(u => u.Name, "new"), Synchronize.None);
        var second = user.Name;
        session.Commit();
        var third = user.Name;
        Assert.Equal(("123xx", "123xx", "new"), (first, second, third));

        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        _ = user.Name;
        log.Clear();
        users.Where(u => u.Username == "abc").ExecuteUpdate(x => x.SetProperty(u => u.Name, "fetched"), Synchronize.Fetch);
        Assert.Equal(["UPDATE user"], log.Take()); // RETURNING gives the keys (SQLAlchemy: SELECT keys, then UPDATE)
        Assert.Equal("fetched", user.Name);
        Assert.Empty(log.Take());
        session.Commit();

        var bob = users.Where(u => u.Username == "bob").SingleOrDefault()!;
        Assert.Equal(0, bob.Num);
        users.Where(u => u.Id > 1).ExecuteUpdate(x => x.SetProperty(u => u.Num, u => u.Num + 1), Synchronize.Evaluate);
        log.Clear();
        Assert.Equal(1, bob.Num);
        Assert.Empty(log.Take());
        session.Commit();

        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        Assert.Equal(1, users.Where(u => u.Username == "abc").ExecuteDelete());
        Assert.False(session.Contains(user));
        Assert.Equal(InstanceStatus.Deleted, session.StatusOf(user));
        session.Commit();

        user = users.Where(u => u.Username == "bob").FirstOrDefault()!;
        session.Remove(user);
        Assert.Contains(user, session.Deleted);
        log.Clear();
        session.Commit();
        Assert.Equal(["DELETE user"], log.Take());
        Assert.Equal(1, users.Count());

        var carol = users.FirstOrDefault()!;
        users.ExecuteDelete(Synchronize.None);
        Assert.True(session.Contains(carol)); // None: the object still looks alive
        session.Commit();
        Assert.Throws<ObjectDeletedException>(() => carol.Name);
    }
}
