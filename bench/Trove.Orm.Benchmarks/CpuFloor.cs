using System.Runtime.InteropServices;
using Dapper;
using Microsoft.Data.Sqlite;

/// <summary>
/// `--cpu [rounds] [case prefix…]` (also `--profile`): each workload for Trove and Dapper beside raw
/// Microsoft.Data.Sqlite and Trove.Sql loops doing the same reads and writes. Prints per case the minimum CPU time of
/// the benchmark thread (CLOCK_THREAD_CPUTIME_ID: on a shared machine it moves less than wall time), the minimum and
/// median wall time per run, and the bytes one run allocates. PROFILE_NOGC=1 (under perf) skips the collection before
/// each run, so a profile shows the workload rather than the collector.
/// </summary>
internal static class CpuFloor
{
    private static readonly bool NoGc = Environment.GetEnvironmentVariable("PROFILE_NOGC") == "1";

    public static void Run(int rounds, string[] only)
    {
        var b = new OrmBench(); b.Setup();
        var path = Path.Combine(Path.GetTempPath(), "trove-orm-bench-" + Environment.ProcessId + ".db");
        using var raw = new SqliteConnection("Data Source=" + path);
        raw.Open();
        using var engine = Trove.Sql.Engine.Create("sqlite:///" + path);
        var sessions = new Trove.Orm.SessionFactory(engine);
        var cases = new (string Name, Action Setup, Action Body, int Reps)[]
        {
            ("Insert Trove", b.Empty, b.Insert_Trove, 1),
            ("Insert Dapper", b.Empty, b.Insert_Dapper, 1),
            ("Insert raw MDS", b.Empty, () => RawInsert(raw), 1),
            ("Insert Trove.Sql prepared", b.Empty, () => PreparedInsert(engine), 1),
            ("Insert Trove.Sql prepared, no RETURNING", b.Empty, () => PlainInsert(engine), 1),
            ("Load_Tracked Trove", b.Full, () => b.Load_Trove_Tracked(), 5),
            ("Load_NoTracking Trove", b.Full, () => b.Load_Trove_NoTracking(), 5),
            ("Load Dapper", b.Full, () => b.Load_Dapper(), 5),
            ("Load raw MDS", b.Full, () => RawLoad(raw), 5),
            ("Load Trove.Sql prepared", b.Full, () => PreparedLoad(engine), 5),
            ("Trove.Sql read: step only", b.Full, () => ReadParts(engine, 0), 5),
            ("Trove.Sql read: + 2 GetInt64", b.Full, () => ReadParts(engine, 1), 5),
            ("Trove.Sql read: + IsDBNull", b.Full, () => ReadParts(engine, 2), 5),
            ("Trove.Sql read: + GetString", b.Full, () => ReadParts(engine, 3), 5),
            ("Get Trove", b.Full, () => b.Get_Trove(), 5),
            ("Get Dapper", b.Full, () => b.Get_Dapper(), 5),
            ("Get raw MDS", b.Full, () => RawGet(raw), 5),
            ("Update Trove", b.Full, b.Update_Trove, 3),
            ("Update Trove: the query alone", b.Full, () => QueryPart(sessions), 3),
            ("Update Trove.Sql prepared: 1,000 UPDATEs + COMMIT", b.Full, () => PreparedUpdate(engine), 3),
            ("Update Dapper", b.Full, b.Update_Dapper, 3),
            ("Update raw MDS", b.Full, () => RawUpdate(raw), 3),
        };
        if (only.Length > 0) cases = cases.Where(k => only.Any(o => k.Name.StartsWith(o, StringComparison.Ordinal))).ToArray();
        var best = new double[cases.Length];
        var alloc = new long[cases.Length];
        var walls = cases.Select(_ => new List<double>()).ToArray();
        Array.Fill(best, double.MaxValue);
        for (var round = 0; round <= rounds; round++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                var (_, setup, body, reps) = cases[c];
                double cpu = 0;
                long bytes = 0;
                for (var r = 0; r < reps; r++)
                {
                    setup();
                    if (!NoGc)
                    {
                        GC.Collect();
                        GC.WaitForPendingFinalizers();
                    }
                    var t0 = CpuNow();
                    var a0 = GC.GetAllocatedBytesForCurrentThread();
                    var w0 = System.Diagnostics.Stopwatch.GetTimestamp();
                    body();
                    var wall = System.Diagnostics.Stopwatch.GetElapsedTime(w0).TotalMilliseconds;
                    var a1 = GC.GetAllocatedBytesForCurrentThread();
                    cpu += CpuNow() - t0;
                    bytes = a1 - a0;
                    if (round > 0) walls[c].Add(wall);
                }
                if (round > 0) { best[c] = Math.Min(best[c], cpu / reps); alloc[c] = bytes; }
            }
        }
        Console.WriteLine("| Case | CPU ms per run (min) | wall ms min | wall ms median | KB allocated per run |");
        Console.WriteLine("|---|---|---|---|---|");
        for (var c = 0; c < cases.Length; c++)
        {
            var w = walls[c];
            w.Sort();
            Console.WriteLine(System.FormattableString.Invariant(
                $"| {cases[c].Name} | {best[c]:F2} | {w[0]:F2} | {w[w.Count / 2]:F2} | {alloc[c] / 1024.0:F0} |"));
        }
        raw.Dispose();
        b.Cleanup();
    }

    // Process.TotalProcessorTime has clock-tick (10 ms) resolution on Linux; CLOCK_PROCESS_CPUTIME_ID is exact
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec ts);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Sec; public long Nsec; }

    private static double CpuNow()
    {
        ClockGetTime(3, out var ts); // CLOCK_THREAD_CPUTIME_ID: the workloads run on this thread; background JIT is left out
        return ts.Sec * 1000.0 + ts.Nsec / 1e6;
    }

    // the insert workload on Microsoft.Data.Sqlite alone: one prepared INSERT … RETURNING per row (also --floor's)
    internal static void RawInsert(SqliteConnection c)
    {
        using var tx = c.BeginTransaction();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO item (name, qty) VALUES (@p0, @p1) RETURNING id";
        var p0 = cmd.Parameters.Add(new SqliteParameter("@p0", "")); var p1 = cmd.Parameters.Add(new SqliteParameter("@p1", 0L));
        for (var i = 0; i < 10000; i++) { p0.Value = "n" + i; p1.Value = (long)i; using var r = cmd.ExecuteReader(); r.Read(); r.GetInt64(0); }
        tx.Commit();
    }

    // the driver floor of the insert workload through Trove.Sql's prepared command: INSERT … RETURNING per row
    private static void PreparedInsert(Trove.Sql.Engine engine)
    {
        using var c = engine.Connect();
        c.ExecuteSql("BEGIN");
        using var pc = c.PrepareCommand(engine.CompiledCache.Compile(Trove.Sql.Db.Text("INSERT INTO item (name, qty) VALUES (:n, :q) RETURNING id")));
        long sum = 0;
        for (var i = 0; i < 10000; i++)
        {
            pc.Set(0, "n" + i); pc.Set(1, (long)i);
            using var r = pc.ExecuteReader();
            r.Read();
            sum += r.GetInt64(0);
        }
        c.ExecuteSql("COMMIT");
    }

    // the same without RETURNING (SQLite runs RETURNING through an ephemeral table per execution)
    private static void PlainInsert(Trove.Sql.Engine engine)
    {
        using var c = engine.Connect();
        c.ExecuteSql("BEGIN");
        using var pc = c.PrepareCommand(engine.CompiledCache.Compile(Trove.Sql.Db.Text("INSERT INTO item (name, qty) VALUES (:n, :q)")));
        for (var i = 0; i < 10000; i++)
        {
            pc.Set(0, "n" + i); pc.Set(1, (long)i);
            pc.ExecuteNonQuery();
        }
        c.ExecuteSql("COMMIT");
    }

    // the update workload's first part: a fresh session and its 1,000-row tracked query
    private static int QueryPart(Trove.Orm.SessionFactory sessions)
    {
        using var s = sessions.Create();
        return s.Query<Item>().Where(x => x.Id <= 1000).ToList().Count;
    }

    // the update workload's writes on the driver alone: 1,000 prepared UPDATEs in one transaction
    private static void PreparedUpdate(Trove.Sql.Engine engine)
    {
        using var c = engine.Connect();
        c.ExecuteSql("BEGIN");
        using var pc = c.PrepareCommand(engine.CompiledCache.Compile(Trove.Sql.Db.Text("UPDATE item SET qty=:q WHERE item.id = :id")));
        for (long i = 1; i <= 1000; i++) { pc.Set(0, i + 1); pc.Set(1, i); pc.ExecuteNonQuery(); }
        c.ExecuteSql("COMMIT");
    }

    // the driver floor of the load workloads through Trove.Sql's prepared command (the ORM's path, no ORM)
    private static void PreparedLoad(Trove.Sql.Engine engine)
    {
        using var c = engine.Connect();
        using var pc = c.PrepareCommand(engine.CompiledCache.Compile(Trove.Sql.Db.Text("SELECT id, name, qty, note FROM item")));
        var list = new List<DapperItem>();
        using var r = pc.ExecuteReader();
        while (r.Read())
            list.Add(new DapperItem { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) });
    }

    // the read loop of the load workloads in parts: stepping only, then adding the column reads one kind at a time
    private static long ReadParts(Trove.Sql.Engine engine, int mode)
    {
        using var c = engine.Connect();
        using var pc = c.PrepareCommand(engine.CompiledCache.Compile(Trove.Sql.Db.Text("SELECT id, name, qty, note FROM item")));
        using var r = pc.ExecuteReader();
        long sum = 0;
        while (r.Read())
        {
            if (mode >= 1) sum += r.GetInt64(0) + r.GetInt64(2);
            if (mode >= 2 && r.IsDBNull(3)) sum++;
            if (mode >= 3) sum += r.GetString(1).Length;
        }
        return sum;
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
            sum += new DapperItem { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) }.Qty;
        }
        return sum;
    }

    // the update workload on Microsoft.Data.Sqlite alone: the 1,000-row query into objects, 1,000 UPDATEs, COMMIT
    private static void RawUpdate(SqliteConnection c)
    {
        using var tx = c.BeginTransaction();
        var rows = new List<DapperItem>();
        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "SELECT item.id, item.name, item.qty, item.note FROM item WHERE item.id <= 1000";
            using var r = q.ExecuteReader();
            while (r.Read())
                rows.Add(new DapperItem { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) });
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

    private static void RawLoad(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, qty, note FROM item";
        var list = new List<DapperItem>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new DapperItem { Id = r.GetInt64(0), Name = r.GetString(1), Qty = r.GetInt64(2), Note = r.IsDBNull(3) ? null : r.GetString(3) });
    }
}
