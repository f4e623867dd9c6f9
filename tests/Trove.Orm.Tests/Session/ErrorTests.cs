using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Sql;

namespace Trove.Orm.Tests.Session;

/// <summary>orm.md §6 errors not covered by the seed tests: unknown column in the database, translation, unbound.</summary>
public class ErrorTests
{
    [Theory]
    [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
    public void Unknown_column_in_the_database_is_a_programming_error_and_the_session_stays_usable(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        // schema drift: the table lacks the mapped column "extra"
        using (var c = engine.Connect()) c.ExecuteSql("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(32))");
        using var log = new StatementLog(engine);
        using var s = new Trove.Orm.Session(engine);
        var e = Assert.Throws<ProgrammingException>(() => s.Query<Users>().ToList());
        Assert.StartsWith("(" + dialect + ") ", e.Message);
        if (dialect == "sqlite") Assert.Contains("no such column", e.Message);
        else Assert.Equal("42703", e.SqlState);
        Assert.Contains("SELECT", e.Sql);
        // the failed SELECT was reported like any statement
        Assert.Contains("SELECT users", log.Take());
        // a query error leaves the session usable (PostgreSQL: after a rollback of the aborted transaction)
        if (dialect == "postgresql") s.Rollback();
        Assert.Equal(0L, s.Execute(Db.Text("select count(*) from users")).Scalar<long>());
        Assert.Throws<ProgrammingException>(() => s.Execute(Db.Text("select nope from users")));
    }

    [Fact]
    public void Untranslatable_operator_says_what_to_do_and_runs_nothing()
    {
        using var engine = OrmDb.Open("sqlite");
        Base.Metadata.CreateAll(engine);
        using var log = new StatementLog(engine);
        using var s = new Trove.Orm.Session(engine);
        var e = Assert.Throws<QueryTranslationException>(() => s.Query<Users>().Where(u => u.Name!.GetHashCode() == 1).ToList());
        Assert.Contains("cannot be translated to SQL", e.Message);
        Assert.Empty(log.Take());
    }

    [Fact]
    public void Entity_without_a_bind_is_unbound_execution()
    {
        using var s = new SessionFactory().Create();
        var e = Assert.Throws<UnboundExecutionException>(() => s.Query<Users>().ToList());
        Assert.Contains("Bind<T>(engine)", e.Message);
    }
}
