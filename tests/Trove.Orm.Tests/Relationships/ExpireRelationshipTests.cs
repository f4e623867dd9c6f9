using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.M004;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// <c>s.Expire(obj, nameof(Rel))</c> on one relationship attribute, as SQLAlchemy's
/// <c>session.expire(obj, ['children'])</c>: the relationship alone is forgotten (no SQL at expire, no reload of
/// the columns) and lazy-loads on next access; the other side of a two-sided relationship is not touched (checked
/// with SQLAlchemy 1.4). <c>Refresh</c> with relationship names follows SQLAlchemy's refresh.
/// </summary>
public class ExpireRelationshipTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Expire_one_relationship_reloads_it_on_next_access(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using (var s0 = new Trove.Orm.Session(engine))
        {
            s0.AddRange(new User { Id = 1, Name = "XX" }, new User { Id = 2, Name = "YY" });
            s0.Flush();
            s0.Add(new Blog { Id = 1, Title = "A", UserId = 1, Create = 30 });
            s0.Commit();
        }
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = s.Get<User>(1L)!;
        Assert.Equal(["A"], user.BlogList.Select(b => b.Title));
        var a = user.BlogList[0];

        // a row the loaded collection does not know about (setting the FK column does not touch the collection)
        s.Add(new Blog { Id = 2, Title = "B", UserId = 1, Create = 40 });
        s.Flush();
        Assert.Single(user.BlogList);
        log.Clear();

        s.Expire(user, nameof(User.BlogList));
        Assert.Empty(log.Take());                                   // expire itself runs no SQL
        Assert.Equal(["A", "B"], user.BlogList.Select(b => b.Title));
        Assert.Equal(["SELECT blog"], log.Take());                  // the relationship only: user's columns stay loaded
        Assert.Equal("XX", user.Name);
        Assert.Empty(log.Take());

        // many-to-one: the stale reference stays until the attribute is expired (expiring user.BlogList left the
        // other side, a.UserObj, loaded: no SQL)
        Assert.Same(user, a.UserObj);
        Assert.Empty(log.Take());
        a.UserId = 2;
        s.Flush();
        Assert.Same(user, a.UserObj);
        log.Clear();
        s.Expire(a, nameof(Blog.UserObj));
        Assert.Equal("YY", a.UserObj!.Name);
        Assert.Equal(["SELECT user"], log.Take());

        // as SQLAlchemy 1.4 (checked with a script): refresh(user, ['blog_list']) alone is refused; with a column,
        // the column reloads at once (SELECT user) and the relationship is expired, loading on access (SELECT blog)
        Assert.Throws<InvalidOperationException>(() => s.Refresh(user, nameof(User.BlogList)));
        Assert.Empty(log.Take());
        s.Refresh(user, nameof(User.Name), nameof(User.BlogList));
        Assert.Equal(["SELECT user"], log.Take());
        Assert.Equal(["B"], user.BlogList.Select(b => b.Title));
        Assert.Equal(["SELECT blog"], log.Take());

        Assert.Throws<KeyNotFoundException>(() => s.Expire(user, "NoSuchAttribute"));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Expiring_a_collection_discards_its_unflushed_link_rows(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        OneSided.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        var post = new OneSided.Post { Title = "p" };
        var label = new OneSided.Label { Name = "a" };
        s.AddRange(post, label);
        s.Commit();

        // SQLAlchemy: expire discards the attribute's pending history, so the flush writes no link row
        post.Labels.Add(label);
        s.Expire(post, nameof(OneSided.Post.Labels));
        s.Commit();
        Assert.Equal(0L, s.Scalar<long>(Db.Text("select count(*) from post_label")));
        Assert.Empty(post.Labels);

        post.Labels.Add(label);
        s.Commit();
        Assert.Equal(1L, s.Scalar<long>(Db.Text("select count(*) from post_label")));
    }
}
