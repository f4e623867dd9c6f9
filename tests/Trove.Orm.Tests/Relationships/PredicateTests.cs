using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.M004;
using Trove.Sql;
using H = Trove.Orm.Tests.Relationships.H73;
using S0 = Trove.Orm.Tests.Models.S000;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// Seed 004 §4.3 (any / has), §4.4 contains_eager, §7.3 hybrid over a relationship and seed 000 §四 relationship
/// joins (sqlalchemy_reference.out), on SQLite and PostgreSQL.
/// </summary>
public class PredicateTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Data(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new User { Id = 1, Name = "XX" }, new User { Id = 2, Name = "YY" });
        s.Flush();
        s.AddRange(new Blog { Id = 1, Title = "A", UserId = 1, Create = 30 }, new Blog { Id = 2, Title = "abc", UserId = 1, Create = 10 },
            new Blog { Id = 3, Title = "B", UserId = 1, Create = 20 }, new Blog { Id = 4, Title = "C", UserId = 2, Create = 5 });
        s.Commit();
        return engine;
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_3_any_and_has_are_exists(string dialect)
    {
        using var engine = Data(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        Assert.Equal("User(XX)", s.Query<User>().Where(u => u.BlogList.Any(b => b.Title == "A")).First().ToString());
        Assert.Contains("WHERE EXISTS (SELECT 1 FROM blog WHERE \"user\".id = blog.\"user\" AND blog.title = ", log.Sql.Last().Replace("user.id = blog.user", "\"user\".id = blog.\"user\""));
        Assert.Empty(s.Query<User>().Where(u => u.BlogList.Any(b => b.Title == "zzz")).ToList());
        Assert.Equal(["A", "B", "abc"], s.Query<Blog>().Where(b => b.UserObj.Has(u => u.Name == "XX")).ToList().Select(b => b.Title).Order(StringComparer.Ordinal));
        s.Add(new User { Id = 3, Name = "lonely" });
        s.Commit();
        Assert.Equal(["lonely"], s.Query<User>().Where(u => !u.BlogList.Any()).Select(u => u.Name).ToList());
        Assert.Contains("NOT EXISTS", log.Sql.Last());
        // the reference's sequence: any() first(), any() no match, has(), INSERT lonely, NOT any()
        Assert.Equal(["SELECT user", "SELECT user", "SELECT blog", "INSERT user", "SELECT user"], log.Take());
        Assert.Equal([("XX", 3), ("YY", 1), ("lonely", 0)], s.Query<User>().OrderBy(u => u.Id).Select(u => new { u.Name, N = u.BlogList.Count() }).ToList().Select(x => (x.Name, x.N)));
        Assert.Equal(["A", "B", "abc"], s.Query<Blog>().Where(b => b.UserObj!.Name == "XX").Select(b => b.Title).ToList().Order(StringComparer.Ordinal));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_4_contains_eager_after_an_explicit_join(string dialect)
    {
        using var engine = Data(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var blogs = s.Query<Blog>().Join(b => b.UserObj).Include(b => b.UserObj, Loading.ContainsEager)
            .Where(b => b.Title != "C").OrderBy(b => b.Id).ToList();
        Assert.Equal(["XX", "XX", "XX"], blogs.Select(b => b.UserObj!.Name));
        Assert.Single(log.Dml());
        Assert.Contains("JOIN \"user\" ON \"user\".id = blog.\"user\"", log.Sql.Last().Replace("JOIN user ON user.id = blog.user", "JOIN \"user\" ON \"user\".id = blog.\"user\""));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S000_relationship_join_and_outer_join(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        S0.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new S0.Favor { Nid = 1, Caption = "red" }, new S0.Favor { Nid = 2, Caption = "blue" });
        s.AddRange(new S0.Person { Nid = 1, Name = "p1", FavorId = 1 }, new S0.Person { Nid = 2, Name = "p2", FavorId = 2 },
            new S0.Person { Nid = 3, Name = "p3", FavorId = null });
        s.Commit();
        using var log = new StatementLog(engine);
        Assert.Equal(["p1", "p2"], s.Query<S0.Person>().Join(p => p.Favor).OrderBy(p => p.Nid).Select(p => p.Name).ToList());
        Assert.Contains("FROM person JOIN favor ON favor.nid = person.favor_id", log.Sql.Last());
        Assert.Equal(["p1", "p2", "p3"], s.Query<S0.Person>().LeftJoin(p => p.Favor).OrderBy(p => p.Nid).Select(p => p.Name).ToList());
        Assert.Contains("FROM person LEFT OUTER JOIN favor ON favor.nid = person.favor_id", log.Sql.Last());
        Assert.Equal(["p1"], s.Query<S0.Person>().Join(p => p.Favor).Where(p => p.Favor!.Caption == "red").Select(p => p.Name).ToList());
    }

    private static string LastSql(Engine engine, Action run)
    {
        using var log = new StatementLog(engine);
        run();
        return log.Sql.Last().Replace("\"", "");
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S7_3_hybrid_over_a_relationship(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        H.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new H.User { Name = "a", Accounts = [new H.Account { Balance = 1 }, new H.Account { Balance = 2 }] },
            new H.User { Name = "b", Accounts = [new H.Account { Balance = 10 }] }, new H.User { Name = "c" });
        s.Commit();
        s.ExpungeAll();
        using var log = new StatementLog(engine);
        Assert.Equal(3, s.Query<H.User>().OrderBy(u => u.Id).First().Balance);                  // instance: loads accounts, sums in C#
        Assert.Equal(["SELECT user", "SELECT account"], log.Take());
        var row = s.Query<H.User>().OrderBy(u => u.Id).Select(u => new { User = u, BalanceV = u.Balance }).First();
        Assert.Equal((3, "a"), (row.BalanceV, row.User.Name));
        Assert.Equal(["SELECT user"], log.Take());                 // one SELECT with the correlated scalar subquery
        // orm.md's form: coalesce(sum(…), 0) (the reference's sum gives NULL for user c; same rows for the filters)
        Assert.Contains("(SELECT coalesce(sum(account.balance), 0) FROM account WHERE user.id = account.user)",
            log.Sql.Count == 0 ? LastSql(engine, () => s.Query<H.User>().Select(u => u.Balance).First()) : "");
        // the reference's pitfall (query(User.balance).first() == 13, the subquery left uncorrelated with no user in the
        // outer FROM) is not reproduced: orm.md decides per-row correlation, so the first user's balance
        Assert.Equal(3, s.Query<H.User>().OrderBy(u => u.Id).Select(u => u.Balance).First());
        log.Clear();
        Assert.Equal("a", s.Query<H.User>().Where(u => u.Balance > 1).OrderBy(u => u.Id).First().Name);
        Assert.Equal(["SELECT user"], log.Take());
        Assert.Equal(["a", "b"], s.Query<H.User>().Where(u => u.Balance > 1).Select(u => u.Name).ToList().Order());
    }
}
