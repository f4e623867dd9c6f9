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
        var session = new SessionFactory(engine).Create();
        using var log = new StatementLog(engine);
        void Sql(params string[] expected) => Assert.Equal(expected, log.Take(dmlOnly: false));

        // >>> user = User(name=u'名字'); session.add(user); session.commit()
        var user = new User { Name = "名字" };
        session.Add(user);
        Assert.Contains(user, session.New);
        session.Commit();
        Sql("BEGIN", "INSERT user", "COMMIT");
        Assert.True(user.Id == 1 && session.Contains(user)); // persistent; the expired instance reloads
        Sql("BEGIN", "SELECT user");

        // >>> try: user = session.Query(User).first() … except: session.rollback(). The typo (Query for query) is an
        // AttributeError hidden by the bare except; in C# it does not compile. The except branch's rollback remains:
        session.Rollback();
        Sql("ROLLBACK");

        // >>> user = session.query(User).first(); user.name = u'改名字'; session.commit()
        user = session.Query<User>().FirstOrDefault()!;
        user.Name = "改名字";
        session.Commit();
        Sql("BEGIN", "SELECT user", "UPDATE user", "COMMIT");
        Assert.Equal("改名字", session.Query<User>().Select(u => u.Name).SingleOrDefault());
        Sql("BEGIN", "SELECT user");

        // >>> session.add(User(name=u'改名字')); session.commit()   # violates UNIQUE; then query(User).all()
        session.Add(new User { Name = "改名字" });
        var e = Assert.Throws<IntegrityException>(() => session.Commit());
        Assert.Equal(ConstraintKind.Unique, e.ConstraintKind);
        Sql("INSERT user", "ROLLBACK"); // the failing INSERT is reported too, as in the reference's log
        var pending = Assert.Throws<PendingRollbackException>(() => session.Query<User>().ToList());
        Assert.Contains("Rollback()", pending.Message);
        Sql();

        // >>> session.rollback(); session.query(User).all()   (the transaction already ended: no SQL for the rollback)
        session.Rollback();
        Sql();
        Assert.Equal("[User(改名字)]", "[" + string.Join(", ", session.Query<User>().ToList()) + "]"); // the bad object was discarded
        Sql("BEGIN", "SELECT user");

        // >>> session.query(User).with_for_update().first(): SQLite has no row locks, no FOR UPDATE is rendered
        Assert.NotNull(session.Query<User>().ForUpdate().FirstOrDefault());
        if (dialect == "sqlite") Assert.DoesNotContain("FOR UPDATE", log.Sql[^1]);
        else Assert.EndsWith("FOR UPDATE", log.Sql[^1]);
        Sql("SELECT user");
        session.Dispose();
        Sql("ROLLBACK");
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
        // the autoflush at BeginNested wrote u1, u2; u3 was never flushed, so no SAVEPOINT was needed. (SQLAlchemy's
        // log shows "BEGIN (implicit)" and then the pysqlite recipe's real BEGIN: one BEGIN here.)
        Assert.Equal(["BEGIN", "INSERT user", "INSERT user", "COMMIT"], log.Take(dmlOnly: false));
        Assert.Equal(["u1", "u2"], Committed(engine));
        log.Clear();

        using (var session = sessions.Create())
        {
            session.Add(new User { Name = "u4" });
            var sp = session.BeginNested();
            session.Add(new User { Name = "u5" });
            session.Flush();
            // SQLAlchemy 1.4's session.rollback() with a savepoint active rolls back the savepoint only; orm.md §3 keeps
            // 2.0's rule (Session.Rollback() ends the outermost transaction), so the savepoint's own Rollback() is used
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

        // >>> conn = Engine.connect(); session = Session(bind=conn); trans = conn.begin(); session.begin_nested();
        // session.add(user); session.commit(); session.commit(); trans.rollback()
        log.Clear();
        using (var conn = engine.Connect())
        {
            var trans = conn.Begin();
            using var session = new Trove.Orm.Session(conn);
            session.BeginNested();
            session.Add(new User { Name = "2" });
            session.Commit();   // releases the savepoint
            session.Commit();   // the outer transaction is the connection's: nothing to do
            Assert.Equal(1L, Convert.ToInt64(conn.Execute(Db.Text("select count(*) from \"user\" where name = '2'")).Scalar<object>()));
            trans.Rollback();
        }
        // The reference logs BEGIN (conn.begin()) … ROLLBACK (trans.rollback()); Trove.Sql's Core transactions go through
        // ADO.NET's BeginTransaction/Rollback, which raise no StatementExecuted, so only the statements in between show.
        Assert.Equal(["SAVEPOINT", "INSERT user", "RELEASE SAVEPOINT", "SELECT user"], log.Take(dmlOnly: false));
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
        // the reference's "BEGIN TWOPHASE (implicit)" is BEGIN here; the BEGIN it shows after each COMMIT PREPARED is
        // psycopg2 opening its next transaction, which Npgsql does not do
        Assert.Equal(["BEGIN", "INSERT blog", "BEGIN", "INSERT user", "PREPARE TRANSACTION", "PREPARE TRANSACTION", "COMMIT PREPARED", "COMMIT PREPARED"],
            log.Take(dmlOnly: false).Where(x => x is not "SELECT pg_prepared_xacts").ToList());
        Assert.Empty(e1.Execute(Db.Text("select gid from pg_prepared_xacts where gid like '_trove_%'")).All());
        Assert.Equal("名字", e1.Scalar<string>(Db.Text("select name from \"user\"")));
        Assert.Equal("标题", e2.Scalar<string>(Db.Text("select title from blog")));
        User.Table.Drop(e1);
        Blog.Table.Drop(e2);
    }

    [PgFact]
    public void S5_4_prepared_transaction_outlives_its_connection_and_commits_from_another()
    {
        // >>> conn = Engine.connect(); xa = conn.begin_twophase('seed-xid-1'); conn.execute(insert); xa.prepare();
        // conn.invalidate(); conn2.recover_twophase(); conn2.commit_prepared('seed-xid-1', recover=True)
        // Trove.Sql has no begin_twophase/recover_twophase API on Connection (the ORM's TwoPhase sessions drive
        // PREPARE/COMMIT PREPARED themselves), so the same statements are sent as text.
        using var e1 = Engine.Create(OrmDb.PgUrl("test"));
        User.Table.Drop(e1, checkFirst: true);
        User.Table.Create(e1);
        using (var c = e1.Connect())
            if (c.Execute(Db.Text("select count(*) from pg_prepared_xacts where gid = 'seed-xid-1'")).Scalar<long>() > 0)
                c.ExecuteSql("ROLLBACK PREPARED 'seed-xid-1'"); // left over by an interrupted run
        using var log = new StatementLog(e1);
        using (var conn = e1.Connect())
        {
            conn.ExecuteSql("BEGIN");
            conn.Execute(Db.Insert(User.Table).Values(("name", "prepared only")));
            conn.ExecuteSql("PREPARE TRANSACTION 'seed-xid-1'");
        } // the client goes away after PREPARE
        using (var conn2 = e1.Connect())
        {
            var gids = conn2.Execute(Db.Text("SELECT gid FROM pg_prepared_xacts")).All().Select(r => (string)r[0]!).ToList();
            Assert.Contains("seed-xid-1", gids); // the prepared transaction outlived its connection
            conn2.ExecuteSql("COMMIT PREPARED 'seed-xid-1'");
        }
        Assert.Equal(["BEGIN", "INSERT user", "PREPARE TRANSACTION", "SELECT pg_prepared_xacts", "COMMIT PREPARED"], log.Take(dmlOnly: false));
        Assert.Equal("prepared only", e1.Scalar<string>(Db.Text("select name from \"user\"")));
        User.Table.Drop(e1);
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
