using Trove.Orm.Linq;
using Trove.Sql;
using Trove.Orm.Querying;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;

namespace Trove.Orm.Tests.Session;

/// <summary>
/// The query-plan cache reuses SQL and readers across executions of one query structure with other captured
/// values; every execution must still see its own values (a wrong slot mapping would return the first call's rows).
/// </summary>
public class PlanCacheTests
{
    private static Trove.Orm.Session Seeded(Trove.Sql.Engine engine)
    {
        Base.Metadata.CreateAll(engine);
        var s = new Trove.Orm.Session(engine);
        for (var i = 1; i <= 8; i++) s.Add(new Users { Name = "n" + i, Extra = i % 2 == 0 ? "even" : "odd" });
        s.Commit();
        return s;
    }

    [Theory]
    [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
    public void Captured_values_bind_per_execution(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var s = Seeded(engine);
        for (var id = 1; id <= 8; id++)
        {
            var name = "n" + id;
            Assert.Equal(name, s.Query<Users>().Where(u => u.Id == id).First().Name);
            Assert.Equal(id, s.Query<Users>().Where(u => u.Name == name).Select(u => u.Id).Single());
            Assert.Equal(id, s.Query<Users>().Where(u => u.Name == name).Select(u => new { u.Id, u.Extra }).Single().Id);
            // Skip/Take counts and a literal next to a captured value
            var page = s.Query<Users>().Where(u => u.Id > 0 && u.Extra != "none").OrderBy(u => u.Id).Skip(id - 1).Take(2).ToList();
            Assert.Equal(id, page[0].Id);
            Assert.Equal(Math.Min(2, 9 - id), page.Count);
            // two Takes combine into one LIMIT: the cache must not bind either slot alone
            Assert.Equal(Math.Min(id, 3), s.Query<Users>().OrderBy(u => u.Id).Take(id).Take(3).ToList().Count);
            Assert.Equal(Math.Min(3, id), s.Query<Users>().OrderBy(u => u.Id).Take(3).Take(id).ToList().Count);
            // a captured value inside the projection is not reusable: each run shows its own
            var tag = "tag" + id;
            Assert.Equal(tag, s.Query<Users>().Where(u => u.Id == 1).Select(u => new { u.Id, Tag = tag }).First().Tag);
            // derived parameters (LIKE pattern from StartsWith) and IN lists
            var prefix = "n1" + new string('0', id - 1);
            Assert.Equal(id == 1 ? 1 : 0, s.Query<Users>().Where(u => u.Name!.StartsWith(prefix)).ToList().Count);
            // values computed on the client from a capture: identity on the probes and on the first value, not later
            var neg = id == 1 ? 1 : -id;
            Assert.Equal(id, s.Query<Users>().Where(u => u.Id == Math.Abs(neg)).Single().Id);
            var padded = id == 1 ? "n1" : " n" + id + " ";
            Assert.Equal(id, s.Query<Users>().Where(u => u.Name == padded.Trim()).Single().Id);
            int[] ids = [id, 100];
            Assert.Equal(id, s.Query<Users>().Where(u => ids.Contains(u.Id)).Single().Id);
        }
        var odd = s.Query<Users>().Where(u => u.Extra == null).ToList();
        Assert.Empty(odd);
    }

    [Fact]
    public void Plain_filters_are_cached_and_reused()
    {
        using var engine = OrmDb.Open("sqlite");
        using var s = Seeded(engine);
        using var log = new StatementLog(engine);
        var id = 3;
        Assert.Equal("n3", s.Query<Users>().Where(u => u.Id == id).First().Name);
        Assert.True(PlanCache.TryKey(s.Query<Users>().Where(u => u.Id == id).Take(1).Node, typeof(Users), "", out var key, out var values));
        Assert.Equal([1, 3], values); // leaf first: Take(1), then the filter's id
        Assert.IsType<CachedPlan<Users>>(PlanCache.Find(key, Internal.OrmDialect.For("sqlite")));
        id = 5;
        Assert.Equal("n5", s.Query<Users>().Where(u => u.Id == id).First().Name);
        Assert.Equal(2, log.Sql.Count(x => x.Contains("LIMIT", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
    public void First_has_limit_one_and_single_has_no_limit(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var s = Seeded(engine);
        using var log = new StatementLog(engine);
        Assert.Equal(1, s.Query<Users>().Where(u => u.Name == "n1").Single().Id);
        Assert.Equal(2, s.Query<Users>().Where(u => u.Name == "n2").SingleOrDefault()!.Id);
        Assert.Throws<MultipleResultsException>(() => s.Query<Users>().Where(u => u.Extra == "odd").Single());
        Assert.Throws<NoResultException>(() => s.Query<Users>().Where(u => u.Name == "x").Single());
        Assert.DoesNotContain(log.Sql, x => x.Contains("LIMIT", StringComparison.Ordinal));
        Assert.Equal(1, s.Query<Users>().OrderBy(u => u.Id).First().Id);
        Assert.Contains("LIMIT", log.Sql[^1], StringComparison.Ordinal);
    }

    public sealed record Filter(string Name);

    [Theory]
    [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
    public void Compiled_queries_bind_their_arguments_per_call(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var s = Seeded(engine);
        using var log = new StatementLog(engine);
        var byId = CompiledQuery.Create((Trove.Orm.Session x, int id) => x.Query<Users>().Where(u => u.Id == id).FirstOrDefault());
        var named = CompiledQuery.Create((Trove.Orm.Session x, string name, int min) => x.Query<Users>().Where(u => u.Name == name && u.Id >= min).ToList());
        var pair = CompiledQuery.Create((Trove.Orm.Session x, int id) => x.Query<Users>().Where(u => u.Id == id).Select(u => new { u.Name, u.Extra }).Single());
        var byFilter = CompiledQuery.Create((Trove.Orm.Session x, Filter f) => x.Query<Users>().Where(u => u.Name == f.Name).SingleOrDefault());
        var byExtra = CompiledQuery.Create((Trove.Orm.Session x, string? extra) => x.Query<Users>().Where(u => u.Extra == extra).OrderBy(u => u.Id).ToList());
        var counted = CompiledQuery.Create((Trove.Orm.Session x, int id) => x.Query<Users>().Where(u => u.Id > id).Count());
        var all = CompiledQuery.Create((Trove.Orm.Session x) => x.Query<Users>().OrderBy(u => u.Id).ToArray());
        for (var id = 1; id <= 8; id++)
        {
            Assert.Equal("n" + id, byId(s, id)!.Name);
            Assert.Equal(id, Assert.Single(named(s, "n" + id, id)).Id);
            Assert.Empty(named(s, "n" + id, id + 1));
            Assert.Equal(("n" + id, id % 2 == 0 ? "even" : "odd"), (pair(s, id).Name, pair(s, id).Extra));
            Assert.Equal(id, byFilter(s, new Filter("n" + id))!.Id);
            Assert.Equal(8 - id, counted(s, id));
        }
        Assert.Null(byId(s, 99));
        Assert.Equal([2, 4, 6, 8], byExtra(s, "even").Select(u => u.Id));
        Assert.Empty(byExtra(s, null));
        Assert.Equal(8, all(s).Length);
        // the same compiled query in another session of the engine (in-memory SQLite has one connection: end s's transaction)
        s.Commit();
        using var other = new Trove.Orm.Session(engine);
        var fromOther = byId(other, 3)!;
        Assert.Equal("n3", fromOther.Name);
        other.Commit();
        Assert.NotSame(fromOther, byId(s, 3));
        Assert.DoesNotContain(log.Sql, x => x.Contains("LIMIT", StringComparison.Ordinal) && !x.Contains('?') && !x.Contains('@') && !x.Contains('$'));
    }
}
