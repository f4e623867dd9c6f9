using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S004Hybrid;
using Trove.Orm.Tests.Models.S004Types;
using Trove.Sql;

namespace Trove.Orm.Tests.Seeds;

/// <summary>Seed 004 §6 (column types round trip) and §7.1–7.2 (hybrids), on SQLite and PostgreSQL.</summary>
public class Seed004TypesHybridTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    [Theory, MemberData(nameof(Dialects))]
    public void S6_values_round_trip_with_their_clr_types(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        using var log = new StatementLog(engine);
        void Sql(params string[] expected) => Assert.Equal(expected, log.Take(dmlOnly: false));
        // >>> Base.metadata.create_all(engine). Deliberate differences (orm.md §3, 004 §6.1 rows): bool and enum columns
        // get a CHECK constraint by default (SQLAlchemy 1.4 defaults create_constraint to False), enums are VARCHAR + CHECK
        // on PostgreSQL too unless NativeEnum (the reference's PG DDL uses native types ab / color), and TimeSpan is BIGINT
        // microseconds on SQLite (SQLAlchemy: a DATETIME of epoch + delta).
        Models.S004Types.Base.Metadata.CreateAll(engine);
        var ddl = log.Sql.Single(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal));
        Assert.Equal(["CREATE TABLE t"], log.Summary().Where(x => x.StartsWith("CREATE", StringComparison.Ordinal)));
        log.Clear();
        Assert.Contains("n NUMERIC(10, 2)", ddl);
        Assert.Contains("s VARCHAR(32)", ddl);
        Assert.Contains("t TEXT", ddl);
        Assert.Contains("big BIGINT", ddl);
        Assert.Contains("small SMALLINT", ddl);
        Assert.Contains(dialect == "sqlite" ? "blob BLOB" : "blob BYTEA", ddl);
        Assert.Contains(dialect == "sqlite" ? "iv BIGINT" : "iv INTERVAL", ddl);
        if (dialect == "postgresql")
        {
            Assert.Contains("dt TIMESTAMP WITHOUT TIME ZONE", ddl);
            Assert.Contains("dtz TIMESTAMP WITH TIME ZONE", ddl);
            Assert.Contains("tm TIME WITHOUT TIME ZONE", ddl);
        }

        // >>> session.add(T(id=1, big=2**40, …)); session.commit(); session.expire_all(); t = session.query(T).get(1)
        var session = new Trove.Orm.Session(engine);
        var dtz = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        session.Add(new T
        {
            Id = 1, Big = 1L << 40, Small = 7, Flag = true, D = new DateOnly(2020, 1, 2), Dt = new DateTime(2020, 1, 2, 3, 4, 5).AddTicks(60),
            Dtz = dtz, Tm = new TimeOnly(3, 4, 5), Iv = TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5), E = Ab.A, Pe = Color.Green, F = 1.5, N = 12.345m,
            Blob = [0, 1, 255], Pk = new() { ["k"] = [1, 2] }, S = "str", U = "中文", Txt = string.Concat(Enumerable.Repeat("long text ", 3)), Ut = "长文本",
        });
        session.Commit();
        Sql("BEGIN", "INSERT t", "COMMIT");
        session.ExpireAll();
        var t = session.Get<T>(1)!;
        Sql("BEGIN", "SELECT t");
        Assert.Equal((1, 1L << 40, (short)7, true), (t.Id, t.Big, t.Small, t.Flag));
        Assert.Equal(new DateOnly(2020, 1, 2), t.D);
        Assert.Equal(new DateTime(2020, 1, 2, 3, 4, 5).AddTicks(60), t.Dt); // microseconds kept
        Assert.Equal(dtz.UtcDateTime, t.Dtz!.Value.UtcDateTime);
        Assert.Equal(new TimeOnly(3, 4, 5), t.Tm);
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5), t.Iv);
        Assert.Equal((Ab.A, Color.Green), (t.E, t.Pe));
        Assert.Equal(1.5, t.F);
        Assert.Equal(12.35m, Math.Round(t.N!.Value, 2, MidpointRounding.AwayFromZero)); // Numeric(10, 2) (SQLite stores a REAL)
        Assert.Equal(new byte[] { 0, 1, 255 }, t.Blob);
        Assert.Equal([1, 2], t.Pk!["k"]);
        Assert.Equal(("str", "中文", "long text long text long text ", "长文本"), (t.S, t.U, t.Txt, t.Ut));
        Sql();
        // raw storage: enums store the member name (or [EnumValue]); filters compare in the stored form
        Assert.Equal("Green", session.Execute(Db.Text("select pe from t")).Scalar<string>());
        Assert.Equal("a", session.Execute(Db.Text("select e from t")).Scalar<string>());
        Assert.Single(session.Query<T>().Where(x => x.Pe == Color.Green).ToList());
        Assert.Empty(session.Query<T>().Where(x => x.E == Ab.B).ToList());
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5), session.Query<T>().Select(x => x.Iv).Single()); // projected too
        log.Clear();

        // >>> session.add(T(id=2, flag=2)); session.flush(): a Python-side StatementError; a C# bool cannot hold 2, so
        // only the reference's session.rollback() remains
        session.Rollback();
        Sql("ROLLBACK");

        // >>> session.add(T(id=3, e='zzz')); session.commit(); session.query(T).get(3).e: a C# enum cannot hold 'zzz', so
        // the row is written as text ('z': PostgreSQL enforces the VARCHAR(1) that SQLite ignores); reading it back fails
        // naming the allowed values
        session.Execute(Db.Text("insert into t (id, e) values (3, 'z')"));
        session.Commit();
        Sql("BEGIN", "INSERT t", "COMMIT");
        session.ExpireAll();
        var e = Assert.Throws<InvalidCastException>(() => session.Get<T>(3));
        Assert.Contains("'z' is not among the defined enum values", e.Message);
        Sql("BEGIN", "SELECT t");
        session.Dispose();
        Sql("ROLLBACK");
    }

    [Theory, MemberData(nameof(Dialects))]
    public void S7_hybrid_property_and_method_in_sql_and_on_instances(string dialect)
    {
        using var engine = OrmDb.Open(dialect);
        Models.S004Hybrid.Base.Metadata.CreateAll(engine);
        var session = new Trove.Orm.Session(engine);
        using var log = new StatementLog(engine);
        void Sql(params string[] expected) => Assert.Equal(expected, log.Take(dmlOnly: false));

        // >>> session.add(Interval(start=0, end=100)); session.commit(); ins = session.query(Interval).first(); ins.end - ins.start
        session.Add(new Interval { Start = 0, End = 100 });
        session.Commit();
        Sql("BEGIN", "INSERT interval", "COMMIT");
        var ins = session.Query<Interval>().FirstOrDefault()!;
        Assert.Equal(100, ins.End - ins.Start);
        Sql("BEGIN", "SELECT interval");
        // >>> filter(Interval.end - Interval.start > 10).first(): the same expression as SQL
        Assert.Same(ins, session.Query<Interval>().Where(i => i.End - i.Start > 10).FirstOrDefault());
        Assert.Contains("WHERE interval.\"end\" - interval.start > ", log.Sql[^1]);
        Sql("SELECT interval");
        // >>> filter(Interval.length > 10).first(); filter(Interval.bigger(10)).first(); ins.bigger(1)
        Assert.Same(ins, session.Query<Interval>().Where(i => i.Length > 10).FirstOrDefault());
        Assert.Contains("WHERE interval.\"end\" - interval.start > ", log.Sql[^1]);
        Sql("SELECT interval");
        Assert.Same(ins, session.Query<Interval>().Where(i => i.Bigger(10)).FirstOrDefault());
        Assert.Contains("WHERE interval.\"end\" - interval.start > ", log.Sql[^1]);
        Sql("SELECT interval");
        Assert.True(ins.Bigger(1));
        Sql();
        Assert.Empty(session.Query<Interval>().Where(i => i.Bigger(200)).ToList());
        Sql("SELECT interval");
        // (beyond the seed: a hybrid in ORDER BY and in a projection)
        Assert.Equal([100], session.Query<Interval>().OrderBy(i => i.Length).Select(i => i.Length).ToList());
        Sql("SELECT interval");
        session.Dispose();
        Sql("ROLLBACK");

        // >>> Interval2: length = abs(end - start) with a setter, no @length.expression
        session = new Trove.Orm.Session(engine);
        var i2 = new Interval2 { Start = 5, End = 1 };
        Assert.Equal(4, i2.Length);     // abs() at instance level
        i2.Length = 10;
        Assert.Equal(15, i2.End);       // setter
        session.Add(i2);
        session.Commit();
        Sql("BEGIN", "INSERT interval2", "COMMIT");
        // >>> session.query(Interval2).filter(Interval2.length > 1).first(): Python's abs() cannot take a SQL expression
        // (TypeError, no SQL); orm.md §3 (004 §7.2) translates Math.Abs to SQL abs(), so the same hybrid works in SQL
        Assert.Same(i2, session.Query<Interval2>().Where(i => i.Length > 1).FirstOrDefault());
        Assert.Contains("abs(interval2.\"end\" - interval2.start) >", log.Sql[^1]);
        Sql("BEGIN", "SELECT interval2");
        session.Dispose();
        Sql("ROLLBACK");

        // >>> @length.expression def length(cls): return func.abs(cls.end - cls.start); filter(Interval.length > 1).first()
        session = new Trove.Orm.Session(engine);
        session.Add(new Interval3 { Start = 5, End = 1 });
        session.Commit();
        log.Clear();
        Assert.NotNull(session.Query<Interval3>().Where(i => i.Length > 1).FirstOrDefault());
        Assert.Contains("WHERE abs(interval3.\"end\" - interval3.start) >", log.Sql[^1]);
        Sql("BEGIN", "SELECT interval3");
        session.Dispose();
        Sql("ROLLBACK");
    }
}
