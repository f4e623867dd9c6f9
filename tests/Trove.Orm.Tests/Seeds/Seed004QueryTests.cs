using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Sql;
using B = Trove.Orm.Tests.Models.S004Blog;
using Basic = Trove.Orm.Tests.Models.S004Basic;

namespace Trove.Orm.Tests.Seeds;

/// <summary>Seed 004 §1, §3.1–3.3 and §3.6 (sqlalchemy_reference.out), on SQLite and PostgreSQL.</summary>
public class Seed004QueryTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static string Hex(int i) => i.ToString("x32");
    private const string UAbc = "16e19a64d5874c308421e1a835b01c69";

    [Theory, MemberData(nameof(Dialects))]
    public void S1_entity_plus_column_with_explicit_join(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Basic.Base.Metadata.CreateAll(engine);
        var sessions = new SessionFactory(engine);
        using var s = sessions.Create();
        s.AddRange(new Basic.User { Id = "u1", Username = "alice" }, new Basic.User { Id = "u2", Username = "bob" },
            new Basic.LoginSession { Id = "s1", UserId = "u1", Ip = "10.0.0.1" }, new Basic.LoginSession { Id = "s2", UserId = "u2", Ip = "10.0.0.2" },
            new Basic.LoginSession { Id = "s3", UserId = "u1", Ip = "10.0.0.3" }, new Basic.LoginSession { Id = "s4", UserId = "ghost", Ip = "x" });
        s.Commit();
        using var log = new StatementLog(engine);
        var rows = s.Query<Basic.LoginSession>()
            .Join(s.Query<Basic.User>(), x => x.UserId, u => u.Id, (x, u) => new { Session = x, u.Username })
            .ToList().OrderBy(r => r.Session.Id).ToList();
        Assert.Equal(["SELECT session"], log.Take());
        Assert.Equal(3, rows.Count); // the session of an unknown user is dropped
        Assert.Equal("Session(s1), Session(s2), Session(s3)", string.Join(", ", rows.Select(r => r.Session)));
        Assert.Equal(("10.0.0.1", "alice"), (rows[0].Session.Ip, rows[0].Username));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S3_2_inserts_grouped_per_table_server_defaults_applied(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        B.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        s.Add(new B.User { Id = Hex(1) });
        s.Add(new B.Blog { Id = Hex(2) });
        s.AddRange(new B.User { Id = Hex(3) }, new B.Blog { Id = Hex(4) });
        s.Commit();
        // one batch per table, not add() order; no dependency between the two: by table name (blog, user)
        Assert.Equal(["INSERT blog", "INSERT blog", "INSERT user", "INSERT user"], log.Take());
        Assert.All(log.Sql, x => Assert.DoesNotContain("title", x));
        var blog = s.Get<B.Blog>(Hex(2))!;
        // (CHAR(32) pads on PostgreSQL)
        Assert.Equal(("", "", "", 0L), (blog.Title, blog.Text, blog.UserId.TrimEnd(), blog.Create));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S3_1_table_create_check_first_and_drop(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var log = new StatementLog(engine);
        B.Base.Metadata.CreateAll(engine);
        B.Base.Metadata.DropAll(engine);
        log.Clear();
        var user = B.Base.Metadata.Tables["user"];
        user.Create(engine, checkFirst: true);
        user.Create(engine, checkFirst: true);
        Assert.Single(log.Sql, x => x.StartsWith("CREATE TABLE", StringComparison.Ordinal));
        Assert.Contains(log.Sql, x => x.StartsWith("CREATE INDEX ix_user_username", StringComparison.Ordinal));
        user.Drop(engine, checkFirst: false);
        Assert.ThrowsAny<DatabaseException>(() => user.Drop(engine, checkFirst: false));
    }

    private static (Engine, Trove.Orm.Session) QueryData(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        B.Base.Metadata.CreateAll(engine);
        var s = new SessionFactory(engine).Create();
        s.AddRange(new B.User { Id = UAbc, Name = "Abc", Username = "abc" }, new B.User { Id = Hex(0xB0B), Name = "Bob", Username = "bob" },
            new B.User { Id = Hex(0xCA), Name = "Carol", Username = "carol" });
        s.AddRange(new B.Blog { Id = Hex(101), Title = "A", UserId = UAbc, Create = 10 }, new B.Blog { Id = Hex(102), Title = "B", UserId = UAbc, Create = 20 },
            new B.Blog { Id = Hex(103), Title = "C", UserId = Hex(0xB0B), Create = 0 }, new B.Blog { Id = Hex(104), Title = "A", UserId = "nobody", Create = -1 });
        s.Commit();
        return (engine, s);
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S3_3_result_shapes_filters_first_one_scalar(string dialect)
    {
        var (engine, s) = QueryData(dialect);
        using var _e = engine;
        using var _s = s;
        using var log = new StatementLog(engine);
        var users = s.Query<B.User>();
        var blogs = s.Query<B.Blog>();

        Assert.Equal([s.Get<B.User>(UAbc)!], users.Where(u => u.Username == "abc").ToList());
        Assert.Equal("User(abc)", string.Join(",", users.Where(u => u.Username == "abc").ToList()));
        var ret = blogs.Where(b => b.Create >= 0).ToList();
        Assert.Equal(["A", "B", "C"], ret.Select(b => b.Title).Order());
        log.Clear();
        var first = blogs.Where(b => b.Create >= 0).FirstOrDefault();
        Assert.Contains(first, ret); // identity map: the same objects
        Assert.Contains(log.Sql, x => x.Contains("LIMIT", StringComparison.Ordinal));
        // C# precedence: comparisons bind tighter than | and &, so the seed's unparenthesised form works
        Assert.Equal(["A", "A", "B", "C"], blogs.Where(b => b.Create >= 0 || b.Title == "A").Select(b => b.Title).ToList().Order());
        Assert.Equal("Blog(A)", string.Join(",", blogs.Where(b => b.Create >= 0 && b.Title == "A").ToList()));
        var second = blogs.Where(b => b.Create >= 0).Skip(1).Take(1).SingleOrDefault();
        Assert.NotNull(second);
        Assert.Contains(second, ret);
        Assert.Equal("User(abc)", users.Where(u => u.Username == "abc").SingleOrDefault()!.ToString());
        Assert.Null(users.Where(u => u.Username == "nobody").SingleOrDefault());
        Assert.Throws<MultipleResultsException>(() => users.SingleOrDefault());
        Assert.Equal("User(abc)", users.Where(u => u.Username == "abc").Single().ToString());
        Assert.Throws<NoResultException>(() => users.Where(u => u.Username == "x").Single());
        Assert.Equal(UAbc, users.Where(u => u.Username == "abc").Select(u => u.Id).SingleOrDefault());
        var ids = blogs.Where(b => b.Create >= 0).Select(b => new { b.Id }).ToList();
        Assert.Equal([Hex(101), Hex(102), Hex(103)], ids.Select(r => r.Id).Order());
        log.Clear();
        var dict = blogs.Where(b => b.Create >= 0).ToDictionary(b => b.Id, b => b.Title);
        Assert.Equal(new Dictionary<string, string> { [Hex(101)] = "A", [Hex(102)] = "B", [Hex(103)] = "C" }, dict);
        Assert.DoesNotContain("text", log.Sql.Single()); // only the two columns are selected
        Assert.Contains(blogs.Where(b => b.Create >= 0).Select(b => new { b.Id, b.Title }).First().Title, new[] { "A", "B", "C" });
        var expectedIds = new[] { UAbc, Hex(0xB0B), Hex(0xCA) };
        Assert.Equal(expectedIds.OrderDescending(StringComparer.Ordinal), users.OrderByDescending(u => u.Id).Select(u => u.Id).ToList());
        Assert.Equal(expectedIds.Min(StringComparer.Ordinal), users.OrderBy(u => u.Id).Select(u => u.Id).First());
        Assert.Equal(("B", 20L), blogs.OrderBy(b => -b.Create).Select(b => new { b.Title, b.Create }).ToList().Select(x => (x.Title, x.Create)).First());
        var textual = s.Execute(Db.Select(Db.Column<string>("id"), Db.Column<string>("username")).SelectFrom(B.User.Table)).All();
        Assert.Equal(["abc", "bob", "carol"], textual.Select(r => (string)r["username"]!).Order());

        log.Clear();
        var u1 = s.Get<B.User>(UAbc);
        var u2 = s.Get<B.User>(UAbc);
        Assert.Same(u1, u2);
        Assert.Empty(log.Take()); // already in the identity map
        Assert.Null(s.Get<B.User>("nope"));
        Assert.Equal(["SELECT user"], log.Take());

        Assert.Equal("abc", (from b in blogs from u in users where b.UserId == u.Id orderby b.Id select new { Blog = b, User = u }).First().User.Username);
        var r2 = (from b in blogs from u in users where b.UserId == u.Id orderby b.Id select new { Blog = b, u.Id, u.Username }).First();
        Assert.Equal(UAbc, r2.Id);
        var r3 = (from b in blogs from u in users where b.UserId == u.Id orderby b.Id select new { BlogId = b.Id, UserId = u.Id, u.Username }).First();
        Assert.Equal((Hex(101), UAbc), (r3.BlogId, r3.UserId));

        Assert.Equal("User(abc)", string.Join(",", users.Where(u => u.Id == "" || u.Id == UAbc).ToList()));
        Assert.Equal(["bob", "carol"], users.Where(u => !(u.Id == UAbc)).Select(u => u.Username).ToList().Order());
        string[] inList = [UAbc];
        Assert.Equal("User(abc)", string.Join(",", users.Where(u => inList.Contains(u.Id)).ToList()));
        Assert.Equal("User(abc)", string.Join(",", users.Where(u => u.Id.Like("16e19a%")).ToList()));
        log.Clear();
        Assert.Equal("User(abc)", string.Join(",", users.Where(u => u.Id.StartsWith("16e19a")).ToList()));
        Assert.Contains("LIKE", log.Sql.Single());

        var counts = s.Execute(Db.Select(Func.Count(), Func.Max(B.User.Columns.Username)).SelectFrom(B.User.Table)).First();
        Assert.Equal((3L, "carol"), (Convert.ToInt64(counts[0]), (string?)counts[1]));
        if (dialect == "sqlite")
        {
            // SQLite has no md5(): any function name renders as-is and fails in the database
            Assert.ThrowsAny<DatabaseException>(() => users.Select(u => Db.Function<string>("md5", u.Username)).ToList());
        }
        else
        {
            Assert.Equal(["900150983cd24fb0d6963f7d28e17f72"], users.Where(u => u.Username == "abc").Select(u => Db.Function<string>("md5", u.Username)).ToList());
        }
        var now = s.Scalar<DateTime>(Db.Select(Func.CurrentTimestamp()));
        Assert.True(now.Year >= 2024);
        Assert.Equal(3, users.Count());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S3_6_join_with_on_and_tuple_rows(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        B.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new B.User { Id = UAbc, Name = "Abc", Username = "abc" }, new B.User { Id = Hex(2), Name = "Bob", Username = "bob" });
        s.AddRange(new B.Blog { Id = Hex(101), Title = "A", UserId = UAbc }, new B.Blog { Id = Hex(102), Title = "B", UserId = Hex(2) },
            new B.Blog { Id = Hex(103), Title = "orphan", UserId = "x" });
        s.Commit();
        using var log = new StatementLog(engine);
        var r = s.Query<B.Blog>().Join(s.Query<B.User>(), b => b.UserId, u => u.Id, (b, u) => new { b, u }).ToList();
        Assert.Equal([("A", "abc"), ("B", "bob")], r.Select(x => (x.b.Title, x.u.Username)).Order());
        Assert.All(r, x => Assert.Equal(x.b.UserId, x.u.Id));
        var r2 = s.Query<B.Blog>().Join(s.Query<B.User>(), b => b.UserId, u => u.Id, (b, u) => new { b, u.Name, u.Username }).OrderBy(x => x.b.Id).ToList();
        Assert.Equal([("Abc", "abc"), ("Bob", "bob")], r2.Select(x => (x.Name, x.Username)));
        Assert.Equal(["SELECT blog", "SELECT blog"], log.Take());
    }
}
