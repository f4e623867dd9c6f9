using Trove.Sql;
using Trove.Sql.Dialects;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

/// <summary>
/// The structural compiled cache: statements differing only in values share one entry; anything that changes the
/// SQL or the parameter layout (structure, dialect, IN length, NULL comparisons, LIMIT presence, a parameter used
/// twice) gets its own; values always stay bound.
/// </summary>
public class CacheTests
{
    private static readonly Dialect Lite = Dialect.Sqlite, Pg = Dialect.PostgreSql, My = Dialect.MySql;
    private readonly Blogs b = new();

    private static (Engine, Blogs) Seeded(string prefix, EngineOptions? options = null)
    {
        var e = Engine.Create("sqlite://", options);
        var b = new Blogs(prefix);
        b.Seed(e);
        return (e, b);
    }

    [Fact]
    public void DifferentValuesHitOneEntry()
    {
        var (e, b) = Seeded("c1_");
        using var _ = e;
        var statuses = new List<CompileCacheStatus>();
        e.StatementExecuted += (_, a) => statuses.Add(a.CacheStatus);
        long misses = e.CompiledCache.Misses, hits = e.CompiledCache.Hits;
        int count = e.CompiledCache.Count;
        using var c = e.Connect();
        Assert.Equal("first", c.Scalar<string>(Db.Select(b.Name).Where(b.UserId == 1L)));
        Assert.Equal("third", c.Scalar<string>(Db.Select(b.Name).Where(b.UserId == 3L)));
        Assert.Equal("second", c.Scalar<string>(Db.Select(b.Name).Where(b.UserId == 2L)));
        Assert.Equal(misses + 1, e.CompiledCache.Misses);
        Assert.Equal(hits + 2, e.CompiledCache.Hits);
        Assert.Equal(count + 1, e.CompiledCache.Count);
        Assert.Equal([CompileCacheStatus.Generated, CompileCacheStatus.Cached, CompileCacheStatus.Cached], statuses);
    }

    [Fact]
    public void CachedPlanSharesSqlAndTakesNewValues()
    {
        var cache = new StatementCache(Pg);
        var a = cache.Compile(Db.Select(b.Name).Where(b.UserId == 1L).Where(b.Name.StartsWith("a_b")));
        var c = cache.Compile(Db.Select(b.Name).Where(b.UserId == 7L).Where(b.Name.StartsWith("x%")));
        Assert.Equal(CompileCacheStatus.Generated, a.CacheStatus);
        Assert.Equal(CompileCacheStatus.Cached, c.CacheStatus);
        Assert.Same(a.Sql, c.Sql);
        Assert.Equal("SELECT \"user\".name FROM \"user\" WHERE \"user\".id = $1 AND \"user\".name LIKE $2 ESCAPE '/'", c.Sql);
        Assert.Equal([7L, "x/%%"], c.Parameters.Select(p => p.Value));
        Assert.Equal(1, cache.Misses);
        Assert.Equal(1, cache.Hits);
    }

