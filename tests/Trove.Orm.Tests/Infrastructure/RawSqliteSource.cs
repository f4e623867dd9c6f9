using System.Data.Common;
using Microsoft.Data.Sqlite;
using Trove.Orm.Internal;

namespace Trove.Orm.Tests.Infrastructure;

/// <summary>A bare SQLite source (one shared in-memory connection) with a statement log, for session tests.</summary>
internal sealed class RawSqliteSource : IDbSource, IDisposable
{
    private readonly SqliteConnection _conn;
    public List<string> Log { get; } = new();

    public RawSqliteSource()
    {
        _conn = new SqliteConnection("Data Source=:memory:");
        _conn.Open();
    }

    public void Exec(string sql)
    {
        using var c = _conn.CreateCommand();
        c.CommandText = sql;
        c.ExecuteNonQuery();
    }

    public OrmDialect Dialect => OrmDialect.Sqlite;
    public object Key => this;
    public DbConnection Acquire() => _conn;
    public void Release(DbConnection connection) { }
    public void Notify(string sql, DbParameterCollection? parameters, TimeSpan elapsed, int rowCount) => Log.Add(sql);
    public bool HasListeners => true;
    public Exception Translate(Exception e, string sql, DbParameterCollection? parameters) => e;
    public DbTransaction? ExternalTransaction => null;
    public bool IsExternalConnection => false;
    public bool SupportsTwoPhase => false;
    public void Dispose() => _conn.Dispose();
}
