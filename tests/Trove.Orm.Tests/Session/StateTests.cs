using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S004Session;
using Trove.Sql;

namespace Trove.Orm.Tests.Session;

/// <summary>Instance states, identity map, expire/refresh/expunge/merge, autoflush, version counter, misuse errors.</summary>
public class StateTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void States_and_misuse_errors(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        var sessions = new SessionFactory(engine);
        using var s = sessions.Create();
        var u = new User { Name = "a" };
        Assert.Equal(InstanceStatus.Transient, s.StatusOf(u));
        Assert.Throws<InvalidInstanceStateException>(() => s.Remove(u));
        s.Add(u);
        Assert.Equal(InstanceStatus.Pending, s.StatusOf(u));
        s.Flush();
        Assert.Equal(InstanceStatus.Persistent, s.StatusOf(u));
        using (var other = sessions.Create())
        {
            var e = Assert.Throws<InvalidInstanceStateException>(() => other.Add(u));
            Assert.Contains("Expunge", e.Message);
        }
        s.Commit();
        s.Expunge(u);
        Assert.Equal(InstanceStatus.Detached, s.StatusOf(u));
        Assert.False(s.Contains(u));
        // expired by the commit and detached: reading needs a session
        var d = Assert.Throws<DetachedInstanceException>(() => u.Name);
        Assert.Contains("<User Id=1>", d.Message);
        var merged = s.Merge(u);
        Assert.NotSame(u, merged);
        Assert.Equal("a", merged.Name);
        Assert.Same(merged, s.Merge(new User { Id = 1, Name = "b" }));
        Assert.Equal("b", merged.Name);
        Assert.Single(s.Dirty);
        s.Expire(merged, nameof(User.Name));
        Assert.Empty(s.Dirty);
        Assert.Equal("a", merged.Name); // reloaded, the unflushed change discarded
        s.Rollback();
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.Query<User>());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Autoflush_before_queries_and_NoAutoflush(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.Add(new User { Name = "x" });
        Assert.Equal(1, s.Query<User>().Count());
        using (s.NoAutoflush())
        {
            s.Add(new User { Name = "y" });
            Assert.Equal(1, s.Query<User>().Count());
        }
        Assert.Equal(2, s.Query<User>().Count());
        s.Rollback();
        Assert.Equal(0, s.Query<User>().Count());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Refresh_reloads_and_only_changed_columns_are_updated(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        var b = new Blog { Title = "t" };
        s.Add(b);
        s.Commit();
        using var log = new StatementLog(engine);
        s.Refresh(b);
        Assert.Equal(["SELECT blog"], log.Take());
        b.Title = "u";
        s.Flush();
        Assert.Contains(log.Sql, x => x.Contains("SET title=", StringComparison.Ordinal) && !x.Contains("id=", StringComparison.Ordinal));
        s.Commit();
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Version_counter_detects_concurrent_modification(string dialect)
    {
        // two sessions need two connections: a SQLite file rather than the single in-memory connection
        var file = Path.Combine(Path.GetTempPath(), "trove-orm-version-" + Guid.NewGuid().ToString("N") + ".db");
        using var engine = dialect == "sqlite" ? Engine.Create("sqlite:///" + file) : OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s1 = new Trove.Orm.Session(engine);
        // s2 keeps what it loaded across commits, so it can hold a stale version
        using var s2 = new Trove.Orm.Session(engine, new SessionOptions { ExpireOnCommit = false });
        var v = new Versioned { Name = "a" };
        s1.Add(v);
        s1.Commit();
        Assert.Equal(1, v.Version);
        var id = v.Id;
        s1.Commit(); // ends the read transaction and expires v again

        var stale = s2.Get<Versioned>(id)!;
        stale.Name = "from s2";
        s2.Commit();
        Assert.Equal(2, stale.Version);

        v.Name = "from s1"; // expired: the flush loads the current version (2) for its WHERE
        s1.Commit();
        Assert.Equal(3, v.Version);

        stale.Name = "lost update"; // s2 still believes version 2
        var e = Assert.Throws<StaleDataException>(() => s2.Commit());
        Assert.Equal("UPDATE statement on table 'versioned' expected to update 1 row(s); 0 were matched.", e.Message);
        Assert.Equal((1, 0), (e.Expected, e.Matched));
        Assert.Throws<PendingRollbackException>(() => s2.Flush());
        s2.Rollback();
        s2.Refresh(stale);
        Assert.Equal((3, "from s1"), (stale.Version, stale.Name));
    }
}
