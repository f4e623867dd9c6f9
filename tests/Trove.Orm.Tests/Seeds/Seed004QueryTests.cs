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
        // >>> query = session.query(Session, User.username).join(User, User.id == Session.user); for i in query: …
        var rows = s.Query<Basic.LoginSession>()
            .Join(s.Query<Basic.User>(), x => x.UserId, u => u.Id, (x, u) => new { Session = x, u.Username })
            .ToList().OrderBy(r => r.Session.Id).ToList();
        Assert.Contains("JOIN user ON", log.Sql[^1].Replace("\"", ""));
        Assert.Equal(["BEGIN", "SELECT session"], log.Take(dmlOnly: false));
        Assert.Equal("[(Session(s1), 'alice'), (Session(s2), 'bob'), (Session(s3), 'alice')]",
            "[" + string.Join(", ", rows.Select(r => $"({r.Session}, '{r.Username}')")) + "]"); // the unknown user's session is dropped
        Assert.Equal(("10.0.0.1", "alice"), (rows[0].Session.Ip, rows[0].Username)); // attribute access on the row
        log.Clear();
        s.Dispose(); // session.close()
        Assert.Equal(["ROLLBACK"], log.Take(dmlOnly: false));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S3_2_inserts_grouped_per_table_server_defaults_applied(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        B.Base.Metadata.CreateAll(engine);
        var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        // >>> session.add(User(id=…)); session.add(Blog(id=…)); session.add_all([User(id=…), Blog(id=…)]); session.commit()
        s.Add(new B.User { Id = Hex(1) });
        s.Add(new B.Blog { Id = Hex(2) });
        s.AddRange(new B.User { Id = Hex(3) }, new B.Blog { Id = Hex(4) });
        s.Commit();
        // one batch per table, not add() order; no dependency between the two: blog before user, as in the reference.
        // SQLAlchemy sends each table's rows as one executemany; Trove re-executes the prepared INSERT per row (SQLite)
        // or sends them in one batch (PostgreSQL): the same statements, spelt per driver.
        Assert.Equal(["BEGIN", "INSERT blog", "INSERT blog", "INSERT user", "INSERT user", "COMMIT"], log.Take(dmlOnly: false));
        Assert.All(log.Sql, x => Assert.DoesNotContain("title", x)); // server defaults: only the key is sent
        // >>> blog = session.query(Blog).get(hexid(2)); blog.title, blog.create: the expired instance is loaded again
        var blog = s.Get<B.Blog>(Hex(2))!;
        Assert.Equal(["BEGIN", "SELECT blog"], log.Take(dmlOnly: false));
        // (CHAR(32) pads on PostgreSQL)
        Assert.Equal(("", "", "", 0L), (blog.Title, blog.Text, blog.UserId.TrimEnd(), blog.Create));
        Assert.Empty(log.Take(dmlOnly: false));
        s.Dispose();
        Assert.Equal(["ROLLBACK"], log.Take(dmlOnly: false));
    }

    /// <summary>The log without the dialect's table-existence checks and Core transaction control.</summary>
    private static List<string> Ddl(StatementLog log)
    {
        var r = log.Summary().Where(x => x is not ("BEGIN" or "COMMIT" or "PRAGMA") && !x.StartsWith("SELECT", StringComparison.Ordinal)).ToList();
        log.Clear();
        return r;
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S3_1_table_create_check_first_and_drop(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var log = new StatementLog(engine);
        // >>> user = Table('user', metadata, Column('user_id', Integer, primary_key=True), …); metadata.create_all(engine)
        var metadata = new Trove.Sql.Schema.MetaData();
        var userTable = new Trove.Sql.Schema.Table("user", metadata,
            new Trove.Sql.Schema.Column<int>("user_id", primaryKey: true),
            new Trove.Sql.Schema.Column<string>("user_name", Trove.Sql.Types.SqlTypes.String(16), nullable: false),
            new Trove.Sql.Schema.Column<string>("email_address", Trove.Sql.Types.SqlTypes.String(60)),
            new Trove.Sql.Schema.Column<string>("password", Trove.Sql.Types.SqlTypes.String(20), nullable: false));
        metadata.CreateAll(engine);
        Assert.Equal(["CREATE TABLE user"], Ddl(log));
        using (var c = engine.Connect())
        using (var tx = c.Begin())
        {
            c.Execute(Db.Insert(userTable).Values(("user_name", "jack"), ("password", "x")));
            var rows = c.Execute(Db.Select(userTable.C["user_id"].Expression, userTable.C["user_name"].Expression)).All();
            Assert.Equal([(1, "jack")], rows.Select(r => (Convert.ToInt32(r[0]), (string)r[1]!)));
            tx.Commit();
        }
        Assert.Equal(["INSERT user", "SELECT user"], log.Take());
        metadata.DropAll(engine); // the reference used a second engine for the declarative part
        log.Clear();

        // >>> init_db(); drop_db()
        B.Base.Metadata.CreateAll(engine);
        var created = Ddl(log);
        // (a run of CREATE INDEX statements is compared sorted, as the reference prints it)
        Assert.Equal(["CREATE TABLE blog", "CREATE INDEX ix_blog_create", "CREATE INDEX ix_blog_user", "CREATE TABLE user", "CREATE INDEX ix_user_username"],
            [created[0], .. created[1..3].Order(StringComparer.Ordinal), created[3], created[4]]);
        B.Base.Metadata.DropAll(engine);
        Assert.Equal(["DROP TABLE user", "DROP TABLE blog"], Ddl(log));

        // >>> BaseModel.metadata.tables['user'].create(Engine, checkfirst=True)   # twice
        var user = B.Base.Metadata.Tables["user"];
        user.Create(engine, checkFirst: true);
        Assert.Equal(["CREATE TABLE user", "CREATE INDEX ix_user_username"], Ddl(log));
        user.Create(engine, checkFirst: true);
        Assert.Empty(Ddl(log));
        // >>> BaseModel.metadata.tables['user'].drop(Engine, checkfirst=False)   # twice. SQLAlchemy's sqlite3 reports an
        // OperationalError; orm.md §7 makes an unknown table a ProgrammingException on every dialect.
        user.Drop(engine, checkFirst: false);
        Assert.Equal(["DROP TABLE user"], Ddl(log));
        var e = Assert.Throws<ProgrammingException>(() => user.Drop(engine, checkFirst: false));
        Assert.Contains(dialect == "sqlite" ? "no such table: user" : "\"user\" does not exist", e.Message);
        Assert.Equal(["DROP TABLE user"], Ddl(log));
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
        using var log = new StatementLog(engine);
        var users = s.Query<B.User>();
        var blogs = s.Query<B.Blog>();
        void Sql(params string[] expected) => Assert.Equal(expected, log.Take(dmlOnly: false));
        string Last() => log.Sql[^1];

        // >>> session.query(User).filter_by(username='abc').all()  (== [query(User).get(U_ABC)]: from the identity map)
        var byName = users.Where(u => u.Username == "abc").ToList();
        Assert.Equal([s.Get<B.User>(UAbc)!], byName);
        Sql("BEGIN", "SELECT user");
        Assert.Equal("[User(abc)]", "[" + string.Join(", ", users.Where(u => u.Username == "abc").ToList()) + "]");
        Sql("SELECT user");
        var ret = blogs.Where(b => b.Create >= 0).ToList();
        Assert.Equal(["A", "B", "C"], ret.Select(b => b.Title).Order());
        Sql("SELECT blog");
        var first = blogs.Where(b => b.Create >= 0).FirstOrDefault();
        Assert.Contains(first, ret); // identity map: the same objects
        Assert.Contains("LIMIT", Last());
        Sql("SELECT blog");
        // >>> filter(Blog.create >= 0 | Blog.title == 'A'): a TypeError in Python (`0 | Blog.title` first); C# precedence
        // puts comparisons above || and &&, so the seed's unparenthesised form means what it says and needs no example.
        Assert.Equal("[Blog(A), Blog(A), Blog(B), Blog(C)]", "[" + string.Join(", ", blogs.Where(b => b.Create >= 0 || b.Title == "A").ToList().OrderBy(b => b.Title)) + "]");
        Assert.Contains(" OR ", Last());
        Sql("SELECT blog");
        Assert.Equal("[Blog(A)]", "[" + string.Join(", ", blogs.Where(b => b.Create >= 0 && b.Title == "A").ToList()) + "]");
        Sql("SELECT blog");
        // >>> .offset(1).limit(1).scalar(): the second row, an instance
        var second = blogs.Where(b => b.Create >= 0).Skip(1).Take(1).SingleOrDefault();
        Assert.NotNull(second);
        Assert.Contains(second, ret);
        Assert.NotSame(first, second);
        Sql("SELECT blog");
        Assert.Equal("User(abc)", users.Where(u => u.Username == "abc").SingleOrDefault()!.ToString());
        Sql("SELECT user");
        Assert.Null(users.Where(u => u.Username == "nobody").SingleOrDefault());
        Sql("SELECT user");
        Assert.Throws<MultipleResultsException>(() => users.SingleOrDefault());
        Sql("SELECT user");
        Assert.Equal("User(abc)", users.Where(u => u.Username == "abc").Single().ToString());
        Sql("SELECT user");
        Assert.Throws<NoResultException>(() => users.Where(u => u.Username == "x").Single());
        Sql("SELECT user");
        Assert.Equal(UAbc, users.Where(u => u.Username == "abc").Select(u => u.Id).SingleOrDefault());
        Sql("SELECT user");
        var rows = blogs.Where(b => b.Create >= 0).Select(b => new { b.Id }).ToList();
        Assert.Equal([Hex(101), Hex(102), Hex(103)], rows.Select(r => r.Id).Order());
        Sql("SELECT blog");
        var dict = blogs.Where(b => b.Create >= 0).ToDictionary(b => b.Id, b => b.Title);
        Assert.Equal(new Dictionary<string, string> { [Hex(101)] = "A", [Hex(102)] = "B", [Hex(103)] = "C" }, dict);
        Assert.DoesNotContain("text", Last()); // only the two columns are selected
        Sql("SELECT blog");
        Assert.Contains(blogs.Where(b => b.Create >= 0).Select(b => new { b.Id, b.Title }).First().Title, new[] { "A", "B", "C" });
        Sql("SELECT blog");

        // >>> order_by('id desc') is a CompileError in 1.4 (and has no C# form); order_by(text('id desc')):
        var expectedIds = new[] { UAbc, Hex(0xB0B), Hex(0xCA) };
        Assert.Equal(expectedIds.OrderDescending(StringComparer.Ordinal), users.Select(u => u.Id).OrderBy(Db.Text("id desc")).ToList());
        Assert.EndsWith("ORDER BY id desc", Last());
        Sql("SELECT user");
        Assert.Equal(expectedIds.OrderDescending(StringComparer.Ordinal), users.OrderByDescending(u => u.Id).Select(u => u.Id).ToList());
        Sql("SELECT user");
        // >>> order_by('id').first() / order_by(User.id).first()
        Assert.Equal(expectedIds.Min(StringComparer.Ordinal), users.OrderBy(u => u.Id).Select(u => u.Id).First());
        Sql("SELECT user");
        // >>> order_by(-User.id) on a CHAR column: unary minus on a string does not compile in C#; on a number:
        Assert.Equal(("B", 20L), blogs.OrderBy(b => -b.Create).Select(b => new { b.Title, b.Create }).ToList().Select(x => (x.Title, x.Create)).First());
        Assert.Contains("ORDER BY -blog.\"create\"", Last());
        Sql("SELECT blog");
        // >>> query('id', 'username') is an ArgumentError in 1.4; query(column('id'), column('username')).select_from(User)
        var textual = s.Execute(Db.Select(Db.Column<string>("id"), Db.Column<string>("username")).SelectFrom(B.User.Table)).All();
        Assert.Equal(["abc", "bob", "carol"], textual.Select(r => (string)r["username"]!).Order());
        Sql("SELECT user");

        // >>> session.query(User).get('16e19a…')   # twice. The reference's first get() SELECTs because SQLAlchemy's
        // identity map holds weak references and no one kept the User(abc) loaded above; Trove's identity map keeps
        // its instances until Expunge/Dispose, so both calls are answered from it. Expunged first, the sequence matches.
        s.Expunge(s.Get<B.User>(UAbc)!);
        var u1 = s.Get<B.User>(UAbc);
        Sql("SELECT user");
        Assert.Same(u1, s.Get<B.User>(UAbc));
        Sql();
        Assert.Null(s.Get<B.User>("nope"));
        Sql("SELECT user");

        // >>> query(Blog, User).filter(Blog.user == User.id).first().User.username  (the reference's SQLite happens to
        // return blog 101 first; ordered here so PostgreSQL gives the same row)
        Assert.Equal("abc", (from b in blogs from u in users where b.UserId == u.Id orderby b.Id select new { Blog = b, User = u }).First().User.Username);
        Assert.Contains("FROM blog, ", Last());
        Sql("SELECT blog");
        var r2 = (from b in blogs from u in users where b.UserId == u.Id orderby b.Id select new { Blog = b, u.Id, u.Username }).First();
        Assert.Equal(UAbc, r2.Id); // row keys Blog, id, username: row.id is User.id
        Sql("SELECT blog");
        var r3 = (from b in blogs from u in users where b.UserId == u.Id orderby b.Id select new { BlogId = b.Id, UserId = u.Id, u.Username }).First();
        Assert.Equal((Hex(101), UAbc), (r3.BlogId, r3.UserId)); // two columns named id, told apart
        Sql("SELECT blog");

        Assert.Equal("[User(abc)]", "[" + string.Join(", ", users.Where(u => u.Id == "" || u.Id == UAbc).ToList()) + "]");
        Sql("SELECT user");
        Assert.Equal(["bob", "carol"], users.Where(u => !(u.Id == UAbc)).Select(u => u.Username).ToList().Order());
        Assert.Contains("user.id != ", Last().Replace("\"", ""));
        Sql("SELECT user");
        string[] inList = [UAbc];
        Assert.Equal("[User(abc)]", "[" + string.Join(", ", users.Where(u => inList.Contains(u.Id)).ToList()) + "]");
        Sql("SELECT user");
        Assert.Equal("[User(abc)]", "[" + string.Join(", ", users.Where(u => u.Id.Like("16e19a%")).ToList()) + "]");
        Sql("SELECT user");
        // >>> startswith: SQLAlchemy renders LIKE ? || '%'; Trove binds the escaped pattern 16e19a% (same rows)
        Assert.Equal("[User(abc)]", "[" + string.Join(", ", users.Where(u => u.Id.StartsWith("16e19a")).ToList()) + "]");
        Assert.Contains("LIKE", Last());
        Sql("SELECT user");

        // >>> query(func.count('1')).select_from(User).scalar() / query(func.count('1'), func.max(User.username)).first()
        Assert.Equal(3L, Convert.ToInt64(s.Execute(Db.Select(Func.Count()).SelectFrom(B.User.Table)).Scalar<object>()));
        Sql("SELECT user");
        var counts = s.Execute(Db.Select(Func.Count(), Func.Max(B.User.Columns.Username)).SelectFrom(B.User.Table)).First();
        Assert.Equal((3L, "carol"), (Convert.ToInt64(counts[0]), (string?)counts[1]));
        Sql("SELECT user");
        if (dialect == "sqlite")
        {
            // >>> query(func.md5(User.username)): SQLite has no md5(); the name renders as-is and fails in the database;
            // then session.rollback(). (The reference next registers md5 through sqlite3.create_function: PostgreSQL
            // has md5 built in, below.)
            var e = Assert.Throws<ProgrammingException>(() => users.Select(u => Db.Function<string>("md5", u.Username)).ToList());
            Assert.Contains("no such function: md5", e.Message);
            s.Rollback();
            Sql("SELECT user", "ROLLBACK");
        }
        else
        {
            Assert.Equal([Md5("abc")], users.Where(u => u.Username == "abc").Select(u => Db.Function<string>("md5", u.Username)).ToList());
            Sql("SELECT user");
        }
        // >>> query(func.current_timestamp()).scalar(): a datetime
        var now = s.Scalar<DateTime>(Db.Select(Func.CurrentTimestamp()));
        Assert.True(now.Year >= 2024);
        Assert.Equal(dialect == "sqlite" ? ["BEGIN", "SELECT"] : ["SELECT"], log.Take(dmlOnly: false));
        // >>> query(User).count(): wraps the query in a subquery, as SQLAlchemy does
        Assert.Equal(3, users.Count());
        Sql("SELECT user");
        s.Dispose();
        Sql("ROLLBACK");
    }

    private static string Md5(string s) => Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(s)));

    [Theory, MemberData(nameof(Dialects))]
    public void S3_6_join_with_on_and_tuple_rows(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        B.Base.Metadata.CreateAll(engine);
        var s = new Trove.Orm.Session(engine);
        s.AddRange(new B.User { Id = UAbc, Name = "Abc", Username = "abc" }, new B.User { Id = Hex(2), Name = "Bob", Username = "bob" });
        s.AddRange(new B.Blog { Id = Hex(101), Title = "A", UserId = UAbc }, new B.Blog { Id = Hex(102), Title = "B", UserId = Hex(2) },
            new B.Blog { Id = Hex(103), Title = "orphan", UserId = "x" });
        s.Commit();
        using var log = new StatementLog(engine);
        // >>> r = session.query(Blog, User).join(User, Blog.user == User.id).all(); for blog, user in r: …
        var r = s.Query<B.Blog>().Join(s.Query<B.User>(), b => b.UserId, u => u.Id, (b, u) => new { b, u }).ToList();
        Assert.Contains("FROM blog JOIN user ON blog.user = user.id", log.Sql[^1].Replace("\"", ""));
        Assert.Equal(["BEGIN", "SELECT blog"], log.Take(dmlOnly: false));
        Assert.Equal([("A", "abc"), ("B", "bob")], r.Select(x => (x.b.Title, x.u.Username)).Order()); // the orphan blog is dropped
        Assert.All(r, x => Assert.Equal(x.b.UserId, x.u.Id));
        // >>> r = session.query(Blog, User.name, User.username).join(User, Blog.user == User.id).all()
        var r2 = s.Query<B.Blog>().Join(s.Query<B.User>(), b => b.UserId, u => u.Id, (b, u) => new { b, u.Name, u.Username }).OrderBy(x => x.b.Id).ToList();
        Assert.Equal("[(Blog(A), 'Abc', 'abc'), (Blog(B), 'Bob', 'bob')]", "[" + string.Join(", ", r2.Select(x => $"({x.b}, '{x.Name}', '{x.Username}')")) + "]");
        Assert.Same(r[0].b, r2.Single(x => x.b.Id == r[0].b.Id).b); // one object per row
        Assert.Equal(["SELECT blog"], log.Take(dmlOnly: false));
        s.Dispose();
        Assert.Equal(["ROLLBACK"], log.Take(dmlOnly: false));
    }
}
