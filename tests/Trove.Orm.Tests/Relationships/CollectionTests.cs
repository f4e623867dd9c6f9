using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.Coll;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §4.5 collection classes (sqlalchemy_reference.out "004 4.5") and LoadAsync, on SQLite and PostgreSQL.</summary>
public class CollectionTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Setup(string dialect) => Setup(dialect, out _);

    /// <summary>setup() of the reference: user XX with blogs A and B, written in one commit, in a fresh database.</summary>
    private static Engine Setup(string dialect, out List<string> setupStatements)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = new User { Name = "XX" };
        s.AddRange(new Blog { Title = "A", UserObj = user }, new Blog { Title = "B", UserObj = user });
        s.Commit();
        setupStatements = log.Take();
        return engine;
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Default_collection_is_a_list(string dialect)
    {
        using var engine = Setup(dialect, out var setup);
        Assert.Equal(["INSERT user", "INSERT blog", "INSERT blog"], setup);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = s.Query<User>().First();
        Assert.Equal("[Blog(A), Blog(B)]", "[" + string.Join(", ", user.Blogs.OrderBy(b => b.Id)) + "]");
        Assert.IsAssignableFrom<IList<Blog>>(user.Blogs);
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Collection_class_set(string dialect)
    {
        using var engine = Setup(dialect, out _);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = s.Query<User>().First();
        Assert.Equal(["A", "B"], user.BlogSet.Select(b => b.Title).Order());
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
        user.BlogSet.Add(new Blog { Title = "C" });
        s.Commit();
        Assert.Equal(3, s.Query<Blog>().Count());
        // count() over a subquery, as the reference (SELECT count(*) FROM (SELECT … FROM blog) AS anon_1)
        Assert.Equal(["INSERT blog", "SELECT blog"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Attribute_mapped_collection_and_duplicate_keys(string dialect)
    {
        using var engine = Setup(dialect, out _);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = s.Query<User>().First();
        Assert.Equal("{'A': Blog(A), 'B': Blog(B)}", "{" + string.Join(", ", user.ByTitle.OrderBy(kv => kv.Key).Select(kv => $"'{kv.Key}': {kv.Value}")) + "}");
        Assert.Equal("A", user.ByTitle["A"].Title);
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
        user.ByTitle["Z"] = new Blog { Title = "Z" };
        s.Commit();
        Assert.Equal(["A", "B", "Z"], user.ByTitle.Keys.Order());
        Assert.Equal(["INSERT blog", "SELECT user", "SELECT blog"], log.Take());   // after commit: user reloads, then the dict

        // two blogs with the same title: the row loaded last wins
        s.Add(new Blog { Title = "A", UserId = user.Id });
        s.Commit();
        s.Expire(user);
        Assert.Equal(3, user.ByTitle.Count);
        Assert.Equal(4, user.ByTitle["A"].Id);
        Assert.Equal(["INSERT blog", "SELECT user", "SELECT blog"], log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Mapped_collection_keyed_by_a_function(string dialect)
    {
        using var engine = Setup(dialect, out _);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var user = s.Query<User>().First();
        Assert.Equal("{'a': Blog(A), 'b': Blog(B)}", "{" + string.Join(", ", user.ByLower.OrderBy(kv => kv.Key).Select(kv => $"'{kv.Key}': {kv.Value}")) + "}");
        Assert.Equal(["SELECT user", "SELECT blog"], log.Take());
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
