using Trove.Sql;
using Trove.Sql.Dialects;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

/// <summary>Exact SQL text and parameter order per dialect for every construct.</summary>
public class CompileTests
{
    private readonly Blogs b = new();

    private static void Check(Executable stmt, Dialect d, string sql, params object?[] ps)
    {
        var c = stmt.Compile(d);
        Assert.Equal(sql, c.Sql);
        Assert.Equal(ps, c.Parameters.Select(p => p.Value).ToArray());
    }

    private static readonly Dialect Lite = Dialect.Sqlite, Pg = Dialect.PostgreSql, My = Dialect.MySql;

    [Fact]
    public void SelectWhereOperators()
    {
        var s = Db.Select(b.UserId, b.Name).Where(b.UserId > 5L).Where(b.Name != "x");
        Check(s, Lite, "SELECT user.id, user.name FROM user WHERE user.id > @p0 AND user.name != @p1", 5L, "x");
        Check(s, Pg, "SELECT \"user\".id, \"user\".name FROM \"user\" WHERE \"user\".id > $1 AND \"user\".name != $2", 5L, "x");
        Check(s, My, "SELECT user.id, user.name FROM user WHERE user.id > @p0 AND user.name != @p1", 5L, "x");
    }

    [Fact]
    public void SelectWholeTableAndReservedColumn()
    {
        Check(Db.Select(b.Blog), Lite, "SELECT blog.id, blog.title, blog.user, blog.\"create\" FROM blog");
        Check(Db.Select(b.Blog), Pg, "SELECT blog.id, blog.title, blog.\"user\", blog.\"create\" FROM blog");
        Check(Db.Select(b.Blog), My, "SELECT blog.id, blog.title, blog.user, blog.`create` FROM blog");
    }

    [Fact]
    public void AndOrNotPrecedence()
    {
        // C# precedence: comparisons bind tighter than & and |, so no parentheses are needed here.
        var s = Db.Select(b.BlogId).Where(b.Create >= 0L | b.Title == "A" & !(b.BlogId == 3L));
        Check(s, Lite, "SELECT blog.id FROM blog WHERE blog.\"create\" >= @p0 OR blog.title = @p1 AND blog.id != @p2", 0L, "A", 3L);
        var s2 = Db.Select(b.BlogId).Where((b.Create >= 0L | b.Title == "A") & Db.Not(b.Title.Like("e%")));
        Check(s2, Pg, "SELECT blog.id FROM blog WHERE (blog.\"create\" >= $1 OR blog.title = $2) AND blog.title NOT LIKE $3", 0L, "A", "e%");
        var s3 = Db.Select(b.BlogId).Where(Db.Or(b.BlogId < 2L, Db.And(b.Title == "eric", b.BlogId > 3L), b.Title != ""));
        Check(s3, Lite, "SELECT blog.id FROM blog WHERE blog.id < @p0 OR blog.title = @p1 AND blog.id > @p2 OR blog.title != @p3", 2L, "eric", 3L, "");
    }

    [Fact]
    public void NullComparisons()
    {
        string? nothing = null;
        Check(Db.Select(b.UserId).Where(b.Username == nothing), Lite, "SELECT user.id FROM user WHERE user.username IS NULL");
        Check(Db.Select(b.UserId).Where(b.Username != nothing), Pg, "SELECT \"user\".id FROM \"user\" WHERE \"user\".username IS NOT NULL");
        Check(Db.Select(b.UserId).Where(b.Username.IsNull() | b.Username.IsNotNull()), Lite,
            "SELECT user.id FROM user WHERE user.username IS NULL OR user.username IS NOT NULL");
    }

    [Fact]
    public void ArithmeticAndConcat()
    {
        var s = Db.Select((b.Create - b.BlogId * 2L).Label("x"), (b.Title + "!").Label("t")).Where(b.Create - b.BlogId > 10L);
        Check(s, Lite, "SELECT blog.\"create\" - blog.id * @p0 AS x, blog.title || @p1 AS t FROM blog WHERE blog.\"create\" - blog.id > @p2", 2L, "!", 10L);
        var s2 = Db.Select(b.Create - (b.BlogId - 1L));
        Check(s2, Pg, "SELECT blog.\"create\" - (blog.id - $1) FROM blog", 1L);
    }

