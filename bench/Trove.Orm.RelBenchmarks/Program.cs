using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Trove.Orm;
using Trove.Orm.RelBenchmarks;
using Trove.Sql;

// Loads 1,000 parents with 10 children each from one SQLite file (WAL) by Trove.Orm (joined, selectin),
// EF Core 10 Include (single query, split query) and SQLAlchemy 1.4 (joinedload, selectinload), alternating the
// libraries run by run (the machine is shared and noisy). Usage: Trove.Orm.RelBenchmarks [--rounds N]
var rounds = args.Length >= 2 && args[0] == "--rounds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 7;
var path = Path.Combine(Path.GetTempPath(), $"trove-rel-bench-{Environment.ProcessId}.db");
foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);

using var engine = Engine.Create("sqlite:///" + path);
using (var c = engine.Connect()) c.ExecuteSql("PRAGMA journal_mode=WAL");
Base.Metadata.CreateAll(engine);
using (var s = new Session(engine))
{
    for (var p = 1; p <= 1000; p++)
    {
        var parent = new Parent { Id = p, Name = "parent" + p };
        for (var c = 0; c < 10; c++) parent.Children.Add(new Child { Id = p * 10 + c, Name = $"child{p}-{c}", Value = c });
        s.Add(parent);
    }
    s.Commit();
}

void Check(int parents, int children)
{
    if (parents != 1000 || children != 10000) throw new InvalidOperationException($"loaded {parents} parents, {children} children");
}

var cases = new (string Name, Action Body)[]
{
    ("Trove baseline (two plain queries, no relationship)", () =>
    {
        using var s = new Session(engine);
        var ps = s.Query<Parent>().ToList();
        var cs = s.Query<Child>().ToList();
        Check(ps.Count, cs.Count);
    }),
    ("Trove joined", () =>
    {
        using var s = new Session(engine);
        var ps = s.Query<Parent>().Include(p => p.Children, Loading.Joined).ToList();
        Check(ps.Count, ps.Sum(p => p.Children.Count));
    }),
    ("Trove selectin", () =>
    {
        using var s = new Session(engine);
        var ps = s.Query<Parent>().Include(p => p.Children, Loading.SelectIn).ToList();
        Check(ps.Count, ps.Sum(p => p.Children.Count));
    }),
    ("Floor joined (raw ADO.NET, same SQL, plain objects)", () => Floor.Joined(path)),
    ("Floor selectin (raw ADO.NET, same SQL, plain objects)", () => Floor.SelectIn(path)),
    ("EF Core single query", () =>
    {
        using var db = new EfContext(path);
        var ps = db.Parents.Include(p => p.Children).AsSingleQuery().ToList();
        Check(ps.Count, ps.Sum(p => p.Children.Count));
    }),
    ("EF Core split query", () =>
    {
        using var db = new EfContext(path);
        var ps = db.Parents.Include(p => p.Children).AsSplitQuery().ToList();
        Check(ps.Count, ps.Sum(p => p.Children.Count));
    }),
};

// --only "<case name prefix>" N: run one case N times and print the minimum (for profiling one path)
if (args.Length >= 3 && args[0] == "--only")
{
    // also: minimum process CPU time, GC pause time and gen0 collections per run, bytes allocated per run
    var (name, body) = cases.First(c => c.Name.StartsWith(args[1], StringComparison.Ordinal));
    double best = double.MaxValue, cpu = double.MaxValue, pause = double.MaxValue;
    long bytes = 0;
    var gcs = 0;
    var walls = new List<double>();
    var proc = Process.GetCurrentProcess();
    for (var i = 0; i < int.Parse(args[2], CultureInfo.InvariantCulture); i++)
    {
        proc.Refresh();
        var c0 = proc.TotalProcessorTime;
        var p0 = GC.GetTotalPauseDuration();
        var g0 = GC.CollectionCount(0);
        var a0 = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        body();
        var ms = sw.Elapsed.TotalMilliseconds;
        bytes = GC.GetAllocatedBytesForCurrentThread() - a0;
        gcs = GC.CollectionCount(0) - g0;
        proc.Refresh();
        if (i == 0) continue;
        walls.Add(ms);
        best = Math.Min(best, ms);
        cpu = Math.Min(cpu, (proc.TotalProcessorTime - c0).TotalMilliseconds);
        pause = Math.Min(pause, (GC.GetTotalPauseDuration() - p0).TotalMilliseconds);
    }
    walls.Sort();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name}: wall min {best:F2} median {walls[walls.Count / 2]:F2} ms, CPU min {cpu:F1} ms, GC pause min {pause:F2} ms, gen0 GCs {gcs}, {bytes / 1024} KB allocated"));
    return;
}

var times = new Dictionary<string, List<double>>();
void Add(string name, double ms)
{
    if (!times.TryGetValue(name, out var l)) times[name] = l = [];
    l.Add(ms);
}

// round 0 warms every path up (JIT, SQLite page cache, EF model) and is not recorded
for (var round = 0; round <= rounds; round++)
{
    for (var k = 0; k < cases.Length; k++)
    {
        var (name, body) = cases[(k + round) % cases.Length];
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var sw = Stopwatch.StartNew();
        body();
        sw.Stop();
        if (round > 0) Add(name, sw.Elapsed.TotalMilliseconds);
    }
    if (round > 0)
        foreach (var (name, ms) in RunPython(path)) Add(name, ms);
    Console.Error.WriteLine($"round {round} done");
}

static IEnumerable<(string, double)> RunPython(string db)
{
    var script = Path.Combine(AppContext.BaseDirectory, "sqlalchemy_rel_bench.py");
    var psi = new ProcessStartInfo("/usr/bin/python3", script) { RedirectStandardOutput = true, UseShellExecute = false };
    psi.Environment["DB"] = db;
    psi.Environment["RUNS"] = "1";
    psi.Environment["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1";
    using var p = Process.Start(psi)!;
    var output = p.StandardOutput.ReadToEnd();
    if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(); throw new TimeoutException("sqlalchemy_rel_bench.py did not finish"); }
    foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
    {
        var parts = line.Split(' ');
        yield return ("SQLAlchemy " + parts[0] + "load", double.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}

static double Median(List<double> l)
{
    var s = l.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
}

var sb = new StringBuilder();
sb.AppendLine(CultureInfo.InvariantCulture, $"ms to load 1,000 parents x 10 children (fresh session/context per run), min / median / max over {rounds} alternating rounds");
sb.AppendLine();
sb.AppendLine("| Library / strategy | min | median | max | median / Trove joined | median / Trove selectin |");
sb.AppendLine("|---|---|---|---|---|---|");
var tj = Median(times["Trove joined"]);
var ts = Median(times["Trove selectin"]);
foreach (var (name, l) in times)
{
    var m = Median(l);
    sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {l.Min():F1} | {m:F1} | {l.Max():F1} | {m / tj:F2}x | {m / ts:F2}x |");
}
Console.WriteLine(sb.ToString());
foreach (var f in new[] { path, path + "-wal", path + "-shm" }) File.Delete(f);
