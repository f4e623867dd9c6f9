using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Trove.Sql;
using Trove.Sql.Dialects;
using Trove.Sql.Schema;

namespace Trove.Sql.Tests;

/// <summary>
/// A multi-row INSERT is split so no statement binds more than the dialect's <c>MaxParameters</c>
/// (SQLite 32,766, PostgreSQL 65,535), at exactly the limit and one past it, on both databases.
/// </summary>
public class InsertManyTests
{
    private static Dictionary<string, object?>[] Rows(int n, int start = 1) =>
        Enumerable.Range(start, n).Select(i => new Dictionary<string, object?> { ["id"] = (long)i }).ToArray();

    [Fact]
    public void SplitKeepsWholeRowsWithinTheLimit()
    {
        var b = new Blogs();
        var rows = Enumerable.Range(1, 4).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["id"] = (long)i, ["name"] = "n" + i }).ToArray();
        var three = Db.Insert(b.User).Values(rows[..3]);
        Assert.Same(three, Assert.Single(three.Split(6)));
        var four = Db.Insert(b.User).Values(rows).Returning(b.UserId);
        var parts = four.Split(6);
        Assert.Equal(2, parts.Count);
        var first = parts[0].Compile(Dialect.PostgreSql);
        Assert.Equal("INSERT INTO \"user\" (id, name) VALUES ($1, $2), ($3, $4), ($5, $6) RETURNING id", first.Sql);
        Assert.Equal([1L, "n1", 2L, "n2", 3L, "n3"], first.Parameters.Select(p => p.Value));
        var second = parts[1].Compile(Dialect.Sqlite);
        Assert.Equal("INSERT INTO user (id, name) VALUES (@p0, @p1) RETURNING id", second.Sql);
        Assert.Equal([4L, "n4"], second.Parameters.Select(p => p.Value));
        // A row with an expression value counts that expression's parameters.
        var withExpr = Db.Insert(b.User).Values(new Dictionary<string, object?>[]
        {
            new() { ["id"] = 1L, ["name"] = Func.Call<string>("printf", "%s-%s", "a", "b") },
            new() { ["id"] = 2L, ["name"] = "x" },
        });
        Assert.Equal(2, withExpr.Split(5).Count);
        Assert.Single(withExpr.Split(6));
        Assert.Equal(4, four.Split(1).Count); // a row that alone exceeds the limit still goes, alone
        Assert.Equal(2, four.Split(5).Count);
    }

    [Fact]
    public void BundledSqliteAllowsTheDialectLimit()
    {
        using var e = Engine.Create("sqlite://");
        using var c = e.Connect();
        var handle = ((SqliteConnection)c.DbConnection).Handle!;
        int limit = SQLitePCL.raw.sqlite3_limit(handle, SQLitePCL.raw.SQLITE_LIMIT_VARIABLE_NUMBER, -1);
        Assert.True(limit >= Dialect.Sqlite.MaxParameters, $"bundled SQLite allows {limit} variables");
        Assert.Equal(32766, Dialect.Sqlite.MaxParameters);
        Assert.Equal(65535, Dialect.PostgreSql.MaxParameters);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void ExactlyMaxIsOneStatementAndOneMoreIsTwo(string dialect)
    {
        using var e = TestDb.Open(dialect);
        int max = e.Dialect.MaxParameters;
        var m = new MetaData();
        var id = new Column<long>("id", primaryKey: true, autoincrement: false);
        var t = new Table("many_rows", m, id);
        m.DropAll(e); m.CreateAll(e);
        var counts = new List<int>();
        e.StatementExecuted += (_, a) => { if (a.Sql.StartsWith("INSERT", StringComparison.Ordinal)) counts.Add(a.Parameters.Count); };

        var sw = Stopwatch.StartNew();
        e.Execute(Db.Insert(t).Values(Rows(max)));
        Assert.Equal([max], counts);
        Assert.Equal(max, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(t)));

        e.Execute(Db.Delete(t));
        counts.Clear();
        using (var c = e.Connect())
        {
            var r = c.Execute(Db.Insert(t).Values(Rows(max + 1)));
            Assert.Equal(max + 1, r.RowCount);
        }
        Assert.Equal([max, 1], counts);
        Assert.Equal(max + 1, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(t)));
        Assert.Equal(max + 1, e.Scalar<long>(Db.Select(Func.Max(id))));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"took {sw.Elapsed}");
    }

    [Theory, InlineData("sqlite"), PgData]
    public void SplitInsertIsAtomicAndReturnsEveryRow(string dialect)
    {
        using var e = TestDb.Open(dialect);
        int max = e.Dialect.MaxParameters;
        var m = new MetaData();
        var id = new Column<long>("id", primaryKey: true, autoincrement: false);
        var t = new Table("many_atomic", m, id);
        m.DropAll(e); m.CreateAll(e);
        // The duplicate key is in the second statement: the first must be rolled back with it.
        var rows = Rows(max + 1);
        rows[max]["id"] = 1L;
        Assert.Throws<IntegrityException>(() => e.Execute(Db.Insert(t).Values(rows)));
        Assert.Equal(0, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(t)));

        var returned = e.Execute(Db.Insert(t).Values(Rows(max + 2, start: 10)).Returning(id)).Scalars<long>();
        Assert.Equal(Enumerable.Range(10, max + 2).Select(i => (long)i), returned.Order());
    }
}
