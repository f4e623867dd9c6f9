using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.OneSided;
using Trove.Sql;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// Deleting either end of a many-to-many mapped on one side only, as SQLAlchemy 1.4 does it: the unit of work
/// deletes secondary rows only for relationships mapped on the deleted object's class. Deleting a Post (which
/// maps Labels and Pins) deletes its post_label and post_pin rows first; deleting a Label (which maps nothing)
/// emits only <c>DELETE FROM label</c>, so the database's foreign key decides: a plain FK rejects it
/// (IntegrityError; foreign keys are enforced on both databases here), ON DELETE CASCADE removes the link rows.
/// </summary>
public class OneSidedManyToManyTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void Deleting_either_end_of_a_one_sided_many_to_many(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using (var s0 = new Trove.Orm.Session(engine))
        {
            Label a = new() { Name = "a" }, b = new() { Name = "b" }, c = new() { Name = "c" };
            s0.Add(new Post { Title = "p", Labels = [a, b], Pins = [a, c] });
            s0.Commit();
        }
        using var log = new StatementLog(engine);

        // label b still has a post_label row (plain FK): only DELETE label is sent, and the database refuses it
        using (var s = new Trove.Orm.Session(engine))
        {
            s.Remove(s.Query<Label>().Where(l => l.Name == "b").Single());
            log.Clear();
            Assert.Throws<IntegrityException>(() => s.Commit());
            Assert.DoesNotContain("DELETE post_label", log.Take());
            s.Rollback();
            Assert.Equal(2L, s.Scalar<long>(Db.Text("select count(*) from post_label")));
            Assert.Equal(3L, s.Scalar<long>(Db.Text("select count(*) from label")));
        }

        // label c has only a post_pin row (ON DELETE CASCADE): the ORM sends only DELETE label, the database drops the link
        using (var s = new Trove.Orm.Session(engine))
        {
            var post = s.Query<Post>().Single();
            Assert.Equal(["a", "c"], post.Pins.Select(l => l.Name).Order());
            s.Remove(s.Query<Label>().Where(l => l.Name == "c").Single());
            log.Clear();
            s.Commit();
            Assert.Equal(["DELETE label"], log.Take());
            Assert.Equal(["a"], post.Pins.Select(l => l.Name));   // expired on commit, reloaded
            Assert.Equal(1L, s.Scalar<long>(Db.Text("select count(*) from post_pin")));
        }

        // the post maps both secondaries: its link rows go first, the labels stay
        using (var s = new Trove.Orm.Session(engine))
        {
            s.Remove(s.Query<Post>().Single());
            log.Clear();
            s.Commit();
            var dml = log.Take();
            Assert.Contains("DELETE post_label", dml);
            Assert.Contains("DELETE post_pin", dml);
            Assert.Equal("DELETE post", dml[^1]);
            Assert.Equal(0L, s.Scalar<long>(Db.Text("select count(*) from post_label")));
            Assert.Equal(0L, s.Scalar<long>(Db.Text("select count(*) from post_pin")));
            Assert.Equal(["a", "b"], s.Query<Label>().OrderBy(l => l.Name).Select(l => l.Name).ToList());
        }
    }
}

/// <summary>Seed 004 §4.6: a collection to a class without a foreign key back (SQLAlchemy: NoForeignKeysError).</summary>
public class NoForeignKeyTests
{
    [Fact]
    public void A_relationship_without_a_foreign_key_is_a_mapping_error()
    {
        using var engine = OrmDb.Open("sqlite");
        NoFk.Base.Metadata.CreateAll(engine);
        using var s = new Trove.Orm.Session(engine);
        var e = Assert.Throws<MappingException>(() => _ = s.Query<NoFk.Blog>().ToList().Select(b => b.TagList.Count).ToList());
        Assert.Contains("no foreign key between 'blog' and 'tag'", e.Message);
    }
}
