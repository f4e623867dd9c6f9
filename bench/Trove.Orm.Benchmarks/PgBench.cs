using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trove.Orm;
using Trove.Sql;

/// <summary>
/// `--pg [rounds] [path/to/sqlalchemy_bench.py]`: the five workloads on PostgreSQL (the server of TROVE_PG_URL, one
/// database per library), Trove.Orm against SQLAlchemy 1.4 with psycopg2, alternating round by round after warm-up
/// passes as the SQLite harness does (Alternating.cs). Each workload's table holds ids 1..10,000 before the loads,
/// the get and the update (the insert workload's keys come from the sequence, so the table is refilled after it).
/// </summary>
internal static class PgBench
{
    private static readonly string[] Workloads = ["Insert", "Load_Tracked", "Load_NoTracking", "Get", "Update"];
    private const int Warmup = 20;

    public static void Run(int rounds, string pythonScript)
    {
        var baseUrl = Environment.GetEnvironmentVariable("TROVE_PG_URL")
            ?? throw new InvalidOperationException("TROVE_PG_URL is not set (postgresql://user@host:port/database)");
        var troveUrl = Database(baseUrl, "trove_orm_bench");
        var saUrl = Database(baseUrl, "sa_orm_bench").Replace("postgresql://", "postgresql+psycopg2://", StringComparison.Ordinal);
        using var engine = Engine.Create(troveUrl);
        engine.Execute(Db.Text("DROP TABLE IF EXISTS item"));
        BenchBase.Metadata.CreateAll(engine);
        var sessions = new SessionFactory(engine);
        void Empty() => engine.Execute(Db.Text("DELETE FROM item"));
        void Full()
        {
            if (engine.Scalar<long>(Db.Text("SELECT count(*) FROM item")) == OrmBench.Rows
                && engine.Scalar<long?>(Db.Text("SELECT max(id) FROM item")) == OrmBench.Rows) return;
            Empty();
            engine.Execute(Db.Text("INSERT INTO item (id, name, qty) SELECT i, 'name' || i, i FROM generate_series(1, 10000) AS i"));
        }
        var cases = new Dictionary<string, (Action Setup, Action Body)>
        {
            ["Insert"] = (Empty, () => OrmBench.TroveInsert(sessions)),
            ["Load_Tracked"] = (Full, () => OrmBench.TroveLoad(sessions, tracked: true)),
            ["Load_NoTracking"] = (Full, () => OrmBench.TroveLoad(sessions, tracked: false)),
            ["Get"] = (Full, () => OrmBench.TroveGet(sessions)),
            ["Update"] = (Full, () => OrmBench.TroveUpdate(sessions)),
        };
        for (var pass = 0; pass < Warmup; pass++)
            foreach (var w in Workloads) { cases[w].Setup(); cases[w].Body(); }
        var trove = Workloads.ToDictionary(w => w, _ => new List<double>());
        var sa = Workloads.ToDictionary(w => w, _ => new List<double>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var w in Workloads)
            {
                var (setup, body) = cases[w];
                setup();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew();
                body();
                trove[w].Add(sw.Elapsed.TotalMilliseconds);
            }
            foreach (var (w, ms) in RunPython(pythonScript, saUrl)) sa[w].Add(ms);
            Console.Error.WriteLine($"round {round + 1} done");
        }
        engine.Execute(Db.Text("DROP TABLE item"));
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL, ms min / median / max over {rounds} alternating rounds (after {Warmup} warm-up passes)");
        sb.AppendLine();
        sb.AppendLine("| Workload | Trove.Orm | SQLAlchemy 1.4 + psycopg2 | SQLAlchemy / Trove |");
        sb.AppendLine("|---|---|---|---|");
        foreach (var w in Workloads)
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {w} | {Cell(trove[w])} | {Cell(sa[w])} | {Median(sa[w]) / Median(trove[w]):F1}× |");
        Console.WriteLine(sb.ToString());
    }

    private static string Database(string url, string name)
    {
        using (var admin = Engine.Create(url, new EngineOptions { PoolClass = Trove.Sql.Pooling.PoolKind.Null }))
        using (var c = admin.Connect())
        {
            if (c.Execute(Db.Text($"select 1 from pg_database where datname = {name}")).All().Count == 0) c.ExecuteSql("CREATE DATABASE " + name);
        }
        return Url.Parse(url).Set(database: name).Render(hidePassword: false);
    }

    private static IEnumerable<(string, double)> RunPython(string script, string url)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", script) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["RUNS"] = "1";
        psi.Environment["WARMUP"] = "3";
        psi.Environment["DB_URL"] = url;
        psi.Environment["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(); throw new TimeoutException("sqlalchemy_bench.py did not finish"); }
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && Array.IndexOf(Workloads, parts[0]) >= 0)
                yield return (parts[0], double.Parse(parts[2], CultureInfo.InvariantCulture));
        }
    }

    private static double Median(List<double> l)
    {
        var s = l.Order().ToList();
        return s.Count == 0 ? double.NaN : s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static string Cell(List<double> l) => l.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{l.Min():F1} / {Median(l):F1} / {l.Max():F1}");
}
