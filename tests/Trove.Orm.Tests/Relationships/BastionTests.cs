using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.Bastion;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 000 §四 bastion-host models (sqlalchemy_reference.out "000 四 (堡垒机)"), on SQLite and PostgreSQL.</summary>
public class BastionTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Many_to_many_through_core_tables_with_back_populates(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new Host { Hostname = "h1", IpAddr = "1.1.1.1" }, new Host { Hostname = "h2", IpAddr = "1.1.1.2" }, new Host { Hostname = "h3", IpAddr = "1.1.1.3" },
            new RemoteUser { Username = "alex", Password = "abc123" }, new RemoteUser { Username = "alex" });
        s.AddRange(new Group { Name = "g1" }, new Group { Name = "g2" }, new Group { Name = "g3" });
        s.Flush();
        s.AddRange(new BindHost { HostId = 1, RemoteUserId = 1 }, new BindHost { HostId = 1, RemoteUserId = 2 },
            new BindHost { HostId = 2, RemoteUserId = 2 }, new BindHost { HostId = 3, RemoteUserId = 2 });
        var u1 = new UserProfile { Username = "alex", Password = "123" };
        s.AddRange(u1, new UserProfile { Username = "rain", Password = "abc!23" });
        var allGroups = s.Query<Group>().OrderBy(g => g.Id).ToList();
        var allBindHosts = s.Query<BindHost>().OrderBy(b => b.Id).ToList();
        using var log = new StatementLog(engine);
        u1.Groups = [allGroups[1]];
        u1.BindHosts.Add(allBindHosts[1]);
        allGroups[1].BindHosts = [allBindHosts[2], allBindHosts[3]];     // its lazy load autoflushes u1's two link rows first
        s.Commit();
        // link rows go in one multi-row INSERT per relationship
        Assert.Equal(["INSERT bindhost_2_group", "INSERT bindhost_2_userprofile", "INSERT group_2_userprofile"],
            log.Take().Where(x => x.StartsWith("INSERT", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(2, s.Scalar<long>(Db.Text("SELECT count(*) FROM bindhost_2_group")));

        s.ExpireAll();
        u1 = s.Query<UserProfile>().Where(u => u.Id == 1).First();
        Assert.Equal("[<BindHost(id='2',name='h1',user='alex')>]", "[" + string.Join(", ", u1.BindHosts) + "]");
        Assert.Equal([3, 4], u1.Groups[0].BindHosts.Select(b => b.Id).Order());
        Assert.Equal(["g2"], s.Get<BindHost>(3)!.Groups.Select(g => g.Name));
        var counts = s.Query<Group>().OrderBy(g => g.Name).Select(g => new { g.Name, N = g.BindHosts.Count() }).ToList();
        Assert.Equal([("g1", 0), ("g2", 2), ("g3", 0)], counts.Select(c => (c.Name, c.N)));
        Assert.Equal(["g2"], s.Query<Group>().Where(g => g.BindHosts.Any(b => b.HostId == 3)).Select(g => g.Name).ToList());
        Assert.Equal(2, s.Query<Group>().Join(g => g.BindHosts).Where(g => g.Name == "g2").Count());
        var eager = s.Query<Group>().Include(g => g.BindHosts, Loading.Joined).OrderBy(g => g.Id).ToList();
        Assert.Equal([0, 2, 0], eager.Select(g => g.BindHosts.Count));

        s.Add(new BindHost { HostId = 1, RemoteUserId = 1 });
        Assert.Throws<IntegrityException>(() => s.Commit());
        s.Rollback();
    }
}
