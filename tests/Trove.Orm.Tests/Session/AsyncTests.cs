using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Sql;

namespace Trove.Orm.Tests.Session;

/// <summary>The async twins (orm.md: every member that does I/O) give the sync results and honour cancellation.</summary>
public class AsyncTests
{
    [Theory]
    [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
    public async Task Async_twins_match_the_sync_results(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        await using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        s.AddRange(new Users { Name = "alex0", Extra = "sb" }, new Users { Name = "alex1", Extra = "sb" }, new Users { Name = "eric", Extra = "" });
        await s.CommitAsync();
        Assert.Equal(["INSERT users", "INSERT users", "INSERT users"], log.Take());

        var users = s.Query<Users>();
        Assert.Equal(["alex0", "alex1", "eric"], (await users.OrderBy(u => u.Id).ToListAsync()).Select(u => u.Name));
        Assert.Equal(3, (await users.ToArrayAsync()).Length);
        Assert.Equal("eric", (await users.Where(u => u.Extra == "").SingleAsync()).Name);
        Assert.Null(await users.Where(u => u.Name == "x").SingleOrDefaultAsync());
        Assert.Equal("alex0", (await users.OrderBy(u => u.Id).FirstAsync()).Name);
        Assert.Null(await users.Where(u => u.Name == "x").FirstOrDefaultAsync());
        await Assert.ThrowsAsync<NoResultException>(() => users.Where(u => u.Name == "x").FirstAsync());
        await Assert.ThrowsAsync<MultipleResultsException>(() => users.Where(u => u.Extra == "sb").SingleAsync());
        Assert.Equal(3, await users.CountAsync());
        Assert.Equal(3L, await users.LongCountAsync());
        Assert.True(await users.AnyAsync());
        Assert.False(await users.AllAsync(u => u.Extra == "sb"));
        Assert.Equal(3, await users.MaxAsync(u => u.Id));
        Assert.Equal(1, await users.MinAsync(u => u.Id));
        Assert.Equal(6, await users.SumAsync(u => u.Id));
        Assert.Equal(2.0, await users.AverageAsync(u => u.Id));
        var names = new List<string?>();
        await foreach (var u in users.OrderBy(u => u.Id)) names.Add(u.Name);
        Assert.Equal(["alex0", "alex1", "eric"], names);

        var first = (await s.GetAsync<Users>(1))!;
        first.Name = "alex";
        await s.FlushAsync();
        Assert.Contains("UPDATE users", log.Take());
        Assert.Equal(1, await users.Where(u => u.Id > 2).ExecuteUpdateAsync(x => x.SetProperty(u => u.Name, "E")));
        Assert.Equal(1, await users.Where(u => u.Id == 2).ExecuteDeleteAsync());
        await s.RollbackAsync();
        Assert.Equal(3, await users.CountAsync());
        Assert.Equal(3L, await s.ScalarAsync<long>(Db.Text("select count(*) from users")));
    }

    [Fact]
    public async Task Cancelled_token_throws_before_any_sql()
    {
        using var engine = OrmDb.Open("sqlite");
        Base.Metadata.CreateAll(engine);
        await using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.Query<Users>().ToListAsync(cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.GetAsync<Users>(1, cts.Token));
        Assert.DoesNotContain(log.Sql, x => x.StartsWith("SELECT", StringComparison.Ordinal));
    }
}