    [Fact]
    public void JoinsOuterJoinsAndExplicitOn()
    {
        var s = Db.Select(b.Title, b.Name).Join(b.User, b.Owner == b.UserId.Cast<long?>());
        Check(s, Lite, "SELECT blog.title, user.name FROM blog JOIN user ON blog.user = CAST(user.id AS BIGINT)");
        var s2 = Db.Select(b.Name, b.Title).SelectFrom(b.User).OuterJoin(b.Blog, b.Owner == b.UserId.Cast<long?>()).Where(b.Title.IsNull());
        Check(s2, Pg, "SELECT \"user\".name, blog.title FROM \"user\" LEFT OUTER JOIN blog ON blog.\"user\" = CAST(\"user\".id AS BIGINT) WHERE blog.title IS NULL");
    }

    [Fact]
    public void GroupByHavingOrderByLimitOffset()
    {
        var s = Db.Select(b.Owner, Func.Count().Label("n"), Func.Max(b.Create))
            .GroupBy(b.Owner).Having(Func.Min(b.BlogId) > 2L)
            .OrderBy(b.Owner.Desc(NullsOrder.Last), b.Title.Asc()).Limit(10).Offset(5);
        Check(s, Lite, "SELECT blog.user, count(*) AS n, max(blog.\"create\") FROM blog GROUP BY blog.user HAVING min(blog.id) > @p0 ORDER BY blog.user DESC NULLS LAST, blog.title ASC LIMIT @p1 OFFSET @p2", 2L, 10, 5);
        Check(s, Pg, "SELECT blog.\"user\", count(*) AS n, max(blog.\"create\") FROM blog GROUP BY blog.\"user\" HAVING min(blog.id) > $1 ORDER BY blog.\"user\" DESC NULLS LAST, blog.title ASC LIMIT $2 OFFSET $3", 2L, 10, 5);
        Check(s, My, "SELECT blog.user, count(*) AS n, max(blog.`create`) FROM blog GROUP BY blog.user HAVING min(blog.id) > @p0 ORDER BY blog.user DESC NULLS LAST, blog.title ASC LIMIT @p1, @p2", 2L, 5, 10);
        Check(Db.Select(b.BlogId).Offset(1), Lite, "SELECT blog.id FROM blog LIMIT -1 OFFSET @p0", 1);
        Check(Db.Select(b.BlogId).Offset(1), Pg, "SELECT blog.id FROM blog OFFSET $1", 1);
        Check(Db.Select(b.BlogId).Distinct().OrderBy(b.BlogId.Asc(NullsOrder.First)), Lite, "SELECT DISTINCT blog.id FROM blog ORDER BY blog.id ASC NULLS FIRST");
    }

    [Fact]
    public void InListsAndSubqueries()
    {
        long[] ids = [1, 3, 4];
        Check(Db.Select(b.UserId).Where(b.UserId.In(ids)), Lite, "SELECT user.id FROM user WHERE user.id IN (@p0, @p1, @p2)", 1L, 3L, 4L);
        Check(Db.Select(b.UserId).Where(!b.UserId.In(ids)), Pg, "SELECT \"user\".id FROM \"user\" WHERE \"user\".id NOT IN ($1, $2, $3)", 1L, 3L, 4L);
        Check(Db.Select(b.UserId).Where(b.UserId.In(Array.Empty<long>())), Lite, "SELECT user.id FROM user WHERE 1 != 1");
        var sub = Db.Select(b.UserId).Where(b.Name == "eric");
        Check(Db.Select(b.Title).Where(b.Owner.In(Db.Select(b.UserId.Cast<long?>()).Where(b.Name == "eric"))), Lite,
            "SELECT blog.title FROM blog WHERE blog.user IN (SELECT CAST(user.id AS BIGINT) FROM user WHERE user.name = @p0)", "eric");
        Check(Db.Select(b.Name).Where(b.UserId.NotIn(sub)), Lite,
            "SELECT user.name FROM user WHERE user.id NOT IN (SELECT user.id FROM user WHERE user.name = @p0)", "eric");
    }

