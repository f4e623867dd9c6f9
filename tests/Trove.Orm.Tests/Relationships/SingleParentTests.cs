using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.SP;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// SingleParent = true with delete-orphan, checked against SQLAlchemy 1.4's single_parent=True: a second owner is
/// refused before the change, a backref moves ownership without a check, and a released target is deleted as an orphan.
/// </summary>
public class SingleParentTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Fact]
    public void A_second_owner_of_a_many_to_one_target_is_refused()
    {
        var p = new P { Name = "a" };
        var c1 = new C { Parent = p };
        var c2 = new C();
        var ex = Assert.Throws<InvalidOperationException>(() => c2.Parent = p);
        Assert.Contains("is only allowed a single parent", ex.Message);
        Assert.Contains("C.Parent", ex.Message);
        Assert.Null(c2.Parent);
        Assert.Single(p.Cs);

        // released by its owner, the target can move
        c1.Parent = null;
        c2.Parent = p;
        Assert.Same(p, c2.Parent);

        // through the reverse side (a backref) the move is not checked, but it takes the flag along
        var p2 = new P { Name = "b" };
        p2.Cs.Add(c1);
        Assert.Same(p2, c1.Parent);
        Assert.Throws<InvalidOperationException>(() => new C().Parent = p2);
    }

    [Fact]
    public void A_second_owner_of_a_many_to_many_element_is_refused_before_the_append()
    {
        var t = new Tag { Name = "t" };
        var c1 = new C { Tags = [t] };
        var c2 = new C();
        Assert.Throws<InvalidOperationException>(() => c2.Tags.Add(t));
        Assert.Empty(c2.Tags); // as in SQLAlchemy, the refused element is not in the collection
        c1.Tags.Remove(t);
        c2.Tags.Add(t);
        Assert.Same(t, Assert.Single(c2.Tags));
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Released_targets_are_deleted_as_orphans(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using (var s = new Trove.Orm.Session(engine))
        {
            s.AddRange(new C { Parent = new P { Name = "a" }, Tags = [new Tag { Name = "t" }] });
            s.Commit();
        }
        using (var s = new Trove.Orm.Session(engine))
        using (var log = new StatementLog(engine))
        {
            // SQLAlchemy: SELECT c, then the old P and its backref collection, UPDATE c SET pid=NULL, DELETE p
            var c = s.Query<C>().First();
            c.Parent = null;
            s.Commit();
            var dml = log.Take();
            Assert.Equal(["UPDATE c", "DELETE p"], dml.Where(x => !x.StartsWith("SELECT", StringComparison.Ordinal)));
            Assert.Equal(0, s.Query<P>().Count());

            // many-to-many: the link row, then the orphaned tag
            log.Clear();
            c.Tags.Remove(c.Tags[0]);
            s.Commit();
            Assert.Equal(["DELETE c_tag", "DELETE tag"], log.Take().Where(x => !x.StartsWith("SELECT", StringComparison.Ordinal)));
            Assert.Equal(0, s.Query<Tag>().Count());
            Assert.Equal(1, s.Query<C>().Count());
        }
    }
}

/// <summary>An entity whose primary key has two columns (the link class above): identity map, Get by tuple or array, delete.</summary>
public class CompositeKeyTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Get_by_tuple_and_by_array_find_one_identity(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        s.AddRange(new C(), new C(), new Tag { Name = "x" });
        s.Flush();
        s.AddRange(new CTag { CId = 1, TagId = 1 }, new CTag { CId = 2, TagId = 1 });
        s.Commit();
        s.ExpungeAll();
        var a = s.Get<CTag>((1L, 1L));
        Assert.NotNull(a);
        Assert.Same(a, s.Get<CTag>(new object[] { 1L, 1L }));
        Assert.Null(s.Get<CTag>((1L, 2L)));
        s.Remove(s.Get<CTag>((2L, 1L))!);
        s.Commit();
        Assert.Equal(1, s.Query<CTag>().Count());
    }
}
