using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using Trove.Sql;
using Trove.Sql.Pooling;

namespace Trove.Sql.Tests;

public class PoolTests
{
    private static string TempDb() => Path.Combine(Path.GetTempPath(), $"trove-sql-pool-{Guid.NewGuid():N}.db");

    /// <summary>Seed 004 §2.4: pool_size=2, max_overflow=0, three threads in pg_sleep: the third waits, then succeeds.</summary>
    [PgFact]
    public async Task ThirdCheckoutWaitsForAConnection()
    {
        using var e = Engine.Create(TestDb.PgUrl, new EngineOptions { PoolSize = 2, MaxOverflow = 0 });
        using (var warm1 = e.Connect()) using (var warm2 = e.Connect()) { } // open both pooled connections first
        var sw = Stopwatch.StartNew();
        var got = new double[3];
        using var two = new CountdownEvent(2);
        var threads = Enumerable.Range(0, 3).Select(i => new Thread(() =>
        {
            if (i == 2) two.Wait(TimeSpan.FromSeconds(20)); // the seed's third thread: after two hold connections
            using var c = e.Connect();
            got[i] = sw.Elapsed.TotalSeconds;
            if (i < 2) two.Signal();
            c.Execute(Db.Text("select pg_sleep(1)"));
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(30)));
        await Task.CompletedTask;
        Assert.True(got[2] - Math.Max(got[0], got[1]) >= 0.9, $"the third waits for a connection: {string.Join(", ", got)}");
        Assert.True(Math.Abs(got[1] - got[0]) < 0.5, $"two start at once: {string.Join(", ", got)}");
        var pool = Assert.IsType<QueuePool>(e.Pool);
        Assert.Equal(2, pool.Idle);
        Assert.Equal(0, pool.CheckedOut);
        Assert.Equal("Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0", pool.Status());
    }

    [PgFact]
    public void ShortPoolTimeoutThrows()
    {
        using var e = Engine.Create(TestDb.PgUrl, new EngineOptions { PoolSize = 2, MaxOverflow = 0, PoolTimeout = TimeSpan.FromSeconds(0.3) });
        using var ready = new CountdownEvent(2);
        using var release = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
        {
            using var c = e.Connect();
            ready.Signal();
            // Hold the connection (in pg_sleep) until the main thread has seen the timeout.
            while (!release.IsSet) c.Execute(Db.Text("select pg_sleep(0.2)"));
        })).ToArray();
        foreach (var t in threads) t.Start();
        Assert.True(ready.Wait(TimeSpan.FromSeconds(20)));
        var sw = Stopwatch.StartNew();
        var ex = Assert.Throws<PoolTimeoutException>(() => e.Connect());
        Assert.True(sw.Elapsed.TotalSeconds >= 0.25, $"waited {sw.Elapsed}");
        Assert.Equal("QueuePool limit of size 2 overflow 0 reached, connection timed out, timeout 0.30s", ex.Message);
        Assert.Equal(2, ex.PoolSize);
        Assert.Equal(0, ex.MaxOverflow);
        Assert.Equal(TimeSpan.FromSeconds(0.3), ex.Timeout);
        release.Set();
        foreach (var t in threads) Assert.True(t.Join(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, e.Pool.CheckedOut);
    }

    [Fact]
    public void QueuePoolOnSqliteFileWithOverflow()
    {
        using var e = Engine.Create($"sqlite:///{TempDb()}", new EngineOptions { PoolSize = 2, MaxOverflow = 1, PoolTimeout = TimeSpan.FromSeconds(0.2) });
        var pool = Assert.IsType<QueuePool>(e.Pool);
        var c1 = e.Connect(); var c2 = e.Connect(); var c3 = e.Connect();
        Assert.Equal(1, pool.Overflow);
        var ex = Assert.Throws<PoolTimeoutException>(() => e.Connect());
        Assert.Equal("QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.20s", ex.Message);
        c3.Dispose();
        Assert.Equal(1, pool.Idle);
        c1.Dispose(); c2.Dispose();
        Assert.Equal(2, pool.Idle);
        Assert.Equal(0, pool.Overflow);
        Assert.Equal(1, e.Scalar<int>(Db.Text("select 1")));
    }