    [Fact]
    public void CorrelatedSubqueryAndExists()
    {
        var count = Db.Select(Func.Count()).Where(b.Owner == b.UserId.Cast<long?>()).Scalar<long>();
        var s = Db.Select(b.Name, count.Label("blogs")).SelectFrom(b.User);
        Check(s, Lite, "SELECT user.name, (SELECT count(*) FROM blog WHERE blog.user = CAST(user.id AS BIGINT)) AS blogs FROM user");
        var ex = Db.Select(b.Name).SelectFrom(b.User).Where(Db.Exists(Db.Select(b.BlogId).Where(b.Owner == b.UserId.Cast<long?>() & b.Title == "A")));
        Check(ex, Pg, "SELECT \"user\".name FROM \"user\" WHERE EXISTS (SELECT blog.id FROM blog WHERE blog.\"user\" = CAST(\"user\".id AS BIGINT) AND blog.title = $1)", "A");
        var notEx = Db.Select(b.Name).SelectFrom(b.User).Where(!Db.Exists(Db.Select(b.BlogId).Where(b.Owner == b.UserId.Cast<long?>())));
        Check(notEx, Lite, "SELECT user.name FROM user WHERE NOT (EXISTS (SELECT blog.id FROM blog WHERE blog.user = CAST(user.id AS BIGINT)))");
    }

    [Fact]
    public void FromSubquery()
    {
        var sq = Db.Select(b.Owner, Func.Count().Label("n")).GroupBy(b.Owner).Subquery("counts");
        var s = Db.Select(b.Name, sq.Column<long>("n")).SelectFrom(b.User).Join(sq, sq.Column<long?>("user") == b.UserId.Cast<long?>());
        Check(s, Lite, "SELECT user.name, counts.n FROM user JOIN (SELECT blog.user, count(*) AS n FROM blog GROUP BY blog.user) AS counts ON counts.user = CAST(user.id AS BIGINT)");
    }

    [Fact]
    public void LikeEscapingBetweenCaseCast()
    {
        Check(Db.Select(b.BlogId).Where(b.Title.Like("100!%%", '!')), Lite, "SELECT blog.id FROM blog WHERE blog.title LIKE @p0 ESCAPE '!'", "100!%%");
        Check(Db.Select(b.BlogId).Where(b.Title.StartsWith("100%_")), Lite, "SELECT blog.id FROM blog WHERE blog.title LIKE @p0 ESCAPE '/'", "100/%/_%");
        Check(Db.Select(b.BlogId).Where(b.Title.Contains("a/b")), Pg, "SELECT blog.id FROM blog WHERE blog.title LIKE $1 ESCAPE '/'", "%a//b%");
        Check(Db.Select(b.BlogId).Where(b.Title.ILike("a%")), Pg, "SELECT blog.id FROM blog WHERE blog.title ILIKE $1", "a%");
        Check(Db.Select(b.BlogId).Where(b.Title.ILike("a%")), Lite, "SELECT blog.id FROM blog WHERE lower(blog.title) LIKE lower(@p0)", "a%");
        Check(Db.Select(b.BlogId).Where(b.BlogId.Between(1L, 3L)), Lite, "SELECT blog.id FROM blog WHERE blog.id BETWEEN @p0 AND @p1", 1L, 3L);
        var kase = Db.Case([(b.Create > 15L, "big"), (b.Create > 5L, "mid")], "small");
        Check(Db.Select(kase.Label("size")), Pg, "SELECT CASE WHEN blog.\"create\" > $1 THEN $2 WHEN blog.\"create\" > $3 THEN $4 ELSE $5 END AS size FROM blog", 15L, "big", 5L, "mid", "small");
        Check(Db.Select(b.Create.Cast<string>(SqlTypes.String(10))), Lite, "SELECT CAST(blog.\"create\" AS VARCHAR(10)) FROM blog");
        Check(Db.Select(b.Create.Cast<decimal>(SqlTypes.Numeric(10, 2))), Pg, "SELECT CAST(blog.\"create\" AS NUMERIC(10, 2)) FROM blog");
    }

