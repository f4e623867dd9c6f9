using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

/// <summary>The same constructs executed on SQLite (in memory) and PostgreSQL 15.</summary>
public class ExecTests
{
    private static (Engine, Blogs) Setup(string dialect, string test)
    {
        var e = TestDb.Open(dialect);
        var b = new Blogs("x_" + test + "_");
        b.Seed(e);
        return (e, b);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void SelectWhereOrderLimit(string dialect)
    {
        var (e, b) = Setup(dialect, "sel");
        using var _ = e;
        var rows = e.Execute(Db.Select(b.BlogId, b.Title).Where(b.Create >= 20L).OrderBy(b.Create.Desc()).Limit(2).Offset(1)).All();
        Assert.Equal([3L, 2L], rows.Select(r => r.Get<long>(0)));
        Assert.Equal("C", rows[0]["title"]);
        Assert.Equal(["id", "title"], rows[0].Keys);
        Assert.Equal(2, rows[0].Count);
        var offsetOnly = e.Execute(Db.Select(b.BlogId).OrderBy(b.BlogId.Asc()).Offset(3)).Scalars<long>();
        Assert.Equal([4L], offsetOnly);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void AndOrInBetweenLike(string dialect)
    {
        var (e, b) = Setup(dialect, "ops");
        using var _ = e;
        long[] ids = [1, 3, 4];
        Assert.Equal([1L, 2L, 3L], e.Execute(Db.Select(b.BlogId).Where(b.BlogId.Between(1L, 3L) & b.Title == "C" | !b.BlogId.In(ids) | b.BlogId == 1L).OrderBy(b.BlogId.Asc())).Scalars<long>());
        Assert.Equal([1L], e.Execute(Db.Select(b.BlogId).Where(b.Title.Like("A%"))).Scalars<long>());
        Assert.Equal([4L], e.Execute(Db.Select(b.BlogId).Where(b.Title.StartsWith("100%_"))).Scalars<long>());
        Assert.Empty(e.Execute(Db.Select(b.BlogId).Where(b.Title.StartsWith("10%x"))).All());
        Assert.Equal([4L], e.Execute(Db.Select(b.BlogId).Where(b.Title.Like("100!%!_%", '!'))).Scalars<long>());
        Assert.Equal([1L], e.Execute(Db.Select(b.BlogId).Where(b.Title.ILike("a"))).Scalars<long>());
        Assert.Empty(e.Execute(Db.Select(b.BlogId).Where(b.BlogId.In(Array.Empty<long>()))).All());
        Assert.Equal(4, e.Execute(Db.Select(b.BlogId).Where(b.BlogId.NotIn(Array.Empty<long>()))).All().Count);
        string? nothing = null;
        Assert.Equal([2L], e.Execute(Db.Select(b.UserId).Where(b.Username == nothing)).Scalars<long>());
        Assert.Equal(2, e.Execute(Db.Select(b.UserId).Where(b.Username != nothing)).All().Count);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void JoinsGroupByHaving(string dialect)
    {
        var (e, b) = Setup(dialect, "join");
        using var _ = e;
        var joined = e.Execute(Db.Select(b.Title, b.Name).Join(b.User, b.Owner == b.UserId.Cast<long?>()).OrderBy(b.Title.Asc())).All();
        Assert.Equal(["A:first", "B:first", "C:third"], joined.Select(r => $"{r[0]}:{r[1]}"));
        var outer = e.Execute(Db.Select(b.Name, b.Title).SelectFrom(b.User).OuterJoin(b.Blog, b.Owner == b.UserId.Cast<long?>()).Where(b.Title.IsNull())).All();
        Assert.Equal("second", Assert.Single(outer)[0]);
        var grouped = e.Execute(Db.Select(b.Owner, Func.Count().Label("n"), Func.Max(b.Create).Label("mx"))
            .Where(b.Owner.IsNotNull()).GroupBy(b.Owner).Having(Func.Count() > 1L)).All();
        var g = Assert.Single(grouped);
        Assert.Equal(1L, g.Get<long>("user"));
        Assert.Equal(2L, g.Get<long>("n"));
        Assert.Equal(20L, g.Get<long>("mx"));
        var nulls = e.Execute(Db.Select(b.Owner).OrderBy(b.Owner.Asc(NullsOrder.First), b.BlogId.Asc())).Scalars<long?>();
        Assert.Equal([null, 1L, 1L, 3L], nulls);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void SubqueriesExistsUnionCase(string dialect)
    {
        var (e, b) = Setup(dialect, "sub");
        using var _ = e;
        var count = Db.Select(Func.Count()).Where(b.Owner == b.UserId.Cast<long?>()).Scalar<long>();
        var perUser = e.Execute(Db.Select(b.Name, count.Label("blogs")).SelectFrom(b.User).OrderBy(b.UserId.Asc())).All();
        Assert.Equal([2L, 0L, 1L], perUser.Select(r => r.Get<long>("blogs")));
        var withA = e.Execute(Db.Select(b.Name).SelectFrom(b.User).Where(Db.Exists(Db.Select(b.BlogId).Where(b.Owner == b.UserId.Cast<long?>() & b.Title == "A")))).Scalars<string>();
        Assert.Equal(["first"], withA);
        var inSub = e.Execute(Db.Select(b.Title).Where(b.Owner.In(Db.Select(b.UserId.Cast<long?>()).Where(b.Name == "third")))).Scalars<string>();
        Assert.Equal(["C"], inSub);
        var sq = Db.Select(b.Owner, Func.Count().Label("n")).GroupBy(b.Owner).Subquery("counts");
        var fromSub = e.Execute(Db.Select(b.Name, sq.Column<long>("n")).SelectFrom(b.User).Join(sq, sq.Column<long?>("user") == b.UserId.Cast<long?>()).OrderBy(b.Name.Asc())).All();
        Assert.Equal(["first:2", "third:1"], fromSub.Select(r => $"{r[0]}:{r[1]}"));
        var q1 = Db.Select(b.Name).Where(b.UserId < 2L);
        var q2 = Db.Select(b.Name).Where(b.UserId > 2L);
        var q3 = Db.Select(b.Name).Where(b.UserId == 1L);
        Assert.Equal(["first", "third"], e.Execute(q1.Union(q2, q3).OrderBy(Db.Column<string>("name"))).Scalars<string>());
        Assert.Equal(3, e.Execute(Db.UnionAll(q1, q2, q3)).All().Count);
        // A member with its own ORDER BY/LIMIT, and a compound as a FROM subquery: PostgreSQL 15 needs both derived tables named.
        var limited = Db.UnionAll(q1, Db.Select(b.Name).OrderBy(b.UserId.Desc()).Limit(1)).OrderBy(Db.Column<string>("name"));
        Assert.Equal(["first", "third"], e.Execute(limited).Scalars<string>());
        Assert.Equal(2L, e.Execute(Db.Select(Func.Count()).SelectFrom(q1.Union(q2).Subquery("u"))).Scalar<long>());
        var kase = Db.Case([(b.Create > 25L, "big"), (b.Create > 15L, "mid")], "small");
        Assert.Equal(["small", "mid", "big", "big"], e.Execute(Db.Select(kase.Label("size")).OrderBy(b.BlogId.Asc())).Scalars<string>());
        Assert.Equal("30", e.Execute(Db.Select(b.Create.Cast<string>(SqlTypes.String(10))).Where(b.BlogId == 3L)).Scalar<string>());
    }

    [Theory, InlineData("sqlite"), PgData]
    public void FunctionsAndScalar(string dialect)
    {
        var (e, b) = Setup(dialect, "fn");
        using var _ = e;
        var r = e.Execute(Db.Select(Func.Count(), Func.Max(b.Username)).SelectFrom(b.User)).First();
        Assert.Equal(3L, r.Get<long>(0));
        Assert.Equal("xyz", r.Get<string>(1));
        Assert.Equal("123", e.Scalar<string>(Db.Select(Func.Trim("123 "))));
        Assert.Equal(100L, e.Scalar<long>(Db.Select(Func.Sum(b.Create))));
        Assert.Equal(25.0, e.Scalar<double>(Db.Select(Func.Avg(b.Create))));
        Assert.Equal(90L, e.Scalar<long>(Db.Select(Func.Abs(b.Create - 100L)).Where(b.BlogId == 1L)));
        var now = e.Scalar<DateTime>(Db.Select(Func.CurrentTimestamp()));
        Assert.True(Math.Abs((now - DateTime.UtcNow).TotalHours) < 24);
        Assert.Equal(3L, e.Scalar<long>(Db.Select(Func.Count(b.Owner.Distinct())).Where(b.Owner.IsNotNull()).SelectFrom(b.Blog)) + 1);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void InsertReturningUpdateDelete(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var b = new Blogs("x_dml_");
        b.Meta.DropAll(e); b.Meta.CreateAll(e);
        var id = e.Scalar<long>(Db.Insert(b.User).Value(b.Name, "jack").Returning(b.UserId));
        Assert.True(id >= 1);
        var ret = e.Execute(Db.Insert(b.User).Values(new Dictionary<string, object?>[] { new() { ["name"] = "a" }, new() { ["name"] = "b" } }).Returning(b.UserId, b.Name)).All();
        Assert.Equal(["a", "b"], ret.Select(x => x.Get<string>("name")));
        Assert.Equal("", e.Execute(Db.Select(b.Username.Cast<string>()).Where(b.UserId == id)).First()[0] as string ?? "");
        var up = e.Execute(Db.Update(b.User).Set(b.Name, b.Name + "099").Where(b.UserId > id));
        Assert.Equal(2, up.RowCount);
        var upRet = e.Execute(Db.Update(b.User).Set(b.Username, "u").Where(b.Name == "a099").Returning(b.Name)).Scalars<string>();
        Assert.Equal(["a099"], upRet);
        var del = e.Execute(Db.Delete(b.User).Where(b.Name == "b099").Returning(b.UserId)).Scalars<long>();
        Assert.Single(del);
        Assert.Equal(2L, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(b.User)));
        using var c = e.Connect();
        Assert.Equal(3, c.ExecuteMany(Db.Insert(b.User).Values(("name", Db.Param<string>("name"))), Enumerable.Range(0, 3).Select(i => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["name"] = "m" + i })));
        Assert.Equal(["m0", "m1", "m2"], c.Execute(Db.Select(b.Name).Where(b.Name.StartsWith("m")).OrderBy(b.Name.Asc())).Scalars<string>());
    }

    [Theory, InlineData("sqlite"), PgData]
    public void TextWithBoundValues(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var b0 = new Blogs("");
        b0.Seed(e);
        // seed 004 §2.1: engine.execute('select id from "user"').fetchall()
        Assert.Equal([1L, 2L, 3L], e.Execute(Db.Text("select id from \"user\" order by id")).All().Select(r => r.Get<long>(0)));
        long id = 3; string name = "third";
        var r = e.Execute(Db.Text($"select id, name from \"user\" where id = {id} and name = {name}")).Single();
        Assert.Equal("third", r["name"]);
        Assert.Equal(3L, r.Get<long>("ID"));
        Assert.Equal("first", e.Execute(Db.Text("select name from \"user\" where id = :id").Bind("id", 1L)).Scalar<string>());
        Assert.Equal("second", e.Execute(Db.Text("select name from \"user\" where id = :id"), new Dictionary<string, object?> { ["id"] = 2L }).Scalar<string>());
        var missing = Assert.Throws<ArgumentException>(() => e.Execute(Db.Text("select name from \"user\" where id = :id")));
        Assert.Contains("'id'", missing.Message);
        Assert.Throws<KeyNotFoundException>(() => r["nope"]);
        b0.Meta.DropAll(e);
    }

    private sealed record UserRec(long Id, string Name, string? Username);

    [Theory, InlineData("sqlite"), PgData]
    public void RowsAsRecords(string dialect)
    {
        var (e, b) = Setup(dialect, "rec");
        using var _ = e;
        var users = e.Execute(Db.Select(b.User).OrderBy(b.UserId.Asc())).All<UserRec>();
        Assert.Equal(new UserRec(1, "first", "abc"), users[0]);
        Assert.Equal(new UserRec(2, "second", null), users[1]);
        using var c = e.Connect();
        var mapped = c.Query(Db.Select(b.UserId, b.Name).OrderBy(b.UserId.Asc()), r => (r.GetInt64(0), r.GetString(1)));
        Assert.Equal((3L, "third"), mapped[2]);
        long wanted = 2;
        Assert.Equal("second", e.Execute(Db.Text($"select name from x_rec_user where id = {wanted}")).Scalar<string>());
    }
}