    [Fact]
    public async Task AsyncCheckoutHonoursCancellation()
    {
        using var e = Engine.Create($"sqlite:///{TempDb()}", new EngineOptions { PoolSize = 1, MaxOverflow = 0 });
        using var held = e.Connect();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await e.ConnectAsync(cts.Token));
    }

    [Fact]
    public void NullPoolOpensPerCheckoutQueuePoolReuses()
    {
        int opened = 0;
        var path = TempDb();
        using var nul = Engine.Create($"sqlite:///{path}", new EngineOptions { PoolClass = PoolKind.Null });
        nul.Pool.OnConnect += _ => opened++;
        for (int i = 0; i < 3; i++) nul.Execute(Db.Text("select 1"));
        Assert.Equal(3, opened);
        opened = 0;
        using var q = Engine.Create($"sqlite:///{path}", new EngineOptions { PoolClass = PoolKind.Queue });
        q.Pool.OnConnect += _ => opened++;
        for (int i = 0; i < 3; i++) q.Execute(Db.Text("select 1"));
        Assert.Equal(1, opened);
    }

    [Fact]
    public void InMemorySqliteUsesStaticPool()
    {
        using var e = Engine.Create("sqlite://");
        Assert.IsType<StaticPool>(e.Pool);
        e.Execute(Db.Text("create table t (x int)"));
        e.Execute(Db.Text("insert into t values (1)"));
        Assert.Equal(1L, e.Scalar<long>(Db.Text("select count(*) from t")));
    }

    [Fact]
    public void CreatorIsUsed()
    {
        int calls = 0;
        var path = TempDb();
        using var e = Engine.Create("sqlite://", new EngineOptions
        {
            Creator = () => { calls++; return new SqliteConnection($"Data Source={path}"); },
            PoolClass = PoolKind.Queue,
        });
        Assert.Equal(1, e.Scalar<int>(Db.Text("select 1")));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void StandalonePoolSharedByEngines()
    {
        var path = TempDb();
        int created = 0;
        DbConnection GetConn() { created++; return new SqliteConnection($"Data Source={path}"); }
        using var mypool = new QueuePool(GetConn, poolSize: 5, maxOverflow: 10);
        using (var conn = mypool.Connect())
        using (var cursor = conn.CreateCommand())
        {
            cursor.CommandText = "select 1";
            Assert.Equal(1L, cursor.ExecuteScalar());
        }
        Assert.Equal(1, mypool.Idle);
        using var e1 = Engine.Create("sqlite://", new EngineOptions { Pool = mypool });
        using var e2 = Engine.Create("sqlite://", new EngineOptions { Pool = mypool });
        Assert.Same(e1.Pool, e2.Pool);
        Assert.Equal(1, e1.Scalar<int>(Db.Text("select 1")));
        Assert.Equal(1, e2.Scalar<int>(Db.Text("select 1")));
        Assert.Equal(1, created);
        e1.Dispose();
        Assert.Equal(1, e2.Scalar<int>(Db.Text("select 1"))); // the engine does not own a pool it was given
    }

    [Fact]
    public void RecycleReplacesOldConnections()
    {
        int opened = 0;
        using var e = Engine.Create($"sqlite:///{TempDb()}", new EngineOptions { PoolRecycle = TimeSpan.FromMilliseconds(200) });
        e.Pool.OnConnect += _ => opened++;
        e.Execute(Db.Text("select 1"));
        e.Execute(Db.Text("select 1"));
        Assert.Equal(1, opened);
        Thread.Sleep(300);
        e.Execute(Db.Text("select 1"));
        Assert.Equal(2, opened);
    }

    [PgFact]
    public void PrePingReplacesADeadConnection()
    {
        using var e = Engine.Create(TestDb.PgUrl, new EngineOptions { PoolSize = 1, PoolPrePing = true });
        int pid;
        using (var c = e.Connect()) pid = c.Scalar<int>(Db.Text("select pg_backend_pid()"));
        using (var killer = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(((NpgsqlDriver)e.Driver!).CreateConnection(e.Url).ConnectionString).ConnectionString))
        {
            killer.Open();
            using var cmd = new NpgsqlCommand("select pg_terminate_backend($1)", killer) { Parameters = { new() { Value = pid } } };
            cmd.ExecuteScalar();
        }
        Thread.Sleep(200);
        using var c2 = e.Connect();
        Assert.NotEqual(pid, c2.Scalar<int>(Db.Text("select pg_backend_pid()")));
    }
}
