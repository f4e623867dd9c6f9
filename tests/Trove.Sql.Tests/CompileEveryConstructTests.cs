using Trove.Sql;
using Trove.Sql.Dialects;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

/// <summary>
/// Every construct of the expression language on both executing dialects: the exact SQLite and PostgreSQL text and
/// the parameter values in placeholder order (CompileTests covers MySQL and the finer points of each construct).
/// </summary>
public class CompileEveryConstructTests
{
    private sealed record Case(string Name, Executable Stmt, string Sqlite, string Pg, object?[] Params);

    private static IEnumerable<Case> Cases(Blogs b)
    {
        string? none = null;
        yield return new("select where", Db.Select(b.UserId, b.Name).Where(b.UserId > 5L).Where(b.Name != "x"),
            "SELECT user.id, user.name FROM user WHERE user.id > @p0 AND user.name != @p1",
            "SELECT \"user\".id, \"user\".name FROM \"user\" WHERE \"user\".id > $1 AND \"user\".name != $2", [5L, "x"]);
        yield return new("and or not", Db.Select(b.BlogId).Where((b.Create >= 0L | b.Title == "A") & !(b.BlogId == 3L)),
            "SELECT blog.id FROM blog WHERE (blog.\"create\" >= @p0 OR blog.title = @p1) AND blog.id != @p2",
            "SELECT blog.id FROM blog WHERE (blog.\"create\" >= $1 OR blog.title = $2) AND blog.id != $3", [0L, "A", 3L]);
        yield return new("is null", Db.Select(b.UserId).Where(b.Username == none),
            "SELECT user.id FROM user WHERE user.username IS NULL",
            "SELECT \"user\".id FROM \"user\" WHERE \"user\".username IS NULL", []);
        yield return new("is not null", Db.Select(b.UserId).Where(b.Username != none),
            "SELECT user.id FROM user WHERE user.username IS NOT NULL",
            "SELECT \"user\".id FROM \"user\" WHERE \"user\".username IS NOT NULL", []);
        yield return new("arithmetic concat", Db.Select((b.Create - b.BlogId * 2L).Label("x"), (b.Title + "!").Label("t")),
            "SELECT blog.\"create\" - blog.id * @p0 AS x, blog.title || @p1 AS t FROM blog",
            "SELECT blog.\"create\" - blog.id * $1 AS x, blog.title || $2 AS t FROM blog", [2L, "!"]);
        yield return new("inner join", Db.Select(b.Title, b.Name).Join(b.User, b.Owner == b.UserId.Cast<long?>()),
            "SELECT blog.title, user.name FROM blog JOIN user ON blog.user = CAST(user.id AS BIGINT)",
            "SELECT blog.title, \"user\".name FROM blog JOIN \"user\" ON blog.\"user\" = CAST(\"user\".id AS BIGINT)", []);
        yield return new("left outer join", Db.Select(b.Name, b.Title).SelectFrom(b.User).OuterJoin(b.Blog, (b.Owner == b.UserId.Cast<long?>()) & (b.Create > 1L)).Where(b.Title.IsNull()),
            "SELECT user.name, blog.title FROM user LEFT OUTER JOIN blog ON blog.user = CAST(user.id AS BIGINT) AND blog.\"create\" > @p0 WHERE blog.title IS NULL",
            "SELECT \"user\".name, blog.title FROM \"user\" LEFT OUTER JOIN blog ON blog.\"user\" = CAST(\"user\".id AS BIGINT) AND blog.\"create\" > $1 WHERE blog.title IS NULL", [1L]);
        yield return new("group having order limit offset",
            Db.Select(b.Owner, Func.Count().Label("n")).GroupBy(b.Owner).Having(Func.Min(b.BlogId) > 2L)
                .OrderBy(b.Owner.Desc(NullsOrder.Last), Func.Min(b.Title).Asc(NullsOrder.First), Func.Count().Desc()).Limit(10).Offset(5),
            "SELECT blog.user, count(*) AS n FROM blog GROUP BY blog.user HAVING min(blog.id) > @p0 ORDER BY blog.user DESC NULLS LAST, min(blog.title) ASC NULLS FIRST, count(*) DESC LIMIT @p1 OFFSET @p2",
            "SELECT blog.\"user\", count(*) AS n FROM blog GROUP BY blog.\"user\" HAVING min(blog.id) > $1 ORDER BY blog.\"user\" DESC NULLS LAST, min(blog.title) ASC NULLS FIRST, count(*) DESC LIMIT $2 OFFSET $3", [2L, 10, 5]);
        yield return new("offset only distinct", Db.Select(b.Title).Distinct().Offset(2),
            "SELECT DISTINCT blog.title FROM blog LIMIT -1 OFFSET @p0",
            "SELECT DISTINCT blog.title FROM blog OFFSET $1", [2]);
        yield return new("in list", Db.Select(b.UserId).Where(b.UserId.In(1L, 3L, 4L)),
            "SELECT user.id FROM user WHERE user.id IN (@p0, @p1, @p2)",
            "SELECT \"user\".id FROM \"user\" WHERE \"user\".id IN ($1, $2, $3)", [1L, 3L, 4L]);
        yield return new("not in list", Db.Select(b.UserId).Where(b.UserId.NotIn([7L])),
            "SELECT user.id FROM user WHERE user.id NOT IN (@p0)",
            "SELECT \"user\".id FROM \"user\" WHERE \"user\".id NOT IN ($1)", [7L]);
        yield return new("empty in", Db.Select(b.UserId).Where(b.UserId.In(Array.Empty<long>()) | b.UserId.NotIn(Array.Empty<long>())),
            "SELECT user.id FROM user WHERE 1 != 1 OR 1 = 1",
            "SELECT \"user\".id FROM \"user\" WHERE 1 != 1 OR 1 = 1", []);
        yield return new("in subquery", Db.Select(b.Title).Where(b.Owner.In(Db.Select(b.UserId.Cast<long?>()).Where(b.Name == "eric"))),
            "SELECT blog.title FROM blog WHERE blog.user IN (SELECT CAST(user.id AS BIGINT) FROM user WHERE user.name = @p0)",
            "SELECT blog.title FROM blog WHERE blog.\"user\" IN (SELECT CAST(\"user\".id AS BIGINT) FROM \"user\" WHERE \"user\".name = $1)", ["eric"]);
        yield return new("correlated scalar subquery",
            Db.Select(b.Name, Db.Select(Func.Count()).Where(b.Owner == b.UserId.Cast<long?>()).Where(b.Create > 3L).Scalar<long>().Label("blogs")).SelectFrom(b.User).Where(b.UserId < 9L),
            "SELECT user.name, (SELECT count(*) FROM blog WHERE blog.user = CAST(user.id AS BIGINT) AND blog.\"create\" > @p0) AS blogs FROM user WHERE user.id < @p1",
            "SELECT \"user\".name, (SELECT count(*) FROM blog WHERE blog.\"user\" = CAST(\"user\".id AS BIGINT) AND blog.\"create\" > $1) AS blogs FROM \"user\" WHERE \"user\".id < $2", [3L, 9L]);
        yield return new("exists", Db.Select(b.Name).SelectFrom(b.User).Where(Db.Exists(Db.Select(b.BlogId).Where((b.Owner == b.UserId.Cast<long?>()) & (b.Title == "A")))),
            "SELECT user.name FROM user WHERE EXISTS (SELECT blog.id FROM blog WHERE blog.user = CAST(user.id AS BIGINT) AND blog.title = @p0)",
            "SELECT \"user\".name FROM \"user\" WHERE EXISTS (SELECT blog.id FROM blog WHERE blog.\"user\" = CAST(\"user\".id AS BIGINT) AND blog.title = $1)", ["A"]);
        yield return new("not exists", Db.Select(b.Name).SelectFrom(b.User).Where(!Db.Exists(Db.Select(b.BlogId).Where(b.Owner == b.UserId.Cast<long?>()))),
            "SELECT user.name FROM user WHERE NOT (EXISTS (SELECT blog.id FROM blog WHERE blog.user = CAST(user.id AS BIGINT)))",
            "SELECT \"user\".name FROM \"user\" WHERE NOT (EXISTS (SELECT blog.id FROM blog WHERE blog.\"user\" = CAST(\"user\".id AS BIGINT)))", []);
        var sq = Db.Select(b.Owner, Func.Count().Label("n")).Where(b.Create > 0L).GroupBy(b.Owner).Subquery("counts");
        yield return new("from subquery", Db.Select(b.Name, sq.Column<long>("n")).SelectFrom(b.User).Join(sq, sq.Column<long?>("user") == b.UserId.Cast<long?>()).Where(sq.Column<long>("n") > 1L),
            "SELECT user.name, counts.n FROM user JOIN (SELECT blog.user, count(*) AS n FROM blog WHERE blog.\"create\" > @p0 GROUP BY blog.user) AS counts ON counts.user = CAST(user.id AS BIGINT) WHERE counts.n > @p1",
            "SELECT \"user\".name, counts.n FROM \"user\" JOIN (SELECT blog.\"user\", count(*) AS n FROM blog WHERE blog.\"create\" > $1 GROUP BY blog.\"user\") AS counts ON counts.\"user\" = CAST(\"user\".id AS BIGINT) WHERE counts.n > $2", [0L, 1L]);
        yield return new("like escape", Db.Select(b.BlogId).Where(b.Title.Like("100!%%", '!') | b.Title.NotLike("x%")),
            "SELECT blog.id FROM blog WHERE blog.title LIKE @p0 ESCAPE '!' OR blog.title NOT LIKE @p1",
            "SELECT blog.id FROM blog WHERE blog.title LIKE $1 ESCAPE '!' OR blog.title NOT LIKE $2", ["100!%%", "x%"]);
        yield return new("startswith contains endswith", Db.Select(b.BlogId).Where(b.Title.StartsWith("1%_") & b.Title.Contains("a/b") & b.Title.EndsWith("z")),
            "SELECT blog.id FROM blog WHERE blog.title LIKE @p0 ESCAPE '/' AND blog.title LIKE @p1 ESCAPE '/' AND blog.title LIKE @p2 ESCAPE '/'",
            "SELECT blog.id FROM blog WHERE blog.title LIKE $1 ESCAPE '/' AND blog.title LIKE $2 ESCAPE '/' AND blog.title LIKE $3 ESCAPE '/'", ["1/%/_%", "%a//b%", "%z"]);
        yield return new("ilike", Db.Select(b.BlogId).Where(b.Title.ILike("a%")),
            "SELECT blog.id FROM blog WHERE lower(blog.title) LIKE lower(@p0)",
            "SELECT blog.id FROM blog WHERE blog.title ILIKE $1", ["a%"]);
        yield return new("between", Db.Select(b.BlogId).Where(b.BlogId.Between(1L, 3L) & b.Create.NotBetween(5L, 6L)),
            "SELECT blog.id FROM blog WHERE blog.id BETWEEN @p0 AND @p1 AND blog.\"create\" NOT BETWEEN @p2 AND @p3",
            "SELECT blog.id FROM blog WHERE blog.id BETWEEN $1 AND $2 AND blog.\"create\" NOT BETWEEN $3 AND $4", [1L, 3L, 5L, 6L]);
        yield return new("case", Db.Select(Db.Case([(b.Create > 15L, "big"), (b.Create > 5L, "mid")], "small").Label("size")),
            "SELECT CASE WHEN blog.\"create\" > @p0 THEN @p1 WHEN blog.\"create\" > @p2 THEN @p3 ELSE @p4 END AS size FROM blog",
            "SELECT CASE WHEN blog.\"create\" > $1 THEN $2 WHEN blog.\"create\" > $3 THEN $4 ELSE $5 END AS size FROM blog", [15L, "big", 5L, "mid", "small"]);
        yield return new("cast", Db.Select(b.Create.Cast<string>(SqlTypes.String(10)), b.Create.Cast<decimal>(SqlTypes.Numeric(10, 2))),
            "SELECT CAST(blog.\"create\" AS VARCHAR(10)), CAST(blog.\"create\" AS NUMERIC(10, 2)) FROM blog",
            "SELECT CAST(blog.\"create\" AS VARCHAR(10)), CAST(blog.\"create\" AS NUMERIC(10, 2)) FROM blog", []);
        var q1 = Db.Select(b.Name).Where(b.UserId < 2L);
        var q2 = Db.Select(b.Name).Where(b.UserId > 3L);
        yield return new("union", q1.Union(q2),
            "SELECT user.name FROM user WHERE user.id < @p0 UNION SELECT user.name FROM user WHERE user.id > @p1",
            "SELECT \"user\".name FROM \"user\" WHERE \"user\".id < $1 UNION SELECT \"user\".name FROM \"user\" WHERE \"user\".id > $2", [2L, 3L]);
        yield return new("union all order limit", Db.UnionAll(q1, q2.Limit(1)).OrderBy(Db.Column<string>("name").Desc()).Limit(3),
            "SELECT user.name FROM user WHERE user.id < @p0 UNION ALL SELECT * FROM (SELECT user.name FROM user WHERE user.id > @p1 LIMIT @p2) AS anon_2 ORDER BY name DESC LIMIT @p3",
            "SELECT \"user\".name FROM \"user\" WHERE \"user\".id < $1 UNION ALL SELECT * FROM (SELECT \"user\".name FROM \"user\" WHERE \"user\".id > $2 LIMIT $3) AS anon_2 ORDER BY name DESC LIMIT $4", [2L, 3L, 1, 3]);
        yield return new("functions", Db.Select(Func.Count(), Func.Count(b.Owner.Distinct()), Func.Max(b.Create), Func.Min(b.Create), Func.Sum(b.Create), Func.Avg(b.Create), Func.Abs(Func.Sum(b.Create) - 100L), Func.Trim(Func.Max(b.Title)), Func.Trim(" x ")),
            "SELECT count(*), count(DISTINCT blog.user), max(blog.\"create\"), min(blog.\"create\"), sum(blog.\"create\"), avg(blog.\"create\"), abs(sum(blog.\"create\") - @p0), trim(max(blog.title)), trim(@p1) FROM blog",
            "SELECT count(*), count(DISTINCT blog.\"user\"), max(blog.\"create\"), min(blog.\"create\"), sum(blog.\"create\"), avg(blog.\"create\"), abs(sum(blog.\"create\") - $1), trim(max(blog.title)), trim($2) FROM blog", [100L, " x "]);
        yield return new("current timestamp and call", Db.Select(Func.CurrentTimestamp(), Func.Call<string>("coalesce", b.Username, "anon")),
            "SELECT CURRENT_TIMESTAMP, coalesce(user.username, @p0) FROM user",
            "SELECT CURRENT_TIMESTAMP, coalesce(\"user\".username, $1) FROM \"user\"", ["anon"]);
        yield return new("insert one row returning", Db.Insert(b.User).Value(b.Name, "jack").Value(b.Username, "j").Returning(b.UserId),
            "INSERT INTO user (name, username) VALUES (@p0, @p1) RETURNING id",
            "INSERT INTO \"user\" (name, username) VALUES ($1, $2) RETURNING id", ["jack", "j"]);
        yield return new("insert many rows", Db.Insert(b.User).Values(new Dictionary<string, object?>[] { new() { ["name"] = "a", ["id"] = 1L }, new() { ["name"] = "b", ["id"] = 2L } }),
            "INSERT INTO user (name, id) VALUES (@p0, @p1), (@p2, @p3)",
            "INSERT INTO \"user\" (name, id) VALUES ($1, $2), ($3, $4)", ["a", 1L, "b", 2L]);
        yield return new("insert default values", Db.Insert(b.User),
            "INSERT INTO user DEFAULT VALUES", "INSERT INTO \"user\" DEFAULT VALUES", []);
        yield return new("insert from select", Db.Insert(b.User).FromSelect(["id", "name"], Db.Select(b.BlogId, b.Title).Where(b.Create > 1L)),
            "INSERT INTO user (id, name) SELECT blog.id, blog.title FROM blog WHERE blog.\"create\" > @p0",
            "INSERT INTO \"user\" (id, name) SELECT blog.id, blog.title FROM blog WHERE blog.\"create\" > $1", [1L]);
        yield return new("update returning", Db.Update(b.Blog).Set(b.Create, b.Create + 1L).Set(b.Title, "t").Where(b.BlogId == 4L).Returning(b.BlogId, b.Title),
            "UPDATE blog SET \"create\"=blog.\"create\" + @p0, title=@p1 WHERE blog.id = @p2 RETURNING id, title",
            "UPDATE blog SET \"create\"=blog.\"create\" + $1, title=$2 WHERE blog.id = $3 RETURNING id, title", [1L, "t", 4L]);
        yield return new("delete returning", Db.Delete(b.Blog).Where(b.Title == "A").Returning(b.BlogId),
            "DELETE FROM blog WHERE blog.title = @p0 RETURNING id",
            "DELETE FROM blog WHERE blog.title = $1 RETURNING id", ["A"]);
        yield return new("for update", Db.Select(b.Name).Where(b.UserId == 1L).ForUpdate(skipLocked: true, of: b.User),
            "SELECT user.name FROM user WHERE user.id = @p0",
            "SELECT \"user\".name FROM \"user\" WHERE \"user\".id = $1 FOR UPDATE OF \"user\" SKIP LOCKED", [1L]);
        yield return new("for share", Db.Select(b.Name).Where(b.UserId == 1L).ForShare(nowait: true),
            "SELECT user.name FROM user WHERE user.id = @p0",
            "SELECT \"user\".name FROM \"user\" WHERE \"user\".id = $1 FOR SHARE NOWAIT", [1L]);
        long id = 3; string name = "o'brien";
        yield return new("text interpolated", Db.Text($"select id from \"user\" where id = {id} and name = {name}"),
            "select id from \"user\" where id = @p0 and name = @p1",
            "select id from \"user\" where id = $1 and name = $2", [3L, "o'brien"]);
        yield return new("text named", Db.Text("select :a || :b").Bind("b", "y").Bind("a", "x"),
            "select @p0 || @p1", "select $1 || $2", ["x", "y"]);
        var u2 = b.User.Alias("u2");
        yield return new("alias and collate", Db.Select(b.Name, u2.C.Get<string>("name")).Join(u2, u2.C.Get<long>("id") == b.UserId + 1L).Where(b.Name.Collate("C") == "z"),
            "SELECT user.name, u2.name FROM user JOIN user AS u2 ON u2.id = user.id + @p0 WHERE user.name COLLATE \"C\" = @p1",
            "SELECT \"user\".name, u2.name FROM \"user\" JOIN \"user\" AS u2 ON u2.id = \"user\".id + $1 WHERE \"user\".name COLLATE \"C\" = $2", [1L, "z"]);
    }

