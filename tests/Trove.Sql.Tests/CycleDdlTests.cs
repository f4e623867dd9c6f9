using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

/// <summary>
/// CreateAll/DropAll of tables that reference each other, against SQLAlchemy 1.4's DDL (checked with a script):
/// on PostgreSQL the tables are created without the cycle's foreign keys, which follow as
/// <c>ALTER TABLE … ADD CONSTRAINT</c> (DropAll: <c>ALTER TABLE … DROP CONSTRAINT</c> first); on SQLite, which has no
/// such ALTER, they stay inline. Deliberate difference: SQLAlchemy adds an auto-detected cycle's keys unnamed and then
/// cannot drop them ("ensure that the ForeignKey … objects involved in the cycle have names"); Trove names them
/// <c>fk_&lt;table&gt;_&lt;column&gt;_&lt;referred table&gt;</c> (SQLAlchemy's documented naming convention) so DropAll works.
/// </summary>
public class CycleDdlTests
{
    public static IEnumerable<object[]> Dialects() => TestDb.Dialects();

    /// <summary>person ⇄ blog (person.favorite_blog_id, blog.owner_id) and other → blog, as in SQLAlchemy's test script.</summary>
    private static MetaData Cycle(string prefix, bool useAlter, string? constraintName = null)
    {
        var m = new MetaData();
        if (constraintName is null)
            _ = new Table(prefix + "person", m, new Column<int>("id", primaryKey: true), new Column<string?>("name", SqlTypes.String(32)),
                new Column<int?>("favorite_blog_id", foreignKey: prefix + "blog.id", foreignKeyUseAlter: useAlter));
        else
            _ = new Table(prefix + "person", m, new Column<int>("id", primaryKey: true), new Column<string?>("name", SqlTypes.String(32)),
                new Column<int?>("favorite_blog_id"),
                new ForeignKeyConstraint(["favorite_blog_id"], prefix + "blog", ["id"]) { Name = constraintName, UseAlter = useAlter });
        _ = new Table(prefix + "blog", m, new Column<int>("id", primaryKey: true), new Column<string?>("title", SqlTypes.String(32)),
            new Column<int?>("owner_id", foreignKey: prefix + "person.id"));
        _ = new Table(prefix + "other", m, new Column<int>("id", primaryKey: true), new Column<int?>("blog_id", foreignKey: prefix + "blog.id"));
        return m;
    }

