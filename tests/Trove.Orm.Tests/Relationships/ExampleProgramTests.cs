using Trove.Orm.Linq;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.Ex004;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>The seed 004 example program of orm.md §4, step by step, on SQLite and PostgreSQL.</summary>
public class ExampleProgramTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Seed004_example_program(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);

        var user = new User { Name = "first", Username = "新的" };
        s.Add(user); s.Flush();
        Assert.Equal(1, user.Id);
        s.Add(new Blog { Title = "第一个", UserId = user.Id });
        user.BlogList.Add(new Blog { Title = "A" });
        Assert.Same(user, user.BlogList[^1].UserObj);
        s.Commit();

        Assert.Equal("first", user.Name);
        Assert.Equal(["A", "第一个"], user.BlogTitles.Order(StringComparer.Ordinal));
        user.BlogTitles.Add("B");
        Blog a = user.Blogs.Where(b => b.Title == "A").Single();
        a.TagList = [new Tag { Name = "t1" }, new Tag { Name = "t2" }];
        s.Commit();
        Assert.Equal(3, s.Query<Blog>().Count());
        Assert.Equal(2, s.Query<BlogAndTag>().Count());

        var withA = s.Query<User>().Where(u => u.BlogList.Any(b => b.Title == "A")).First();
        Assert.Same(user, withA);
        var byOwner = s.Query<Blog>().Where(b => b.UserObj.Has(u => u.Name == "first")).ToList();
        Assert.Equal(3, byOwner.Count);
        var eager = s.Query<User>().Include(u => u.BlogList, Loading.SelectIn).ThenInclude(b => b.TagList).First();
        Assert.Equal(["t1", "t2"], eager.BlogList.Single(b => b.Title == "A").TagList.Select(t => t.Name).Order());
        var joined = s.Query<Blog>().Join(b => b.UserObj).Include(b => b.UserObj, Loading.ContainsEager)
            .Where(b => b.UserObj!.Username == "新的").ToList();
        Assert.Equal(3, joined.Count);

        a.TagList.Remove(s.Query<Tag>().Where(t => t.Name == "t1").Single());
        user.BlogList = [.. user.BlogList.Where(b => b.Title != "第一个")];
        s.Commit();
        Assert.Equal(1, s.Query<BlogAndTag>().Count());
        Assert.Equal(2, s.Query<Tag>().Count());
        Assert.Equal(["A", "B"], s.Query<Blog>().Select(b => b.Title).ToList().Order());

        s.Add(new User { Name = "u1" });
        using (var sp = s.BeginNested()) { s.Add(new User { Name = "u3" }); sp.Rollback(); }
        var skipped = new List<string>();
        foreach (var record in new[] { new Blog { Title = "ok", UserId = user.Id }, new Blog { Title = "bad", UserId = 999 } })
        {
            try { using var sp = s.BeginNested(); s.Merge(record); sp.Commit(); }
            catch (IntegrityException e) { skipped.Add($"{record.Title}: {e.ConstraintKind}"); }
        }
        s.Commit();
        Assert.Equal(["bad: ForeignKey"], skipped);
        Assert.Equal(["first", "u1"], s.Query<User>().OrderBy(u => u.Id).Select(u => u.Name).ToList());

        var blogs = user.BlogList;
        Assert.Equal(3, blogs.Count);
        s.Expire(user);
        Assert.NotNull(blogs[0].Title);
        Assert.Equal(3, user.BlogList.Count);
        s.Expunge(user);
        Assert.False(s.Contains(blogs[0]));
        user = s.Merge(user);
        s.Remove(user);
        s.Commit();
        Assert.Equal(0, s.Query<Blog>().Count());
        Assert.Equal(0, s.Query<BlogAndTag>().Count());
        Assert.Equal(["u1"], s.Query<User>().Select(u => u.Name).ToList());
    }
}
