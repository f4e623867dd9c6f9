namespace Trove.Orm;

/// <summary>Access to an unloaded attribute of an instance that belongs to no session.</summary>
public sealed class DetachedInstanceException(string message) : InvalidOperationException(message);

/// <summary>An expired instance whose row no longer exists was accessed.</summary>
public sealed class ObjectDeletedException(string message) : InvalidOperationException(message);

/// <summary>A previous flush failed; only <c>Rollback</c> (or <c>Dispose</c>) is allowed until then.</summary>
public sealed class PendingRollbackException(string message, Exception? inner) : InvalidOperationException(message, inner);

/// <summary>An operation does not fit the instance's state (e.g. adding an instance owned by another session).</summary>
public sealed class InvalidInstanceStateException(string message) : InvalidOperationException(message);

/// <summary><c>Synchronize.Evaluate</c> could not evaluate the statement in memory; raised before any SQL.</summary>
public sealed class UnevaluatableException(string message) : InvalidOperationException(message);

/// <summary>A LINQ operator or expression the query translator does not support.</summary>
public sealed class QueryTranslationException(string message) : NotSupportedException(message);

/// <summary>The model is inconsistent (raised at first use of a mapper).</summary>
public sealed class MappingException(string message) : InvalidOperationException(message);

/// <summary>No engine is bound for an entity class (nor a default one for the session).</summary>
public sealed class UnboundExecutionException(string message) : InvalidOperationException(message);

/// <summary>An UPDATE or DELETE of the flush matched a different number of rows than expected (concurrent modification).</summary>
public sealed class StaleDataException(string message, IReadOnlyList<object> entities, int expected, int matched) : Trove.Sql.TroveSqlException(message)
{
    /// <summary>The instances whose statement matched the wrong number of rows.</summary>
    public IReadOnlyList<object> Entities { get; } = entities;
    /// <summary>Rows expected.</summary>
    public int Expected { get; } = expected;
    /// <summary>Rows matched.</summary>
    public int Matched { get; } = matched;
}