    [Fact]
    public void UnionAndUnionAll()
    {
        var q1 = Db.Select(b.Name).Where(b.UserId < 2L);
        var q2 = Db.Select(b.Name).Where(b.UserId > 2L);
        Check(q1.Union(q2), Lite, "SELECT user.name FROM user WHERE user.id < @p0 UNION SELECT user.name FROM user WHERE user.id > @p1", 2L, 2L);
        Check(Db.UnionAll(q1, q2).OrderBy(Db.Column<string>("name")).Limit(3), Pg,
            "SELECT \"user\".name FROM \"user\" WHERE \"user\".id < $1 UNION ALL SELECT \"user\".name FROM \"user\" WHERE \"user\".id > $2 ORDER BY name LIMIT $3", 2L, 2L, 3);
    }

    [Fact]
    public void FunctionsAndNoFrom()
    {
        Check(Db.Select(Func.Count(), Func.Max(b.Username)).SelectFrom(b.User), Lite, "SELECT count(*), max(user.username) FROM user");
        Check(Db.Select(Func.CurrentTimestamp()), Pg, "SELECT CURRENT_TIMESTAMP");
        Check(Db.Select(Func.Call<string>("md5", b.Name)), Pg, "SELECT md5(\"user\".name) FROM \"user\"");
        Check(Db.Select(Func.Trim("123 "), Func.Abs(b.Create - 100L), Func.Sum(b.Create), Func.Avg(b.Create), Func.Min(b.Create)), Lite,
            "SELECT trim(@p0), abs(blog.\"create\" - @p1), sum(blog.\"create\"), avg(blog.\"create\"), min(blog.\"create\") FROM blog", "123 ", 100L);
        Check(Db.Select(Func.Count(b.Owner.Distinct())), Lite, "SELECT count(DISTINCT blog.user) FROM blog");
    }

    [Fact]
    public void InsertSingleMultiRowAndReturning()
    {
        var ins = Db.Insert(b.User).Value(b.Name, "jack").Value(b.Username, "j");
        Check(ins, Lite, "INSERT INTO user (name, username) VALUES (@p0, @p1)", "jack", "j");
        Check(ins.Returning(b.UserId), Pg, "INSERT INTO \"user\" (name, username) VALUES ($1, $2) RETURNING id", "jack", "j");
        Check(ins.Returning(b.UserId), Lite, "INSERT INTO user (name, username) VALUES (@p0, @p1) RETURNING id", "jack", "j");
        Assert.Throws<NotSupportedException>(() => ins.Returning(b.UserId).Compile(My));
        var many = Db.Insert(b.User).Values(new Dictionary<string, object?>[] { new() { ["name"] = "a" }, new() { ["name"] = "b" } });
        Check(many, Pg, "INSERT INTO \"user\" (name) VALUES ($1), ($2)", "a", "b");
        Check(Db.Insert(b.User), Lite, "INSERT INTO user DEFAULT VALUES");
        Check(Db.Insert(b.User), My, "INSERT INTO user () VALUES ()");
    }

    [Fact]
    public void ClientDefaultsAreSentWhenNotGiven()
    {
        var m = new MetaData();
        var t = new Table("grp", m, new Column<int>("id", primaryKey: true), new Column<int?>("port", @default: 22), new Column<string?>("color", @default: (Func<object?>)(() => "red")));
        Check(Db.Insert(t).Value(t.C.Get<int>("id"), 1), Lite, "INSERT INTO grp (id, port, color) VALUES (@p0, @p1, @p2)", 1, 22, "red");
        Check(Db.Insert(t).Value(t.C.Get<int?>("port"), 80), Lite, "INSERT INTO grp (port, color) VALUES (@p0, @p1)", 80, "red");
    }

