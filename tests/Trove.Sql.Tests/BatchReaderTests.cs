using Trove.Sql;

namespace Trove.Sql.Tests;

/// <summary>
/// <see cref="Connection.ExecuteBatchReader"/> and <see cref="Connection.ExecuteBatchCounts"/>: one statement for many
/// parameter sets in one round trip (PostgreSQL), each execution's result kept apart and in order, one
/// StatementExecuted per execution, and a failing execution's error translated like any other.
/// </summary>
public class BatchReaderTests
{
    private static IReadOnlyDictionary<string, object?>? Set(string name) => new Dictionary<string, object?> { ["name"] = name };

    [Fact]
    public void Sqlite_has_no_batches_and_says_so()
    {
        using var e = TestDb.Open("sqlite");
        using var c = e.Connect();
        Assert.False(c.SupportsBatch);
        var cs = e.CompiledCache.Compile(Db.Select(Db.Param<string>("name")));
        Assert.Throws<NotSupportedException>(() => c.ExecuteBatchReader(cs, [Set("a")]));
    }

    private static (Engine, Blogs) Tables(string prefix)
    {
        var e = TestDb.Open("postgresql");
        var b = new Blogs(prefix);
        b.Meta.DropAll(e);
        b.Meta.CreateAll(e);
        return (e, b);
    }

    [PgFact]
    public void Each_execution_has_its_own_result_in_order()
    {
        var (e, b) = Tables("x_batch_");
        using var _ = e;
        var events = new List<StatementExecutedEventArgs>();
        e.StatementExecuted += (_, a) => events.Add(a);
        using var c = e.Connect();
        using var tx = c.Begin();
        Assert.True(c.SupportsBatch);
        var insert = e.CompiledCache.Compile(Db.Insert(b.User).Values(("name", Db.Param<string>("name"))).Returning(b.UserId, b.Name));
        var names = Enumerable.Range(0, 40).Select(i => "n" + i).ToList();
        var ids = new List<long>();
        using (var r = c.ExecuteBatchReader(insert, names.Select(Set).ToList()))
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (i > 0) Assert.True(r.NextResult());
                Assert.True(r.Read());
                ids.Add(r.GetInt64(0));
                Assert.Equal(names[i], r.GetString(1));
                Assert.False(r.Read());
            }
            Assert.False(r.NextResult());
        }
        Assert.Equal(40, events.Count(a => a.Sql.StartsWith("INSERT", StringComparison.Ordinal)));
        Assert.Equal(names, events.Where(a => a.Sql.StartsWith("INSERT", StringComparison.Ordinal)).Select(a => (string?)a.Parameters[0].Value));
        var update = e.CompiledCache.Compile(Db.Update(b.User).Set(b.Username, "u").Where(b.UserId == Db.Param<long>("id")));
        var sets = new[] { ids[0], -1L, ids[39] }.Select(id => (IReadOnlyDictionary<string, object?>?)new Dictionary<string, object?> { ["id"] = id }).ToList();
        Assert.Equal([1, 0, 1], c.ExecuteBatchCounts(update, sets));
        Assert.Equal([1, 0, 1], events.Where(a => a.Sql.StartsWith("UPDATE", StringComparison.Ordinal)).Select(a => a.RowCount));
        tx.Commit();
        Assert.Equal(2L, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(b.User).Where(b.Username == "u")));
    }

    [PgFact]
    public void A_failing_execution_in_the_middle_raises_the_translated_error()
    {
        var (e, b) = Tables("x_batch_err_");
        using var _ = e;
        using var c = e.Connect();
        using var tx = c.Begin();
        var insert = e.CompiledCache.Compile(Db.Insert(b.User).Values(("name", Db.Param<string?>("name"))).Returning(b.UserId));
        // the 21st row's NULL name breaks NOT NULL: the error arrives when the reader reaches its result
        var sets = Enumerable.Range(0, 30).Select(i => Set(i == 20 ? null! : "n" + i)).ToList();
        Assert.Throws<IntegrityException>(() =>
        {
            using var r = c.ExecuteBatchReader(insert, sets);
            while (r.NextResult()) { }
        });
        tx.Rollback();
        Assert.Equal(0L, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(b.User)));
    }
}

/// <summary>PostgreSQL connections prepare a statement on the server from its second use (Npgsql's automatic preparation).</summary>
public class AutoPrepareTests
{
    private static long PreparedAfterRepeats(string url)
    {
        using var e = Engine.Create(url);
        using var c = e.Connect();
        var stmt = Db.Select(Db.Param<long>("x") + 1L);
        for (var i = 0; i < 3; i++)
            Assert.Equal(i + 1L, c.Scalar<long>(stmt, new Dictionary<string, object?> { ["x"] = (long)i }));
        return c.Scalar<long>(Db.Text("SELECT count(*) FROM pg_prepared_statements"));
    }

    [PgFact]
    public void A_repeated_statement_is_prepared_on_the_server_unless_the_url_turns_it_off()
    {
        Assert.True(PreparedAfterRepeats(TestDb.PgUrl) >= 1);
        var sep = TestDb.PgUrl.Contains('?') ? "&" : "?";
        Assert.Equal(0L, PreparedAfterRepeats(TestDb.PgUrl + sep + "Max%20Auto%20Prepare=0"));
    }
}
