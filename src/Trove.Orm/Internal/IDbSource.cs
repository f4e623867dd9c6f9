using System.Data.Common;

namespace Trove.Orm.Internal;

/// <summary>
/// What a session needs from an engine: physical connections, the dialect, and the statement-executed event.
/// Implemented over a Trove.Sql <c>Engine</c> (or an outer <c>Connection</c>).
/// </summary>
internal interface IDbSource
{
    OrmDialect Dialect { get; }
    /// <summary>Identity of the engine (two binds to one engine share a connection).</summary>
    object Key { get; }
    /// <summary>Checks out an open connection.</summary>
    DbConnection Acquire();
    /// <summary>Returns a connection obtained from <see cref="Acquire"/>.</summary>
    void Release(DbConnection connection);
    /// <summary>Raises the engine's statement event.</summary>
    void Notify(string sql, DbParameterCollection? parameters, TimeSpan elapsed, int rowCount);
    /// <summary>True when <see cref="Notify"/> has subscribers (so parameters need not be copied otherwise).</summary>
    bool HasListeners { get; }
    /// <summary>Translates a driver exception into the Core exception hierarchy.</summary>
    Exception Translate(Exception driverException, string sql, DbParameterCollection? parameters);
    /// <summary>An outer transaction the session must join (never commit), or null.</summary>
    DbTransaction? ExternalTransaction { get; }
    /// <summary>True when the session joins a connection it does not own.</summary>
    bool IsExternalConnection { get; }
    /// <summary>True when the driver supports PREPARE TRANSACTION.</summary>
    bool SupportsTwoPhase { get; }
}
