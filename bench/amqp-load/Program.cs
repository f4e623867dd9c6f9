using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trove.Bench.AmqpLoad;
using Trove.TestKit;

// AMQP load: Trove vs Debian's rabbitmq-server, alternating run by run on this machine.
//   dotnet run -c Release --project bench/amqp-load -- [--runs 5] [--scale 1.0] [--memory 1000000] [--out bench/results/amqp.md]
// Wrap in `flock /tmp/trove-bench.lock` (one benchmark at a time across the team).
int runs = 5, memoryCount = 1_000_000;
double scale = 1.0;
string? outPath = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--runs": runs = int.Parse(args[++i]); break;
        case "--scale": scale = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--memory": memoryCount = int.Parse(args[++i]); break;
        case "--out": outPath = args[++i]; break;
        default: Console.Error.WriteLine("unknown argument " + args[i]); return 2;
    }
}

var scenarios = new (string Name, int Count, Func<int, int, Task<double>> Run)[]
{
    ("a: transient 16 B, auto-ack", (int)(200_000 * scale), (port, n) => Scenarios.TransientAsync(port, n, 16)),
    ("a: transient 1 KiB, auto-ack", (int)(100_000 * scale), (port, n) => Scenarios.TransientAsync(port, n, 1024)),
    ("b: persistent 1 KiB, confirms (1,000 outstanding), manual ack, prefetch 100", (int)(50_000 * scale), (port, n) => Scenarios.PersistentAsync(port, n, 1024)),
};

Console.WriteLine("starting rabbitmq-server and trove amqp ...");
await using var rabbit = await PeerServer.StartRabbitMqAsync();
var troveData = Path.Combine(Path.GetTempPath(), "trove-bench-amqp-" + Guid.NewGuid().ToString("N"));
int trovePort = FreePort.Get();
await using var trove = await TroveProcess.StartAsync(trovePort, "amqp", "--port", trovePort.ToString(), "--data", troveData);
var servers = new (string Name, int Port, int Pid)[] { ("trove", trovePort, trove.Pid), ("rabbitmq", rabbit.Port, rabbit.Pid) };
Console.WriteLine($"trove pid {trove.Pid} port {trovePort}; rabbitmq (beam.smp) pid {rabbit.Pid} port {rabbit.Port}");

// results[scenario][server] = list of (msg/s, cpu µs/msg)
var results = scenarios.Select(_ => servers.Select(_ => new List<(double Rate, double CpuUs)>()).ToArray()).ToArray();
for (int s = 0; s < scenarios.Length; s++)
    foreach (var srv in servers) await scenarios[s].Run(srv.Port, Math.Max(1000, scenarios[s].Count / 10)); // warm-up, not counted

long ticksPerSecond = 100; // USER_HZ on Linux
for (int run = 0; run < runs; run++)
{
    for (int s = 0; s < scenarios.Length; s++)
    {
        var order = run % 2 == 0 ? new[] { 0, 1 } : new[] { 1, 0 };
        foreach (int k in order)
        {
            var srv = servers[k];
            long cpu0 = ProcStat.CpuTicks(srv.Pid);
            double secs = await scenarios[s].Run(srv.Port, scenarios[s].Count);
            long cpu1 = ProcStat.CpuTicks(srv.Pid);
            double rate = scenarios[s].Count / secs;
            double cpuUs = (cpu1 - cpu0) * 1e6 / ticksPerSecond / scenarios[s].Count;
            results[s][k].Add((rate, cpuUs));
            Console.WriteLine($"run {run + 1} {scenarios[s].Name,-75} {srv.Name,-8} {rate,10:F0} msg/s  {cpuUs,7:F2} µs CPU/msg");
        }
    }
}

// Memory: hold memoryCount persistent 1 KiB messages in one durable queue.
var memory = new List<(string Server, long Before, long After)>();
if (memoryCount > 0)
{
    foreach (var srv in servers)
    {
        GC.Collect();
        long before = ProcStat.RssBytes(srv.Pid);
        var sw = Stopwatch.StartNew();
        var q = await Scenarios.FillAsync(srv.Port, memoryCount, 1024);
        await Task.Delay(5000);
        long after = ProcStat.RssBytes(srv.Pid);
        Console.WriteLine($"memory {srv.Name}: RSS {before / 1048576} MiB -> {after / 1048576} MiB holding {memoryCount:N0} x 1 KiB persistent (filled in {sw.Elapsed.TotalSeconds:F0} s)");
        memory.Add((srv.Name, before, after));
        await Scenarios.DeleteQueueAsync(srv.Port, q);
    }
}

