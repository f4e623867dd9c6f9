using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.M004;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Statement counts of each loading strategy over 100 parents with 10 children each (issue 7 acceptance), SQLite and PostgreSQL.</summary>
public class LoadingStrategyTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Seeded(string dialect, int parents = 100, int children = 10)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        for (var p = 0; p < parents; p++)
        {
            var u = new User { Name = "u" + p };
            for (var c = 0; c < children; c++) u.BlogList.Add(new Blog { Title = $"b{p}-{c}", Create = children - c });
            s.Add(u);
        }
        s.Commit();
        return engine;
    }

    private static void AssertLoaded(List<User> users, int parents, int children)
    {
        Assert.Equal(parents, users.Count);
        foreach (var u in users)
        {
            Assert.Equal(children, u.BlogList.Count);
            // ordered by Blog.Create (ascending): the last added comes first
            Assert.Equal(1, u.BlogList[0].Create);
            Assert.Same(u, u.BlogList[^1].UserObj);
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Lazy_issues_one_plus_one_per_parent(string dialect)
    {
        using var engine = Seeded(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var users = s.Query<User>().OrderBy(u => u.Id).ToList();
        AssertLoaded(users, 100, 10);
        Assert.Equal(101, log.Take().Count);
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Joined_issues_one_statement(string dialect)
    {
        using var engine = Seeded(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var users = s.Query<User>().Include(u => u.BlogList, Loading.Joined).OrderBy(u => u.Id).ToList();
        AssertLoaded(users, 100, 10);
        Assert.Contains("LEFT OUTER JOIN blog AS blog_1 ON blog_1.", log.Sql.Last());
        Assert.Equal(["SELECT user"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Subquery_issues_two_statements(string dialect)
    {
        using var engine = Seeded(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var users = s.Query<User>().Include(u => u.BlogList, Loading.Subquery).Where(u => u.Id > 0).OrderBy(u => u.Id).ToList();
        AssertLoaded(users, 100, 10);
        Assert.Equal(2, log.Dml().Count);
        Assert.Contains(") AS anon_1 JOIN blog ON blog.", log.Sql.Last());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void SelectIn_issues_two_statements_and_batches_500_keys(string dialect)
    {
        using var engine = Seeded(dialect, parents: 1001, children: 1);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var users = s.Query<User>().Include(u => u.BlogList).OrderBy(u => u.Id).Take(100).ToList();
        AssertLoaded(users, 100, 1);
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
        s.ExpireAll();
        var all = s.Query<User>().Include(u => u.BlogList, Loading.SelectIn).ToList();
        Assert.Equal(1001, all.Count);
        Assert.Equal(["SELECT user", "SELECT blog", "SELECT blog", "SELECT blog"], log.Take());
        Assert.All(all, u => Assert.Single(u.BlogList));
        Assert.Empty(log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Many_to_one_joined_and_then_include(string dialect)
    {
        using var engine = Seeded(dialect, parents: 3, children: 2);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var blogs = s.Query<Blog>().Include(b => b.UserObj).OrderBy(b => b.Id).ToList();
        Assert.Equal(6, blogs.Count);
        Assert.Equal(["u0", "u0", "u1", "u1", "u2", "u2"], blogs.Select(b => b.UserObj!.Name));
        Assert.Equal(["SELECT blog"], log.Take());
        s.ExpireAll();
        var users = s.Query<User>().Include(u => u.BlogList, Loading.SelectIn).ThenInclude(b => b.TagList).OrderBy(u => u.Id).ToList();
        Assert.All(users, u => Assert.All(u.BlogList, b => Assert.Empty(b.TagList)));
        Assert.Equal(["SELECT user", "SELECT blog", "SELECT tag"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void NoLoad_leaves_the_collection_empty_and_lazy_override_keeps_lazy(string dialect)
    {
        using var engine = Seeded(dialect, parents: 2, children: 2);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var users = s.Query<User>().Include(u => u.BlogList, Loading.NoLoad).ToList();
        Assert.All(users, u => Assert.Empty(u.BlogList));
        Assert.Single(log.Take());
        s.ExpungeAll();
        var raised = s.Query<User>().Include(u => u.BlogList, Loading.Raise).ToList();
        Assert.Throws<RaiseLoadException>(() => raised[0].BlogList.Count);
        s.ExpungeAll();
        Assert.Equal(2, s.Query<User>().Include(u => u.BlogList, Loading.Lazy).First().BlogList.Count);
    }
}

/// <summary>Seed 004 §4.4 configured strategies and per-query overrides (sqlalchemy_reference.out "004 4.4").</summary>
public class ConfiguredLoadingTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Configured_joined_and_subquery_with_per_query_overrides(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        L44.Base.Metadata.CreateAll(engine);
        using (var s0 = new Trove.Orm.Session(engine))
        {
            s0.AddRange(new L44.User { Id = 1, Name = "XX" }, new L44.User { Id = 2, Name = "YY" });
            s0.Flush();
            s0.AddRange(new L44.Blog { Id = 1, Title = "A", UserId = 1 }, new L44.Blog { Id = 2, Title = "abc", UserId = 1 },
                new L44.Blog { Id = 3, Title = "B", UserId = 1 }, new L44.Blog { Id = 4, Title = "C", UserId = 2 });
            s0.Commit();
        }
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var blog = s.Query<L44.Blog>().OrderBy(b => b.Id).First();
        Assert.Equal("XX", blog.UserObj!.Name);
        Assert.Equal(["SELECT blog"], log.Dml());
        Assert.Contains("LEFT OUTER JOIN", log.Sql.Last());
        Assert.Contains("user_1.id = blog.", log.Sql.Last().Replace("\"", ""));
        s.ExpungeAll();
        log.Clear();
        Assert.Equal("XX", s.Query<L44.Blog>().Include(b => b.UserObj, Loading.Lazy).OrderBy(b => b.Id).First().UserObj!.Name);
        Assert.Equal(["SELECT blog", "SELECT user"], log.Take());

        s.ExpungeAll();
        var user = s.Query<L44.User>().OrderBy(u => u.Id).First();
        Assert.Equal(3, user.BlogList.Count);
        Assert.Equal(["SELECT user", "SELECT user"], log.Dml());     // the blogs joined to the first query as a derived table
        Assert.Contains(") AS anon_1 JOIN blog ON blog.", log.Sql.Last().Replace("\"", ""));
        s.ExpungeAll();
        log.Clear();
        user = s.Query<L44.User>().Include(u => u.BlogList, Loading.Lazy).OrderBy(u => u.Id).First();
        Assert.Equal(3, user.BlogList.Count);
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());

        s.ExpungeAll();
        var all = s.Query<L44.User>().Include(u => u.BlogList, Loading.Joined).ToList();
        Assert.Equal(2, all.Count);                                    // rows de-duplicated into 2 users
        Assert.Equal(["SELECT user"], log.Take());
        s.ExpungeAll();
        all = s.Query<L44.User>().Include(u => u.BlogList, Loading.Subquery).ToList();
        Assert.Equal([3, 1], all.OrderBy(u => u.Id).Select(u => u.BlogList.Count));
        Assert.Equal(["SELECT user", "SELECT user"], log.Take());   // FROM (SELECT user.id FROM user) AS anon_1 JOIN blog
    }
}
