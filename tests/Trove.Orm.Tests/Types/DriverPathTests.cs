using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Orm.Tests.Models.S004Types;
using Trove.Sql;

namespace Trove.Orm.Tests.Types;

/// <summary>
/// Entities written through the direct SQLite statement path read back identically through Microsoft.Data.Sqlite
/// and the other way round (<see cref="EngineOptions.DirectStatements"/>): every mapped type, nulls included.
/// </summary>
public sealed class DriverPathTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "trove-orm-paths-" + Guid.NewGuid().ToString("N") + ".db");

    public void Dispose()
    {
        foreach (var f in new[] { _path, _path + "-wal", _path + "-shm", _path + "-journal" }) File.Delete(f);
    }

    private static T Full(int id) => new()
    {
        Id = id, Big = long.MinValue + id, Small = -7, Flag = true, D = new DateOnly(2020, 2, 29), Dt = new DateTime(2020, 1, 2, 3, 4, 5).AddTicks(61),
        Dtz = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), Tm = new TimeOnly(23, 59, 59, 999), E = Ab.B, Pe = Color.Red,
        F = -1e-300, N = 12.34m, Blob = [], S = "", U = "中文 – ü", Txt = new string('é', 700), Ut = "a\0b",
    };

    private static string Show(T t) => string.Join("|",
        t.Id, t.Big, t.Small, t.Flag, t.D, t.Dt?.Ticks, t.Dtz?.UtcTicks, t.Tm, t.E, t.Pe, t.F?.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        t.N, t.Blob is null ? "null" : Convert.ToHexString(t.Blob), t.S ?? "null", t.U ?? "null", t.Txt ?? "null", t.Ut ?? "null");

    [Fact]
    public void Rows_written_by_one_path_read_the_same_through_the_other()
    {
        using var direct = Engine.Create("sqlite:///" + _path);
        using var mds = Engine.Create("sqlite:///" + _path, new EngineOptions { DirectStatements = false });
        Models.S004Types.Base.Metadata.CreateAll(direct);
        var expected = new[] { Full(1), new T { Id = 2 }, Full(3), new T { Id = 4 } };
        var shown = expected.Select(Show).ToList(); // before commit expires the instances
        using (var s = new Trove.Orm.Session(direct)) { s.AddRange(expected[0], expected[1]); s.Commit(); }
        using (var s = new Trove.Orm.Session(mds)) { s.AddRange(expected[2], expected[3]); s.Commit(); }
        foreach (var engine in new[] { direct, mds })
        {
            using var s = new Trove.Orm.Session(engine);
            var got = s.Query<T>().OrderBy(t => t.Id).ToList();
            Assert.Equal(shown, got.Select(Show));
            var untracked = s.Query<T>().AsNoTracking().OrderBy(t => t.Id).ToList();
            Assert.Equal(shown, untracked.Select(Show));
            Assert.Equal(shown[2], Show(s.Get<T>(3)!));
        }
        // an update through one path, seen by the other
        using (var s = new Trove.Orm.Session(direct)) { var t = s.Get<T>(2)!; t.S = "set"; t.Flag = false; s.Commit(); }
        using (var s = new Trove.Orm.Session(mds)) { var t = s.Get<T>(2)!; Assert.Equal(("set", (bool?)false), (t.S, t.Flag)); }
    }

    [Theory, InlineData(true), InlineData(false)]
    public void New_keys_of_a_rowid_table_come_from_last_insert_rowid_on_the_direct_path(bool direct)
    {
        using var engine = Engine.Create("sqlite:///" + _path, new EngineOptions { DirectStatements = direct });
        Models.S000.Base.Metadata.CreateAll(engine);
        using var log = new StatementLog(engine);
        using var s = new Trove.Orm.Session(engine);
        var users = Enumerable.Range(0, 5).Select(i => new Users { Name = "u" + i, Extra = i % 2 == 0 ? "e" : null }).ToList();
        s.AddRange(users);
        s.Add(new Users { Id = 50, Name = "given" }); // a key set by the application is sent, not read back
        s.Flush();
        Assert.Equal([1, 2, 3, 4, 5], users.Select(u => u.Id));
        var inserts = log.Sql.Where(q => q.StartsWith("INSERT", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, inserts.Count);
        Assert.Equal(direct ? 0 : 5, inserts.Count(q => q.Contains("RETURNING", StringComparison.Ordinal)));
        s.Add(new Users { Name = "after" });
        s.Commit();
        Assert.Equal(51, s.Query<Users>().Where(u => u.Name == "after").Single().Id);
        Assert.Equal(["u0", "u1", "u2", "u3", "u4", "given", "after"], s.Query<Users>().OrderBy(u => u.Id).Select(u => u.Name).ToList());
    }

    [Fact]
    public void A_key_that_is_not_the_rowid_is_read_back_by_RETURNING()
    {
        using var engine = Engine.Create("sqlite:///" + _path);
        // INT (not INTEGER) PRIMARY KEY is an ordinary column beside the rowid: its value is the default, not the rowid
        using (var c = engine.Connect()) c.ExecuteSql("CREATE TABLE users (id INT PRIMARY KEY DEFAULT 777, name VARCHAR(32), extra VARCHAR(16))");
        using var log = new StatementLog(engine);
        using var s = new Trove.Orm.Session(engine);
        var u = new Users { Name = "x" };
        s.Add(u);
        s.Commit();
        Assert.Equal(777, s.Query<Users>().Single().Id);
        Assert.Contains(log.Sql, q => q.StartsWith("INSERT", StringComparison.Ordinal) && q.Contains("RETURNING", StringComparison.Ordinal));
        Assert.Equal(777, u.Id);
    }
}
