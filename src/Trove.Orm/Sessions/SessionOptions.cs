namespace Trove.Orm;

/// <summary>Behaviour switches of a <see cref="Session"/> (SQLAlchemy's sessionmaker arguments).</summary>
public sealed class SessionOptions
{
    /// <summary>Flush pending changes before queries, <c>Get</c> misses and <c>BeginNested</c> (default true).</summary>
    public bool AutoFlush { get; init; } = true;
    /// <summary>Expire every instance after <c>Commit</c> so the next access reloads it (default true).</summary>
    public bool ExpireOnCommit { get; init; } = true;
    /// <summary>Commit with PREPARE TRANSACTION / COMMIT PREPARED on every bound engine (PostgreSQL only).</summary>
    public bool TwoPhase { get; init; }
}
