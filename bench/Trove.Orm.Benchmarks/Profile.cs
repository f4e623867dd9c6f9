using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

/// <summary>
/// `--profile [rounds] [workload…]`: Trove's workloads beside their raw ADO.NET floor (the same statements on
/// Microsoft.Data.Sqlite, values read with typed getters into plain objects, no ORM), many rounds each. Prints per
/// workload the minimum and median wall time, the minimum process CPU time and the bytes allocated per run, so an
/// ORM change can be judged on a shared, noisy machine (minima and CPU time move less than medians).
/// </summary>
internal static class Profile
{
    private sealed class Row
    {
        public long Id;
        public string Name = "";
        public long Qty;
        public string? Note;
    }

    private static readonly bool NoGc = Environment.GetEnvironmentVariable("PROFILE_NOGC") == "1";

    public static void Run(int rounds, string[] only)
    {
        var b = new OrmBench();
        b.Setup();
        var path = Path.Combine(Path.GetTempPath(), "trove-orm-bench-" + Environment.ProcessId + ".db");
        using var raw = new SqliteConnection("Data Source=" + path);
        raw.Open();
        var cases = new (string Name, Action Setup, Action Body)[]
        {
            ("Insert", b.Empty, b.Insert_Trove),
            ("Insert floor", b.Empty, () => RawInsert(raw)),
            ("Load_Tracked", b.Full, () => b.Load_Trove_Tracked()),
            ("Load_NoTracking", b.Full, () => b.Load_Trove_NoTracking()),
            ("Load floor", b.Full, () => RawLoad(raw, "SELECT item.id, item.name, item.qty, item.note FROM item")),
            ("Get", b.Full, () => b.Get_Trove()),
            ("Get floor", b.Full, () => RawGet(raw)),
            ("Update", b.Full, b.Update_Trove),
            ("Update floor", b.Full, () => RawUpdate(raw)),
        };
        Console.WriteLine("| Case | wall min | wall median | CPU min | GC pause min | gen0 GCs | KB allocated |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, setup, body) in cases)
        {
            if (only.Length > 0 && !only.Any(o => name.StartsWith(o, StringComparison.Ordinal))) continue;
            var walls = new List<double>();
            var cpu = double.MaxValue;
            long bytes = 0;
            var pause = double.MaxValue;
            var gcs = 0;
            for (var r = 0; r <= rounds; r++)
            {
                setup();
                // PROFILE_NOGC=1 (under perf): no forced collection between runs, so the profile shows the workload
                if (!NoGc)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
                var proc = Process.GetCurrentProcess();
                var c0 = proc.TotalProcessorTime;
                var a0 = GC.GetAllocatedBytesForCurrentThread();
                var p0 = GC.GetTotalPauseDuration();
                var g0 = GC.CollectionCount(0);
                var sw = Stopwatch.StartNew();
                body();
                sw.Stop();
                var a1 = GC.GetAllocatedBytesForCurrentThread();
                var p1 = GC.GetTotalPauseDuration();
                var g1 = GC.CollectionCount(0);
                proc.Refresh();
                var c1 = proc.TotalProcessorTime;
                if (r == 0) continue;
                walls.Add(sw.Elapsed.TotalMilliseconds);
                cpu = Math.Min(cpu, (c1 - c0).TotalMilliseconds);
                bytes = a1 - a0;
                pause = Math.Min(pause, (p1 - p0).TotalMilliseconds);
                gcs = g1 - g0;
            }
            walls.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {walls[0]:F2} | {walls[walls.Count / 2]:F2} | {cpu:F1} | {pause:F2} | {gcs} | {bytes / 1024.0:F0} |"));
        }
        b.Cleanup();
    }

    private static void RawInsert(SqliteConnection c)
    {
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO item (name, qty) VALUES (@p0, @p1) RETURNING id";
        var p0 = cmd.Parameters.Add(new SqliteParameter("@p0", ""));
        var p1 = cmd.Parameters.Add(new SqliteParameter("@p1", 0L));
        var rows = new List<Row>(10_000);
        for (var i = 0; i < 10_000; i++)
        {
            var row = new Row { Name = "n" + i, Qty = i };
            p0.Value = row.Name;
            p1.Value = row.Qty;
            using var r = cmd.ExecuteReader();
            r.Read();
            row.Id = r.GetInt64(0);
            rows.Add(row);
        }
        tx.Commit();
    }

    private static List<Row> RawLoad(SqliteConnection c, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        var list = new List<Row>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new Row { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) });
        return list;
    }

    private static long RawGet(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT item.id, item.name, item.qty, item.note FROM item WHERE item.id = @p0";
        var p0 = cmd.Parameters.Add(new SqliteParameter("@p0", 0L));
        cmd.Prepare();
        long sum = 0;
        for (long i = 1; i <= 1000; i++)
        {
            p0.Value = i;
            using var r = cmd.ExecuteReader();
            r.Read();
            var row = new Row { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) };
            sum += row.Qty;
        }
        return sum;
    }

    private static void RawUpdate(SqliteConnection c)
    {
        using var tx = c.BeginTransaction();
        List<Row> rows;
        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "SELECT item.id, item.name, item.qty, item.note FROM item WHERE item.id <= @p0";
            q.Parameters.Add(new SqliteParameter("@p0", 1000L));
            rows = [];
            using var r = q.ExecuteReader();
            while (r.Read())
                rows.Add(new Row { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) });
        }
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "UPDATE item SET qty = @p0 WHERE item.id = @p1";
        var p0 = cmd.Parameters.Add(new SqliteParameter("@p0", 0L));
        var p1 = cmd.Parameters.Add(new SqliteParameter("@p1", 0L));
        foreach (var row in rows)
        {
            p0.Value = row.Qty + 1;
            p1.Value = row.Id;
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }
}
