using System.Data.Common;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using RunStrategy = BenchmarkDotNet.Engines.RunStrategy;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Dapper;
using Microsoft.Data.Sqlite;
using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

if (args.Length > 0 && args[0] == "alternate")
{
    Alternating.Run(args.Length > 1 ? int.Parse(args[1]) : 7, args.Length > 2 ? args[2] : "all");
    return;
}

// In-process: the machine is shared and a generated-project build can exceed BenchmarkDotNet's timeout.
BenchmarkSwitcher.FromAssembly(typeof(SqliteReads).Assembly).Run(args,
    DefaultConfig.Instance
        .AddJob(Job.Default.WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance).WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(7).WithStrategy(RunStrategy.Throughput))
        .AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.Max)
        .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default));

/// <summary>A row of the benchmark table.</summary>
public sealed record Item(long Id, string Name, double Value);

/// <summary>
/// Same SQLite file (WAL), same query, same record type: raw ADO.NET (Microsoft.Data.Sqlite), Dapper and Trove.Sql.
/// Each side keeps one open connection, as an application holding a pooled connection would.
/// </summary>
[MemoryDiagnoser, GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory), CategoriesColumn]
public class SqliteReads
{
    private const int Rows = 10_000;
    private string _path = "";
    private SqliteConnection _raw = null!, _dapper = null!;
    private Engine _engine = null!;
    private Connection _trove = null!;
    private Table _items = null!;
    private Column<long> _id = null!;
    private Column<string> _name = null!;
    private Column<double> _value = null!;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"trove-sql-bench-{Environment.ProcessId}.db");
        File.Delete(_path);
        var m = new MetaData();
        _id = new Column<long>("id", primaryKey: true);
        _name = new Column<string>("name", SqlTypes.String(64));
        _value = new Column<double>("value");
        _items = new Table("item", m, _id, _name, _value);
        _engine = Engine.Create($"sqlite:///{_path}");
        using (var wal = _engine.Connect()) wal.Execute(Db.Text("PRAGMA journal_mode=WAL")); // outside a transaction
        m.CreateAll(_engine);
        using (var c = _engine.Connect())
        using (var tx = c.Begin())
        {
            var ins = Db.Insert(_items).Values(("id", Db.Param<long>("id")), ("name", Db.Param<string>("name")), ("value", Db.Param<double>("value")));
            c.ExecuteMany(ins, Enumerable.Range(1, Rows).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            { ["id"] = (long)i, ["name"] = "item number " + i, ["value"] = i * 1.5 }));
            tx.Commit();
        }
        _trove = _engine.Connect();
        _raw = new SqliteConnection($"Data Source={_path};Pooling=False");
        _raw.Open();
        _dapper = new SqliteConnection($"Data Source={_path};Pooling=False");
        _dapper.Open();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _trove.Dispose(); _engine.Dispose(); _raw.Dispose(); _dapper.Dispose();
        File.Delete(_path);
    }

    private long NextId() => _next = _next % Rows + 1;

    [Benchmark(Baseline = true), BenchmarkCategory("ByPk")]
    public Item ByPk_RawAdo()
    {
        using var cmd = _raw.CreateCommand();
        cmd.CommandText = "SELECT item.id, item.name, item.value FROM item WHERE item.id = @p0";
        cmd.Parameters.AddWithValue("@p0", NextId());
        using var r = cmd.ExecuteReader();
        r.Read();
        return new Item(r.GetInt64(0), r.GetString(1), r.GetDouble(2));
    }

    private SqliteCommand? _prepared;

    /// <summary>Raw ADO.NET re-using one prepared command (what Trove.Sql does per connection and SQL text).</summary>
    [Benchmark, BenchmarkCategory("ByPk")]
    public Item ByPk_RawAdoPrepared()
    {
        if (_prepared == null)
        {
            _prepared = _raw.CreateCommand();
            _prepared.CommandText = "SELECT item.id, item.name, item.value FROM item WHERE item.id = @p0";
            _prepared.Parameters.Add("@p0", SqliteType.Integer);
            _prepared.Prepare();
        }
        _prepared.Parameters[0].Value = NextId();
        using var r = _prepared.ExecuteReader();
        r.Read();
        return new Item(r.GetInt64(0), r.GetString(1), r.GetDouble(2));
    }

    [Benchmark, BenchmarkCategory("ByPk")]
    public Item ByPk_Dapper() =>
        _dapper.QueryFirst<Item>("SELECT item.id, item.name, item.value FROM item WHERE item.id = @id", new { id = NextId() });

    [Benchmark, BenchmarkCategory("ByPk")]
    public Item ByPk_Trove() =>
        _trove.QueryFirst(Db.Select(_id, _name, _value).Where(_id == NextId()), static r => new Item(r.GetInt64(0), r.GetString(1), r.GetDouble(2)));

    /// <summary>Only building and compiling the statement (no execution): what the compiled cache saves.</summary>
    [Benchmark, BenchmarkCategory("Compile")]
    public object Compile_Trove() =>
        Db.Select(_id, _name, _value).Where(_id == NextId()).Compile(Trove.Sql.Dialects.Dialect.Sqlite);

    [Benchmark(Baseline = true), BenchmarkCategory("All")]
    public List<Item> All10k_RawAdo()
    {
        using var cmd = _raw.CreateCommand();
        cmd.CommandText = "SELECT item.id, item.name, item.value FROM item";
        using var r = cmd.ExecuteReader();
        var list = new List<Item>();
        while (r.Read()) list.Add(new Item(r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
        return list;
    }

    [Benchmark, BenchmarkCategory("All")]
    public List<Item> All10k_Dapper() => _dapper.Query<Item>("SELECT item.id, item.name, item.value FROM item").AsList();

    [Benchmark, BenchmarkCategory("All")]
    public List<Item> All10k_Trove() =>
        _trove.Query(Db.Select(_id, _name, _value), static r => new Item(r.GetInt64(0), r.GetString(1), r.GetDouble(2)));
}

/// <summary>
/// Alternates the variants round by round (raw, Dapper, Trove, raw, …) so machine noise hits all of them alike;
/// prints min/median/max time per operation and bytes allocated per operation.
/// </summary>
public static class Alternating
{
    public static void Run(int rounds, string which)
    {
        var b = new SqliteReads();
        b.Setup();
        var groups = new (string Name, (string Variant, Func<object> Op, int Ops)[] Variants)[]
        {
            ("select one row by PK", [("raw ADO.NET", b.ByPk_RawAdo, 5000), ("raw ADO.NET prepared", b.ByPk_RawAdoPrepared, 5000), ("Dapper", b.ByPk_Dapper, 5000), ("Trove.Sql", b.ByPk_Trove, 5000), ("Trove.Sql build + compile only", b.Compile_Trove, 100_000)]),
            ("fetch 10,000 rows into records", [("raw ADO.NET", b.All10k_RawAdo, 10), ("Dapper", b.All10k_Dapper, 10), ("Trove.Sql", b.All10k_Trove, 10)]),
        };
        if (which == "bypk") groups = groups[..1];
        foreach (var (name, variants) in groups)
        {
            foreach (var v in variants) for (int i = 0; i < v.Ops; i++) v.Op(); // warm-up
            var times = variants.Select(_ => new List<double>()).ToArray();
            var alloc = new long[variants.Length];
            for (int r = 0; r < rounds; r++)
                for (int k = 0; k < variants.Length; k++)
                {
                    var (_, op, ops) = variants[k];
                    long a0 = GC.GetAllocatedBytesForCurrentThread();
                    long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    for (int i = 0; i < ops; i++) op();
                    double us = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMicroseconds / ops;
                    alloc[k] += GC.GetAllocatedBytesForCurrentThread() - a0;
                    times[k].Add(us);
                }
            Console.WriteLine($"### {name} ({rounds} alternating rounds)");
            Console.WriteLine();
            Console.WriteLine("| variant | min µs/op | median µs/op | max µs/op | median / raw ADO.NET | bytes/op |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            double baseMedian = Median(times[0]);
            for (int k = 0; k < variants.Length; k++)
            {
                var t = times[k];
                Console.WriteLine($"| {variants[k].Variant} | {t.Min():F1} | {Median(t):F1} | {t.Max():F1} | {Median(t) / baseMedian:F2} | {alloc[k] / (rounds * variants[k].Ops)} |");
            }
            Console.WriteLine();
        }
        b.Cleanup();
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
