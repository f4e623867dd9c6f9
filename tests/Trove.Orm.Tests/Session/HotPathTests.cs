using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.M004;
using Trove.Sql;

namespace Trove.Orm.Tests.Session;

/// <summary>
/// Behaviour kept by the hot-path work (bench/results/orm.md): UPDATE order by key, expire on commit and
/// detaching on dispose through the identity map's own passes, joined rows of one parent that do not come
/// together, typed selectin keys, and the bulk row loop with its identity-map hits.
/// </summary>
public class HotPathTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Open(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        return engine;
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Updates_run_in_key_order_whatever_the_order_of_changes(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            for (var i = 0; i < 6; i++) s.Add(new User { Name = "u" + i });
            s.Commit();
        }
        using var s2 = new Trove.Orm.Session(engine);
        var users = s2.Query<User>().OrderBy(u => u.Id).ToList();
        using var log = new StatementLog(engine);
        var keys = new List<object?>();
        engine.StatementExecuted += (_, e) =>
        {
            if (e.Sql.StartsWith("UPDATE", StringComparison.Ordinal)) keys.Add(e.Parameters[^1].Value);
        };
        // changed last-to-first, two different SET lists interleaved
        for (var i = users.Count - 1; i >= 0; i--)
        {
            if (i % 2 == 0) users[i].Name = "x" + i;
            else users[i].Name = "y" + i;
        }
        s2.Flush();
        Assert.Equal(users.Select(u => (object?)u.Id).ToList(), keys.Select(k => (object?)Convert.ToInt64(k)).ToList());
        // already in key order: unchanged order too
        keys.Clear();
        foreach (var u in users) u.Name += "!";
        s2.Flush();
        Assert.Equal(users.Select(u => u.Id).ToList(), keys.Select(Convert.ToInt64).ToList());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Commit_expires_and_dispose_detaches_every_instance(string dialect)
    {
        using var engine = Open(dialect);
        User pending;
        List<User> loaded;
        using (var s = new Trove.Orm.Session(engine))
        {
            for (var i = 0; i < 3; i++) s.Add(new User { Name = "u" + i });
            s.Commit();
            loaded = s.Query<User>().OrderBy(u => u.Id).ToList();
            using var log = new StatementLog(engine);
            s.Commit();
            Assert.Equal("u1", loaded[1].Name); // expired by the commit: reloaded by one SELECT
            Assert.Equal(["SELECT user"], log.Take());
            pending = new User { Name = "p" };
            s.Add(pending);
        }
        foreach (var u in loaded)
        {
            using var other = new Trove.Orm.Session(engine);
            Assert.Equal(InstanceStatus.Detached, other.StatusOf(u));
        }
        using (var other = new Trove.Orm.Session(engine))
        {
            Assert.Equal(InstanceStatus.Transient, other.StatusOf(pending));
            other.Add(pending);
            other.Commit();
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Joined_rows_of_one_parent_may_interleave_with_another_parents_rows(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            // equal names: ORDER BY name, create interleaves the two parents' rows
            for (var p = 0; p < 3; p++)
            {
                var u = new User { Name = "same" };
                for (var c = 1; c <= 4; c++) u.BlogList.Add(new Blog { Title = $"b{p}-{c}", Create = c });
                s.Add(u);
            }
            s.Commit();
        }
        using (var s2 = new Trove.Orm.Session(engine))
        {
            using var log = new StatementLog(engine);
            var users = s2.Query<User>().Include(u => u.BlogList, Trove.Orm.Loading.Joined).OrderBy(u => u.Name).ToList();
            Assert.Equal(3, users.Count);
            Assert.Equal(3, users.Distinct().Count());
            foreach (var u in users)
            {
                Assert.Equal([1, 2, 3, 4], u.BlogList.Select(b => b.Create).ToList());
                Assert.All(u.BlogList, b => Assert.Same(u, b.UserObj));
                Assert.All(u.BlogList, b => Assert.StartsWith("b" + (u.Id - users.Min(x => x.Id)), b.Title));
            }
            Assert.Single(log.Take());
        }
        // the many-to-one side: parents change from row to row
        using var s3 = new Trove.Orm.Session(engine);
        var blogs = s3.Query<Blog>().Include(b => b.UserObj, Trove.Orm.Loading.Joined).OrderBy(b => b.Create).ToList();
        Assert.Equal(12, blogs.Count);
        Assert.All(blogs, b => Assert.Equal(b.UserId, b.UserObj!.Id));
        Assert.Equal(3, blogs.Select(b => b.UserObj).Distinct().Count());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Joined_load_keeps_a_collection_loaded_before_and_its_changes(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            var u = new User { Name = "a" };
            u.BlogList.Add(new Blog { Title = "one", Create = 1 });
            u.BlogList.Add(new Blog { Title = "two", Create = 2 });
            s.Add(u);
            s.Commit();
        }
        using var s2 = new Trove.Orm.Session(engine);
        var first = s2.Query<User>().First();
        Assert.Equal(2, first.BlogList.Count);
        first.BlogList.RemoveAt(0);
        using (s2.NoAutoflush())
        {
            var again = s2.Query<User>().Include(u => u.BlogList, Trove.Orm.Loading.Joined).ToList();
            Assert.Same(first, Assert.Single(again));
            Assert.Equal(["two"], first.BlogList.Select(b => b.Title).ToList());
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void SelectIn_fills_every_parent_including_empty_ones(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            for (var p = 0; p < 5; p++)
            {
                var u = new User { Name = "u" + p };
                for (var c = 0; c < p; c++) u.BlogList.Add(new Blog { Title = $"b{p}-{c}", Create = c });
                s.Add(u);
            }
            s.Commit();
        }
        using var s2 = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var users = s2.Query<User>().Include(u => u.BlogList, Trove.Orm.Loading.SelectIn).OrderBy(u => u.Id).ToList();
        Assert.Equal(2, log.Take().Count);
        for (var p = 0; p < 5; p++)
        {
            Assert.Equal(p, users[p].BlogList.Count);
            Assert.All(users[p].BlogList, b => Assert.Same(users[p], b.UserObj));
        }
        Assert.Empty(log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void A_query_row_refreshes_expired_instances_it_meets_and_keeps_identity(string dialect)
    {
        using var engine = Open(dialect);
        using var s = new Trove.Orm.Session(engine);
        for (var i = 0; i < 4; i++) s.Add(new User { Name = "u" + i });
        s.Commit();
        var all = s.Query<User>().OrderBy(u => u.Id).ToList();
        var id = all[2].Id;
        s.Commit(); // expires every instance and ends the transaction
        engine.Execute(Db.Text($"UPDATE \"user\" SET name = 'changed' WHERE id = {id}"));
        var again = s.Query<User>().OrderBy(u => u.Id).ToList();
        Assert.Equal(all, again);
        Assert.Equal("changed", again[2].Name);
        Assert.Equal(4, s.Query<User>().AsNoTracking().ToList().Count(u => s.StatusOf(u) != InstanceStatus.Persistent));
        Assert.Single(s.Query<User>().Where(u => u.Id > 0).Take(1).ToList());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Large_flushes_insert_many_rows_per_statement_and_back_fill_keys_in_add_order(string dialect)
    {
        using var engine = Open(dialect);
        var users = new List<User>();
        using var log = new StatementLog(engine);
        using (var s = new Trove.Orm.Session(engine))
        {
            for (var p = 0; p < 130; p++)
            {
                var u = new User { Name = "u" + p };
                // two column sets among the blogs: with and without an explicit Create
                for (var c = 0; c < 3; c++) u.BlogList.Add(c == 2 ? new Blog { Title = $"b{p}-{c}" } : new Blog { Title = $"b{p}-{c}", Create = c + 1 });
                users.Add(u);
                s.Add(u);
            }
            var blogs = users.SelectMany(u => u.BlogList).Select(b => (Blog: b, b.Title)).ToList();
            s.Commit();
            // expired by the commit: each blog reloads by the key it was given
            foreach (var (b, title) in blogs) Assert.Equal(title, b.Title);
            var ids = users.Select(u => u.Id).ToList();
            Assert.Equal(ids.Order().ToList(), ids);
            Assert.Equal(130, ids.Distinct().Count());
        }
        var inserts = log.Sql.Where(q => q.StartsWith("INSERT", StringComparison.Ordinal)).ToList();
        var chunk = Trove.Orm.Session.MaxRowsPerInsert;
        var userInserts = inserts.Count(q => q.StartsWith("INSERT INTO \"user\" ", StringComparison.Ordinal) || q.StartsWith("INSERT INTO user ", StringComparison.Ordinal));
        // generated keys come back from a multi-row INSERT on SQLite only; PostgreSQL keeps one INSERT … RETURNING a row
        Assert.Equal(dialect == "sqlite" ? (130 + chunk - 1) / chunk : 130, userInserts);
        if (dialect == "sqlite") Assert.True(inserts.Count < 130 + 390, $"{inserts.Count} INSERT statements");
        else Assert.Equal(130 + 390, inserts.Count);
        using var s2 = new Trove.Orm.Session(engine);
        var loaded = s2.Query<User>().Include(u => u.BlogList, Trove.Orm.Loading.SelectIn).OrderBy(u => u.Id).ToList();
        Assert.Equal(users.Select(u => (u.Id, u.Name)), loaded.Select(u => (u.Id, u.Name)));
        foreach (var u in loaded)
            // ordered by Create: the server default 0 first, then 1, 2
            Assert.Equal([$"b{u.Name[1..]}-2", $"b{u.Name[1..]}-0", $"b{u.Name[1..]}-1"], u.BlogList.Select(b => b.Title).ToList());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Large_flushes_with_client_keys_insert_many_rows_per_statement(string dialect)
    {
        using var engine = Open(dialect);
        using var log = new StatementLog(engine);
        using (var s = new Trove.Orm.Session(engine))
        {
            for (var i = 1; i <= 250; i++) s.Add(new User { Id = i * 3, Name = "n" + i });
            s.Commit();
        }
        var chunk = Trove.Orm.Session.MaxRowsPerInsert;
        Assert.Equal((250 + chunk - 1) / chunk, log.Sql.Count(q => q.StartsWith("INSERT", StringComparison.Ordinal)));
        using var s2 = new Trove.Orm.Session(engine);
        var all = s2.Query<User>().OrderBy(u => u.Id).ToList();
        Assert.Equal(Enumerable.Range(1, 250).Select(i => ((long)i * 3, "n" + i)), all.Select(u => (u.Id, u.Name)));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Large_updates_write_many_rows_per_statement_and_check_the_row_count(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            for (var i = 1; i <= 100; i++) s.Add(new User { Id = i, Name = "n" + i });
            s.Commit();
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var users = s.Query<User>().OrderBy(u => u.Id).ToList();
            using var log = new StatementLog(engine);
            // 70 rows change Name only, then 30 rows change nothing: one run of 70 with one SET list
            foreach (var u in users.Take(70)) u.Name = "m" + u.Id;
            s.Commit();
            var updates = log.Sql.Count(q => q.StartsWith("UPDATE", StringComparison.Ordinal));
            var chunk = Trove.Orm.Session.MaxRowsPerInsert;
            Assert.Equal(dialect == "sqlite" ? (70 + chunk - 1) / chunk : 70, updates);
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var all = s.Query<User>().OrderBy(u => u.Id).ToList();
            Assert.Equal(Enumerable.Range(1, 100).Select(i => i <= 70 ? "m" + i : "n" + i), all.Select(u => u.Name));
            s.Commit(); // ends the transaction (the in-memory database has one connection)
            // a row deleted behind the session's back: the statement that should update it matches one row less
            engine.Execute(Db.Text("DELETE FROM \"user\" WHERE id = 50"));
            foreach (var u in all) u.Name = "z";
            var e = Assert.Throws<StaleDataException>(() => s.Flush());
            Assert.Contains("were matched", e.Message);
            Assert.Equal(e.Expected - 1, e.Matched);
            s.Rollback();
        }
    }
}
