using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Trove.Orm;
using Trove.Orm.Mapping;
using Trove.Sql;

// Trove.Orm vs EF Core 10, Dapper on the same SQLite file (WAL). SQLAlchemy 1.4 runs bench/sqlalchemy_bench.py.
// `--floor`: driver floor and small-query costs (Floor.cs).
// `--alternate [rounds] [path/to/sqlalchemy_bench.py] [warm-up passes, default 40]`: Stopwatch harness alternating the libraries run by run.
if (args.Length > 0 && args[0] == "--floor") { Floor.Run(); return; }
// `--sqlite-floor [rounds]`: the untracked load on the bare SQLite library, serialized vs NOMUTEX handles (SqliteFloor.cs)
if (args.Length > 0 && args[0] == "--sqlite-floor")
{
    SqliteFloor.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100);
    return;
}
// `--cpu [rounds] [case prefix…]` (`--profile` is the same): CPU time, wall time and allocations per run beside floors
if (args.Length > 0 && args[0] is "--cpu" or "--profile")
{
    CpuFloor.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5, args.Length > 2 ? args[2..] : []);
    return;
}
// `--pg [rounds] [path/to/sqlalchemy_bench.py]`: Trove and SQLAlchemy on PostgreSQL (TROVE_PG_URL), alternating (PgBench.cs)
if (args.Length > 0 && args[0] == "--pg")
{
    PgBench.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7, args.Length > 2 ? args[2] : Path.Combine("..", "sqlalchemy_bench.py"));
    return;
}
if (args.Length > 0 && args[0] == "--alternate")
{
    var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 7;
    var warmup = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 40;
    Alternating.Run(rounds, args.Length > 2 ? args[2] : Path.Combine("..", "sqlalchemy_bench.py"), warmup);
    return;
}
var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(7).WithInvocationCount(1).WithUnrollFactor(1));
BenchmarkRunner.Run<OrmBench>(config, args);

public abstract partial class BenchBase : DeclarativeBase;

[Table("item")]
public partial class Item : BenchBase
{
    public partial long Id { get; set; }
    [Column(Length = 64)] public partial string Name { get; set; } = "";
    public partial long Qty { get; set; }
    [Column(Length = 64)] public partial string? Note { get; set; }
}

public sealed class EfItem
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long Qty { get; set; }
    public string? Note { get; set; }
}

public sealed class EfContext(string path) : DbContext
{
    public DbSet<EfItem> Items => Set<EfItem>();
    protected override void OnConfiguring(DbContextOptionsBuilder o) => o.UseSqlite("Data Source=" + path);
    protected override void OnModelCreating(ModelBuilder b) => b.Entity<EfItem>().ToTable("item");
}

public sealed class DapperItem
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long Qty { get; set; }
    public string? Note { get; set; }
}

