using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.M004;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §4.1, §4.2 and §4.6 (sqlalchemy_reference.out), on SQLite and PostgreSQL.</summary>
public class Seed004RelationshipTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Open(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        return engine;
    }

    /// <summary>blog_user_data of the reference script: users XX, YY; blogs A(30), abc(10), B(20) of XX and C(5) of YY.</summary>
    private static void BlogUserData(Engine engine)
    {
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new User { Id = 1, Name = "XX" }, new User { Id = 2, Name = "YY" });
        s.Flush();
        s.AddRange(new Blog { Id = 1, Title = "A", UserId = 1, Create = 30 }, new Blog { Id = 2, Title = "abc", UserId = 1, Create = 10 },
            new Blog { Id = 3, Title = "B", UserId = 1, Create = 20 }, new Blog { Id = 4, Title = "C", UserId = 2, Create = 5 });
        s.Commit();
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_1_flush_gives_the_id_and_a_child_built_through_the_relationship_gets_the_key(string dialect)
    {
        using var engine = Open(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = new User { Name = "first" };
        s.Add(user);
        Assert.Equal(0, user.Id);
        s.Flush();
        Assert.Equal(1, user.Id);
        Assert.Equal(["INSERT user"], log.Take());              // flush() sent the INSERT inside the transaction
        s.Add(new Blog { Title = "第一个", UserId = user.Id });
        s.Commit();
        Assert.Equal(["INSERT blog"], log.Take());
        Assert.Equal([("第一个", 1L)], s.Query<Blog>().Select(b => new { b.Title, b.UserId }).ToList().Select(x => (x.Title, x.UserId)));
        Assert.Equal(["SELECT blog"], log.Take());
        // beyond the reference: a child added through the relationship gets the key (orm.md's example program)
        user.BlogList.Add(new Blog { Title = "A" });            // save-update cascade; Blog.UserObj back-populated
        Assert.Same(user, user.BlogList[^1].UserObj);
        s.Commit();
        Assert.Equal(["SELECT user", "SELECT blog", "INSERT blog"], log.Take());
        Assert.Equal(["A", "第一个"], user.BlogList.Select(b => b.Title).Order(StringComparer.Ordinal));
        Assert.Equal([("第一个", 1L), ("A", 1L)], s.Query<Blog>().OrderBy(b => b.Id).Select(b => new { b.Title, b.UserId }).ToList().Select(x => (x.Title, x.UserId)));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_1_on_delete_cascade_is_the_databases(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        M41.Base.Metadata.CreateAll(engine);
        using (var s0 = new Trove.Orm.Session(engine))
        {
            var u = new M41.User { Name = "first" };
            s0.Add(u);
            s0.Flush();
            s0.Add(new M41.Blog { Title = "第一个", UserId = u.Id });
            s0.Commit();
        }
        using var log = new StatementLog(engine);
        engine.Execute(Trove.Sql.Db.Delete(M41.User.Table));     // conn.execute(User.__table__.delete())
        Assert.Equal(0, engine.Scalar<long>(Trove.Sql.Db.Text("SELECT count(*) FROM blog")));
        Assert.Equal(["DELETE user", "SELECT blog"], log.Take());   // the database removed the blog (bundled SQLite enforces FKs)
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_2_many_to_one_and_ordered_one_to_many_load_on_access(string dialect)
    {
        using var engine = Open(dialect);
        BlogUserData(engine);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var blog = s.Get<Blog>(1L)!;
        Assert.Equal(["SELECT blog"], log.Take());
        Assert.Equal("User(XX)", blog.UserObj!.ToString());
        Assert.Equal(["SELECT user"], log.Take());                // its own SELECT on first access (no JOIN before)
        var user = s.Get<User>(1L)!;
        Assert.Equal("[Blog(abc), Blog(B), Blog(A)]", "[" + string.Join(", ", user.BlogList) + "]");
        Assert.Equal(["SELECT blog"], log.Take());                // identity map for the user; ORDER BY blog."create"
        Assert.Contains("ORDER BY blog.", log.Sql.Count == 0 ? LastSql(engine, () => s.Expire(user), () => _ = user.BlogList.Count) : "");
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_2_dynamic_relationship_is_a_query(string dialect)
    {
        using var engine = Open(dialect);
        BlogUserData(engine);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var bl = s.Get<User>(1L)!.Blogs;
        Assert.Equal("[Blog(abc), Blog(B), Blog(A)]", "[" + string.Join(", ", bl.ToList()) + "]");
        Assert.Equal("Blog(abc)", bl.Where(b => b.Title == "abc").First().ToString());
        Assert.Equal(3, bl.Count());
        // count() over the dynamic query: SELECT count(*) FROM (SELECT … FROM blog …), as in the reference
        Assert.Equal(["SELECT user", "SELECT blog", "SELECT blog", "SELECT blog"], log.Take());
        bl.Add(new Blog { Title = "new", Id = 5 });
        s.Commit();
        Assert.Equal(["INSERT blog"], log.Take());
        Assert.Equal(4, s.Get<User>(1L)!.Blogs.Count());
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());   // the expired user reloads, then count() of the query
        Assert.Equal(1L, s.Query<Blog>().Where(b => b.Title == "new").Select(b => b.UserId).Single());
    }

    private static string LastSql(Engine engine, Action before, Action run)
    {
        before();
        using var log = new StatementLog(engine);
        run();
        return log.Sql.Last();
    }

    private static List<(long, long)> Links(Trove.Orm.Session s) =>
        s.Query<BlogAndTag>().OrderBy(l => l.Id).Select(l => new { l.BlogId, l.TagId }).ToList().Select(x => (x.BlogId!.Value, x.TagId!.Value)).ToList();

    /// <summary>
    /// The reference's 4.6 walk statement by statement (its links() checks run with SQL logging off; here the log is
    /// cleared after them). The model has the reference's second variant, <c>backref='blog_list'</c> (here "Blogs");
    /// the first variant (no reverse side) is OneSidedManyToManyTests.
    /// </summary>
    [Theory, MemberData(nameof(Dialects))]
    public void S4_6_many_to_many_assign_clear_remove_and_delete(string dialect)
    {
        using var engine = Open(dialect);
        using (var s0 = new Trove.Orm.Session(engine))
        {
            s0.Add(new User { Name = "XX" });
            s0.Flush();
            s0.AddRange(new Blog { Title = "a", UserId = 1 }, new Tag { Name = "x" });
            s0.Commit();
        }
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var blog = s.Query<Blog>().Where(b => b.Title == "a").Single();
        Assert.Empty(blog.TagList);
        Assert.Equal(["SELECT blog", "SELECT tag"], log.Take());
        Assert.Contains("= blog_and_tag.blog AND tag.id = blog_and_tag.tag", log.Sql.Count == 0 ? LastSql(engine, () => s.Expire(blog, nameof(Blog.TagList)), () => _ = blog.TagList.Count) : "");
        log.Clear();

        blog.TagList = [new Tag { Name = "t1" }];
        s.Commit();
        Assert.Equal(["INSERT tag", "INSERT blog_and_tag"], log.Take());
        Assert.Equal([(1L, 2L)], Links(s));
        log.Clear();
        Assert.Equal("[Tag(t1)]", "[" + string.Join(", ", blog.TagList) + "]");
        Assert.Equal(["SELECT blog", "SELECT tag"], log.Take());   // the expired blog reloads, then its tags

        blog.TagList = [];
        s.Commit();
        Assert.Equal(["DELETE blog_and_tag"], log.Take());          // only the link row is deleted
        Assert.Empty(Links(s));
        log.Clear();
        Assert.Equal(1, s.Query<Tag>().Where(t => t.Name == "t1").Count());
        Assert.Equal(["SELECT tag"], log.Take());

        var tagX = s.Query<Tag>().Where(t => t.Name == "x").Single();
        blog.TagList.Add(tagX);
        s.Commit();
        Assert.Equal(["SELECT tag", "SELECT blog", "SELECT tag", "INSERT blog_and_tag"], log.Take());
        Assert.Equal([(1L, 1L)], Links(s));
        log.Clear();
        var tag = s.Query<Tag>().Where(t => t.Name == "x").Single();
        blog.TagList.Remove(tag);
        s.Commit();
        Assert.Equal(["SELECT tag", "SELECT blog", "SELECT tag", "DELETE blog_and_tag"], log.Take());
        Assert.Empty(Links(s));
        log.Clear();
        Assert.Equal(2, s.Query<Tag>().Count());
        Assert.Equal(["SELECT tag"], log.Take());

        blog.TagList = [new Tag { Name = "ok" }];
        s.Commit();
        Assert.Equal(["SELECT blog", "SELECT tag", "INSERT tag", "INSERT blog_and_tag"], log.Take());
        Assert.Equal([(1L, 3L)], Links(s));
        log.Clear();
        // with the reverse side known to the ORM (Backref "Blogs"), deleting a Tag loads that side and deletes its
        // link rows first, as the reference's backref='blog_list' variant
        s.Remove(s.Query<Tag>().Where(t => t.Name == "ok").Single());
        s.Commit();
        Assert.Equal(["SELECT tag", "SELECT blog", "DELETE blog_and_tag", "DELETE tag"], log.Take());
        Assert.Empty(Links(s));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S4_6_link_rows_from_the_backref_side_and_eager_loading_of_both_sides(string dialect)
    {
        using var engine = Open(dialect);
        using var s = new Trove.Orm.Session(engine);
        var u = new User { Name = "u" };
        var b1 = new Blog { Title = "b1", UserObj = u };
        var b2 = new Blog { Title = "b2", UserObj = u };
        var t = new Tag { Name = "t" };
        t.Blogs.Add(b1);
        t.Blogs.Add(b2);
        Assert.Same(t, Assert.Single(b1.TagList));
        s.Add(t);
        Assert.True(s.Contains(u));                                // t → blogs → user through save-update
        s.Commit();
        Assert.Equal(2, Links(s).Count);
        s.ExpireAll();
        using var log = new StatementLog(engine);
        var blogs = s.Query<Blog>().Include(b => b.TagList, Loading.Joined).OrderBy(b => b.Id).ToList();
        Assert.Equal(["t", "t"], blogs.Select(b => Assert.Single(b.TagList).Name));
        Assert.Single(log.Take());
        s.ExpireAll();
        var tags = s.Query<Tag>().Include(x => x.Blogs, Loading.Subquery).ToList();
        Assert.Equal(["b1", "b2"], Assert.Single(tags).Blogs.Select(b => b.Title).Order());
        Assert.Equal(2, log.Take().Count);
    }
}
