using Trove.Orm.Tests.Infrastructure;
using Trove.Sql;
using All = Trove.Orm.Tests.Relationships.NAll;
using J0 = Trove.Orm.Tests.Relationships.NJoined0;
using J1 = Trove.Orm.Tests.Relationships.NJoined1;
using Lz = Trove.Orm.Tests.Relationships.NLazy;
using Or = Trove.Orm.Tests.Relationships.NOrphan;

namespace Trove.Orm.Tests.Relationships;

/// <summary>Seed 004 §8 adjacency list (sqlalchemy_reference.out "004 8"), on SQLite and PostgreSQL.</summary>
public class AdjacencyListTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    /// <summary>一 (root, ParentId null) → 二 → 三, 一 → 四.</summary>
    private static Engine Open(string dialect, Trove.Sql.Schema.MetaData metadata)
    {
        var e = OrmDb.Open(dialect);
        metadata.CreateAll(e);
        using var c = e.Connect();
        foreach (var (id, name, parent) in new[] { (1, "一", "NULL"), (2, "二", "1"), (3, "三", "2"), (4, "四", "1") })
            c.ExecuteSql($"INSERT INTO node (id, name, parent) VALUES ({id}, '{name}', {parent})");
        return e;
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Parent_and_children_lazy(string dialect)
    {
        using var e = Open(dialect, Lz.Base.Metadata);
        using var s = new Trove.Orm.Session(e);
        using var log = new StatementLog(e);
        var n2 = s.Query<Lz.Node>().Where(n => n.Name == "二").First();
        Assert.Equal(("Node(一)", "[Node(三)]"), (n2.ParentObj!.ToString(), "[" + string.Join(", ", n2.Children) + "]"));
        Assert.Equal(["SELECT node", "SELECT node", "SELECT node"], log.Take());
        // the reference's root has parent 0 and loads it (SELECT … WHERE node.id = 0, no row); here the root's
        // ParentId is NULL (orm.md: a parent of 0 would violate the enforced foreign key), so nothing is loaded
        Assert.Null(s.Get<Lz.Node>(1)!.ParentObj);
        Assert.Empty(log.Take());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Configured_joined_needs_join_depth(string dialect)
    {
        using (var e = Open(dialect, J0.Base.Metadata))
        using (var s = new Trove.Orm.Session(e))
        using (var log = new StatementLog(e))
        {
            var x = s.Query<J0.Node>().Where(n => n.Name == "二").First();
            _ = (x.ParentObj, x.Children.Count);
            Assert.Equal(["SELECT node", "SELECT node", "SELECT node"], log.Take());   // lazy='joined' without join_depth: ignored
        }
        using (var e = Open(dialect, J1.Base.Metadata))
        using (var s = new Trove.Orm.Session(e))
        using (var log = new StatementLog(e))
        {
            var x = s.Query<J1.Node>().Where(n => n.Name == "二").First();
            Assert.Equal(("一", "三"), (x.ParentObj!.Name, Assert.Single(x.Children).Name));
            Assert.Single(log.Dml());
            Assert.Contains(") AS anon_1 LEFT OUTER JOIN node AS node_1", log.Sql.Last());
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Include_then_include_two_levels_in_one_select(string dialect)
    {
        using var e = Open(dialect, Lz.Base.Metadata);
        using var s = new Trove.Orm.Session(e);
        using var log = new StatementLog(e);
        var root = s.Query<Lz.Node>().Where(n => n.Name == "一").Include(n => n.ParentObj).First();
        Assert.Null(root.ParentObj);
        Assert.Single(log.Dml());
        s.ExpungeAll();
        log.Clear();
        var x = s.Query<Lz.Node>().Where(n => n.Name == "一").Include(n => n.Children, Loading.Joined).ThenInclude(c => c.Children, Loading.Joined).First();
        Assert.Equal("一", x.Name);
        Assert.Equal(["二", "四"], x.Children.Select(c => c.Name).Order());
        Assert.Equal(["三"], x.Children.OrderBy(c => c.Id).First().Children.Select(c => c.Name));
        Assert.Single(log.Dml());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Subtree_delete_and_orphans(string dialect)
    {
        using (var e = Open(dialect, All.Base.Metadata))
        using (var s = new Trove.Orm.Session(e))
        {
            using var log = new StatementLog(e);
            s.Remove(s.Query<All.Node>().Where(n => n.Name == "一").First());
            s.Commit();
            // the reference: the root, the children of 1, 2, 3 and 4 (and its root's parent 0, see above), then the rows
            // children first: DELETE (3, 4) as one executemany, DELETE 2, DELETE 1 — here one execution per row
            Assert.Equal(["SELECT node", "SELECT node", "SELECT node", "SELECT node", "SELECT node",
                          "DELETE node", "DELETE node", "DELETE node", "DELETE node"], log.Take());
            Assert.Equal(0, s.Query<All.Node>().Count());
        }
        using (var e = Open(dialect, Or.Base.Metadata))
        using (var s = new Trove.Orm.Session(e))
        {
            using var log = new StatementLog(e);
            var node = s.Query<Or.Node>().Where(n => n.Name == "一").First();
            node.Children = [];
            s.Commit();
            // the reference: the root, the children of 1, 2, 3, 4, then DELETE 3 and DELETE (2, 4) (executemany)
            Assert.Equal(["SELECT node", "SELECT node", "SELECT node", "SELECT node", "SELECT node",
                          "DELETE node", "DELETE node", "DELETE node"], log.Take());
            Assert.Equal(["一"], s.Query<Or.Node>().OrderBy(n => n.Id).Select(n => n.Name).ToList());
        }
    }
}