var md = Report(scenarios.Select(x => (x.Name, x.Count)).ToArray(), servers.Select(x => x.Name).ToArray(), results, memory, memoryCount, runs);
Console.WriteLine();
Console.WriteLine(md);
if (outPath is not null) File.WriteAllText(outPath, md);
await trove.DisposeAsync();
try { Directory.Delete(troveData, true); } catch (IOException) { }
return 0;

static string Report((string Name, int Count)[] scenarios, string[] servers, List<(double Rate, double CpuUs)>[][] results,
    List<(string Server, long Before, long After)> memory, int memoryCount, int runs)
{
    static double Median(IEnumerable<double> xs) { var a = xs.Order().ToArray(); return a.Length % 2 == 1 ? a[a.Length / 2] : (a[a.Length / 2 - 1] + a[a.Length / 2]) / 2; }
    var sb = new StringBuilder();
    string commit = Git("rev-parse --short HEAD");
    sb.AppendLine("# Trove.Amqp vs RabbitMQ: load benchmark");
    sb.AppendLine();
    sb.AppendLine($"Commit `{commit}`, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GiB, " +
                  $"Debian rabbitmq-server 3.10 vs `trove amqp` (Release). Client: RabbitMQ.Client 7.1.2 in one process (bench/amqp-load).");
    sb.AppendLine($"{runs} runs per scenario, Trove and RabbitMQ alternating run by run (order flipped every run), one warm-up run each not counted.");
    sb.AppendLine("The machine is shared and noisy (other builds run at the same time) and the load generator competes with the server");
    sb.AppendLine("for the 2 cores, so server CPU time per message (utime+stime from /proc/PID/stat around each run) is the steadier figure.");
    sb.AppendLine();
    sb.AppendLine("| scenario | messages | server | msg/s min | median | max | CPU µs/msg min | median | max |");
    sb.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|");
    for (int s = 0; s < scenarios.Length; s++)
        for (int k = 0; k < servers.Length; k++)
        {
            var r = results[s][k];
            sb.AppendLine($"| {scenarios[s].Name} | {scenarios[s].Count:N0} | {servers[k]} | {r.Min(x => x.Rate):F0} | {Median(r.Select(x => x.Rate)):F0} | {r.Max(x => x.Rate):F0} | " +
                          $"{r.Min(x => x.CpuUs):F2} | {Median(r.Select(x => x.CpuUs)):F2} | {r.Max(x => x.CpuUs):F2} |");
        }
    sb.AppendLine();
    sb.AppendLine("Ratios Trove/RabbitMQ of the medians (throughput: higher is better, target ≥ 1.0; CPU per message: lower is better, target ≤ 0.5):");
    sb.AppendLine();
    sb.AppendLine("| scenario | throughput ratio | CPU/msg ratio |");
    sb.AppendLine("|---|---:|---:|");
    for (int s = 0; s < scenarios.Length; s++)
    {
        double rt = Median(results[s][0].Select(x => x.Rate)) / Median(results[s][1].Select(x => x.Rate));
        double rc = Median(results[s][0].Select(x => x.CpuUs)) / Median(results[s][1].Select(x => x.CpuUs));
        sb.AppendLine($"| {scenarios[s].Name} | {rt:F2} | {rc:F2} |");
    }
    if (memory.Count > 0)
    {
        sb.AppendLine();
        sb.AppendLine($"Memory holding {memoryCount:N0} persistent 1 KiB messages in one durable queue (no consumer), server RSS 5 s after the last confirm (one run each):");
        sb.AppendLine();
        sb.AppendLine("| server | RSS before MiB | RSS holding MiB |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var m in memory) sb.AppendLine($"| {m.Server} | {m.Before / 1048576} | {m.After / 1048576} |");
    }
    return sb.ToString();
}

static string Git(string args)
{
    try
    {
        var p = Process.Start(new ProcessStartInfo("git", args) { RedirectStandardOutput = true, WorkingDirectory = RepoPaths.Root })!;
        string s = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return s;
    }
    catch (Exception) { return "unknown"; }
}
