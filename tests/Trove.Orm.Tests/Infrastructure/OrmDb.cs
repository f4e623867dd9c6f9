using System.Text.RegularExpressions;
using Trove.Sql;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Trove.Orm.Tests.Infrastructure;

/// <summary>
/// Engines for the ORM tests: a fresh in-memory SQLite database, or PostgreSQL (TROVE_PG_URL; database
/// <c>trove_orm</c>, schema reset per test). PostgreSQL tests are skipped (visibly) only when TROVE_PG=0.
/// </summary>
public static partial class OrmDb
{
    private static readonly Lock s_lock = new();
    private static bool s_pgReady;

    public static bool PgDisabled => Environment.GetEnvironmentVariable("TROVE_PG") == "0";

    public static string PgBaseUrl => Environment.GetEnvironmentVariable("TROVE_PG_URL")
        ?? throw new InvalidOperationException("TROVE_PG_URL is not set (run through ./test.sh, or set TROVE_PG=0 to skip PostgreSQL tests)");

    /// <summary>TROVE_PG_URL with another database name.</summary>
    public static string PgUrl(string database) => DbName().Replace(PgBaseUrl, "/" + database);

    [GeneratedRegex(@"/[^/?]*(?=\?|$)")]
    private static partial Regex DbName();

    public static IEnumerable<object[]> Dialects()
    {
        yield return ["sqlite"];
        if (!PgDisabled) yield return ["postgresql"];
    }

    /// <summary>An engine on an empty database.</summary>
    public static Engine Open(string dialect, EngineOptions? options = null)
    {
        if (dialect == "sqlite") return Engine.Create("sqlite://", options);
        lock (s_lock)
        {
            if (!s_pgReady)
            {
                using var admin = Engine.Create(PgBaseUrl);
                var exists = admin.Scalar<int>(Db.Text("select count(*) from pg_database where datname = 'trove_orm'"));
                if (exists == 0)
                {
                    using var c = admin.Connect();
                    c.ExecuteSql("create database trove_orm");
                }
                s_pgReady = true;
            }
        }
        var e = Engine.Create(PgUrl("trove_orm"), options);
        e.Execute(Db.Text("drop schema if exists public cascade"));
        e.Execute(Db.Text("create schema public"));
        return e;
    }
}

/// <summary>A theory over SQLite and PostgreSQL (PostgreSQL rows skipped only when TROVE_PG=0).</summary>
public sealed class PgFactAttribute : FactAttribute
{
    public PgFactAttribute() { if (OrmDb.PgDisabled) Skip = "TROVE_PG=0: PostgreSQL tests are turned off"; }
}
