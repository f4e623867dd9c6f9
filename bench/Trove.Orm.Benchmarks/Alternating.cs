using System.Diagnostics;
using System.Globalization;
using System.Text;

/// <summary>
/// Stopwatch harness that alternates the libraries run by run (the machine is shared and noisy, so a library
/// measured in one block would meet different load than its peers). Each round runs every workload once per
/// .NET library in a rotating order, then SQLAlchemy 1.4 once per workload (warm-up runs inside the Python
/// process first). Prints a markdown table of min / median / max milliseconds and the ratios of medians.
/// Before the rounds every .NET case runs <c>warmup</c> times unrecorded: the runtime compiles a method first
/// without optimization and recompiles it optimized after 30 calls, so without enough warm-up the first rounds
/// would time the .NET libraries half-compiled (BenchmarkDotNet warms up for the same reason). CPython has no
/// such tiers; its script runs each workload <c>warmup</c> times too (at most 3), untimed, before the timed run.
/// </summary>
internal static class Alternating
{
    private static readonly string[] Workloads = ["Insert", "Load_Tracked", "Load_NoTracking", "Get", "Update"];
    private static readonly string[] Libraries = ["Trove", "EfCore", "Dapper", "SQLAlchemy"];

    public static void Run(int rounds, string pythonScript, int warmup)
    {
        var bench = new OrmBench();
        bench.Setup();
        var cases = new Dictionary<(string, string), (Action Setup, Action Body)>
        {
            [("Insert", "Trove")] = (bench.Empty, bench.Insert_Trove),
            [("Insert", "EfCore")] = (bench.Empty, bench.Insert_EfCore),
            [("Insert", "Dapper")] = (bench.Empty, bench.Insert_Dapper),
            [("Load_Tracked", "Trove")] = (bench.Full, () => bench.Load_Trove_Tracked()),
            [("Load_Tracked", "EfCore")] = (bench.Full, () => bench.Load_EfCore_Tracked()),
            [("Load_Tracked", "Dapper")] = (bench.Full, () => bench.Load_Dapper()),
            [("Load_NoTracking", "Trove")] = (bench.Full, () => bench.Load_Trove_NoTracking()),
            [("Load_NoTracking", "EfCore")] = (bench.Full, () => bench.Load_EfCore_NoTracking()),
            [("Load_NoTracking", "Dapper")] = (bench.Full, () => bench.Load_Dapper()),
            [("Get", "Trove")] = (bench.Full, () => bench.Get_Trove()),
            [("Get", "EfCore")] = (bench.Full, () => bench.Get_EfCore()),
            [("Get", "Dapper")] = (bench.Full, () => bench.Get_Dapper()),
            [("Update", "Trove")] = (bench.Full, bench.Update_Trove),
            [("Update", "EfCore")] = (bench.Full, bench.Update_EfCore),
            [("Update", "Dapper")] = (bench.Full, bench.Update_Dapper),
        };
        var times = new Dictionary<(string, string), List<double>>();
        var dotnet = Libraries[..3];
        for (var pass = 0; pass < warmup; pass++)
            foreach (var w in Workloads)
                foreach (var lib in dotnet)
                {
                    var (setup, body) = cases[(w, lib)];
                    setup();
                    body();
                }
        Console.Error.WriteLine($"{warmup} warm-up passes done");
        // round 0 (after the warm-up passes) is one more unrecorded pass that also starts the Python side once
        for (var round = 0; round <= rounds; round++)
        {
            foreach (var w in Workloads)
            {
                for (var k = 0; k < dotnet.Length; k++)
                {
                    var lib = dotnet[(k + round) % dotnet.Length];
                    var (setup, body) = cases[(w, lib)];
                    setup();
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var sw = Stopwatch.StartNew();
                    body();
                    sw.Stop();
                    if (round > 0) Add(times, w, lib, sw.Elapsed.TotalMilliseconds);
                }
            }
            if (round > 0)
                foreach (var (w, ms) in RunPython(pythonScript, warmup)) Add(times, w, "SQLAlchemy", ms);
            Console.Error.WriteLine($"round {round} done");
        }
        bench.Cleanup();
        Console.WriteLine(Table(times, rounds, warmup));
    }

    private static void Add(Dictionary<(string, string), List<double>> times, string w, string lib, double ms)
    {
        if (!times.TryGetValue((w, lib), out var l)) times[(w, lib)] = l = [];
        l.Add(ms);
    }

    private static IEnumerable<(string, double)> RunPython(string script, int warmup)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3", script) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["RUNS"] = "1";
        psi.Environment["WARMUP"] = Math.Clamp(warmup, 1, 3).ToString(CultureInfo.InvariantCulture);
        psi.Environment["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5))) { p.Kill(); throw new TimeoutException("sqlalchemy_bench.py did not finish"); }
        var result = new List<(string, double)>();
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 3 && Array.IndexOf(Workloads, parts[0]) >= 0)
                result.Add((parts[0], double.Parse(parts[2], CultureInfo.InvariantCulture)));
        }
        return result;
    }

    private static string Table(Dictionary<(string, string), List<double>> times, int rounds, int warmup)
    {
        static double Median(List<double> l)
        {
            var s = l.Order().ToList();
            return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
        }
        string Cell(string w, string lib) => times.TryGetValue((w, lib), out var l) && l.Count > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{l.Min():F1} / {Median(l):F1} / {l.Max():F1}")
            : "n/a";
        double Med(string w, string lib) => times.TryGetValue((w, lib), out var l) && l.Count > 0 ? Median(l) : double.NaN;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"ms per workload, min / median / max over {rounds} alternating rounds (after {warmup} warm-up passes)");
        sb.AppendLine();
        sb.AppendLine("| Workload | Trove.Orm | EF Core 10 | Dapper | SQLAlchemy 1.4 | EF / Trove | SQLAlchemy / Trove | Trove / Dapper |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var w in Workloads)
        {
            var t = Med(w, "Trove");
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {w} | {Cell(w, "Trove")} | {Cell(w, "EfCore")} | {Cell(w, "Dapper")} | {Cell(w, "SQLAlchemy")} | {Med(w, "EfCore") / t:F1}× | {Med(w, "SQLAlchemy") / t:F1}× | {t / Med(w, "Dapper"):F2} |");
        }
        return sb.ToString();
    }
}
