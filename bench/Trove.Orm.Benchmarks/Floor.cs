using System.Diagnostics;
using Microsoft.Data.Sqlite;
/// <summary>
/// `--floor`: what the SQLite driver alone costs for the insert workload (one prepared INSERT … RETURNING per row
/// on raw ADO.NET) beside Trove and Dapper, the per-query cost of small LINQ queries against <c>Get</c>, and the
/// update workload in parts beside raw prepared UPDATEs.
/// </summary>
internal static class Floor
{
    public static void Run()
    {
        var b = new OrmBench(); b.Setup();
        var path = Path.Combine(Path.GetTempPath(), "trove-orm-bench-" + Environment.ProcessId + ".db");
        for (var round = 0; round < 6; round++)
        {
            b.Empty();
            var sw = Stopwatch.StartNew();
            using (var c = new SqliteConnection("Data Source=" + path))
            {
                c.Open();
                CpuFloor.RawInsert(c);
            }
            var raw = sw.Elapsed.TotalMilliseconds;
            b.Empty(); GC.Collect();
            sw.Restart(); b.Insert_Trove(); var t = sw.Elapsed.TotalMilliseconds;
            b.Empty(); GC.Collect();
            sw.Restart(); b.Insert_Dapper(); var d = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"raw {raw:F1} trove {t:F1} dapper {d:F1}");
        }
        b.Full();
        var f = new Trove.Orm.SessionFactory(Trove.Sql.Engine.Create("sqlite:///" + path));
        for (var round = 0; round < 4; round++)
        {
            using var s = f.Create();
            var sw = Stopwatch.StartNew();
            long sum = 0;
            for (long i = 1; i <= 1000; i++) sum += s.Query<Item>().Where(x => x.Id == i).First().Qty;
            var q1 = sw.Elapsed.TotalMilliseconds; sw.Restart();
            for (long i = 1; i <= 1000; i++) sum += s.Query<Item>().Where(x => x.Id == i).Select(x => new { x.Qty, x.Name }).First().Qty;
            var q2 = sw.Elapsed.TotalMilliseconds; sw.Restart();
            for (long i = 1; i <= 1000; i++) sum += s.Get<Item>(i)!.Qty;
            var q3 = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"entity query {q1:F1} projection {q2:F1} get {q3:F1}");
        }
        // the update workload in parts, beside 1,000 raw prepared UPDATEs in one transaction
        for (var round = 0; round < 5; round++)
        {
            b.Full();
            using var s = f.Create();
            var sw = Stopwatch.StartNew();
            var items = s.Query<Item>().Where(x => x.Id <= 1000).ToList();
            var tq = sw.Elapsed.TotalMilliseconds; sw.Restart();
            foreach (var it in items) it.Qty += 1;
            s.Flush();
            var tf = sw.Elapsed.TotalMilliseconds; sw.Restart();
            s.Commit();
            var tc = sw.Elapsed.TotalMilliseconds; sw.Restart();
            using var c = new SqliteConnection("Data Source=" + path);
            c.Open();
            using var tx = c.BeginTransaction();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE item SET qty = @p0 WHERE item.id = @p1";
            var p0 = cmd.Parameters.Add(new SqliteParameter("@p0", 0L));
            var p1 = cmd.Parameters.Add(new SqliteParameter("@p1", 0L));
            for (var i = 1; i <= 1000; i++) { p0.Value = (long)i; p1.Value = (long)i; cmd.ExecuteNonQuery(); }
            var tu = sw.Elapsed.TotalMilliseconds; sw.Restart();
            tx.Commit();
            Console.WriteLine($"update: query {tq:F2} change+flush {tf:F2} commit {tc:F2} | raw 1000 updates {tu:F2} raw commit {sw.Elapsed.TotalMilliseconds:F2}");
        }
        b.Cleanup();
    }
}
