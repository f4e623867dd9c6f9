using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S004Update;
using Trove.Sql;

namespace Trove.Orm.Tests.Seeds;

/// <summary>
/// Seed 004 §3.4–3.5 (sqlalchemy_reference.out "004 3.4-3.5"): bulk update/delete with every synchronization mode,
/// attribute updates, delete; each example asserts the reference's statement sequence and printed values.
/// </summary>
public class Seed004UpdateTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Update_and_delete_with_every_synchronize_mode(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        var session = new SessionFactory(engine).Create();
        session.AddRange(new User { Name = "Abc", Username = "abc" }, new User { Name = "Bob", Username = "bob" }, new User { Name = "Carol", Username = "carol" });
        session.Commit();
        using var log = new StatementLog(engine);
        void Sql(params string[] expected) => Assert.Equal(expected, log.Take(dmlOnly: false));
        var users = session.Query<User>();

        // >>> session.query(User).filter(User.username == 'abc').update({'name': '123'}); session.commit()
        Assert.Equal(1, users.Where(u => u.Username == "abc").ExecuteUpdate(x => x.SetProperty(u => u.Name, "123")));
        session.Commit();
        Sql("BEGIN", "UPDATE user", "COMMIT");

        // >>> user = …scalar(); user.name = '223'; session.commit()  (UPDATE by primary key; reload after commit)
        var user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        user.Name = "223";
        session.Commit();
        Assert.Contains("WHERE user.id = ", log.Sql.Single(x => x.StartsWith("UPDATE", StringComparison.Ordinal)).Replace("\"", ""));
        Assert.DoesNotContain("username", log.Sql.Single(x => x.StartsWith("UPDATE", StringComparison.Ordinal))); // changed columns only
        Sql("BEGIN", "SELECT user", "UPDATE user", "COMMIT");
        Assert.Equal("223", user.Name);
        Sql("BEGIN", "SELECT user");

        // >>> user = …scalar(); session.query(User).update({User.name: func.trim('123 ')})  (default: evaluate)
        // The SET value cannot be computed in memory: the attribute is expired and reloaded on access, as in 1.4.46.
        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        Assert.Equal(3, users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => Db.Function<string>("trim", "123 "))));
        Sql("SELECT user", "UPDATE user");
        Assert.Equal("123", user.Name);
        Sql("SELECT user");
        // (with an explicit Evaluate Trove refuses it before any SQL: orm.md §6)
        Assert.Throws<UnevaluatableException>(() => users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => Db.Function<string>("trim", "123 ")), Synchronize.Evaluate));
        Sql();
        session.Commit();
        Sql("COMMIT");

        // >>> user = …scalar(); session.query(User).update({User.name: User.name + 'x'})  (evaluated in memory, no SELECT)
        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "x"));
        Sql("BEGIN", "SELECT user", "UPDATE user");
        Assert.Equal("123x", user.Name);
        Sql();
        session.Commit();
        Sql("COMMIT");

        // >>> filter(func.lower(User.username) == 'abc').update({'name': 'x'}) with evaluate: refused before any SQL;
        // session.rollback() then has no transaction to end
        Assert.Throws<UnevaluatableException>(() =>
            users.Where(u => Db.Function<string>("lower", u.Username) == "abc").ExecuteUpdate(x => x.SetProperty(u => u.Name, "x"), Synchronize.Evaluate));
        session.Rollback();
        Sql();

        // >>> session.query(User).update({User.name: User.name + 'x'}, synchronize_session=False); commit
        users.ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "x"), Synchronize.None);
        session.Commit();
        Sql("BEGIN", "UPDATE user", "COMMIT");
        Assert.Equal("123xx", users.Where(u => u.Username == "abc").Select(u => u.Name).SingleOrDefault());
        Sql("BEGIN", "SELECT user");

        // >>> print user.name before / after update(False) / after commit
        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        var first = user.Name;
        users.ExecuteUpdate(x => x.SetProperty(u => u.Name, "new"), Synchronize.None);
        var second = user.Name;
        session.Commit();
        var third = user.Name;
        Assert.Equal(("123xx", "123xx", "new"), (first, second, third));
        Sql("SELECT user", "UPDATE user", "COMMIT", "BEGIN", "SELECT user");

        // >>> update({'name': 'fetched'}, synchronize_session='fetch'). SQLAlchemy 1.4 on SQLite SELECTs the matching keys
        // first (its SQLite dialect has no RETURNING); on PostgreSQL it uses UPDATE … RETURNING, as Trove does on both
        // (the bundled SQLite has RETURNING): one statement fewer, the same objects updated.
        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        _ = user.Name;
        users.Where(u => u.Username == "abc").ExecuteUpdate(x => x.SetProperty(u => u.Name, "fetched"), Synchronize.Fetch);
        Assert.Contains("RETURNING", log.Sql[^1]);
        Sql("SELECT user", "UPDATE user");
        Assert.Equal("fetched", user.Name);
        Sql();
        session.Commit();
        Sql("COMMIT");

        // >>> bob = …scalar(); update({"num": User.num + 1}, synchronize_session="evaluate") where id > 1
        var bob = users.Where(u => u.Username == "bob").SingleOrDefault()!;
        Assert.Equal(0, bob.Num);
        users.Where(u => u.Id > 1).ExecuteUpdate(x => x.SetProperty(u => u.Num, u => u.Num + 1), Synchronize.Evaluate);
        Sql("BEGIN", "SELECT user", "UPDATE user");
        Assert.Equal(1, bob.Num);
        Sql();
        session.Commit();
        Sql("COMMIT");

        // >>> user = …scalar(); session.query(User).filter_by(username='abc').delete()  (evaluate: marked deleted)
        user = users.Where(u => u.Username == "abc").SingleOrDefault()!;
        Assert.Equal(1, users.Where(u => u.Username == "abc").ExecuteDelete());
        Sql("BEGIN", "SELECT user", "DELETE user");
        Assert.False(session.Contains(user));
        Assert.Equal(InstanceStatus.Deleted, session.StatusOf(user));
        session.Commit();
        Sql("COMMIT");

        // >>> user = …first(); session.delete(user); session.commit()
        user = users.Where(u => u.Username == "bob").FirstOrDefault()!;
        session.Remove(user);
        Assert.Contains(user, session.Deleted);
        Sql("BEGIN", "SELECT user"); // Remove only marks it
        session.Commit();
        Assert.Contains("WHERE user.id = ", log.Sql.Single(x => x.StartsWith("DELETE", StringComparison.Ordinal)).Replace("\"", ""));
        Sql("DELETE user", "COMMIT");
        Assert.Equal(1, users.Count());
        Sql("BEGIN", "SELECT user");

        // >>> carol = …first(); session.query(User).delete(synchronize_session=False); session.commit(); carol.name
        var carol = users.FirstOrDefault()!;
        users.ExecuteDelete(Synchronize.None);
        Assert.True(session.Contains(carol)); // None: the object still looks alive
        session.Commit();
        Sql("SELECT user", "DELETE user", "COMMIT");
        Assert.Throws<ObjectDeletedException>(() => carol.Name);
        Sql("BEGIN", "SELECT user");
        session.Dispose();
        Sql("ROLLBACK");
    }
}
