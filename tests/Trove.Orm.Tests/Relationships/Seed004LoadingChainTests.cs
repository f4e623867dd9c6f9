using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Relationships.Chain;

namespace Trove.Orm.Tests.Relationships;

/// <summary>
/// Seed 004 §4.4 "更多的用法" (sqlalchemy_reference.out "004 4.4", the Parent/Foo/Bar/Bat chain): per-query loader
/// options over configured joined relationships. Each case touches <c>p.Foo.Bar.Bat</c> and <c>p.Widget.Bat</c> and
/// compares the statement sequence with the reference's; on SQLite and PostgreSQL.
/// </summary>
public class Seed004LoadingChainTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Trove.Sql.Engine Open(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        using var s0 = new Trove.Orm.Session(engine);
        s0.Add(new Parent { Id = 1, Foo = new Foo { Id = 1, Bar = new Bar { Id = 1, Bat = new Bat { Id = 1 } } }, Widget = new Bar { Id = 2, Bat = new Bat { Id = 2 } } });
        s0.Commit();
        return engine;
    }

    /// <summary>Runs the query, touches the whole chain; (statements of the query, all statements) as summaries.</summary>
    private static (List<string> First, List<string> All) Run(Trove.Sql.Engine engine, Func<Trove.Orm.Session, List<Parent>> query)
    {
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        var parents = query(s);
        var first = log.Dml();
        foreach (var p in parents)
        {
            Assert.Equal(1, p.Foo!.Bar!.Bat!.Id);
            Assert.Equal(2, p.Widget!.Bat!.Id);
        }
        return (first, log.Dml());
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Joinedload_chain_defaultload_lazyload_star_and_per_entity(string dialect)
    {
        using var engine = Open(dialect);

        // joinedload('foo').joinedload('bar').joinedload('bat'): one SELECT (widget joined too, configured), 1 more for widget.bat
        var r = Run(engine, s => s.Query<Parent>().Include(p => p.Foo, Loading.Joined).ThenInclude(f => f.Bar, Loading.Joined).ThenInclude(b => b.Bat, Loading.Joined).ToList());
        Assert.Equal(["SELECT parent"], r.First);
        Assert.Equal(["SELECT parent", "SELECT bat"], r.All);

        // defaultload('foo').joinedload('bar'): foo keeps its configured joined strategy, bar joined onto it, bat lazy
        r = Run(engine, s => s.Query<Parent>().Include(p => p.Foo, Loading.Default).ThenInclude(f => f.Bar, Loading.Joined).ToList());
        Assert.Equal(["SELECT parent"], r.First);
        Assert.Equal(["SELECT parent", "SELECT bat", "SELECT bat"], r.All);

        // lazyload('*'): one SELECT per hop
        r = Run(engine, s => s.Query<Parent>().WithDefaultLoading(Loading.Lazy).ToList());
        Assert.Equal(["SELECT parent", "SELECT foo", "SELECT bar", "SELECT bat", "SELECT bar", "SELECT bat"], r.All);

        // lazyload('*'), joinedload(Parent.widget): widget joined, the rest lazy
        r = Run(engine, s => s.Query<Parent>().WithDefaultLoading(Loading.Lazy).Include(p => p.Widget, Loading.Joined).ToList());
        Assert.Equal(["SELECT parent", "SELECT foo", "SELECT bar", "SELECT bat", "SELECT bat"], r.All);
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Per_entity_default_loading_affects_only_that_entity(string dialect)
    {
        using var engine = Open(dialect);
        using var s = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        // query(Parent, Bar).filter(Parent.bar_id == Bar.id).options(Load(Bar).lazyload('*')): Parent's joined
        // relationships still load in the one SELECT; Bar.bat loads on access
        var rows = (from p in s.Query<Parent>().WithDefaultLoading<Bar>(Loading.Lazy)
                    from b in s.Query<Bar>()
                    where p.BarId == b.Id
                    select new { Parent = p, Bar = b }).ToList();
        Assert.Equal(["SELECT parent"], log.Dml());
        // as the reference: Parent's configured lazy='joined' relationships are joined into the multi-entity SELECT
        // (FROM parent LEFT OUTER JOIN foo AS foo_1 … LEFT OUTER JOIN bar AS bar_1 …, bar)
        var select = log.Sql.Last().Replace("\"", "");
        Assert.Contains("LEFT OUTER JOIN foo AS foo_1", select);
        Assert.Contains("LEFT OUTER JOIN bar AS bar_1", select);
        Assert.Equal(2, rows[0].Bar.Bat!.Id);
        Assert.Equal(["SELECT parent", "SELECT bat"], log.Take());
        Assert.Equal(1, rows[0].Parent.Foo!.Id);
        Assert.Same(rows[0].Bar, rows[0].Parent.Widget);
        Assert.Empty(log.Take());
    }
}
