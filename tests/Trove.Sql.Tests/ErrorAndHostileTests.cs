using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

public class ErrorAndHostileTests
{
    private static (Engine, MetaData, Table, Column<int>, Column<string>, Table, Column<int?>) Model(string dialect, string p)
    {
        var e = TestDb.Open(dialect);
        var m = new MetaData();
        var id = new Column<int>("id", primaryKey: true);
        var name = new Column<string>("name", SqlTypes.String(50), nullable: false, unique: true);
        var parent = new Table(p + "parent", m, id, name, new Column<int?>("n"), new CheckConstraint("n IS NULL OR n > 0") { Name = p + "ck_n" });
        var pid = new Column<int?>("pid", foreignKey: p + "parent.id");
        var child = new Table(p + "child", m, new Column<int>("id", primaryKey: true), pid);
        m.DropAll(e);
        m.CreateAll(e);
        return (e, m, parent, id, name, child, pid);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void IntegrityErrorsCarryKindNameSqlAndParameters(string dialect)
    {
        var (e, m, parent, id, name, child, pid) = Model(dialect, "err_");
        using var _ = e;
        e.Execute(Db.Insert(parent).Value(id, 1).Value(name, "a"));
        var dup = Assert.Throws<IntegrityException>(() => e.Execute(Db.Insert(parent).Value(id, 2).Value(name, "a")));
        Assert.Equal(ConstraintKind.Unique, dup.ConstraintKind);
        Assert.StartsWith($"({dialect}) ", dup.Message);
        Assert.Contains("\n[SQL: INSERT INTO err_parent (id, name) VALUES (", dup.Message);
        Assert.Contains("\n[parameters: (2, 'a')]", dup.Message);
        Assert.Equal(new object?[] { 2, "a" }, dup.Parameters);
        Assert.StartsWith("INSERT INTO err_parent", dup.Sql);
        Assert.Equal(dialect == "sqlite" ? "err_parent.name" : "err_parent_name_key", dup.ConstraintName);

        var pk = Assert.Throws<IntegrityException>(() => e.Execute(Db.Insert(parent).Value(id, 1).Value(name, "b")));
        Assert.Equal(ConstraintKind.PrimaryKey, pk.ConstraintKind);
        var fk = Assert.Throws<IntegrityException>(() => e.Execute(Db.Insert(child).Value(child.C.Get<int>("id"), 1).Value(pid, 999)));
        Assert.Equal(ConstraintKind.ForeignKey, fk.ConstraintKind);
        if (dialect != "sqlite") Assert.Equal("err_child_pid_fkey", fk.ConstraintName);
        var nn = Assert.Throws<IntegrityException>(() => e.Execute(Db.Insert(parent).Value(id, 5)));
        Assert.Equal(ConstraintKind.NotNull, nn.ConstraintKind);
        var ck = Assert.Throws<IntegrityException>(() => e.Execute(Db.Insert(parent).Value(id, 6).Value(name, "c").Value(parent.C.Get<int?>("n"), -1)));
        Assert.Equal(ConstraintKind.Check, ck.ConstraintKind);
        if (dialect != "sqlite") Assert.Equal("err_ck_n", ck.ConstraintName);
        m.DropAll(e);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void ProgrammingErrors(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var noTable = Assert.Throws<ProgrammingException>(() => e.Execute(Db.Text("select * from no_such_table_x")));
        Assert.Equal("select * from no_such_table_x", noTable.Sql);
        Assert.StartsWith($"({dialect}) ", noTable.Message);
        Assert.EndsWith("\n[SQL: select * from no_such_table_x]", noTable.Message);
        Assert.Throws<ProgrammingException>(() => e.Execute(Db.Select(Db.Column<int>("nope"))));
        // Errors carry the SQL and the bound values, also when the plan came from the compiled cache.
        var nope = Db.Column<int>("nope");
        var first = Assert.Throws<ProgrammingException>(() => e.Execute(Db.Select(nope).Where(nope == 5)));
        var cached = Assert.Throws<ProgrammingException>(() => e.Execute(Db.Select(nope).Where(nope == 6)));
        Assert.Equal(first.Sql, cached.Sql);
        Assert.Equal(new object?[] { 6 }, cached.Parameters);
        Assert.EndsWith($"\n[SQL: {cached.Sql}]\n[parameters: (6,)]", cached.Message);
        Assert.Contains(dialect == "sqlite" ? "no such column: nope" : "42703: column \"nope\" does not exist", cached.Message);
        Assert.Throws<ProgrammingException>(() => e.Execute(Db.Select(Func.Call<int>("no_such_function_x", 1))));
        Assert.Throws<ProgrammingException>(() => e.Execute(Db.Text("selec 1")));
        var m = new MetaData();
        var t = new Table("never_created_x", m, new Column<int>("id", primaryKey: true));
        Assert.Throws<ProgrammingException>(() => t.Drop(e));
        t.Drop(e, checkFirst: true);
    }

    [Fact]
    public void HiddenParameters()
    {
        using var e = Engine.Create("sqlite://", new EngineOptions { HideParameters = true });
        var ex = Assert.Throws<ProgrammingException>(() => e.Execute(Db.Text($"select {"secret" + 1} from nope")));
        Assert.Null(ex.Parameters);
        Assert.DoesNotContain("secret", ex.Message);
    }

    public static IEnumerable<object[]> Hostile()
    {
        foreach (var d in TestDb.Dialects())
            foreach (var v in new[] { "it's", "'; DROP TABLE hostile_t; --", "a\"b", "-- comment", "/* x */", "\\'", "100%_", "$1 @p0 :name ?", new string('x', 1_000_000), "line\nbreak\r\ttab", "emoji 😀 中文" })
                yield return [d[0], v];
    }

    [Theory, MemberData(nameof(Hostile))]
    public void HostileValuesRoundTripAndNeverChangeTheSql(string dialect, string value)
    {
        using var e = TestDb.Open(dialect);
        var m = new MetaData();
        var id = new Column<int>("id", primaryKey: true);
        var s = new Column<string?>("s", SqlTypes.Text);
        var t = new Table("hostile_t", m, id, s);
        string? seen = null;
        e.StatementExecuted += (_, a) => { if (a.Sql.StartsWith("INSERT", StringComparison.Ordinal) || a.Sql.StartsWith("SELECT hostile", StringComparison.Ordinal)) seen ??= a.Sql; };
        m.DropAll(e); m.CreateAll(e);
        e.Execute(Db.Insert(t).Value(id, 1).Value(s, value));
        Assert.Equal(dialect == "sqlite" ? "INSERT INTO hostile_t (id, s) VALUES (@p0, @p1)" : "INSERT INTO hostile_t (id, s) VALUES ($1, $2)", seen);
        Assert.Equal(value, e.Scalar<string>(Db.Select(s).Where(id == 1)));
        Assert.Equal(1, e.Scalar<int>(Db.Select(id).Where(s == value)));
        Assert.Equal(value, e.Scalar<string>(Db.Text($"select s from hostile_t where s = {value}")));
        Assert.Equal(1L, e.Scalar<long>(Db.Select(Func.Count()).SelectFrom(t)));
        m.DropAll(e);
    }

    [Theory, InlineData("sqlite"), PgData]
    public void NulBytes(string dialect)
    {
        using var e = TestDb.Open(dialect);
        var m = new MetaData();
        var id = new Column<int>("id", primaryKey: true);
        var s = new Column<string?>("s", SqlTypes.Text);
        var bin = new Column<byte[]?>("b", SqlTypes.LargeBinary());
        var t = new Table("nul_t", m, id, s, bin);
        m.DropAll(e); m.CreateAll(e);
        string withNul = "a\0b'; --";
        byte[] bytes = [0, 39, 59, 0, 45, 45, 0];
        e.Execute(Db.Insert(t).Value(id, 1).Value(bin, bytes));
        Assert.Equal(bytes, e.Scalar<byte[]>(Db.Select(bin).Where(id == 1)));
        Assert.Equal(1, e.Scalar<int>(Db.Select(id).Where(bin == bytes)));
        if (dialect == "sqlite")
        {
            e.Execute(Db.Update(t).Set(s, withNul).Where(id == 1));
            Assert.Equal(withNul, e.Scalar<string>(Db.Select(s).Where(id == 1)));
        }
        else
        {
            // PostgreSQL text cannot hold NUL: the server rejects the value (SQLSTATE 22021), the SQL is untouched.
            var ex = Assert.Throws<DataException>(() => e.Execute(Db.Update(t).Set(s, withNul).Where(id == 1)));
            Assert.Equal("22021", ex.SqlState);
            Assert.Equal("UPDATE nul_t SET s=$1 WHERE nul_t.id = $2", ex.Sql);
            Assert.Null(e.Scalar<string>(Db.Select(s).Where(id == 1)));
        }
        m.DropAll(e);
    }
}
