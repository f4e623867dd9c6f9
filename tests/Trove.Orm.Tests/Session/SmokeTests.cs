using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;

namespace Trove.Orm.Tests.Session;

public class SmokeTests
{
    [Theory]
    [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
    public void Add_commit_expire_reload_update_delete(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var log = new StatementLog(engine);
        using var s = new Trove.Orm.Session(engine);
        var u = new Users { Name = "alex0", Extra = "sb" };
        s.Add(u);
        s.AddRange(new Users { Name = "alex1", Extra = "sb" }, new Users { Name = "alex2", Extra = "sb" });
        Assert.Equal(0, u.Id);
        s.Commit();
        Assert.Equal(["BEGIN", "INSERT users", "INSERT users", "INSERT users", "COMMIT"], log.Take(dmlOnly: false));
        Assert.Equal(1, u.Id);
        Assert.Equal(["SELECT users"], log.Take());
        Assert.Same(u, s.Get<Users>(1));
        Assert.Empty(log.Take());
        u.Name = "x";
        u.Name = "x";
        Assert.Single(s.Dirty);
        s.Flush();
        Assert.Equal(["UPDATE users"], log.Take());
        s.Remove(u);
        s.Commit();
        Assert.Null(s.Get<Users>(1));
        Assert.Equal(InstanceStatus.Detached, s.StatusOf(u));
    }
}
