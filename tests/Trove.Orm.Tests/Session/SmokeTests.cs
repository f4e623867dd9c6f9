using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;

namespace Trove.Orm.Tests.Session;

public class SmokeTests
{
    [Fact]
    public void Add_commit_expire_reload_update_delete()
    {
        using var src = new RawSqliteSource();
        src.Exec("CREATE TABLE users (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(32), extra VARCHAR(16))");
        using var s = new Trove.Orm.Session(src, null);
        var u = new Users { Name = "alex0", Extra = "sb" };
        s.Add(u);
        s.AddRange(new Users { Name = "alex1", Extra = "sb" }, new Users { Name = "alex2", Extra = "sb" });
        Assert.Equal(0, u.Id);
        s.Commit();
        Assert.Equal(["BEGIN", "INSERT INTO users (name, extra) VALUES (@p0, @p1) RETURNING id", "INSERT INTO users (name, extra) VALUES (@p0, @p1) RETURNING id", "INSERT INTO users (name, extra) VALUES (@p0, @p1) RETURNING id", "COMMIT"], src.Log);
        src.Log.Clear();
        Assert.Equal(1, u.Id);
        Assert.Equal(["BEGIN", "SELECT users.id, users.name, users.extra FROM users WHERE users.id = @p0"], src.Log);
        src.Log.Clear();
        Assert.Same(u, s.Get<Users>(1));
        Assert.Empty(src.Log);
        u.Name = "x";
        u.Name = "x";
        Assert.Single(s.Dirty);
        s.Flush();
        Assert.Equal(["UPDATE users SET name=@p0 WHERE users.id = @p1"], src.Log);
        s.Remove(u);
        s.Commit();
        Assert.Null(s.Get<Users>(1));
        Assert.Equal(InstanceStatus.Detached, s.StatusOf(u));
    }
}