    [Fact]
    public void UpdateAndDelete()
    {
        var up = Db.Update(b.User).Set(b.Name, "123").Where(b.UserId > 2L);
        Check(up, Lite, "UPDATE user SET name=@p0 WHERE user.id > @p1", "123", 2L);
        Check(up.Returning(b.UserId, b.Name), Pg, "UPDATE \"user\" SET name=$1 WHERE \"user\".id > $2 RETURNING id, name", "123", 2L);
        var inc = Db.Update(b.Blog).Set(b.Create, b.Create + 1L).Set(b.Title, b.Title + "099");
        Check(inc, Lite, "UPDATE blog SET \"create\"=blog.\"create\" + @p0, title=blog.title || @p1", 1L, "099");
        Check(Db.Delete(b.Blog).Where(b.Title == "A"), Lite, "DELETE FROM blog WHERE blog.title = @p0", "A");
        Check(Db.Delete(b.Blog).Where(b.Title == "A").Returning(b.BlogId), Pg, "DELETE FROM blog WHERE blog.title = $1 RETURNING id", "A");
    }

    [Fact]
    public void ForUpdateAndShare()
    {
        var s = Db.Select(b.UserId).Where(b.UserId == 1L);
        Check(s.ForUpdate(), Pg, "SELECT \"user\".id FROM \"user\" WHERE \"user\".id = $1 FOR UPDATE", 1L);
        Check(s.ForUpdate(nowait: true, of: b.User), Pg, "SELECT \"user\".id FROM \"user\" WHERE \"user\".id = $1 FOR UPDATE OF \"user\" NOWAIT", 1L);
        Check(s.ForShare(skipLocked: true), Pg, "SELECT \"user\".id FROM \"user\" WHERE \"user\".id = $1 FOR SHARE SKIP LOCKED", 1L);
        Check(s.ForUpdate(), Lite, "SELECT user.id FROM user WHERE user.id = @p0", 1L);
        Check(s.ForShare(), My, "SELECT user.id FROM user WHERE user.id = @p0 LOCK IN SHARE MODE", 1L);
    }

    [Fact]
    public void TextClauses()
    {
        int id = 5; string name = "o'brien; DROP TABLE x; --";
        Check(Db.Text($"select id from \"user\" where id = {id} and name = {name}"), Pg, "select id from \"user\" where id = $1 and name = $2", 5, name);
        Check(Db.Text($"select id from \"user\" where id = {id} and name = {name}"), Lite, "select id from \"user\" where id = @p0 and name = @p1", 5, name);
        Check(Db.Text("select :a + :b, '10:30'::time").Bind("a", 1).Bind("b", 2), Pg, "select $1 + $2, '10:30'::time", 1, 2);
        Assert.Throws<ArgumentException>(() => Db.Text("select 1").Bind("nope", 1));
    }

    [Fact]
    public void NamedParamsOverriddenAtExecution()
    {
        var s = Db.Select(b.Name).Where(b.UserId == Db.Param<long>("uid"));
        var c = s.Compile(Lite);
        Assert.Equal("SELECT user.name FROM user WHERE user.id = @p0", c.Sql);
        Assert.Equal("uid", c.Parameters[0].Name);
    }

    [Fact]
    public void CompiledSqlIsSharedByStructure()
    {
        var a = Db.Select(b.Name).Where(b.UserId == 1L).Compile(Pg);
        var c = Db.Select(b.Name).Where(b.UserId == 2L).Compile(Pg);
        Assert.Same(a.Sql, c.Sql);
        Assert.Equal(1L, a.Parameters[0].Value);
        Assert.Equal(2L, c.Parameters[0].Value);
        var stmt = Db.Select(b.Name).Where(b.UserId == 3L);
        Assert.Same(stmt.Compile(Pg), stmt.Compile(Pg));
        Assert.NotSame(stmt.Compile(Pg), stmt.Where(b.Name == "x").Compile(Pg));
    }

    [Fact]
    public void UnknownColumnByNameThrowsKeyNotFound()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => b.User.C["nope"]);
        Assert.Equal("Table 'user' has no column 'nope'", e.Message);
    }

    [Fact]
    public void TableAlias()
    {
        var u2 = b.User.Alias("u2");
        var s = Db.Select(b.Name, u2.C.Get<string>("name")).Join(u2, u2.C.Get<long>("id") == b.UserId + 1L);
        Check(s, Lite, "SELECT user.name, u2.name FROM user JOIN user AS u2 ON u2.id = user.id + @p0", 1L);
    }
}