[MemoryDiagnoser]
public class OrmBench
{
    public const int Rows = 10_000;
    private string _path = "";
    private Engine _engine = null!;
    private SqliteConnection _dapper = null!;
    private SessionFactory _sessions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), "trove-orm-bench-" + Environment.ProcessId + ".db");
        File.Delete(_path);
        _engine = Engine.Create("sqlite:///" + _path);
        using (var c = _engine.Connect()) c.ExecuteSql("PRAGMA journal_mode=WAL");
        BenchBase.Metadata.CreateAll(_engine);
        _sessions = new SessionFactory(_engine);
        _dapper = new SqliteConnection("Data Source=" + _path);
        _dapper.Open();
        Fill();
    }

    private void Fill()
    {
        _dapper.Execute("DELETE FROM item");
        using var tx = _dapper.BeginTransaction();
        for (var i = 1; i <= Rows; i++) _dapper.Execute("INSERT INTO item (id, name, qty, note) VALUES (@i, @n, @q, NULL)", new { i, n = "name" + i, q = i }, tx);
        tx.Commit();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _dapper.Dispose();
        _engine.Dispose();
        SqliteConnection.ClearAllPools();
        // WAL mode leaves the -wal and -shm files beside the database
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(f);
    }

    [IterationSetup(Targets = [nameof(Insert_Trove), nameof(Insert_EfCore), nameof(Insert_Dapper)])]
    public void Empty() => _dapper.Execute("DELETE FROM item");

    [IterationSetup(Targets = [nameof(Load_Trove_Tracked), nameof(Load_Trove_NoTracking), nameof(Load_EfCore_Tracked), nameof(Load_EfCore_NoTracking), nameof(Load_Dapper),
        nameof(Get_Trove), nameof(Get_EfCore), nameof(Get_Dapper), nameof(Update_Trove), nameof(Update_EfCore), nameof(Update_Dapper)])]
    public void Full()
    {
        if (_dapper.ExecuteScalar<long>("SELECT count(*) FROM item") != Rows) Fill();
    }

    // ---- insert 10,000 entities in one session and one commit
    [Benchmark] public void Insert_Trove() => TroveInsert(_sessions);

    // Trove's side of each workload, shared with the PostgreSQL run (PgBench.cs)
    public static void TroveInsert(SessionFactory sessions)
    {
        using var s = sessions.Create();
        for (var i = 0; i < Rows; i++) s.Add(new Item { Name = "n" + i, Qty = i });
        s.Commit();
    }

    public static int TroveLoad(SessionFactory sessions, bool tracked)
    {
        using var s = sessions.Create();
        return (tracked ? s.Query<Item>() : s.Query<Item>().AsNoTracking()).ToList().Count;
    }

    public static long TroveGet(SessionFactory sessions)
    {
        using var s = sessions.Create();
        long sum = 0;
        for (long i = 1; i <= 1000; i++) sum += s.Get<Item>(i)!.Qty;
        return sum;
    }

    public static void TroveUpdate(SessionFactory sessions)
    {
        using var s = sessions.Create();
        foreach (var it in s.Query<Item>().Where(x => x.Id <= 1000).ToList()) it.Qty += 1;
        s.Commit();
    }

    [Benchmark] public void Insert_EfCore()
    {
        using var db = new EfContext(_path);
        for (var i = 0; i < Rows; i++) db.Items.Add(new EfItem { Name = "n" + i, Qty = i });
        db.SaveChanges();
    }

    [Benchmark] public void Insert_Dapper()
    {
        using var tx = _dapper.BeginTransaction();
        for (var i = 0; i < Rows; i++) _dapper.Execute("INSERT INTO item (name, qty) VALUES (@n, @q)", new { n = "n" + i, q = (long)i }, tx);
        tx.Commit();
    }

    // ---- load 10,000 tracked / untracked
    [Benchmark] public int Load_Trove_Tracked() => TroveLoad(_sessions, tracked: true);
    [Benchmark] public int Load_Trove_NoTracking() => TroveLoad(_sessions, tracked: false);
    [Benchmark] public int Load_EfCore_Tracked() { using var db = new EfContext(_path); return db.Items.ToList().Count; }
    [Benchmark] public int Load_EfCore_NoTracking() { using var db = new EfContext(_path); return db.Items.AsNoTracking().ToList().Count; }
    [Benchmark] public int Load_Dapper() => _dapper.Query<DapperItem>("SELECT id, name, qty, note FROM item").AsList().Count;

    // ---- get by primary key 1,000 times
    [Benchmark] public long Get_Trove() => TroveGet(_sessions);

    [Benchmark] public long Get_EfCore()
    {
        using var db = new EfContext(_path);
        long sum = 0;
        for (long i = 1; i <= 1000; i++) sum += db.Items.Find(i)!.Qty;
        return sum;
    }

    [Benchmark] public long Get_Dapper()
    {
        long sum = 0;
        for (long i = 1; i <= 1000; i++) sum += _dapper.QueryFirst<DapperItem>("SELECT id, name, qty, note FROM item WHERE id = @i", new { i }).Qty;
        return sum;
    }

    // ---- change and commit 1,000 entities
    [Benchmark] public void Update_Trove() => TroveUpdate(_sessions);

    [Benchmark] public void Update_EfCore()
    {
        using var db = new EfContext(_path);
        foreach (var it in db.Items.Where(x => x.Id <= 1000).ToList()) it.Qty += 1;
        db.SaveChanges();
    }

    [Benchmark] public void Update_Dapper()
    {
        using var tx = _dapper.BeginTransaction();
        var items = _dapper.Query<DapperItem>("SELECT id, name, qty, note FROM item WHERE id <= 1000", transaction: tx).AsList();
        foreach (var it in items) _dapper.Execute("UPDATE item SET qty = @q WHERE id = @id", new { q = it.Qty + 1, id = it.Id }, tx);
        tx.Commit();
    }
}
