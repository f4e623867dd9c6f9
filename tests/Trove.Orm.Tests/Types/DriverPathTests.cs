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
        Base.Metadata.CreateAll(direct);
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
}
