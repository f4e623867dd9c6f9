using Trove.Sql;
using Trove.Sql.Dialects;

namespace Trove.Sql.Tests;

public class UrlTests
{
    [Fact]
    public void ParsesEveryPart()
    {
        var u = Url.Parse("postgresql+psycopg2://scott:tiger@localhost:5433/mydatabase?sslmode=disable&application_name=x");
        Assert.Equal("postgresql", u.Dialect);
        Assert.Equal("psycopg2", u.Driver);
        Assert.Equal("scott", u.Username);
        Assert.Equal("tiger", u.Password);
        Assert.Equal("localhost", u.Host);
        Assert.Equal(5433, u.Port);
        Assert.Equal("mydatabase", u.Database);
        Assert.Equal("disable", u.Query["sslmode"]);
        Assert.Equal("x", u.Query["application_name"]);
    }

    [Fact]
    public void MakeUrlAndUrlObjectAreEqual()
    {
        // seed 004 §2.1: make_url(s) == URL(drivername='postgresql', username='test', host='localhost', port=5432, database='bbcustom')
        var parsed = Url.Parse("postgresql://test@localhost:5432/bbcustom");
        var built = new Url("postgresql") { Username = "test", Host = "localhost", Port = 5432, Database = "bbcustom" };
        Assert.Equal(parsed, built);
        Assert.True(parsed == built);
        Assert.Equal(parsed.GetHashCode(), built.GetHashCode());
        Assert.Null(parsed.Driver);
        Assert.Null(parsed.Password);
        Assert.NotEqual(parsed, built.Set(port: 5433));
    }

    [Fact]
    public void PasswordIsMasked()
    {
        var u = Url.Parse("postgresql://scott:tiger@localhost/db");
        Assert.Equal("postgresql://scott:***@localhost/db", u.ToString());
        Assert.Equal("postgresql://scott:tiger@localhost/db", u.Render(hidePassword: false));
        Assert.DoesNotContain("tiger", Engine.CreateMock(u, _ => { }).ToString());
    }

    [Fact]
    public void EscapedCharactersInPassword()
    {
        var u = Url.Parse("postgresql://user:p%40ss%3Aw@host/db");
        Assert.Equal("p@ss:w", u.Password);
        Assert.Equal(u, Url.Parse(u.Render(hidePassword: false)));
    }

    [Theory]
    [InlineData("sqlite://", null)]
    [InlineData("sqlite:///file.db", "file.db")]
    [InlineData("sqlite:////tmp/abs.db", "/tmp/abs.db")]
    [InlineData("sqlite:///:memory:", ":memory:")]
    public void SqliteForms(string s, string? database)
    {
        var u = Url.Parse(s);
        Assert.Equal("sqlite", u.Dialect);
        Assert.Null(u.Host);
        Assert.Equal(database, u.Database);
        Assert.IsType<SqliteDialect>(u.GetDialect());
    }

    [Theory]
    [InlineData("mysql+pymysql://root:pw@127.0.0.1:3306/test?charset=utf8", "mysql", "pymysql")]
    [InlineData("mysql+mysqldb://root@localhost/test", "mysql", "mysqldb")]
    [InlineData("mysql+mysqlconnector://root@localhost/test", "mysql", "mysqlconnector")]
    [InlineData("oracle+cx_oracle://scott:tiger@tnsname?key=value", "oracle", "cx_oracle")]
    [InlineData("postgresql+pg8000://test@localhost:5432/bbcustom", "postgresql", "pg8000")]
    public void Seed000And004UrlForms(string s, string dialect, string driver)
    {
        var u = Url.Parse(s);
        Assert.Equal(dialect, u.Dialect);
        Assert.Equal(driver, u.Driver);
    }

    [Theory]
    [InlineData("postgres//x")]
    [InlineData("://x")]
    [InlineData("no-scheme")]
    [InlineData("postgresql://host:notaport/db")]
    public void InvalidUrlsThrowFormatException(string s)
    {
        var e = Assert.Throws<FormatException>(() => Url.Parse(s));
        Assert.Equal($"Could not parse URL from string '{s}': expected dialect[+driver]://[user[:password]@][host][:port][/database][?key=value…]", e.Message);
    }

    [Fact]
    public void DialectAndDriverErrors()
    {
        var e = Assert.Throws<NoSuchDialectException>(() => Engine.Create("oracle://scott:tiger@tnsname"));
        Assert.Equal("Can't load dialect 'oracle'; available: sqlite, postgresql, mysql", e.Message);
        var d = Assert.Throws<NoSuchDriverException>(() => Engine.Create("mysql+mysqlconnector://root@localhost/test"));
        Assert.Equal("No driver registered for 'mysql+mysqlconnector'", d.Message);
        Assert.Throws<NoSuchDriverException>(() => Engine.Create("mysql://root@localhost/test"));
        Assert.Throws<NoSuchDriverException>(() => Engine.Create("postgresql+pg8000://test@localhost/x"));
        Assert.IsType<MySqlDialect>(Url.Parse("mysql+pymysql://x@y/z").GetDialect());
        Assert.IsType<PostgreSqlDialect>(Url.Parse("postgresql+pg8000://x@y/z").GetDialect());
    }

    [Fact]
    public void EngineConnectsLazily()
    {
        // Nothing listens on port 1: creating the engine must not fail, the first Connect does.
        using var e = Engine.Create("postgresql://nobody@127.0.0.1:1/none", new EngineOptions { PoolTimeout = TimeSpan.FromSeconds(5) });
        Assert.Equal("postgresql", e.Dialect.Name);
        var ex = Assert.Throws<OperationalException>(() => e.Connect());
        Assert.StartsWith("(postgresql) ", ex.Message);
    }
}