    /// <summary>DDL statements run (existence checks left out), one line each.</summary>
    private static List<string> Ddl(Engine e, Action run)
    {
        var log = new List<string>();
        void On(object? _, StatementExecutedEventArgs a)
        {
            var sql = a.Sql.TrimStart();
            if (sql.StartsWith("CREATE", StringComparison.Ordinal) || sql.StartsWith("ALTER", StringComparison.Ordinal) || sql.StartsWith("DROP", StringComparison.Ordinal))
                log.Add(string.Join(" ", sql.Split((char[])['\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(x => x.Trim())));
        }
        e.StatementExecuted += On;
        try { run(); }
        finally { e.StatementExecuted -= On; }
        return log;
    }

    private static readonly LinesComparer Lines = new();

    /// <summary>Compares line lists and shows both whole when they differ.</summary>
    private sealed class LinesComparer : IEqualityComparer<IEnumerable<string>>
    {
        public bool Equals(IEnumerable<string>? x, IEnumerable<string>? y) =>
            x!.SequenceEqual(y!) ? true : throw new Xunit.Sdk.XunitException("expected:\n" + string.Join("\n", x!) + "\nactual:\n" + string.Join("\n", y!));
        public int GetHashCode(IEnumerable<string> obj) => 0;
    }

    /// <summary>Schema text with the table prefix in it (not a parameter).</summary>
    private static void Sql(Engine e, string sql) => e.Execute(Db.Text(sql));

    private static void Reset(Engine e, MetaData m)
    {
        foreach (var t in m.Tables.Keys) Sql(e, e.Dialect.Name == "postgresql" ? $"DROP TABLE IF EXISTS {t} CASCADE" : $"DROP TABLE IF EXISTS {t}");
    }

    /// <summary>The cycle works: rows pointing at each other can be written, and both keys are enforced.</summary>
    private static void AssertEnforced(Engine e, string p)
    {
        Sql(e, $"INSERT INTO {p}person (id, name) VALUES (1, 'p')");
        Sql(e, $"INSERT INTO {p}blog (id, title, owner_id) VALUES (1, 'b', 1)");
        Sql(e, $"UPDATE {p}person SET favorite_blog_id = 1");
        Assert.Throws<IntegrityException>(() => Sql(e, $"UPDATE {p}person SET favorite_blog_id = 99"));
        Assert.Throws<IntegrityException>(() => Sql(e, $"UPDATE {p}blog SET owner_id = 99"));
        Sql(e, $"UPDATE {p}person SET favorite_blog_id = NULL");
        Sql(e, $"DELETE FROM {p}blog");
        Sql(e, $"DELETE FROM {p}person");
    }

    [Theory, MemberData(nameof(Dialects))]
    public void A_detected_cycle_is_created_then_altered_and_dropped_constraints_first(string dialect)
    {
        using var e = TestDb.Open(dialect);
        const string p = "x_cyc_a_";
        var m = Cycle(p, useAlter: false);
        Reset(e, m);
        var create = Ddl(e, () => m.CreateAll(e));
        if (dialect == "postgresql")
            Assert.Equal(
            [
                "CREATE TABLE x_cyc_a_person ( id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL, name VARCHAR(32), favorite_blog_id INTEGER, PRIMARY KEY (id) )",
                "CREATE TABLE x_cyc_a_blog ( id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL, title VARCHAR(32), owner_id INTEGER, PRIMARY KEY (id) )",
                "CREATE TABLE x_cyc_a_other ( id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL, blog_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(blog_id) REFERENCES x_cyc_a_blog (id) )",
                "ALTER TABLE x_cyc_a_person ADD CONSTRAINT fk_x_cyc_a_person_favorite_blog_id_x_cyc_a_blog FOREIGN KEY(favorite_blog_id) REFERENCES x_cyc_a_blog (id)",
                "ALTER TABLE x_cyc_a_blog ADD CONSTRAINT fk_x_cyc_a_blog_owner_id_x_cyc_a_person FOREIGN KEY(owner_id) REFERENCES x_cyc_a_person (id)",
            ], create, Lines);
        else
            Assert.Equal(
            [
                "CREATE TABLE x_cyc_a_person ( id INTEGER NOT NULL, name VARCHAR(32), favorite_blog_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(favorite_blog_id) REFERENCES x_cyc_a_blog (id) )",
                "CREATE TABLE x_cyc_a_blog ( id INTEGER NOT NULL, title VARCHAR(32), owner_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(owner_id) REFERENCES x_cyc_a_person (id) )",
                "CREATE TABLE x_cyc_a_other ( id INTEGER NOT NULL, blog_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(blog_id) REFERENCES x_cyc_a_blog (id) )",
            ], create, Lines);
        AssertEnforced(e, p);
        Assert.Empty(Ddl(e, () => m.CreateAll(e)));             // checkFirst: nothing twice, no ALTER for existing tables
        var drop = Ddl(e, () => m.DropAll(e));
        var expectedDrops = new List<string>();
        if (dialect == "postgresql")
            expectedDrops.AddRange(["ALTER TABLE x_cyc_a_person DROP CONSTRAINT fk_x_cyc_a_person_favorite_blog_id_x_cyc_a_blog",
                                    "ALTER TABLE x_cyc_a_blog DROP CONSTRAINT fk_x_cyc_a_blog_owner_id_x_cyc_a_person"]);
        expectedDrops.AddRange(["DROP TABLE x_cyc_a_other", "DROP TABLE x_cyc_a_blog", "DROP TABLE x_cyc_a_person"]);
        Assert.Equal(expectedDrops, drop, Lines);
        Assert.Empty(Ddl(e, () => m.DropAll(e)));               // checkFirst: the constraints of missing tables are skipped too
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Use_alter_defers_only_that_key_and_a_named_constraint_keeps_its_name(string dialect)
    {
        using var e = TestDb.Open(dialect);
        const string p = "x_cyc_b_";
        var m = Cycle(p, useAlter: true, constraintName: "fk_person_blog");
        Reset(e, m);
        var create = Ddl(e, () => m.CreateAll(e));
        if (dialect == "postgresql")
            Assert.Equal(
            [
                "CREATE TABLE x_cyc_b_person ( id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL, name VARCHAR(32), favorite_blog_id INTEGER, PRIMARY KEY (id) )",
                "CREATE TABLE x_cyc_b_blog ( id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL, title VARCHAR(32), owner_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(owner_id) REFERENCES x_cyc_b_person (id) )",
                "CREATE TABLE x_cyc_b_other ( id INTEGER GENERATED BY DEFAULT AS IDENTITY NOT NULL, blog_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(blog_id) REFERENCES x_cyc_b_blog (id) )",
                "ALTER TABLE x_cyc_b_person ADD CONSTRAINT fk_person_blog FOREIGN KEY(favorite_blog_id) REFERENCES x_cyc_b_blog (id)",
            ], create, Lines);
        else
            Assert.Equal(
            [
                "CREATE TABLE x_cyc_b_person ( id INTEGER NOT NULL, name VARCHAR(32), favorite_blog_id INTEGER, PRIMARY KEY (id), CONSTRAINT fk_person_blog FOREIGN KEY(favorite_blog_id) REFERENCES x_cyc_b_blog (id) )",
                "CREATE TABLE x_cyc_b_blog ( id INTEGER NOT NULL, title VARCHAR(32), owner_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(owner_id) REFERENCES x_cyc_b_person (id) )",
                "CREATE TABLE x_cyc_b_other ( id INTEGER NOT NULL, blog_id INTEGER, PRIMARY KEY (id), FOREIGN KEY(blog_id) REFERENCES x_cyc_b_blog (id) )",
            ], create, Lines);
        AssertEnforced(e, p);
        var drop = Ddl(e, () => m.DropAll(e));
        var expectedDrops = new List<string>();
        if (dialect == "postgresql") expectedDrops.Add("ALTER TABLE x_cyc_b_person DROP CONSTRAINT fk_person_blog");
        expectedDrops.AddRange(["DROP TABLE x_cyc_b_other", "DROP TABLE x_cyc_b_blog", "DROP TABLE x_cyc_b_person"]);
        Assert.Equal(expectedDrops, drop, Lines);
    }

    [Fact]
    public void Use_alter_on_a_column_key_without_a_cycle_and_mysql_drops_a_foreign_key()
    {
        var m = Cycle("x_", useAlter: true);
        foreach (var (url, drop) in new[] { ("postgresql://", "ALTER TABLE x_person DROP CONSTRAINT fk_x_person_favorite_blog_id_x_blog"),
                                            ("mysql://", "ALTER TABLE x_person DROP FOREIGN KEY fk_x_person_favorite_blog_id_x_blog") })
        {
            var sql = new List<string>();
            using var mock = Engine.CreateMock(url, s => sql.Add(s.Sql));
            m.CreateAll(mock, checkFirst: false);
            Assert.Equal(4, sql.Count);
            Assert.DoesNotContain("favorite_blog_id) REFERENCES", sql[0]);
            Assert.Contains("owner_id) REFERENCES", sql[1]);
            Assert.StartsWith("ALTER TABLE x_person ADD CONSTRAINT fk_x_person_favorite_blog_id_x_blog FOREIGN KEY(favorite_blog_id) REFERENCES x_blog (id)",
                sql[3].Replace("`", ""));
            sql.Clear();
            m.DropAll(mock, checkFirst: false);
            Assert.Equal([drop, "DROP TABLE x_other", "DROP TABLE x_blog", "DROP TABLE x_person"], sql.Select(s => s.Replace("`", "")));
        }
    }
}
