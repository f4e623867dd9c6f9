using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.Coll;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §4.5 collection classes (sqlalchemy_reference.out "004 4.5") and LoadAsync, on SQLite and PostgreSQL.</summary>
public class CollectionTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Setup(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        var user = new User { Name = "XX" };
        s.AddRange(new Blog { Title = "A", UserObj = user }, new Blog { Title = "B", UserObj = user });
        s.Commit();
        return engine;
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Set_and_dictionaries_keyed_by_attribute_or_function(string dialect)
    {
        using var engine = Setup(dialect);
        using var s = new Trove.Orm.Session(engine);
        var user = s.Query<User>().First();
        Assert.Equal(["A", "B"], user.BlogSet.Select(b => b.Title).Order());
        user.BlogSet.Add(new Blog { Title = "C" });
        s.Commit();
        Assert.Equal(3, s.Query<Blog>().Count());

        Assert.Equal(["A", "B", "C"], user.ByTitle.Keys.Order());
        Assert.Equal("A", user.ByTitle["A"].Title);
        user.ByTitle["Z"] = new Blog { Title = "Z" };
        s.Commit();
        Assert.Equal(["A", "B", "C", "Z"], user.ByTitle.Keys.Order());
        var dup = new Blog { Title = "A", UserId = user.Id };
        s.Add(dup);
        s.Commit();
        s.Expire(user);
        Assert.Equal(4, user.ByTitle.Count);                       // 4 keys for 5 rows: the row loaded last wins
        Assert.Equal(["a", "b", "c", "z"], user.ByLower.Keys.Order());
    }

    [Theory, MemberData(nameof(Dialects))]
    public async Task LoadAsync_loads_a_relationship_for_async_code(string dialect)
    {
        using var engine = Setup(dialect);
        await using var s = new Trove.Orm.Session(engine);
        var user = await s.Query<User>().FirstAsync();
        await s.LoadAsync(user, u => u.BlogSet);
        using var log = new StatementLog(engine);
        Assert.Equal(2, user.BlogSet.Count);
        Assert.Empty(log.Sql);
    }
}
