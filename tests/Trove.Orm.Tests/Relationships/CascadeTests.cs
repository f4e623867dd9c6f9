using Trove.Orm.Tests.Infrastructure;
using Trove.Sql;
using N = Trove.Orm.Tests.Relationships.CNone;
using D = Trove.Orm.Tests.Relationships.CDefault;
using Nl = Trove.Orm.Tests.Relationships.CNullable;
using Del = Trove.Orm.Tests.Relationships.CDelete;
using Orph = Trove.Orm.Tests.Relationships.COrphan;
using Mg = Trove.Orm.Tests.Relationships.CMerge;
using So = Trove.Orm.Tests.Relationships.CSaveOnly;
using Rf = Trove.Orm.Tests.Relationships.CRefresh;
using Ex = Trove.Orm.Tests.Relationships.CExpunge;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §4.7 cascades (sqlalchemy_reference.out "004 4.7"), on SQLite and PostgreSQL.</summary>
public class CascadeTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static (Engine, Trove.Orm.Session) Fresh(string dialect, Trove.Sql.Schema.MetaData metadata)
    {
        var e = OrmDb.Open(dialect);
        metadata.CreateAll(e);
        return (e, new Trove.Orm.Session(e));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Save_update_off_and_on(string dialect)
    {
        var (e1, s1) = Fresh(dialect, N.Base.Metadata);
        using (e1)
        using (s1)
        {
            var user = new N.User { Name = "哈哈" };
            var blog = new N.Blog { Title = "第一个" };
            user.BlogList = [blog];
            using var log = new StatementLog(e1);
            s1.Add(user);
            Assert.False(s1.Contains(blog));
            s1.Commit();
            Assert.Equal(["INSERT user"], log.Take());              // the blog is not inserted
            Assert.Equal(0, s1.Query<N.Blog>().Count());
        }
        var (e2, s2) = Fresh(dialect, So.Base.Metadata);
        using (e2)
        using (s2)
        {
            var user = new So.User { Name = "哈哈" };
            var blog = new So.Blog { Title = "第一个" };
            user.BlogList = [blog];
            using var log = new StatementLog(e2);
            s2.Add(user);
            Assert.True(s2.Contains(blog));
            s2.Commit();
            Assert.Equal(["INSERT user", "INSERT blog"], log.Take());
            Assert.Equal([("第一个", 1L)], s2.Query<So.Blog>().Select(b => new { b.Title, b.UserId }).ToList().Select(x => (x.Title, x.UserId)));
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Delete_without_cascade_nulls_the_key_and_not_null_fails(string dialect)
    {
        var (e1, s1) = Fresh(dialect, D.Base.Metadata);
        using (e1)
        using (s1)
        {
            s1.Add(new D.User { Name = "用户", BlogList = [new D.Blog { Title = "哈哈" }, new D.Blog { Title = "呵呵" }] });
            s1.Commit();
            using var log = new StatementLog(e1);
            s1.Remove(s1.Query<D.User>().First());
            Assert.Throws<IntegrityException>(() => s1.Commit());
            s1.Rollback();
            // the reference's UPDATE is one executemany of both rows; here one execution per row, the first fails
            Assert.Equal(["SELECT user", "SELECT blog", "UPDATE blog", "ROLLBACK"], log.Take(dmlOnly: false).Where(x => x != "BEGIN"));
        }
        var (e2, s2) = Fresh(dialect, Nl.Base.Metadata);
        using (e2)
        using (s2)
        {
            s2.Add(new Nl.User { Name = "用户", BlogList = [new Nl.Blog { Title = "哈哈" }, new Nl.Blog { Title = "呵呵" }] });
            s2.Commit();
            using var log = new StatementLog(e2);
            s2.Remove(s2.Query<Nl.User>().First());
            s2.Commit();
            Assert.Equal(["SELECT user", "SELECT blog", "UPDATE blog", "UPDATE blog", "DELETE user"], log.Take());
            Assert.Equal([("哈哈", (long?)null), ("呵呵", null)], s2.Query<Nl.Blog>().OrderBy(b => b.Id).Select(b => new { b.Title, b.UserId }).ToList().Select(x => (x.Title, x.UserId)));
        }
        var (e3, s3) = Fresh(dialect, Del.Base.Metadata);
        using (e3)
        using (s3)
        {
            s3.Add(new Del.User { Name = "用户", BlogList = [new Del.Blog { Title = "哈哈" }, new Del.Blog { Title = "呵呵" }] });
            s3.Commit();
            using var log = new StatementLog(e3);
            s3.Remove(s3.Query<Del.User>().First());
            s3.Commit();
            Assert.Equal(["SELECT user", "SELECT blog", "DELETE blog", "DELETE blog", "DELETE user"], log.Take());
            Assert.Equal((0, 0), (s3.Query<Del.User>().Count(), s3.Query<Del.Blog>().Count()));
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Delete_orphan(string dialect)
    {
        var (e, s) = Fresh(dialect, Orph.Base.Metadata);
        using var _e = e;
        using var _s = s;
        var u = new Orph.User { Name = "用户" };
        u.BlogList = [new Orph.Blog { Title = "一" }, new Orph.Blog { Title = "二" }];
        s.Add(u);
        s.Commit();
        using var log = new StatementLog(e);
        var user = s.Query<Orph.User>().First();
        var blog2 = s.Query<Orph.Blog>().Where(b => b.Title == "二").First();
        user.BlogList = [blog2];
        s.Commit();
        Assert.Equal(["SELECT user", "SELECT blog", "SELECT blog", "DELETE blog"], log.Take());
        Assert.Equal(["二"], s.Query<Orph.Blog>().ToList().Select(b => b.Title));
        log.Clear();
        user.BlogList.Remove(blog2);
        s.Commit();
        Assert.Equal(["SELECT user", "SELECT blog", "DELETE blog"], log.Take());   // the expired user reloads, its list loads
        Assert.Equal(0, s.Query<Orph.Blog>().Count());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Merge_and_merge_cascade(string dialect)
    {
        var (e, s) = Fresh(dialect, Mg.Base.Metadata);
        using var _e = e;
        using (s)
        {
            s.Add(new Mg.User { Id = 1, Name = "1" });
            s.Commit();
        }
        using (var s2 = new Trove.Orm.Session(e))
        {
            using var log = new StatementLog(e);
            var user = s2.Merge(new Mg.User { Id = 1 });
            Assert.Equal("1", user.Name);
            Assert.Equal(["SELECT user"], log.Take());
            s2.Merge(new Mg.User { Id = 1, Name = "2" });
            s2.Commit();
            Assert.Equal("2", s2.Query<Mg.User>().Where(u => u.Id == 1).Select(u => u.Name).Single());
            Assert.Equal(["UPDATE user", "SELECT user"], log.Take());
            s2.Merge(new Mg.User { Id = 7, Name = "seven" });
            s2.Commit();
            Assert.Equal("seven", s2.Query<Mg.User>().Where(u => u.Id == 7).Select(u => u.Name).Single());
            Assert.Equal(["SELECT user", "INSERT user", "SELECT user"], log.Take());
            s2.Merge(new Mg.User { Id = 1, BlogList = [new Mg.Blog { Title = "哈哈" }] });
            s2.Commit();
            Assert.Equal([("哈哈", 1L)], s2.Query<Mg.Blog>().Select(b => new { b.Title, b.UserId }).ToList().Select(x => (x.Title, x.UserId)));
            // the expired user reloads, its collection loads to be merged into, the new blog is inserted
            Assert.Equal(["SELECT user", "SELECT blog", "INSERT blog", "SELECT blog"], log.Take());
        }

        var (e2, s3) = Fresh(dialect, So.Base.Metadata);
        using var _e2 = e2;
        using var _s3 = s3;
        using var log3 = new StatementLog(e2);
        s3.Add(new So.User { Id = 1, Name = "1" });
        s3.Commit();
        s3.Merge(new So.User { Id = 1, BlogList = [new So.Blog { Title = "哈哈" }] });
        s3.Commit();
        Assert.Equal(0, s3.Query<So.Blog>().Count());
        Assert.Equal(["INSERT user", "SELECT user", "SELECT blog"], log3.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Refresh_expire_cascade(string dialect)
    {
        var (e, s) = Fresh(dialect, Rf.Base.Metadata);
        using (e)
        using (s)
        {
            s.Add(new Rf.User { Name = "用户", BlogList = [new Rf.Blog { Title = "哈哈" }, new Rf.Blog { Title = "呵呵" }] });
            s.Commit();
            var user = s.Query<Rf.User>().First();
            var blog = user.BlogList[0];
            _ = (user.Name, blog.Title);
            s.Expire(user);
            using var log = new StatementLog(e);
            _ = (user.Name, blog.Title);
            Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
        }
        var (e2, s2) = Fresh(dialect, D.Base.Metadata);
        using (e2)
        using (s2)
        {
            s2.Add(new D.User { Name = "用户", BlogList = [new D.Blog { Title = "哈哈" }, new D.Blog { Title = "呵呵" }] });
            s2.Commit();
            var user = s2.Query<D.User>().First();
            var blog = user.BlogList[0];
            _ = (user.Name, blog.Title);
            s2.Expire(user);
            using var log = new StatementLog(e2);
            _ = (user.Name, blog.Title);
            Assert.Equal(["SELECT user"], log.Take());
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Expunge_cascade(string dialect)
    {
        var (e, s) = Fresh(dialect, Ex.Base.Metadata);
        using var _e = e;
        using var _s = s;
        var user = new Ex.User { Name = "用户" };
        var blog = new Ex.Blog { Title = "第一个" };
        user.BlogList = [blog];
        s.Add(user);
        s.Add(blog);
        s.Expunge(user);
        Assert.Equal((false, false), (s.Contains(user), s.Contains(blog)));
    }
}

/// <summary>Flush ordering across a cycle of foreign keys (issue 7: cycles broken with post-update statements).</summary>
public class CycleTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Mutual_references_insert_then_post_update(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        // PostgreSQL: CreateAll finds the cycle, creates both tables and adds their keys by ALTER TABLE … ADD CONSTRAINT
        using (var ddl = new StatementLog(engine))
        {
            Cycle.Base.Metadata.CreateAll(engine);
            var alters = ddl.Sql.Where(x => x.StartsWith("ALTER", StringComparison.Ordinal)).ToList();
            Assert.Equal(dialect == "sqlite" ? [] :
                ["ALTER TABLE person ADD CONSTRAINT fk_person_favorite_blog_id_blog FOREIGN KEY(favorite_blog_id) REFERENCES blog (id)",
                 "ALTER TABLE blog ADD CONSTRAINT fk_blog_owner_id_person FOREIGN KEY(owner_id) REFERENCES person (id)"], alters);
        }
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var p = new Cycle.Person { Name = "p" };
        var b = new Cycle.Blog { Title = "b", Owner = p };
        p.FavoriteBlog = b;
        s.Add(p);
        s.Commit();
        Assert.Equal(["INSERT person", "INSERT blog", "UPDATE person"], log.Take());
        Assert.Equal((b.Id, p.Id), (s.Query<Cycle.Person>().Select(x => x.FavoriteBlogId).Single()!.Value, s.Query<Cycle.Blog>().Select(x => x.OwnerId).Single()!.Value));
        log.Clear();
        s.Remove(p);
        s.Remove(b);
        s.Commit();
        // as SQLAlchemy 1.4 with post_update=True (checked with a script: SELECT person, SELECT blog there reload the
        // expired rows, reloaded above by b.Id / p.Id here): the post-update unlinks person, then blog and person go
        Assert.Equal(["UPDATE person", "DELETE blog", "DELETE person"], log.Take());
        Cycle.Base.Metadata.DropAll(engine);                     // the ALTER-added constraints are dropped first
        Cycle.Base.Metadata.CreateAll(engine);
    }
}
