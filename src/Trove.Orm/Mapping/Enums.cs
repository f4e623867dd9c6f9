namespace Trove.Orm;

/// <summary>Relationship cascades (SQLAlchemy's cascade string).</summary>
[Flags]
public enum Cascade
{
    /// <summary>No cascade.</summary>
    None = 0,
    /// <summary>Adding a parent adds its children.</summary>
    SaveUpdate = 1,
    /// <summary>Merging a parent merges its children.</summary>
    Merge = 2,
    /// <summary>Expunging a parent expunges its children.</summary>
    Expunge = 4,
    /// <summary>Deleting a parent deletes its children.</summary>
    Delete = 8,
    /// <summary>A child removed from its parent is deleted.</summary>
    DeleteOrphan = 16,
    /// <summary>Expiring/refreshing a parent does the same to its children.</summary>
    RefreshExpire = 32,
    /// <summary>SaveUpdate, Merge, Expunge, Delete and RefreshExpire.</summary>
    All = SaveUpdate | Merge | Expunge | Delete | RefreshExpire,
}

/// <summary>Relationship loading strategies.</summary>
public enum Loading
{
    /// <summary>Keep the configured strategy.</summary>
    Default,
    /// <summary>SELECT on first access.</summary>
    Lazy,
    /// <summary>LEFT OUTER JOIN in the parent query.</summary>
    Joined,
    /// <summary>Second query over a subquery of the parent query.</summary>
    Subquery,
    /// <summary>Second query with IN over the parent keys.</summary>
    SelectIn,
    /// <summary>Access raises.</summary>
    Raise,
    /// <summary>Never loaded.</summary>
    NoLoad,
    /// <summary>Populated from an explicit join.</summary>
    ContainsEager,
}

/// <summary>How <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> bring the session's instances in line with the statement.</summary>
public enum Synchronize
{
    /// <summary>Evaluate when possible, else fetch.</summary>
    Auto,
    /// <summary>Evaluate the WHERE and SET in memory on the session's instances; UnevaluatableException when impossible.</summary>
    Evaluate,
    /// <summary>Select the matched keys first (or use RETURNING) and update/delete those instances.</summary>
    Fetch,
    /// <summary>Leave the session alone (instances may be stale until expired).</summary>
    None,
}
