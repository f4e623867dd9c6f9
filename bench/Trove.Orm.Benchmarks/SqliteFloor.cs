using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;

/// <summary>
/// `--sqlite-floor [rounds]`: the untracked-load workload with no ORM and no ADO.NET, straight on the SQLite library
/// every .NET side uses (e_sqlite3): step every row of <c>SELECT id, name, qty, note FROM item</c>, read the four
/// values from one <c>sqlite3_column_value</c> per row and build a plain object per row. Run on a connection opened by
/// Microsoft.Data.Sqlite (SQLite's default serialized mode: every step and column call takes the connection mutex)
/// and on one opened with SQLITE_OPEN_NOMUTEX, each also stepping only. Shows how much of the 10,000-row load is
/// SQLite's own per-row cost, which bounds what any client of this library can reach.
/// </summary>
internal static unsafe partial class SqliteFloor
{
    private sealed class Row
    {
        public long Id;
        public string Name = "";
        public long Qty;
        public string? Note;
    }

    public static void Run(int rounds)
    {
        var b = new OrmBench();
        b.Setup();
        b.Full();
        var path = Path.Combine(Path.GetTempPath(), "trove-orm-bench-" + Environment.ProcessId + ".db");
        using var mds = new SqliteConnection("Data Source=" + path);
        mds.Open();
        var file = Encoding.UTF8.GetBytes(path + "\0");
        nint noMutex;
        fixed (byte* f = file)
            if (sqlite3_open_v2(f, &noMutex, OpenReadWrite | OpenNoMutex, null) != 0) throw new InvalidOperationException("open failed");
        var sql = Encoding.UTF8.GetBytes("SELECT item.id, item.name, item.qty, item.note FROM item\0");
        var cases = new (string Name, nint Db, bool Read)[]
        {
            ("serialized (Microsoft.Data.Sqlite's handle): step + read + objects", mds.Handle!.DangerousGetHandle(), true),
            ("NOMUTEX handle: step + read + objects", noMutex, true),
            ("serialized: step only", mds.Handle!.DangerousGetHandle(), false),
            ("NOMUTEX: step only", noMutex, false),
        };
        var stmts = new nint[cases.Length];
        for (var c = 0; c < cases.Length; c++)
        {
            nint s;
            fixed (byte* q = sql)
                if (sqlite3_prepare_v3(cases[c].Db, q, -1, 1, &s, null) != 0) throw new InvalidOperationException("prepare failed");
            stmts[c] = s;
        }
        var times = new List<double>[cases.Length];
        for (var c = 0; c < cases.Length; c++) times[c] = [];
        for (var r = 0; r <= rounds; r++)
        {
            for (var c = 0; c < cases.Length; c++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var sw = Stopwatch.StartNew();
                var n = cases[c].Read ? ReadAll(stmts[c]) : StepAll(stmts[c]);
                sw.Stop();
                if (n != 10_000) throw new InvalidOperationException($"{n} rows");
                if (r > 0) times[c].Add(sw.Elapsed.TotalMilliseconds);
            }
        }
        Console.WriteLine("| Case (10,000 rows) | ms min | ms median | ms max |");
        Console.WriteLine("|---|---|---|---|");
        for (var c = 0; c < cases.Length; c++)
        {
            var t = times[c];
            t.Sort();
            Console.WriteLine(FormattableString.Invariant($"| {cases[c].Name} | {t[0]:F2} | {t[t.Count / 2]:F2} | {t[^1]:F2} |"));
        }
        foreach (var s in stmts) sqlite3_finalize(s);
        sqlite3_close_v2(noMutex);
        mds.Close();
        b.Cleanup();
    }

    private static int StepAll(nint s)
    {
        var n = 0;
        while (sqlite3_step(s) == RowReady) n++;
        sqlite3_reset(s);
        return n;
    }

    private static int ReadAll(nint s)
    {
        var list = new List<Row>();
        nint stride = 0;
        while (sqlite3_step(s) == RowReady)
        {
            var v = sqlite3_column_value(s, 0);
            // a result row is consecutive registers (what Trove.Sql's reader checks on its first row)
            if (stride == 0) stride = sqlite3_column_value(s, 1) - v;
            var row = new Row { Id = sqlite3_value_int64(v) };
            row.Name = Encoding.UTF8.GetString(sqlite3_value_text(v + stride), sqlite3_value_bytes(v + stride));
            row.Qty = sqlite3_value_int64(v + 2 * stride);
            if (sqlite3_value_type(v + 3 * stride) != TypeNull)
                row.Note = Encoding.UTF8.GetString(sqlite3_value_text(v + 3 * stride), sqlite3_value_bytes(v + 3 * stride));
            list.Add(row);
        }
        sqlite3_reset(s);
        return list.Count;
    }

    private const int OpenReadWrite = 0x2, OpenNoMutex = 0x8000, RowReady = 100, TypeNull = 5;
    private const string Lib = "e_sqlite3";
    [LibraryImport(Lib)] private static partial int sqlite3_open_v2(byte* file, nint* db, int flags, byte* vfs);
    [LibraryImport(Lib)] private static partial int sqlite3_close_v2(nint db);
    [LibraryImport(Lib)] private static partial int sqlite3_prepare_v3(nint db, byte* sql, int n, uint flags, nint* stmt, byte** tail);
    [LibraryImport(Lib)] private static partial int sqlite3_finalize(nint stmt);
    [LibraryImport(Lib)] private static partial int sqlite3_step(nint stmt);
    [LibraryImport(Lib)] private static partial int sqlite3_reset(nint stmt);
    [LibraryImport(Lib), SuppressGCTransition] private static partial nint sqlite3_column_value(nint stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] private static partial long sqlite3_value_int64(nint v);
    [LibraryImport(Lib), SuppressGCTransition] private static partial int sqlite3_value_type(nint v);
    [LibraryImport(Lib), SuppressGCTransition] private static partial byte* sqlite3_value_text(nint v);
    [LibraryImport(Lib), SuppressGCTransition] private static partial int sqlite3_value_bytes(nint v);
}
