using Trove.Orm.Tests.Infrastructure;
using E = Trove.Orm.Tests.Relationships.Eav;
using P = Trove.Orm.Tests.Relationships.P48;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §4.8 and §9 (sqlalchemy_reference.out "004 4.8", "004 9"), on SQLite and PostgreSQL.</summary>
public class ProxyTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Trove.Sql.Engine Fresh(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        P.Base.Metadata.CreateAll(engine);
        return engine;
    }

    /// <summary>The reference's 4.8 walk: each step on a fresh database, as there.</summary>
    [Theory, MemberData(nameof(Dialects))]
    public void S4_8_list_proxy_creator_and_filters(string dialect)
    {
        using (var engine = Fresh(dialect))
        using (var s = new Trove.Orm.Session(engine))
        using (var log = new StatementLog(engine))
        {
            var user = new P.User { Name = "xxx", BlogList = [new P.Blog { Title = "ABC" }] };
            s.Add(user);
            s.Commit();
            user = s.Query<P.User>().First();
            Assert.Equal(["ABC"], user.BlogTitles);
            Assert.Equal(["INSERT user", "INSERT blog", "SELECT user", "SELECT blog"], log.Take());
        }

        // without a creator the Blog(string title) constructor builds the element (the reference's __init__(title));
        // the reference assigns the proxy (user.blog_title_list = ['NEW']): a read-only proxy is cleared and filled
        using (var engine = Fresh(dialect))
        using (var s = new Trove.Orm.Session(engine))
        {
            s.Add(new P.User { Name = "xxx", BlogList = [new P.Blog("ABC")] });
            s.Commit();
            s.ExpungeAll();
            using var log = new StatementLog(engine);
            var user = s.Query<P.User>().First();
            user.TitlesByConstructor.Clear();
            user.TitlesByConstructor.Add("NEW");
            s.Add(user);
            s.Commit();
            // KNOWN GAP (docs/orm-relationships-conformance.md): SQLAlchemy's save_obj writes a table's UPDATEs before
            // its INSERTs (UPDATE blog, INSERT blog); Trove's flush runs every INSERT before the UPDATEs
            Assert.Equal(["SELECT user", "SELECT blog", "INSERT blog", "UPDATE blog"], log.Take());
            Assert.Equal(["NEW"], user.TitlesByConstructor);
            Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
            Assert.Equal([("ABC", (int?)null), ("NEW", 1)], s.Query<P.Blog>().OrderBy(b => b.Id).Select(b => new { b.Title, b.UserId }).ToList().Select(x => (x.Title, x.UserId)));
        }

        // creator = lambda t: Blog(title=t)
        using (var engine = Fresh(dialect))
        using (var s = new Trove.Orm.Session(engine))
        using (var log = new StatementLog(engine))
        {
            var user = new P.User { Name = "xxx" };
            user.BlogTitles.Add("NEW");
            user.BlogTitles.Add("NEW2");
            user.BlogTitles.Add("NEW3");
            s.Add(user);
            s.Commit();
            Assert.Equal(["NEW", "NEW2", "NEW3"], s.Query<P.Blog>().Select(b => b.Title).ToList().Order(StringComparer.Ordinal));
            Assert.Equal(["INSERT user", "INSERT blog", "INSERT blog", "INSERT blog", "SELECT blog"], log.Take());
        }

        // proxies in filters: the scalar proxy is has(), the collection proxy any() (both EXISTS)
        using (var engine = Fresh(dialect))
        using (var s = new Trove.Orm.Session(engine))
        {
            s.AddRange(new P.User { Name = "XX", BlogList = [new P.Blog { Title = "A" }, new P.Blog { Title = "B" }] },
                new P.User { Name = "YY", BlogList = [new P.Blog { Title = "C" }] });
            s.Commit();
            s.ExpungeAll();
            using var log = new StatementLog(engine);
            Assert.Equal("Blog(A)", s.Query<P.Blog>().Where(b => b.UserName == "XX").OrderBy(b => b.Id).First().ToString());
            Assert.Contains("WHERE EXISTS (SELECT 1 FROM", log.Sql.Last());
            // the reference's proxy contains('C') renders LIKE '%' || ? || '%' (string containment); C#
            // IList<string>.Contains is membership, so Trove compares with = (same rows here; a deliberate difference)
            Assert.Equal("User(YY)", s.Query<P.User>().Where(u => u.BlogTitles.Contains("C")).First().ToString());
            Assert.Contains("EXISTS (SELECT 1 FROM blog", log.Sql.Last());
            // SQLAlchemy's identity map is weak: User(YY) of the previous query is gone when the reference reads the
            // proxy, so it loads again; Trove's map holds its instances until expunged, which stands in for that here
            s.ExpungeAll();
            Assert.Equal("YY", s.Get<P.Blog>(3)!.UserName);
            Assert.Equal(["SELECT blog", "SELECT user", "SELECT blog", "SELECT user"], log.Take());
            Assert.Empty(s.Query<P.User>().Where(u => u.BlogTitles.Contains("zzz")).ToList());
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S9_entity_attribute_value(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        E.Base.Metadata.CreateAll(engine);
        using var log = new StatementLog(engine);
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = new E.Entity { Name = "哈哈" };
            entity.Attributes["first"] = "abc";
            entity.Attributes["sec"] = "hoho";
            s.Add(entity);
            s.Commit();
            Assert.Equal(["INSERT entity", "INSERT attribute", "INSERT attribute"], log.Take());
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = s.Query<E.Entity>().First();
            Assert.Equal([("first", "abc"), ("sec", "hoho")], entity.Attributes.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
            // joined-loaded in one SELECT: the limited entity query as a subquery (anon_1), LEFT OUTER JOIN attribute
            Assert.Equal(["SELECT entity"], log.Take());
            entity.Attributes.Remove("first");
            s.Commit();
            Assert.Equal(["DELETE attribute"], log.Take());       // delete-orphan
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = s.Query<E.Entity>().First();
            Assert.Equal([("sec", "hoho")], entity.Attributes.Select(kv => (kv.Key, kv.Value)));
            Assert.Equal(["SELECT entity"], log.Take());
            Assert.Equal(1, s.Query<E.Attr>().Count());
            log.Clear();
            entity.Attributes["sec"] = "changed";                  // existing key: UPDATE of the same row
            s.Commit();
            Assert.Equal(["UPDATE attribute"], log.Take());
            Assert.Equal([(2, "changed")], s.Query<E.Attr>().Select(a => new { a.Id, a.Value }).ToList().Select(x => (x.Id, x.Value)));
            log.Clear();
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var entity = new E.Entity { Name = "ABC" };
            entity["first"] = "a";
            entity["sec"] = "hoho";
            s.Add(entity);
            s.Commit();
            Assert.Equal(["INSERT entity", "INSERT attribute", "INSERT attribute"], log.Take());
            Assert.Equal(("a", "hoho"), (entity["first"], entity["sec"]));
            // KNOWN GAP (docs/orm-relationships-conformance.md): the reference reloads the expired entity with its
            // lazy='joined' attributes in one SELECT (entity LEFT OUTER JOIN attribute WHERE entity.id = ?); Trove's
            // reload by key reads the columns, and the relationship loads by its own SELECT on access
            Assert.Equal(["SELECT entity", "SELECT attribute"], log.Take());
            entity.Attributes.Remove("first");
            s.Commit();
            Assert.Equal(["DELETE attribute"], log.Take());
            var id = entity.Id;
            Assert.Equal(["sec"], s.Query<E.Attr>().Where(a => a.EntityId == id).Select(a => a.Key).ToList());
        }
    }
}