    [Fact]
    public void EchoPrintsGeneratedAndCachedMarkers()
    {
        var w = new StringWriter();
        using var e = Engine.Create("sqlite://", new EngineOptions { Echo = true, EchoWriter = w });
        e.Execute(Db.Text($"select {1}, {"a"}"));
        e.Execute(Db.Text($"select {2}, {"it's"}"));
        var lines = w.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("select @p0, @p1", lines[0]);
        Assert.Matches(@"^\[generated in \d+\.\d{5}s\] \(1, 'a'\)$", lines[1]);
        Assert.Equal("select @p0, @p1", lines[2]);
        Assert.Matches(@"^\[cached since [0-9.e-]+s ago\] \(2, 'it's'\)$", lines[3]);
    }

    [Fact]
    public void DifferentStructureDifferentEntries()
    {
        var cache = new StatementCache(Lite);
        Executable[] stmts =
        [
            Db.Select(b.Name).Where(b.UserId == 1L),
            Db.Select(b.Name).Where(b.UserId != 1L),
            Db.Select(b.Name).Where(b.UserId >= 1L),
            Db.Select(b.Username).Where(b.UserId == 1L),
            Db.Select(b.Name, b.Username).Where(b.UserId == 1L),
            Db.Select(b.Name).Where(b.Username == "x"),
            Db.Select(b.Name).Where(b.UserId == 1L).Distinct(),
            Db.Select(b.Name).Where(b.UserId == 1L).OrderBy(b.Name.Asc()),
            Db.Select(b.Name).Where(b.UserId == 1L).OrderBy(b.Name.Desc()),
            Db.Select(b.Name).Where(b.UserId == 1L).OrderBy(b.Name.Desc(NullsOrder.Last)),
            Db.Select(b.Name.Label("n")).Where(b.UserId == 1L),
            Db.Select(b.Name.Label("m")).Where(b.UserId == 1L),
            Db.Select(Func.Max(b.Name)),
            Db.Select(Func.Min(b.Name)),
            Db.Select(b.Name).Where(b.Name.Like("a%")),
            Db.Select(b.Name).Where(b.Name.Like("a%", '!')),
            Db.Select(b.Name).Where(b.Name.ILike("a%")),
            Db.Text("select 1"),
            Db.Text("select 2"),
            Db.Insert(b.User).Value(b.Name, "x"),
            Db.Insert(b.User).Value(b.Username, "x"),
            Db.Update(b.User).Set(b.Name, "x"),
            Db.Update(b.User).Set(b.Name, "x").Where(b.UserId == 1L),
            Db.Delete(b.User).Where(b.UserId == 1L),
            Db.Delete(b.Blog).Where(b.BlogId == 1L),
        ];
        foreach (var s in stmts) Assert.Equal(CompileCacheStatus.Generated, cache.Compile(s).CacheStatus);
        Assert.Equal(stmts.Length, cache.Count);
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void DifferentDialectsDifferentEntries()
    {
        var sqls = new List<string>();
        using var lite = Engine.CreateMock("sqlite://", cs => sqls.Add(cs.Sql));
        using var pg = Engine.CreateMock("postgresql://", cs => sqls.Add(cs.Sql));
        using var my = Engine.CreateMock("mysql://", cs => sqls.Add(cs.Sql));
        foreach (var e in new[] { lite, pg, my, lite, pg, my })
            e.Execute(Db.Select(b.Blog).Where(b.Create > 5L).Limit(3).Offset(1));
        Assert.Equal("SELECT blog.id, blog.title, blog.user, blog.\"create\" FROM blog WHERE blog.\"create\" > @p0 LIMIT @p1 OFFSET @p2", sqls[0]);
        Assert.Equal("SELECT blog.id, blog.title, blog.\"user\", blog.\"create\" FROM blog WHERE blog.\"create\" > $1 LIMIT $2 OFFSET $3", sqls[1]);
        Assert.Equal("SELECT blog.id, blog.title, blog.user, blog.`create` FROM blog WHERE blog.`create` > @p0 LIMIT @p1, @p2", sqls[2]);
        Assert.Equal(sqls[..3], sqls[3..]);
        foreach (var e in new[] { lite, pg, my })
        {
            Assert.Equal(1, e.CompiledCache.Misses);
            Assert.Equal(1, e.CompiledCache.Hits);
        }
        // The dialect-level caches behind Executable.Compile are separate too.
        var stmt = Db.Select(b.Name).Where(b.UserId == 4L);
        Assert.NotEqual(Db.Select(b.Name).Where(b.UserId == 4L).Compile(Lite).Sql, stmt.Compile(Pg).Sql);
    }

    [Fact]
    public void TypesAndAliasesBuiltPerCallStillHit()
    {
        var cache = new StatementCache(Pg);
        Executable Build(long n)
        {
            var u2 = b.User.Alias("u2");
            return Db.Select(b.Create.Cast<string>(), b.Create.Cast<string>(SqlTypes.String(10)), u2.C.Get<string>("name"))
                .Join(u2, u2.C.Get<long>("id") == b.BlogId).Where(b.BlogId > n);
        }
        Assert.Equal(CompileCacheStatus.Generated, cache.Compile(Build(1)).CacheStatus);
        var hit = cache.Compile(Build(2));
        Assert.Equal(CompileCacheStatus.Cached, hit.CacheStatus);
        Assert.Equal("SELECT CAST(blog.\"create\" AS VARCHAR), CAST(blog.\"create\" AS VARCHAR(10)), u2.name FROM blog JOIN \"user\" AS u2 ON u2.id = blog.id WHERE blog.id > $1", hit.Sql);
        // Other type settings, another alias name: other entries.
        Assert.Equal(CompileCacheStatus.Generated, cache.Compile(Db.Select(b.Create.Cast<string>(SqlTypes.String(20)))).CacheStatus);
        Assert.Equal(CompileCacheStatus.Generated, cache.Compile(Db.Select(b.Create.Cast<string>(SqlTypes.String(10, collation: "C")))).CacheStatus);
        Assert.Equal(CompileCacheStatus.Cached, cache.Compile(Db.Select(b.Create.Cast<string>(SqlTypes.String(20)))).CacheStatus);
        var u3 = b.User.Alias("u3");
        Assert.Equal(CompileCacheStatus.Generated, cache.Compile(Db.Select(u3.C.Get<string>("name"))).CacheStatus);
        Assert.Equal(CompileCacheStatus.Generated, cache.Compile(Db.Select(u3.C.Get<string?>("username"))).CacheStatus);
    }

    [Fact]
    public void MySqlOffsetBeforeLimitKeepsParameterOrderOnHits()
    {
        var cache = new StatementCache(My);
        cache.Compile(Db.Select(b.Name).Where(b.UserId > 1L).Limit(10).Offset(20));
        var hit = cache.Compile(Db.Select(b.Name).Where(b.UserId > 2L).Limit(30).Offset(40));
        Assert.Equal(CompileCacheStatus.Cached, hit.CacheStatus);
        Assert.Equal("SELECT user.name FROM user WHERE user.id > @p0 LIMIT @p1, @p2", hit.Sql);
        Assert.Equal([2L, 40, 30], hit.Parameters.Select(p => p.Value));
    }

    [Fact]
    public void HostileValuesStayBoundAndShareTheEntry()
    {
        var (e, b) = Seeded("c2_");
        using var _ = e;
        string[] hostile = ["'; DROP TABLE c2_user; --", "\"quoted\" ; select 1", "nul\0byte", new string('x', 100_000), "\\' OR 1=1 --", "$1 @p0 :name ?"];
        var seen = new HashSet<string>();
        e.StatementExecuted += (_, a) => seen.Add(a.Sql);
        using var c = e.Connect();
        long id = 100;
        foreach (var h in hostile)
        {
            c.Execute(Db.Insert(b.User).Value(b.UserId, id).Value(b.Name, h));
            Assert.Equal(h, c.Scalar<string>(Db.Select(b.Name).Where(b.UserId == id)));
            Assert.Equal(id, c.Scalar<long>(Db.Select(b.UserId).Where(b.Name == h)));
            Assert.Equal(h, c.Scalar<string>(Db.Text($"select name from c2_user where name = {h}")));
            id++;
        }
        Assert.Equal(4, seen.Count); // one SQL text per statement shape (INSERT, two SELECTs, text), whatever the values
        Assert.All(seen, s => Assert.DoesNotContain("DROP", s));
        Assert.Equal(hostile.Length, c.Scalar<long>(Db.Select(Func.Count()).SelectFrom(b.User).Where(b.UserId >= 100L)));
    }

    [Fact]
    public void LimitValuesShareAnEntryButPresenceDoesNot()
    {
        var (e, b) = Seeded("c3_");
        using var _ = e;
        using var c = e.Connect();
        Assert.Single(c.Execute(Db.Select(b.BlogId).OrderBy(b.BlogId.Asc()).Limit(1)).All());
        long misses = e.CompiledCache.Misses;
        Assert.Equal([1L, 2L, 3L], c.Execute(Db.Select(b.BlogId).OrderBy(b.BlogId.Asc()).Limit(3)).Scalars<long>());
        Assert.Equal(misses, e.CompiledCache.Misses);
        Assert.Equal(4, c.Execute(Db.Select(b.BlogId).OrderBy(b.BlogId.Asc())).All().Count);
        Assert.Equal([4L], c.Execute(Db.Select(b.BlogId).OrderBy(b.BlogId.Asc()).Offset(3)).Scalars<long>());
        Assert.Equal([2L], c.Execute(Db.Select(b.BlogId).OrderBy(b.BlogId.Asc()).Limit(1).Offset(1)).Scalars<long>());
        Assert.Equal(misses + 3, e.CompiledCache.Misses);
    }

    [Fact]
    public void InListLengthIsPartOfTheShape()
    {
        var (e, b) = Seeded("c4_");
        using var _ = e;
        using var c = e.Connect();
        var sqls = new List<string>();
        e.StatementExecuted += (_, a) => sqls.Add(a.Sql);
        long misses = e.CompiledCache.Misses;
        Assert.Equal([1L, 2L], c.Execute(Db.Select(b.BlogId).Where(b.BlogId.In(1L, 2L)).OrderBy(b.BlogId.Asc())).Scalars<long>());
        Assert.Equal([1L, 3L, 4L], c.Execute(Db.Select(b.BlogId).Where(b.BlogId.In(1L, 3L, 4L)).OrderBy(b.BlogId.Asc())).Scalars<long>());
        Assert.Equal([2L, 3L], c.Execute(Db.Select(b.BlogId).Where(b.BlogId.In(3L, 2L)).OrderBy(b.BlogId.Asc())).Scalars<long>());
        Assert.Empty(c.Execute(Db.Select(b.BlogId).Where(b.BlogId.In(Array.Empty<long>()))).All());
        Assert.Equal([1L, 2L, 3L, 4L], c.Execute(Db.Select(b.BlogId).Where(b.BlogId.NotIn(Array.Empty<long>())).OrderBy(b.BlogId.Asc())).Scalars<long>());
        Assert.EndsWith("IN (@p0, @p1) ORDER BY c4_blog.id ASC", sqls[0]);
        Assert.EndsWith("IN (@p0, @p1, @p2) ORDER BY c4_blog.id ASC", sqls[1]);
        Assert.Same(sqls[0], sqls[2]);
        Assert.EndsWith("WHERE 1 != 1", sqls[3]);
        Assert.Equal(misses + 4, e.CompiledCache.Misses);
    }

    [Fact]
    public void NullComparisonsDoNotCollideWithValues()
    {
        var (e, b) = Seeded("c5_");
        using var _ = e;
        using var c = e.Connect();
        string? none = null;
        Assert.Equal([2L], c.Execute(Db.Select(b.UserId).Where(b.Username == none)).Scalars<long>());
        Assert.Equal([1L], c.Execute(Db.Select(b.UserId).Where(b.Username == "abc")).Scalars<long>());
        Assert.Equal([2L], c.Execute(Db.Select(b.UserId).Where(b.Username == none)).Scalars<long>());
        Assert.Equal([1L, 3L], c.Execute(Db.Select(b.UserId).Where(b.Username != none)).Scalars<long>().Order());
        Assert.Equal([3L], c.Execute(Db.Select(b.UserId).Where(b.Username != "abc")).Scalars<long>()); // SQL: NULL != 'abc' is unknown
        // A bound NULL (not a comparison with null) keeps the "= ?" shape and matches nothing.
        Assert.Empty(c.Execute(Db.Select(b.UserId).Where(b.Username == Db.Value<string?>(null))).All());
    }

    [Fact]
    public void OneParameterUsedTwiceIsNotTwoParameters()
    {
        var (e, b) = Seeded("c6_");
        using var _ = e;
        using var c = e.Connect();
        var shared = Db.Value(3L);
        Assert.Equal([3L], c.Execute(Db.Select(b.BlogId).Where((b.BlogId == shared) | (b.Create == shared)).OrderBy(b.BlogId.Asc())).Scalars<long>());
        // Same tree shape, two distinct parameters: must not reuse the plan that feeds one value to both placeholders.
        Assert.Equal([1L, 2L], c.Execute(Db.Select(b.BlogId).Where((b.BlogId == Db.Value(1L)) | (b.Create == Db.Value(20L))).OrderBy(b.BlogId.Asc())).Scalars<long>());
        var shared2 = Db.Value(4L);
        Assert.Equal([4L], c.Execute(Db.Select(b.BlogId).Where((b.BlogId == shared2) | (b.Create == shared2)).OrderBy(b.BlogId.Asc())).Scalars<long>());
    }

    [Fact]
    public void LongInListsWithASharedParameter()
    {
        // Past 16 values the walk indexes sites in a dictionary; a shared parameter after the list must still be
        // recognised as the same one, and a fresh statement of the same shape must get its own values.
        var cache = new StatementCache(Pg);
        Executable Build(long start, bool share)
        {
            var p = Db.Value(start);
            var q = share ? p : Db.Value(start);
            return Db.Select(b.Name).Where(b.UserId.In(Enumerable.Range(0, 100).Select(i => start + i)) & (b.UserId != p) & (b.Create.Cast<long>() != q));
        }
        foreach (var share in new[] { true, false })
        {
            var first = cache.Compile(Build(1, share));
            var hit = cache.Compile(Build(1000, share));
            Assert.Equal(CompileCacheStatus.Cached, hit.CacheStatus);
            var fresh = new StatementCache(Pg, 0).Compile(Build(1000, share));
            Assert.Equal(fresh.Sql, hit.Sql);
            Assert.Equal(fresh.Parameters, hit.Parameters);
            Assert.Equal(102, hit.Parameters.Count);
        }
        Assert.Equal(2, cache.Count); // shared vs separate parameters: two plans
    }

    [Fact]
    public void ClientDefaultsAreEvaluatedPerExecution()
    {
        using var e = Engine.Create("sqlite://");
        var m = new MetaData();
        int n = 0;
        var id = new Column<long>("id", primaryKey: true);
        var stamp = new Column<long>("stamp", @default: (Func<object?>)(() => (long)++n));
        var t = new Table("defaults_t", m, id, stamp);
        m.CreateAll(e);
        for (long i = 1; i <= 3; i++) e.Execute(Db.Insert(t).Value(id, i));
        e.Execute(Db.Insert(t).Values(new Dictionary<string, object?>[] { new() { ["id"] = 4L }, new() { ["id"] = 5L } }));
        e.Execute(Db.Insert(t).Values(new Dictionary<string, object?>[] { new() { ["id"] = 6L }, new() { ["id"] = 7L } }));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L], e.Execute(Db.Select(stamp).OrderBy(id.Asc())).Scalars<long>());
        Assert.Equal(7, n); // each default evaluated exactly once per row, misses included
    }

    [Fact]
    public void NamedParametersOverrideOnCachedPlans()
    {
        var (e, b) = Seeded("c7_");
        using var _ = e;
        using var c = e.Connect();
        var stmt = Db.Select(b.Name).Where(b.UserId == Db.Param<long>("uid"));
        Assert.Equal("first", c.Scalar<string>(stmt, new Dictionary<string, object?> { ["uid"] = 1L }));
        Assert.Equal("third", c.Scalar<string>(Db.Select(b.Name).Where(b.UserId == Db.Param<long>("uid")), new Dictionary<string, object?> { ["uid"] = 3L }));
        Assert.Throws<ArgumentException>(() => c.Execute(Db.Select(b.Name).Where(b.UserId == Db.Param<long>("uid"))));
    }

    [Fact]
    public void CacheIsBoundedLeastRecentlyUsedFirst()
    {
        using var e = Engine.CreateMock("sqlite://", _ => { }, new EngineOptions { CompiledCacheSize = 4 });
        var hot = Db.Select(b.Name).Where(b.UserId == 1L);
        for (int i = 0; i < 30; i++)
        {
            e.Execute(Db.Select(b.Name).Where(b.UserId == 1L));   // stays recently used
            e.Execute(Db.Select(b.Name, Db.Value(i).Label("c" + i)));   // a new shape each time (label name)
            Assert.True(e.CompiledCache.Count <= 6, $"count {e.CompiledCache.Count}");
        }
        long hits = e.CompiledCache.Hits;
        e.Execute(hot);
        Assert.Equal(hits + 1, e.CompiledCache.Hits);
        Assert.Equal(4, e.CompiledCache.Capacity);
    }

    [Fact]
    public void ConcurrentCompilesWhilePruning()
    {
        // Four threads, more shapes than the cache holds: entries are added, hit and pruned concurrently, and every
        // compilation must still equal an uncached one.
        var cache = new StatementCache(Lite, 4);
        var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (int i = 0; i < 2000; i++)
            {
                int shape = (i * 7 + t) % 12;
                var stmt = Db.Select(b.Name, Db.Value(i).Label("c" + shape)).Where(b.UserId == (long)i);
                var got = cache.Compile(stmt);
                var want = new StatementCache(Lite, 0).Compile(stmt);
                if (got.Sql != want.Sql || !got.Parameters.SequenceEqual(want.Parameters)) errors.Add($"{t}/{i}: {got.Sql}");
            }
        })).ToList();
        threads.ForEach(th => th.Start());
        Assert.All(threads, th => Assert.True(th.Join(TimeSpan.FromSeconds(60))));
        Assert.Empty(errors);
        Assert.True(cache.Count <= 6 + 4, $"count {cache.Count}"); // 1.5 × capacity, plus entries added during a prune
        Assert.True(cache.Hits > 0 && cache.Misses > 12, $"hits {cache.Hits} misses {cache.Misses}");
    }

    [Fact]
    public void SizeZeroDisablesCaching()
    {
        var w = new StringWriter();
        using var e = Engine.Create("sqlite://", new EngineOptions { CompiledCacheSize = 0, Echo = true, EchoWriter = w });
        var statuses = new List<CompileCacheStatus>();
        e.StatementExecuted += (_, a) => statuses.Add(a.CacheStatus);
        Assert.Equal(1, e.Scalar<int>(Db.Text($"select {1}")));
        Assert.Equal(2, e.Scalar<int>(Db.Text($"select {2}")));
        Assert.Equal(0, e.CompiledCache.Count);
        Assert.Equal(0, e.CompiledCache.Hits + e.CompiledCache.Misses);
        Assert.Equal([CompileCacheStatus.Disabled, CompileCacheStatus.Disabled], statuses);
        Assert.Matches(@"\[caching disabled \d+\.\d{5}s\] \(1,\)", w.ToString());
    }

    [Fact]
    public void ConcurrentExecutionsOfOneShapeGetTheirOwnValues()
    {
        var path = Path.Combine(Path.GetTempPath(), $"trove-cache-{Guid.NewGuid():N}.db");
        try
        {
            using var e = Engine.Create($"sqlite:///{path}");
            var b = new Blogs("c8_");
            b.Seed(e);
            var errors = new System.Collections.Concurrent.ConcurrentBag<string>();
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                using var c = e.Connect();
                for (int i = 0; i < 300; i++)
                {
                    long id = (i + t) % 4 + 1;
                    var title = c.Scalar<string>(Db.Select(b.Title).Where(b.BlogId == id));
                    if (title != new[] { "A", "B", "C", "100%_sure" }[id - 1]) errors.Add($"{id}: {title}");
                }
            })).ToList();
            threads.ForEach(th => th.Start());
            Assert.All(threads, th => Assert.True(th.Join(TimeSpan.FromSeconds(60))));
            Assert.Empty(errors);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    public static IEnumerable<object[]> AllDialects() => [["sqlite"], ["postgresql"], ["mysql"]];

    /// <summary>
    /// For each construct: compile shape A through a cache (miss), then shape A with other values (hit), and compare
    /// the hit's SQL and parameters with an uncached compilation of the same statement.
    /// </summary>
    [Theory, MemberData(nameof(AllDialects))]
    public void CachedHitsEqualFreshCompilation(string dialect)
    {
        var d = Dialect.Get(dialect);
        var sq = Db.Select(b.UserId.Label("uid"), (b.Name + "!").Label("nm")).Where(b.UserId > 0L).Subquery("sq");
        Func<long, string, Executable>[] builders =
        [
            (n, s) => Db.Select(b.UserId, b.Name).Where(b.UserId > n).Where(b.Name != s),
            (n, s) => Db.Select(b.Name).Where((b.UserId == n) | (b.Name == s) & !(b.Username == s + "x")),
            (n, s) => Db.Select(b.Name).Where(b.Name.Contains(s)).Where(b.UserId.Between(n, n + 10)).Limit((int)n).Offset(2),
            (n, s) => Db.Select(b.Name, b.Title).Join(b.Blog, (b.Owner.Cast<long>() == b.UserId) & (b.Create > n)).Where(b.Title.StartsWith(s)),
            (n, s) => Db.Select(b.Name).OuterJoin(b.Blog, b.Owner.Cast<long>() == b.UserId).GroupBy(b.Name).Having(Func.Count(b.BlogId) > n),
            (n, s) => Db.Select(Func.Call<string>("coalesce", sq.Column<string>("nm"), s), sq.Column<long>("uid") + n).Where(sq.Column<long>("uid") < n),
            (n, s) => Db.Select(b.Name).Where(b.UserId.In(Db.Select(b.Owner.Cast<long>()).Where(b.Create > n))).Where(b.Name != s),
            (n, s) => Db.Select(b.Name, Db.Select(Func.Count()).SelectFrom(b.Blog).Where(b.Owner.Cast<long>() == b.UserId).Where(b.Create > n).Scalar<long>().Label("c")),
            (n, s) => Db.Select(b.Name).Where(Db.Exists(Db.Select(b.BlogId).Where(b.Owner.Cast<long>() == b.UserId).Where(b.Title == s))),
            (n, s) => Db.Select(Db.Case<string>(new (SqlExpression<bool>, string)[] { (b.UserId > n, s), (b.UserId < n, s + "2") }, "else")).Where(b.UserId.In(n, n + 1, n + 2)),
            (n, s) => Db.Select(b.Name).Where(b.UserId == n).Union(Db.Select(b.Title).Where(b.Create == n)).OrderBy(Db.Column<string>("name")).Limit(5),
            (n, s) => Db.Select(b.Name).Where(b.UserId == n).UnionAll(Db.Select(b.Title).Where(b.Create == n).Limit((int)n)),
            (n, s) => Db.Text($"select {n}, {s} from x where y = {n + 1}"),
            (n, s) => Db.Text("select :a, :b").Bind("a", n).Bind("b", s),
            (n, s) => Db.Insert(b.User).Value(b.UserId, n).Value(b.Name, s),
            (n, s) => Db.Insert(b.User).Values(new Dictionary<string, object?>[] { new() { ["id"] = n, ["name"] = s }, new() { ["id"] = n + 1, ["name"] = s + "2" } }),
            (n, s) => Db.Insert(b.User).FromSelect(["id", "name"], Db.Select(b.BlogId, b.Title).Where(b.Create > n)),
            (n, s) => Db.Update(b.User).Set(b.Username, s).Set(b.Name, b.Name + s).Where(b.UserId == n),
            (n, s) => Db.Delete(b.Blog).Where(b.Create < n).Where(b.Title.Like(s, '\\')),
            (n, s) => Db.Select(b.Name).Where(b.Name.Collate("NOCASE") == s).OrderBy(b.Name.Desc(NullsOrder.First)),
            (n, s) => Db.Select(Func.Abs(b.UserId - n), Func.Trim(s), Func.Coalesce(b.Username, Db.Value<string?>(s))).Distinct(),
        ];
        if (d.SupportsReturning)
        {
            builders = [.. builders,
                (n, s) => Db.Insert(b.User).Value(b.Name, s).Returning(b.UserId, (b.Name + s).Label("x")),
                (n, s) => Db.Update(b.User).Set(b.Name, s).Where(b.UserId == n).Returning(b.UserId),
                (n, s) => Db.Delete(b.User).Where(b.UserId == n).Returning(b.Name)];
        }
        if (d.SupportsForUpdate) builders = [.. builders, (n, s) => Db.Select(b.Name).Where(b.UserId == n).ForUpdate(nowait: true)];
        for (int i = 0; i < builders.Length; i++)
        {
            var cache = new StatementCache(d);
            var first = cache.Compile(builders[i](1, "one"));
            Assert.Equal(CompileCacheStatus.Generated, first.CacheStatus);
            var stmt = builders[i](5, "five'; --");
            var hit = cache.Compile(stmt);
            Assert.True(CompileCacheStatus.Cached == hit.CacheStatus, $"builder {i}: {hit.CacheStatus}");
            var fresh = new StatementCache(d, 0).Compile(stmt);
            Assert.Equal(fresh.Sql, hit.Sql);
            Assert.Same(first.Sql, hit.Sql);
            Assert.True(fresh.Parameters.SequenceEqual(hit.Parameters), $"builder {i}: [{string.Join(", ", hit.Parameters)}] vs [{string.Join(", ", fresh.Parameters)}]");
            Assert.DoesNotContain("five", hit.Sql);
        }
    }
}
