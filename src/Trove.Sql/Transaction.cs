namespace Trove.Sql;

/// <summary>
/// A transaction or a SAVEPOINT (<see cref="IsNested"/>) on a <see cref="Connection"/>. Dispose without
/// <see cref="Commit"/> rolls back.
/// </summary>
public sealed class Transaction : IDisposable, IAsyncDisposable
{
    private readonly Transaction? _parent;
    private readonly string? _savepoint;

    internal Transaction(Connection connection, Transaction? parent, string? savepoint)
    {
        Connection = connection; _parent = parent; _savepoint = savepoint; IsActive = true;
    }

    /// <summary>The connection.</summary>
    public Connection Connection { get; }
    /// <summary>True until committed or rolled back.</summary>
    public bool IsActive { get; private set; }
    /// <summary>True for a SAVEPOINT.</summary>
    public bool IsNested => _savepoint != null;
    /// <summary>The savepoint name (null for the outer transaction).</summary>
    public string? SavepointName => _savepoint;

    /// <summary>Commits (RELEASE SAVEPOINT for a nested one).</summary>
    public void Commit()
    {
        if (!IsActive) throw new InvalidOperationException("This transaction is inactive");
        IsActive = false;
        if (_savepoint != null)
        {
            if (_parent!.IsActive) Connection.ExecuteSql("RELEASE SAVEPOINT " + _savepoint);
        }
        else Connection.EndRoot(commit: true);
    }

    /// <summary>Rolls back (ROLLBACK TO SAVEPOINT for a nested one).</summary>
    public void Rollback()
    {
        if (!IsActive) return;
        IsActive = false;
        if (_savepoint != null)
        {
            if (_parent!.IsActive) Connection.ExecuteSql("ROLLBACK TO SAVEPOINT " + _savepoint);
        }
        else Connection.EndRoot(commit: false);
    }

    /// <summary>Async <see cref="Commit"/>.</summary>
    public Task CommitAsync(CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); Commit(); return Task.CompletedTask; }
    /// <summary>Async <see cref="Rollback"/>.</summary>
    public Task RollbackAsync(CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); Rollback(); return Task.CompletedTask; }

    /// <summary>Rolls back when still active.</summary>
    public void Dispose()
    {
        if (IsActive && !Connection.IsClosed) Rollback();
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() { Dispose(); return ValueTask.CompletedTask; }
}
