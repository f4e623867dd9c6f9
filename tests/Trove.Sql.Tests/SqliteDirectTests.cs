using System.Data.Common;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Trove.Sql.Tests;

/// <summary>
/// The direct SQLite statement path of <see cref="PreparedCommand"/> (raw sqlite3 statements, a reader over the
/// statement) against the Microsoft.Data.Sqlite path it replaces: the same stored values, the same values read
/// back, the same errors; reuse, transactions and native clean-up.
/// </summary>
public sealed partial class SqliteDirectTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "trove-direct-" + Guid.NewGuid().ToString("N") + ".db");
    private readonly Engine _direct;
    private readonly Engine _mds;

    public SqliteDirectTests()
    {
        _direct = Engine.Create("sqlite:///" + _path);
        _mds = Engine.Create("sqlite:///" + _path, new EngineOptions { DirectStatements = false });
        using var c = _direct.Connect();
        // no declared type: no affinity, every value is stored exactly as bound
        c.ExecuteSql("CREATE TABLE v (k INTEGER PRIMARY KEY, x)");
        c.ExecuteSql("CREATE TABLE u (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE, n INTEGER CHECK (n IS NULL OR n > 0))");
    }

    public void Dispose()
    {
        _direct.Dispose();
        _mds.Dispose();
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm", _path + "-journal" }) File.Delete(f);
    }

    private enum Shade { Light, Dark }

    /// <summary>Every kind of value the ORM and Core bind, with the awkward cases of each.</summary>
    private static object?[] Values() =>
    [
        null, DBNull.Value, 0L, 1L, -1L, long.MinValue, long.MaxValue, 42, int.MinValue, (short)-7, (byte)200, (sbyte)-3,
        (ushort)65535, uint.MaxValue, ulong.MaxValue, true, false, 0.0, 1.5, -2.25e-300, double.MaxValue, 1.25f, float.MinValue,
        "", "plain", "naïve – 日本語 🎉", new string('x', 1000), "a\0b", "ü" + new string('é', 400), 'c', '中',
        12.345m, 0m, -0.5m, decimal.MaxValue, 1e-20m,
        new DateTime(2024, 2, 29, 13, 45, 6, 789).AddTicks(1234), new DateTime(2024, 2, 29), DateTime.MinValue, DateTime.MaxValue,
        new DateTimeOffset(2023, 7, 1, 8, 0, 0, TimeSpan.FromHours(-5)), new DateTimeOffset(2023, 7, 1, 8, 0, 0, 500, TimeSpan.Zero),
        new DateOnly(1999, 12, 31), new TimeOnly(13, 4, 5), new TimeOnly(13, 4, 5, 250), new TimeOnly(0, 0),
        TimeSpan.FromMinutes(90), Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Shade.Dark,
        Array.Empty<byte>(), new byte[] { 0, 1, 255 }, Enumerable.Range(0, 100_000).Select(i => (byte)i).ToArray(),
    ];

    private static string Show(object? v) => v switch
    {
        null => "null",
        byte[] b => "blob:" + Convert.ToHexString(b.Length > 64 ? b[..64] : b) + "/" + b.Length,
        IFormattable f => v.GetType().Name + ":" + f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.GetType().Name + ":" + v,
    };

    private static PreparedCommand Prepare(Connection c, string sql) => c.PrepareCommand(c.Engine.CompiledCache.Compile(Db.Text(sql)));

    [Fact]
    public void ValuesAreStoredAsMicrosoftDataSqliteStoresThem()
    {
        var values = Values();
        using (var cd = _direct.Connect())
        using (var cm = _mds.Connect())
        using (var pd = Prepare(cd, "INSERT INTO v (k, x) VALUES (:k, :x)"))
        using (var pm = Prepare(cm, "INSERT INTO v (k, x) VALUES (:k, :x)"))
        {
            for (var i = 0; i < values.Length; i++)
            {
                pd.Set(0, 2 * i); pd.Set(1, values[i]); Assert.Equal(1, pd.ExecuteNonQuery());
                pm.Set(0, 2 * i + 1); pm.Set(1, values[i]); Assert.Equal(1, pm.ExecuteNonQuery());
            }
        }
        var rows = _mds.Execute(Db.Text("SELECT k, typeof(x), quote(x) FROM v ORDER BY k")).All();
        Assert.Equal(2 * values.Length, rows.Count);
        for (var i = 0; i < values.Length; i++)
        {
            var (direct, mds) = (rows[2 * i], rows[2 * i + 1]);
            Assert.True(Equals(direct[1], mds[1]) && Equals(direct[2], mds[2]),
                $"{Show(values[i])}: direct {direct[1]} {direct[2]} vs Microsoft.Data.Sqlite {mds[1]} {mds[2]}");
        }
        // a sample of what that is, so that agreeing on something wrong fails too
        string Quote(int k) => (string)rows[k][2]!;
        Assert.Equal("'naïve – 日本語 🎉'", Quote(2 * Array.IndexOf(values, "naïve – 日本語 🎉")));
        Assert.Equal("''", Quote(2 * Array.IndexOf(values, "")));
        Assert.Equal("X''", Quote(2 * Array.FindIndex(values, v => v is byte[] { Length: 0 })));
        Assert.Equal("NULL", Quote(0));
        Assert.Equal("1", Quote(2 * Array.IndexOf(values, true)));
    }

    /// <summary>What a getter returns, or the type of exception it throws.</summary>
    private static string Outcome<T>(Func<T> get)
    {
        try { return Show(get()); }
        catch (Exception e) { return "throws " + e.GetType().Name; }
    }

    private static List<string> ReadAll(DbDataReader r)
    {
        var seen = new List<string>
        {
            Outcome(() => r.GetValue(0)), Outcome(() => r.IsDBNull(0)), Outcome(() => r.GetFieldType(0).Name),
            Outcome(() => r.GetInt64(0)), Outcome(() => r.GetInt32(0)), Outcome(() => r.GetInt16(0)), Outcome(() => r.GetByte(0)),
            Outcome(() => r.GetBoolean(0)), Outcome(() => r.GetDouble(0)), Outcome(() => r.GetFloat(0)), Outcome(() => r.GetString(0)),
            Outcome(() => r.GetDecimal(0)), Outcome(() => r.GetDateTime(0)), Outcome(() => r.GetGuid(0)), Outcome(() => r.GetChar(0)),
            Outcome(() => r.GetFieldValue<byte[]>(0)), Outcome(() => r.GetFieldValue<DateOnly>(0)), Outcome(() => r.GetFieldValue<TimeOnly>(0)),
            Outcome(() => r.GetFieldValue<DateTimeOffset>(0)), Outcome(() => r.GetFieldValue<TimeSpan>(0)), Outcome(() => r.GetFieldValue<long?>(0)),
            Outcome(() => r.GetFieldValue<int?>(0)), Outcome(() => r.GetFieldValue<string>(0)), Outcome(() => r.GetFieldValue<Shade>(0)),
            Outcome(() => r.GetFieldValue<Shade?>(0)), Outcome(() => r.GetFieldValue<decimal?>(0)), Outcome(() => r.GetFieldValue<object>(0)),
            Outcome(() => r.GetFieldValue<ulong>(0)), Outcome(() => r.GetFieldValue<DBNull>(0)), Outcome(() => r[0]), Outcome(() => r["x"]),
        };
        return seen;
    }

    [Fact]
    public void ValuesReadBackAsMicrosoftDataSqliteReadsThem()
    {
        var values = Values();
        using (var c = _mds.Connect())
        using (var p = Prepare(c, "INSERT INTO v (k, x) VALUES (:k, :x)"))
        {
            for (var i = 0; i < values.Length; i++) { p.Set(0, i); p.Set(1, values[i]); p.ExecuteNonQuery(); }
        }
        using var cd = _direct.Connect();
        using var cm = _mds.Connect();
        using var pd = Prepare(cd, "SELECT x FROM v WHERE k = :k");
        using var pm = Prepare(cm, "SELECT x FROM v WHERE k = :k");
        for (var i = 0; i < values.Length; i++)
        {
            pd.Set(0, i); pm.Set(0, i);
            List<string> direct, mds;
            using (var r = pd.ExecuteReader()) { Assert.True(r.Read()); direct = ReadAll(r); Assert.False(r.Read()); }
            using (var r = pm.ExecuteReader()) { Assert.True(r.Read()); mds = ReadAll(r); Assert.False(r.Read()); }
            var differ = Enumerable.Range(0, mds.Count).Where(k => mds[k] != direct[k]).Select(k => $"#{k}: {mds[k]} vs direct {direct[k]}").ToList();
            Assert.True(differ.Count == 0, Show(values[i]) + ": " + string.Join("; ", differ));
        }
        // and what they read is right, not merely the same
        pd.Set(0, Array.IndexOf(values, "naïve – 日本語 🎉"));
        using (var r = pd.ExecuteReader()) { Assert.True(r.Read()); Assert.Equal("naïve – 日本語 🎉", r.GetString(0)); }
        pd.Set(0, Array.IndexOf(values, long.MinValue));
        using (var r = pd.ExecuteReader()) { Assert.True(r.Read()); Assert.Equal(long.MinValue, r.GetInt64(0)); }
    }

    [Fact]
    public void ReaderShapeAndMisuse()
    {
        using var c = _direct.Connect();
        c.ExecuteSql("INSERT INTO v (k, x) VALUES (1, 'a'), (2, NULL), (3, 3.5)");
        using var p = Prepare(c, "SELECT k AS Key, x FROM v WHERE k >= :k ORDER BY k");
        p.Set(0, 1);
        var r = p.ExecuteReader();
        Assert.Equal(2, r.FieldCount);
        Assert.Equal("Key", r.GetName(0));
        Assert.Equal(0, r.GetOrdinal("key"));
        Assert.Equal(1, r.GetOrdinal("x"));
        Assert.Equal("INTEGER", r.GetDataTypeName(0));
        Assert.True(r.HasRows);
        Assert.Throws<InvalidOperationException>(() => r.GetInt64(0)); // before Read
        Assert.True(p.IsBusy);
        Assert.Throws<InvalidOperationException>(() => p.ExecuteReader());
        var keys = new List<long>();
        while (r.Read()) keys.Add(r.GetInt64(0));
        Assert.Equal([1L, 2, 3], keys);
        Assert.Throws<InvalidOperationException>(() => r.GetInt64(0)); // after the last row
        Assert.Throws<ArgumentOutOfRangeException>(() => r.GetName(2));
        r.Dispose();
        Assert.False(p.IsBusy);
        Assert.True(r.IsClosed);
        Assert.Throws<InvalidOperationException>(() => r.Read());

        // re-executed with a new value: the reader starts over; an empty result has no rows
        p.Set(0, 3);
        using (var again = p.ExecuteReader()) { Assert.True(again.Read()); Assert.Equal(3.5, again.GetDouble(1)); Assert.False(again.Read()); }
        p.Set(0, 99);
        using (var none = p.ExecuteReader()) { Assert.False(none.HasRows); Assert.False(none.Read()); }
        // a reader abandoned half way is reset by Dispose, and the statement runs again from the start
        p.Set(0, 1);
        using (var half = p.ExecuteReader()) Assert.True(half.Read());
        using (var full = p.ExecuteReader()) { var n = 0; while (full.Read()) n++; Assert.Equal(3, n); }

        // rows produced by different parts of one statement (each part has its own result registers), columns
        // read in any order and more than once
        using var u = Prepare(c, "SELECT k, x, 'lit' FROM v WHERE k = :a UNION ALL SELECT x, k, NULL FROM v WHERE k = :b UNION ALL SELECT 7, 8.5, X'01'");
        u.Set(0, 1); u.Set(1, 3);
        using var ur = u.ExecuteReader();
        var seen = new List<string>();
        while (ur.Read())
            seen.Add(string.Join(",", Show(ur.GetValue(2)), Show(ur.GetValue(0)), Show(ur.GetValue(1)), Show(ur.GetValue(0)), ur.IsDBNull(2)));
        Assert.Equal(["String:lit,Int64:1,String:a,Int64:1,False", "DBNull:,Double:3.5,Int64:3,Double:3.5,True", "blob:01/1,Int64:7,Double:8.5,Int64:7,False"], seen);
    }

    [Fact]
    public void ConstraintErrorsAreTranslatedAndTheCommandStaysUsable()
    {
        using var c = _direct.Connect();
        using var p = Prepare(c, "INSERT INTO u (id, name, n) VALUES (:id, :name, :n)");
        p.Set(0, 1); p.Set(1, "a"); p.Set(2, null);
        Assert.Equal(1, p.ExecuteNonQuery());
        p.Set(0, 2);
        var dup = Assert.Throws<IntegrityException>(() => p.ExecuteNonQuery());
        Assert.Equal(ConstraintKind.Unique, dup.ConstraintKind);
        Assert.Equal("u.name", dup.ConstraintName);
        Assert.StartsWith("(sqlite) SQLite Error 19: 'UNIQUE constraint failed: u.name'", dup.Message);
        Assert.Equal("INSERT INTO u (id, name, n) VALUES (@p0, @p1, @p2)", dup.Sql);
        Assert.Equal(new object?[] { 2, "a", null }, dup.Parameters);
        Assert.IsType<SqliteException>(dup.InnerException);
        Assert.Equal(2067, ((SqliteException)dup.InnerException!).SqliteExtendedErrorCode);

        p.Set(0, 1); p.Set(1, "b");
        Assert.Equal(ConstraintKind.PrimaryKey, Assert.Throws<IntegrityException>(() => p.ExecuteNonQuery()).ConstraintKind);
        p.Set(0, 3); p.Set(2, 0);
        Assert.Equal(ConstraintKind.Check, Assert.Throws<IntegrityException>(() => p.ExecuteNonQuery()).ConstraintKind);
        p.Set(1, null); p.Set(2, 5);
        Assert.Equal(ConstraintKind.NotNull, Assert.Throws<IntegrityException>(() => p.ExecuteNonQuery()).ConstraintKind);

        // the same command, after four failures, inserts; RETURNING through the reader too
        p.Set(1, "c");
        Assert.Equal(1, p.ExecuteNonQuery());
        using var ret = Prepare(c, "INSERT INTO u (name) VALUES (:name) RETURNING id");
        ret.Set(0, "a");
        Assert.Throws<IntegrityException>(() => ret.ExecuteReader());
        Assert.False(ret.IsBusy);
        ret.Set(0, "d");
        using (var r = ret.ExecuteReader()) { Assert.True(r.Read()); Assert.Equal(4L, r.GetInt64(0)); }
        Assert.Equal(3L, c.Scalar<long>(Db.Text("SELECT count(*) FROM u")));
    }

    [Fact]
    public void ErrorsOnLaterRowsAreTranslatedByRead()
    {
        using var c = _direct.Connect();
        c.ExecuteSql("INSERT INTO v (k, x) VALUES (1, 1), (2, -9223372036854775808)");
        using var p = Prepare(c, "SELECT abs(x) FROM v WHERE k >= :k ORDER BY k");
        p.Set(0, 1);
        var r = p.ExecuteReader();
        Assert.True(r.Read());
        var e = Assert.ThrowsAny<DatabaseException>(() => r.Read());
        Assert.Contains("integer overflow", e.Message);
        Assert.Equal(new object?[] { 1 }, e.Parameters);
        Assert.StartsWith("SELECT abs(x)", e.Sql);
        r.Dispose();
        p.Set(0, 1);
        using (var again = p.ExecuteReader()) Assert.True(again.Read());
        // a statement that does not compile falls back to Microsoft.Data.Sqlite, whose error is translated as before
        using var bad = Prepare(c, "SELECT nope FROM v");
        Assert.Throws<ProgrammingException>(() => bad.ExecuteReader());
    }

    [Fact]
    public async Task AsyncExecutionHiddenParametersAndAWriterThatWaitsForALock()
    {
        using var c = _direct.Connect();
        using var p = Prepare(c, "SELECT count(*) FROM v WHERE k > :k");
        p.Set(0, 0);
        await using (var r = await p.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.Equal(0L, r.GetInt64(0));
        }
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => p.ExecuteReaderAsync(cts.Token));
        Assert.False(p.IsBusy);

        using (var hidden = Engine.Create("sqlite:///" + _path, new EngineOptions { HideParameters = true }))
        using (var hc = hidden.Connect())
        using (var hp = Prepare(hc, "INSERT INTO u (id, name) VALUES (:id, :name)"))
        {
            hp.Set(0, 1); hp.Set(1, "secret"); hp.ExecuteNonQuery();
            var e = Assert.Throws<IntegrityException>(() => hp.ExecuteNonQuery());
            Assert.Null(e.Parameters);
            Assert.DoesNotContain("secret", e.Message);
        }

        // another connection holds the write lock: the INSERT is retried (SQLITE_BUSY) until the lock goes
        using var holder = new SqliteConnection("Data Source=" + _path + ";Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand()) { begin.CommandText = "BEGIN IMMEDIATE"; begin.ExecuteNonQuery(); }
        using var ins = Prepare(c, "INSERT INTO v (k, x) VALUES (:k, :x)");
        ins.Set(0, 1); ins.Set(1, "waited");
        var writer = Task.Run(() => ins.ExecuteNonQuery());
        await Task.Delay(400);
        Assert.False(writer.IsCompleted);
        using (var commit = holder.CreateCommand()) { commit.CommandText = "COMMIT"; commit.ExecuteNonQuery(); }
        Assert.Equal(1, await writer.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("waited", c.Scalar<string>(Db.Text("SELECT x FROM v WHERE k = 1")));
    }

    [Fact]
    public void OneStatementServesSeveralTransactions()
    {
        using var c = _direct.Connect();
        using var p = Prepare(c, "INSERT INTO v (k, x) VALUES (:k, :x)");
        using (var tx = c.Begin())
        {
            p.Set(0, 1); p.Set(1, "rolled back"); p.ExecuteNonQuery();
            tx.Rollback();
        }
        using (var tx = c.Begin())
        {
            p.Set(0, 2); p.Set(1, "committed"); p.ExecuteNonQuery();
            tx.Commit();
        }
        // the ORM's way: transaction statements as SQL
        c.ExecuteSql("BEGIN");
        p.Set(0, 3); p.Set(1, "sql begin"); p.ExecuteNonQuery();
        c.ExecuteSql("COMMIT");
        c.ExecuteSql("BEGIN");
        p.Set(0, 4); p.Set(1, "sql rollback"); p.ExecuteNonQuery();
        c.ExecuteSql("ROLLBACK");
        p.Set(0, 5); p.Set(1, "autocommit"); p.ExecuteNonQuery();
        using var other = _mds.Connect();
        Assert.Equal(["committed", "sql begin", "autocommit"],
            other.Execute(Db.Text("SELECT x FROM v ORDER BY k")).All().Select(r => (string)r[0]!).ToArray());
    }

    [Fact]
    public void StatementsAreSharedThroughThePooledConnectionAndRaiseEvents()
    {
        var seen = new List<(string Sql, object? Value, int Rows)>();
        _direct.StatementExecuted += (_, e) => seen.Add((e.Sql, e.Parameters.Count > 0 ? e.Parameters[^1].Value : null, e.RowCount));
        using var c = _direct.Connect();
        var db = ((SqliteConnection)c.DbConnection).Handle!.DangerousGetHandle();
        var before = OpenStatements(db);
        using (var p = Prepare(c, "INSERT INTO v (k, x) VALUES (:k, :x)")) { p.Set(0, 1); p.Set(1, "é"); p.ExecuteNonQuery(); }
        Assert.Equal(before + 1, OpenStatements(db)); // kept by the pooled connection
        using (var p = Prepare(c, "INSERT INTO v (k, x) VALUES (:k, :x)")) { p.Set(0, 2); p.Set(1, 7L); p.ExecuteNonQuery(); }
        Assert.Equal(before + 1, OpenStatements(db)); // the same statement again
        Assert.Equal([("INSERT INTO v (k, x) VALUES (@p0, @p1)", (object?)"é", 1), ("INSERT INTO v (k, x) VALUES (@p0, @p1)", 7L, 1)], seen);
    }

    [Fact]
    public void ClosingTheEngineFinalizesEveryStatement()
    {
        SqliteConnection? physical = null;
        var engine = Engine.Create("sqlite:///" + _path, new EngineOptions
        {
            Creator = () => physical = new SqliteConnection("Data Source=" + _path + ";Pooling=False"),
        });
        using (var c = engine.Connect())
        {
            using var p = Prepare(c, "SELECT x FROM v WHERE k = :k");
            p.Set(0, 1);
            using (p.ExecuteReader()) { }
            using var q = Prepare(c, "INSERT INTO v (k, x) VALUES (:k, :x)");
            q.Set(0, 1); q.Set(1, 1); q.ExecuteNonQuery();
        }
        // a command that outlives its connection finalizes its own statement
        var late = engine.Connect();
        var orphan = Prepare(late, "SELECT count(*) FROM v WHERE k > :k");
        late.Dispose();
        orphan.Dispose();

        var handle = physical!.Handle!;
        var added = false;
        handle.DangerousAddRef(ref added); // keep the native database inspectable after the engine closes it
        try
        {
            var db = handle.DangerousGetHandle();
            Assert.True(OpenStatements(db) >= 2);
            engine.Dispose();
            Assert.Equal(System.Data.ConnectionState.Closed, physical.State);
            Assert.Equal(0, OpenStatements(db)); // sqlite3_close would find no unfinalized statement
        }
        finally { if (added) handle.DangerousRelease(); }
    }

    [LibraryImport("e_sqlite3")]
    private static partial IntPtr sqlite3_next_stmt(IntPtr db, IntPtr stmt);

    private static int OpenStatements(IntPtr db)
    {
        var n = 0;
        for (var s = sqlite3_next_stmt(db, IntPtr.Zero); s != IntPtr.Zero; s = sqlite3_next_stmt(db, s)) n++;
        return n;
    }
}