    /// <summary>Each construct also runs (in a rolled-back transaction) on a real SQLite and PostgreSQL 15.</summary>
    [Theory, InlineData("sqlite"), PgData]
    public void EveryConstructRunsOnTheDatabase(string dialect)
    {
        using var e = dialect == "sqlite" ? Engine.Create("sqlite://") : Engine.Create(TestDb.PgConstructsUrl);
        var b = new Blogs();
        b.Meta.DropAll(e);
        b.Meta.CreateAll(e);
        var failures = new List<string>();
        using var c = e.Connect();
        foreach (var k in Cases(b))
        {
            if (dialect == "sqlite" && k.Name == "alias and collate") continue; // SQLite has no collation named "C"
            using var tx = c.Begin();
            try { c.Execute(k.Stmt); }
            catch (DatabaseException ex) { failures.Add($"{k.Name}: {ex.Message}"); }
            tx.Rollback();
        }
        b.Meta.DropAll(e);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void ExactSqlAndParameterOrderOnSqliteAndPostgreSql()
    {
        var failures = new List<string>();
        int n = 0;
        foreach (var c in Cases(new Blogs()))
        {
            n++;
            foreach (var (d, expected) in new[] { (Dialect.Sqlite, c.Sqlite), (Dialect.PostgreSql, c.Pg) })
            {
                var compiled = c.Stmt.Compile(d);
                if (compiled.Sql != expected) failures.Add($"{c.Name} ({d.Name}) SQL:\n  expected {expected}\n  actual   {compiled.Sql}");
                var ps = compiled.Parameters.Select(p => p.Value).ToArray();
                if (!ps.SequenceEqual(c.Params)) failures.Add($"{c.Name} ({d.Name}) parameters: expected [{string.Join(", ", c.Params)}] actual [{string.Join(", ", ps)}]");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(n >= 35, $"{n} cases");
    }
}
