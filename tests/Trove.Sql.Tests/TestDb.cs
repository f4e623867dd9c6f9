using Trove.Sql;

namespace Trove.Sql.Tests;

/// <summary>Environment of the PostgreSQL tests: TROVE_PG=0 skips them; otherwise TROVE_PG_URL must be set.</summary>
public static class TestDb
{
    public static bool PgDisabled => Environment.GetEnvironmentVariable("TROVE_PG") == "0";

    private static readonly Lazy<string> OwnDatabase = new(() => CreateDatabase("trove_sql_tests"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<string> ConstructsDatabase = new(() => CreateDatabase("trove_sql_constructs"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A second database, for tests that need the unprefixed "user"/"blog" tables to themselves.</summary>
    public static string PgConstructsUrl => ConstructsDatabase.Value;

    /// <summary>
    /// A database of our own on the test server (other test projects run at the same time against the default one
    /// and use the same table names, e.g. "user" and "blog").
    /// </summary>
    public static string PgUrl => OwnDatabase.Value;

    private static string CreateDatabase(string name)
    {
        var baseUrl = Environment.GetEnvironmentVariable("TROVE_PG_URL")
            ?? throw new InvalidOperationException("TROVE_PG_URL is not set (run through ./test.sh, or set TROVE_PG=0 to skip PostgreSQL tests)");
        using (var admin = Engine.Create(baseUrl, new EngineOptions { PoolClass = Trove.Sql.Pooling.PoolKind.Null }))
        using (var c = admin.Connect())
        {
            if (c.Execute(Db.Text($"select 1 from pg_database where datname = {name}")).All().Count == 0)
            {
                try { c.ExecuteSql("CREATE DATABASE " + name); }
                catch (DatabaseException e) when (e.SqlState is "42P04" or "23505") { } // created concurrently
            }
        }
        return Url.Parse(baseUrl).Set(database: name).Render(hidePassword: false);
    }

    /// <summary>"sqlite" always; "postgresql" unless TROVE_PG=0.</summary>
    public static IEnumerable<object[]> Dialects()
    {
        yield return ["sqlite"];
        if (!PgDisabled) yield return ["postgresql"];
    }

    public static Engine Open(string dialect, EngineOptions? options = null) => dialect switch
    {
        "sqlite" => Engine.Create("sqlite://", options),
        _ => Engine.Create(PgUrl, options),
    };
}

/// <summary>A fact that needs PostgreSQL: skipped (visibly) only when TROVE_PG=0.</summary>
public sealed class PgFactAttribute : FactAttribute
{
    public PgFactAttribute() { if (TestDb.PgDisabled) Skip = "TROVE_PG=0: PostgreSQL tests are turned off"; }
}

/// <summary>
/// The PostgreSQL row of a per-dialect theory (<c>[Theory, InlineData("sqlite"), PgData]</c>): reported as skipped,
/// with the reason, when TROVE_PG=0.
/// </summary>
public sealed class PgDataAttribute : Xunit.Sdk.DataAttribute
{
    public PgDataAttribute() { if (TestDb.PgDisabled) Skip = "TROVE_PG=0: PostgreSQL tests are turned off"; }
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [["postgresql"]];
}

/// <summary>A theory that needs PostgreSQL: skipped (visibly) only when TROVE_PG=0.</summary>
public sealed class PgTheoryAttribute : TheoryAttribute
{
    public PgTheoryAttribute() { if (TestDb.PgDisabled) Skip = "TROVE_PG=0: PostgreSQL tests are turned off"; }
}

public class PgAvailability
{
    [PgFact]
    public void PostgreSqlUrlIsConfigured()
    {
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("TROVE_PG_URL")),
            "TROVE_PG_URL is not set: run through ./test.sh or set TROVE_PG=0");
        using var e = Engine.Create(TestDb.PgUrl);
        Assert.Equal(1, e.Scalar<int>(Db.Text("select 1")));
    }
}
