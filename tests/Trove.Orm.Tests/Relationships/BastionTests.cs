using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.Bastion;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// Seed 000 §四 bastion-host models (sqlalchemy_reference.out "000 四 (堡垒机)"), statement by statement, on SQLite and
/// PostgreSQL. Statements are compared as <see cref="StatementLog"/> summaries (verb + first table).
/// </summary>
public class BastionTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Many_to_many_through_core_tables_with_back_populates(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);

        // h1..h3, r1, r2, g1..g3; flush: the reference inserts group, host, remote_user (tables without dependencies by name)
        s.AddRange(new Host { Hostname = "h1", IpAddr = "1.1.1.1" }, new Host { Hostname = "h2", IpAddr = "1.1.1.2" }, new Host { Hostname = "h3", IpAddr = "1.1.1.3" },
            new RemoteUser { AuthType = AuthType.SshPasswd, Username = "alex", Password = "abc123" }, new RemoteUser { AuthType = AuthType.SshKey, Username = "alex" });
        s.AddRange(new Group { Name = "g1" }, new Group { Name = "g2" }, new Group { Name = "g3" });
        s.Flush();
        Assert.Equal(["INSERT group", "INSERT group", "INSERT group", "INSERT host", "INSERT host", "INSERT host", "INSERT remote_user", "INSERT remote_user"], log.Take());
        s.AddRange(new BindHost { HostId = 1, RemoteUserId = 1 }, new BindHost { HostId = 1, RemoteUserId = 2 },
            new BindHost { HostId = 2, RemoteUserId = 2 }, new BindHost { HostId = 3, RemoteUserId = 2 });

        var u1 = new UserProfile { Username = "alex", Password = "123" };
        s.AddRange(u1, new UserProfile { Username = "rain", Password = "abc!23" });
        var allGroups = s.Query<Group>().ToList();             // autoflush: bind_host ×4, user_profile ×2
        var allBindHosts = s.Query<BindHost>().ToList();
        u1.Groups = [allGroups[1]];                             // replacing loads the old collection
        u1.BindHosts.Add(allBindHosts[1]);                      // lazy load; autoflush writes u1's group link first
        allGroups[1].BindHosts = [allBindHosts[2], allBindHosts[3]];   // lazy load; autoflush writes u1's bind-host link
        s.Commit();                                             // both bindhost_2_group rows in one statement
        Assert.Equal(
        [
            "INSERT bind_host", "INSERT bind_host", "INSERT bind_host", "INSERT bind_host", "INSERT user_profile", "INSERT user_profile",
            "SELECT group", "SELECT bind_host",
            "SELECT group", "INSERT group_2_userprofile",
            "SELECT bind_host", "INSERT bindhost_2_userprofile",
            "SELECT bind_host", "INSERT bindhost_2_group",
        ], log.Take());

        s.ExpireAll();
        u1 = s.Query<UserProfile>().Where(u => u.Id == 1).First();
        Assert.Equal("[<BindHost(id='2',name='h1',user='alex')>]", "[" + string.Join(", ", u1.BindHosts) + "]");
        Assert.Equal(["SELECT user_profile", "SELECT bind_host", "SELECT host", "SELECT remote_user"], log.Take());
        var g2Hosts = u1.Groups[0].BindHosts;
        Assert.Equal("[<BindHost(id='3',name='h2',user='alex')>, <BindHost(id='4',name='h3',user='alex')>]", "[" + string.Join(", ", g2Hosts) + "]");
        Assert.Equal([3, 4], g2Hosts.Select(b => b.Id).Order());
        Assert.Equal(["SELECT group", "SELECT bind_host", "SELECT host", "SELECT host"], log.Take());
        Assert.Equal(["g2"], s.Get<BindHost>(3)!.Groups.Select(g => g.Name));   // identity map, then the back_populates side loads
        Assert.Equal(["SELECT group"], log.Take());
        Assert.Equal(AuthType.SshPasswd, s.Get<RemoteUser>(1)!.AuthType);      // ChoiceType round trip
        Assert.Equal(["SELECT remote_user"], log.Take());
        Assert.Equal("ssh-passwd", s.Scalar<string>(Db.Text("SELECT auth_type FROM remote_user WHERE id = 1")));
        log.Clear();

        // reference: query(Group.name, func.count(BindHost.id)).outerjoin(Group.bind_hosts).group_by(Group.id) — one
        // SELECT; spelled here as a correlated count over the relationship (same rows, one statement)
        var counts = s.Query<Group>().OrderBy(g => g.Name).Select(g => new { g.Name, N = g.BindHosts.Count() }).ToList();
        Assert.Equal([("g1", 0), ("g2", 2), ("g3", 0)], counts.Select(c => (c.Name, c.N)));
        Assert.Equal(["SELECT group"], log.Take());
        Assert.Equal(["g2"], s.Query<Group>().Where(g => g.BindHosts.Any(b => b.HostId == 3)).Select(g => g.Name).ToList());
        Assert.Equal(2, s.Query<Group>().Join(g => g.BindHosts).Where(g => g.Name == "g2").Count());
        s.ExpireAll();
        var eager = s.Query<Group>().Include(g => g.BindHosts, Loading.Joined).OrderBy(g => g.Id).ToList();
        Assert.Equal([0, 2, 0], eager.Select(g => g.BindHosts.Count));
        Assert.Equal([1, 2], s.Get<Host>(1)!.BindHosts.Select(b => b.Id).Order());   // Host.bind_hosts, declared on its own
        log.Clear();

        s.Add(new BindHost { HostId = 1, RemoteUserId = 1 });  // duplicate pair: _bindhost_and_user_uc
        var e = Assert.Throws<IntegrityException>(() => s.Commit());
        Assert.Equal(ConstraintKind.Unique, e.ConstraintKind);
        s.Rollback();
        Assert.Equal(["INSERT bind_host", "ROLLBACK"], log.Take(dmlOnly: false));
    }
}
