using System.Text.Json.Serialization;
using Trove.Sql;
using Trove.Sql.Dialects;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

public enum Color { Red, Green, Blue }
public enum AuthType { SshPasswd, SshKey }
public sealed record Prefs(string Theme, int[] Sizes);

[JsonSerializable(typeof(Prefs))]
public partial class TestJsonContext : JsonSerializerContext;

/// <summary>Seed 004 §6.1 types: DDL on both dialects and values round-tripping.</summary>
public class TypesTests
{
    private static (MetaData, Table) Model(string name)
    {
        var m = new MetaData();
        var t = new Table(name, m,
            new Column<int>("id", primaryKey: true, autoincrement: false),
            new Column<long?>("big"),
            new Column<short?>("small"),
            new Column<bool?>("flag"),
            new Column<DateOnly?>("d"),
            new Column<DateTime?>("dt"),
            new Column<DateTimeOffset?>("dtz"),
            new Column<TimeOnly?>("tm"),
            new Column<TimeSpan?>("iv"),
            new Column<AuthType?>("e", SqlTypes.Enum<AuthType>(new Dictionary<AuthType, string> { [AuthType.SshPasswd] = "ssh-passwd", [AuthType.SshKey] = "ssh-key" }, name: name + "_auth")),
            new Column<Color?>("pe", SqlTypes.Enum<Color>(name: name + "_color")),
            new Column<double?>("f"),
            new Column<decimal?>("n", SqlTypes.Numeric(10, 2)),
            new Column<byte[]?>("blob", SqlTypes.LargeBinary()),
            new Column<Prefs?>("pk", SqlTypes.Json(TestJsonContext.Default.Prefs)),
            new Column<string?>("s", SqlTypes.String(32)),
            new Column<string?>("u", SqlTypes.Unicode(32)),
            new Column<string?>("t", SqlTypes.Text),
            new Column<string?>("ut", SqlTypes.UnicodeText));
        return (m, t);
    }

    [Fact]
    public void SqliteDdl()
    {
        var (_, t) = Model("t");
        Assert.Equal("""
            CREATE TABLE t (
            	id INTEGER NOT NULL, 
            	big BIGINT, 
            	small SMALLINT, 
            	flag INTEGER, 
            	d DATE, 
            	dt DATETIME, 
            	dtz DATETIME, 
            	tm TIME, 
            	iv BIGINT, 
            	e VARCHAR(10), 
            	pe VARCHAR(5), 
            	f FLOAT, 
            	n NUMERIC(10, 2), 
            	blob BLOB, 
            	pk BLOB, 
            	s VARCHAR(32), 
            	u VARCHAR(32), 
            	t TEXT, 
            	ut TEXT, 
            	PRIMARY KEY (id), 
            	CHECK (flag IN (0, 1)), 
            	CHECK (e IN ('ssh-passwd', 'ssh-key')), 
            	CHECK (pe IN ('Red', 'Green', 'Blue'))
            )
            """.Replace("\r", ""), Dialect.Sqlite.CreateTableSql(t));
    }

    [Fact]
    public void PostgreSqlDdl()
    {
        var (_, t) = Model("t");
        Assert.Equal("""
            CREATE TABLE t (
            	id INTEGER NOT NULL, 
            	big BIGINT, 
            	small SMALLINT, 
            	flag BOOLEAN, 
            	d DATE, 
            	dt TIMESTAMP WITHOUT TIME ZONE, 
            	dtz TIMESTAMP WITH TIME ZONE, 
            	tm TIME WITHOUT TIME ZONE, 
            	iv INTERVAL, 
            	e VARCHAR(10), 
            	pe VARCHAR(5), 
            	f FLOAT, 
            	n NUMERIC(10, 2), 
            	blob BYTEA, 
            	pk BYTEA, 
            	s VARCHAR(32), 
            	u VARCHAR(32), 
            	t TEXT, 
            	ut TEXT, 
            	PRIMARY KEY (id), 
            	CHECK (e IN ('ssh-passwd', 'ssh-key')), 
            	CHECK (pe IN ('Red', 'Green', 'Blue'))
            )
            """.Replace("\r", ""), Dialect.PostgreSql.CreateTableSql(t));
    }

    [PgFact]
    public void NativePostgreSqlEnum()
    {
        using var e = Engine.Create(TestDb.PgUrl);
        var m = new MetaData();
        var t = new Table("native_enum_t", m, new Column<int>("id", primaryKey: true, autoincrement: false),
            new Column<Color?>("c", SqlTypes.Enum<Color>(name: "native_color", nativeEnum: true)));
        Assert.Contains("c native_color", e.Dialect.CreateTableSql(t));
        m.DropAll(e);
        m.CreateAll(e);
        e.Execute(Db.Insert(t).Value(t.C.Get<int>("id"), 1).Value(t.C.Get<Color?>("c"), Color.Blue));
        Assert.Equal(Color.Blue, e.Execute(Db.Select(t).Where(t.C.Get<Color?>("c") == Color.Blue)).Single()["c"]);
        m.DropAll(e);
        string typeName = "native_color";
        Assert.Equal(0L, e.Scalar<long>(Db.Text($"select count(*) from pg_type where typname = {typeName}")));
    }

