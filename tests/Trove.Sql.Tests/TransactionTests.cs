using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

public class TransactionTests
{
    private static (Engine, MetaData, Table, Column<int>, Column<string>) Model(string dialect, string name)
    {
        var e = dialect == "sqlite"
            ? Engine.Create($"sqlite:///{Path.Combine(Path.GetTempPath(), $"trove-sql-{Guid.NewGuid():N}.db")}")
            : TestDb.Open(dialect);
        var m = new MetaData();
        var id = new Column<int>("id", primaryKey: true);
        var n = new Column<string>("name", SqlTypes.String(20), unique: true);
        var t = new Table(name, m, id, n);
        m.DropAll(e); m.CreateAll(e);
        return (e, m, t, id, n);
    }

    private static List<string> Names(Engine e, Table t, Column<string> n) => e.Execute(Db.Select(n).SelectFrom(t).OrderBy(n.Asc())).Scalars<string>().ToList();

    [Theory, InlineData("sqlite"), PgData]
    public void CommitRollbackAndDisposeRollsBack(string dialect)
    {
        var (e, m, t, id, n) = Model(dialect, "tx_basic");
        using (e)
        {
            using (var c = e.Connect())
            {
                using (var tx = c.Begin())
                {
                    c.Execute(Db.Insert(t).Value(n, "committed"));
                    tx.Commit();
                    Assert.False(tx.IsActive);
                }
                using (var tx = c.Begin())
                {
                    c.Execute(Db.Insert(t).Value(n, "rolled back"));
                    tx.Rollback();
                }
                using (c.Begin()) c.Execute(Db.Insert(t).Value(n, "disposed"));
                c.Execute(Db.Insert(t).Value(n, "autocommit"));
                Assert.Throws<InvalidOperationException>(() => { using var a = c.Begin(); using var b = c.Begin(); });
            }
            Assert.Equal(["autocommit", "committed"], Names(e, t, n));
            m.DropAll(e);
        }
    }

    [Theory, InlineData("sqlite"), PgData]
    public void SavepointsRollBackOnlyTheInnerPart(string dialect)
    {
        var (e, m, t, id, n) = Model(dialect, "tx_nested");
        using (e)
        {
            var sql = new List<string>();
            e.StatementExecuted += (_, a) => { if (a.Sql.Contains("SAVEPOINT")) sql.Add(a.Sql); };
            using (var c = e.Connect())
            using (var tx = c.Begin())
            {
                c.Execute(Db.Insert(t).Value(n, "u1"));
                using (var sp = c.BeginNested())
                {
                    Assert.True(sp.IsNested);
                    c.Execute(Db.Insert(t).Value(n, "u3"));
                    sp.Rollback();
                }
                foreach (var name in new[] { "ok", "u1", "ok2" })
                {
                    try
                    {
                        using var sp = c.BeginNested();
                        c.Execute(Db.Insert(t).Value(n, name));
                        sp.Commit();
                    }
                    catch (IntegrityException ex) { Assert.Equal(ConstraintKind.Unique, ex.ConstraintKind); }
                }
                tx.Commit();
            }
            Assert.Equal(["ok", "ok2", "u1"], Names(e, t, n));
            Assert.Equal(["SAVEPOINT sa_savepoint_1", "ROLLBACK TO SAVEPOINT sa_savepoint_1", "SAVEPOINT sa_savepoint_2", "RELEASE SAVEPOINT sa_savepoint_2",
                "SAVEPOINT sa_savepoint_3", "ROLLBACK TO SAVEPOINT sa_savepoint_3", "SAVEPOINT sa_savepoint_4", "RELEASE SAVEPOINT sa_savepoint_4"], sql);
            m.DropAll(e);
        }
    }

    [Theory, InlineData("sqlite"), PgData]
    public void EngineExecuteCommitsItsOwnTransaction(string dialect)
    {
        var (e, m, t, id, n) = Model(dialect, "tx_engine");
        using (e)
        {
            e.Execute(Db.Insert(t).Value(n, "x"));
            using var other = e.Connect();
            Assert.Equal(["x"], other.Execute(Db.Select(n).SelectFrom(t)).Scalars<string>());
            other.Dispose();
            m.DropAll(e);
        }
    }

    [PgFact]
    public void ForUpdateNowaitConflicts()
    {
        var (e, m, t, id, n) = Model("postgresql", "tx_lock");
        using (e)
        {
            e.Execute(Db.Insert(t).Value(id, 1).Value(n, "row"));
            using var c1 = e.Connect();
            using var tx1 = c1.Begin();
            Assert.Equal("row", c1.Execute(Db.Select(n).Where(id == 1).ForUpdate()).Scalar<string>());
            using var c2 = e.Connect();
            using var tx2 = c2.Begin();
            var ex = Assert.Throws<OperationalException>(() => c2.Execute(Db.Select(n).Where(id == 1).ForUpdate(nowait: true)));
            Assert.Equal("55P03", ex.SqlState);
            Assert.EndsWith(" FOR UPDATE NOWAIT", ex.Sql);
            Assert.Equal(new object?[] { 1 }, ex.Parameters);
            Assert.StartsWith("(postgresql) 55P03: ", ex.Message);
            Assert.EndsWith("\n[parameters: (1,)]", ex.Message);
            tx2.Rollback();
            Assert.Equal("row", c2.Execute(Db.Select(n).Where(id == 1).ForShare(skipLocked: true)).Scalar<string>() ?? "row");
            tx1.Commit();
            m.DropAll(e);
        }
    }
}
