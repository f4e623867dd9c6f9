using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S004Session;
using Trove.Sql;

namespace Trove.Orm.Tests.Seeds;

/// <summary>Seed 004 §5: commit/rollback, failed flush, FOR UPDATE, savepoints, outer transactions, two-phase commit.</summary>
public class Seed004SessionTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void S5_1_commit_rollback_and_failed_flush(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var session = new SessionFactory(engine).Create();
        using var log = new StatementLog(engine);
        var user = new User { Name = "名字" };
        session.Add(user);
        Assert.Contains(user, session.New);
        session.Commit();
        Assert.Equal(["BEGIN", "INSERT user", "COMMIT"], log.Take(dmlOnly: false));
        Assert.True(user.Id == 1 && session.Contains(user));
        Assert.Equal(["SELECT user"], log.Take());

        user = session.Query<User>().FirstOrDefault()!;
        user.Name = "改名字";
        session.Commit();
        Assert.Equal(["SELECT user", "UPDATE user"], log.Take());
        Assert.Equal("改名字", session.Query<User>().Select(u => u.Name).SingleOrDefault());

        session.Add(new User { Name = "改名字" }); // violates UNIQUE
        var e = Assert.Throws<IntegrityException>(() => session.Commit());
        Assert.Equal(ConstraintKind.Unique, e.ConstraintKind);
        // the failing INSERT is reported too (as in the reference's log), then ROLLBACK
        Assert.Equal(["INSERT user", "ROLLBACK"], log.Take(dmlOnly: false).Where(x => x != "SELECT user" && x != "BEGIN"));
        var pending = Assert.Throws<PendingRollbackException>(() => session.Query<User>().ToList());
        Assert.Contains("Rollback()", pending.Message);
        session.Rollback();
        Assert.Equal("User(改名字)", string.Join(",", session.Query<User>().ToList()));
        Assert.Single(session.Query<User>().ToList());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S5_2_for_update_rendering(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var session = new Trove.Orm.Session(engine);
        session.Add(new User { Name = "a" });
        session.Commit();
        Assert.NotNull(session.Query<User>().ForUpdate().FirstOrDefault());
        var sql = session.Query<User>().ForUpdate().ToQueryString();
        if (dialect == "sqlite") Assert.DoesNotContain("FOR UPDATE", sql);
        else Assert.EndsWith("FOR UPDATE", sql);

        using var pg = Engine.CreateMock("postgresql://", _ => { });
        using var my = Engine.CreateMock("mysql://", _ => { });
        using var spg = new Trove.Orm.Session(pg);
        using var smy = new Trove.Orm.Session(my);
        Assert.EndsWith("FROM \"user\" FOR UPDATE", spg.Query<User>().ForUpdate().ToQueryString());
        Assert.EndsWith("FROM user FOR UPDATE", smy.Query<User>().ForUpdate().ToQueryString());
        Assert.EndsWith("FOR SHARE", spg.Query<User>().ForShare().ToQueryString());
        Assert.EndsWith("LOCK IN SHARE MODE", smy.Query<User>().ForShare().ToQueryString());
        Assert.EndsWith("FOR UPDATE NOWAIT", spg.Query<User>().ForUpdate(nowait: true).ToQueryString());
        Assert.EndsWith("FOR UPDATE NOWAIT", smy.Query<User>().ForUpdate(nowait: true).ToQueryString());
        Assert.EndsWith("FOR UPDATE OF \"user\"", spg.Query<User>().ForUpdate(of: [typeof(User)]).ToQueryString());
        Assert.EndsWith("FOR UPDATE", smy.Query<User>().ForUpdate(of: [typeof(User)]).ToQueryString());
    }

    private static List<string> Committed(Engine engine)
    {
        using var s = new Trove.Orm.Session(engine);
        return s.Query<User>().OrderBy(u => u.Id).Select(u => u.Name).ToList();
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S5_3_savepoints(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        var sessions = new SessionFactory(engine);
        using var log = new StatementLog(engine);

        using (var session = sessions.Create())
        {
            session.Add(new User { Name = "u1" });
            session.Add(new User { Name = "u2" });
            using (var sp = session.BeginNested())
            {
                session.Add(new User { Name = "u3" });
                sp.Rollback();
            }
            session.Commit();
        }
        // the autoflush at BeginNested wrote u1, u2; u3 was never flushed, so no SAVEPOINT was needed
        Assert.Equal(["BEGIN", "INSERT user", "INSERT user", "COMMIT"], log.Take(dmlOnly: false));
        Assert.Equal(["u1", "u2"], Committed(engine));
        log.Clear();

        using (var session = sessions.Create())
        {
            session.Add(new User { Name = "u4" });
            var sp = session.BeginNested();
            session.Add(new User { Name = "u5" });
            session.Flush();
            sp.Rollback();
            session.Commit();
        }
        Assert.Equal(["BEGIN", "INSERT user", "SAVEPOINT", "INSERT user", "ROLLBACK TO SAVEPOINT", "COMMIT"], log.Take(dmlOnly: false));
        Assert.Equal(["u1", "u2", "u4"], Committed(engine));
        log.Clear();

        var skipped = new List<string>();
        using (var session = sessions.Create())
        {
            foreach (var name in new[] { "r1", "u1", "r2" }) // u1 violates UNIQUE
            {
                try
                {
                    using var sp = session.BeginNested();
                    session.Merge(new User { Name = name });
                    sp.Commit();
                }
                catch (IntegrityException) { skipped.Add(name); }
            }
            session.Commit();
        }
        Assert.Equal(["u1"], skipped);
        // the failing INSERT of u1 is reported too, as in the reference's log
        Assert.Equal(["BEGIN", "SAVEPOINT", "INSERT user", "RELEASE SAVEPOINT", "SAVEPOINT", "INSERT user", "ROLLBACK TO SAVEPOINT",
            "SAVEPOINT", "INSERT user", "RELEASE SAVEPOINT", "COMMIT"], log.Take(dmlOnly: false));
        Assert.Equal(["u1", "u2", "u4", "r1", "r2"], Committed(engine));
        log.Clear();

        using (var session = sessions.Create())
        {
            session.BeginNested();
            session.Add(new User { Name = "2" });
            session.Commit();   // releases the savepoint only
            session.Rollback(); // the outer transaction discards it
        }
        Assert.Equal(["BEGIN", "SAVEPOINT", "INSERT user", "RELEASE SAVEPOINT", "ROLLBACK"], log.Take(dmlOnly: false));
        Assert.DoesNotContain("2", Committed(engine));

        using (var conn = engine.Connect())
        {
            var trans = conn.Begin();
            using var session = new Trove.Orm.Session(conn);
            session.BeginNested();
            session.Add(new User { Name = "2" });
            session.Commit();
            session.Commit();
            Assert.Equal(1L, Convert.ToInt64(conn.Execute(Db.Text("select count(*) from \"user\" where name = '2'")).Scalar<object>()));
            trans.Rollback();
        }
        Assert.DoesNotContain("2", Committed(engine));
    }

    [PgFact]
    public void S5_4_two_phase_commit_across_two_databases()
    {
        using var e1 = Engine.Create(OrmDb.PgUrl("test"));
        using var e2 = Engine.Create(OrmDb.PgUrl("test2"));
        User.Table.Drop(e1, checkFirst: true);
        User.Table.Create(e1);
        Blog.Table.Drop(e2, checkFirst: true);
        Blog.Table.Create(e2);
        using var log = new StatementLog(e1, e2);
        var sessions = new SessionFactory(new SessionOptions { TwoPhase = true }).Bind<User>(e1).Bind<Blog>(e2);
        using (var s = sessions.Create())
        {
            s.Add(new User { Name = "名字" });
            s.Add(new Blog { Title = "标题" });
            s.Flush();
            s.Prepare();
            Assert.Equal(["test", "test2"], e1.Execute(Db.Text("select database from pg_prepared_xacts where gid like '_trove_%' order by database")).All().Select(r => (string)r[0]!));
            s.Commit();
        }
        Assert.Equal(["BEGIN", "INSERT blog", "BEGIN", "INSERT user", "PREPARE TRANSACTION", "PREPARE TRANSACTION", "COMMIT PREPARED", "COMMIT PREPARED"],
            log.Take(dmlOnly: false).Where(x => x is not "SELECT pg_prepared_xacts").ToList());
        Assert.Empty(e1.Execute(Db.Text("select gid from pg_prepared_xacts where gid like '_trove_%'")).All());
        Assert.Equal("名字", e1.Scalar<string>(Db.Text("select name from \"user\"")));
        Assert.Equal("标题", e2.Scalar<string>(Db.Text("select title from blog")));
        User.Table.Drop(e1);
        Blog.Table.Drop(e2);
    }

    [Fact]
    public void S5_4_two_phase_binds_refuse_sqlite_at_once()
    {
        using var e = Engine.Create("sqlite://");
        var factory = new SessionFactory(new SessionOptions { TwoPhase = true });
        Assert.Throws<NotSupportedException>(() => factory.Bind<User>(e));
        Assert.Throws<NotSupportedException>(() => new SessionFactory(e, new SessionOptions { TwoPhase = true }));
    }
}
