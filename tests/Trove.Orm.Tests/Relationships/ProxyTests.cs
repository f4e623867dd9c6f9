using Trove.Orm.Tests.Infrastructure;
using E = Trove.Orm.Tests.Relationships.Eav;
using P = Trove.Orm.Tests.Relationships.P48;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §4.8 and §9 (sqlalchemy_reference.out "004 4.8", "004 9"), on SQLite and PostgreSQL.</summary>
public class ProxyTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void S4_8_list_proxy_creator_and_filters(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        P.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        var user = new P.User { Name = "xxx", BlogList = [new P.Blog("ABC")] };
        s.Add(user);
        s.Commit();
        Assert.Equal(["ABC"], s.Query<P.User>().First().BlogTitles);
        user.BlogTitles.Add("NEW");                                  // the creator builds the Blog; save-update cascades
        s.Commit();
        Assert.Equal(["ABC", "NEW!"], s.Query<P.Blog>().OrderBy(b => b.Id).Select(b => b.Title).ToList());
        Assert.Equal("xxx", s.Query<P.Blog>().OrderBy(b => b.Id).First().UserName);
        Assert.Equal(["ABC", "NEW!"], s.Query<P.Blog>().Where(b => b.UserName == "xxx").OrderBy(b => b.Id).Select(b => b.Title).ToList());
        Assert.Equal(["xxx"], s.Query<P.User>().Where(u => u.BlogTitles.Contains("ABC")).Select(u => u.Name).ToList());
        Assert.Empty(s.Query<P.User>().Where(u => u.BlogTitles.Contains("zzz")).ToList());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S9_entity_attribute_value(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        E.Base.Metadata.CreateAll(engine);
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = new E.Entity { Name = "哈哈" };
            entity.Attributes["first"] = "abc";
            entity.Attributes["sec"] = "hoho";
            s.Add(entity);
            s.Commit();
        }
        using (var s = new Trove.Orm.Session(engine))
        using (var log = new StatementLog(engine))
        {
            var entity = s.Query<E.Entity>().First();
            Assert.Equal([("first", "abc"), ("sec", "hoho")], entity.Attributes.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
            Assert.Single(log.Dml());                                // joined-loaded
            entity.Attributes.Remove("first");
            s.Commit();
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = s.Query<E.Entity>().First();
            Assert.Equal([("sec", "hoho")], entity.Attributes.Select(kv => (kv.Key, kv.Value)));
            Assert.Equal(1, s.Query<E.Attr>().Count());
            entity.Attributes["sec"] = "changed";
            s.Commit();
            Assert.Equal([(2, "changed")], s.Query<E.Attr>().Select(a => new { a.Id, a.Value }).ToList().Select(x => (x.Id, x.Value)));
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = new E.Entity { Name = "ABC" };
            entity["first"] = "a";
            entity["sec"] = "hoho";
            s.Add(entity);
            s.Commit();
            Assert.Equal(("a", "hoho"), (entity["first"], entity["sec"]));
            entity.Attributes.Remove("first");
            s.Commit();
            var id = entity.Id;
            Assert.Equal(["sec"], s.Query<E.Attr>().Where(a => a.EntityId == id).Select(a => a.Key).ToList());
        }
    }
}