    [Fact]
    public void BooleanWithoutConstraintAndCollation()
    {
        var m = new MetaData();
        var t = new Table("t2", m, new Column<bool>("flag", SqlTypes.Boolean(createConstraint: false)), new Column<string>("s", SqlTypes.String(10, collation: "NOCASE")));
        Assert.Equal("CREATE TABLE t2 (\n\tflag INTEGER NOT NULL, \n\ts VARCHAR(10) COLLATE \"NOCASE\"\n)", Dialect.Sqlite.CreateTableSql(t));
    }

    [Theory, InlineData("sqlite"), PgData]
    public void ValuesRoundTrip(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var (m, t) = Model("types_rt");
        m.DropAll(e);
        m.CreateAll(e);
        var dt = new DateTime(2020, 1, 2, 3, 4, 5, 6);
        var dtz = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);
        e.Execute(Db.Insert(t).Values(new Dictionary<string, object?>
        {
            ["id"] = 1, ["big"] = 1L << 40, ["small"] = (short)7, ["flag"] = true, ["d"] = new DateOnly(2020, 1, 2), ["dt"] = dt, ["dtz"] = dtz,
            ["tm"] = new TimeOnly(3, 4, 5), ["iv"] = TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5), ["e"] = AuthType.SshKey, ["pe"] = Color.Green,
            ["f"] = 1.5, ["n"] = 12.345m, ["blob"] = new byte[] { 0, 1, 255 }, ["pk"] = new Prefs("dark", [1, 2]), ["s"] = "str", ["u"] = "中文",
            ["t"] = "long text", ["ut"] = "长文本",
        }));
        e.Execute(Db.Insert(t).Value(t.C.Get<int>("id"), 2));
        var r = e.Execute(Db.Select(t).Where(t.C.Get<int>("id") == 1)).Single();
        Assert.Equal(1L << 40, r.Get<long>("big"));
        Assert.Equal((short)7, r.Get<short>("small"));
        Assert.True(r.Get<bool>("flag"));
        Assert.Equal(new DateOnly(2020, 1, 2), r.Get<DateOnly>("d"));
        Assert.Equal(dt, r.Get<DateTime>("dt"));
        Assert.Equal(dtz, r.Get<DateTimeOffset>("dtz"));
        Assert.Equal(new TimeOnly(3, 4, 5), r.Get<TimeOnly>("tm"));
        Assert.Equal(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(5), r.Get<TimeSpan>("iv"));
        Assert.Equal(AuthType.SshKey, r["e"]);
        Assert.Equal(Color.Green, r.Get<Color>("pe"));
        Assert.Equal(1.5, r.Get<double>("f"));
        Assert.Equal(12.35m, r.Get<decimal>("n"));
        Assert.Equal(new byte[] { 0, 1, 255 }, r.Get<byte[]>("blob"));
        var prefs = r.Get<Prefs>("pk");
        Assert.Equal("dark", prefs.Theme);
        Assert.Equal([1, 2], prefs.Sizes);
        Assert.Equal("中文", r["u"]);
        Assert.Equal("长文本", r["ut"]);
        // enums are stored by (overridden) name
        Assert.Equal("ssh-key", e.Scalar<string>(Db.Text($"select e from types_rt where id = {1}")));
        Assert.Equal("Green", e.Scalar<string>(Db.Text($"select pe from types_rt where id = {1}")));
        var nulls = e.Execute(Db.Select(t).Where(t.C.Get<int>("id") == 2)).Single();
        Assert.All(nulls.Skip(1), v => Assert.Null(v));
        // filtering by typed values binds them through the column type
        Assert.Equal(1, e.Scalar<int>(Db.Select(t.C.Get<int>("id")).Where(t.C.Get<Color?>("pe") == Color.Green & t.C.Get<AuthType?>("e") == AuthType.SshKey)));
        m.DropAll(e);
    }

    [Fact]
    public void UnknownEnumNameFailsOnRead()
    {
        using var e = Engine.Create("sqlite://");
        var m = new MetaData();
        var t = new Table("t", m, new Column<int>("id", primaryKey: true), new Column<Color?>("c", SqlTypes.Enum<Color>(createConstraint: false)));
        m.CreateAll(e);
        e.Execute(Db.Text($"insert into t (id, c) values ({1}, {"zzz"})"));
        var ex = Assert.Throws<InvalidCastException>(() => e.Execute(Db.Select(t)));
        Assert.Equal("'zzz' is not among the defined enum values. Enum name: color. Possible values: Red, Green, Blue", ex.Message);
    }
}
