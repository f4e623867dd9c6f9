using Trove.Orm.Internal;

namespace Trove.Orm;

public sealed partial class Session
{
    private readonly List<SessionTransaction> _nested = new();
    private readonly List<InstanceState> _txInserted = new();
    private readonly List<InstanceState> _txDeleted = new();

    internal DbRunner RunnerFor(EntityMapper? mapper)
    {
        var source = (mapper is not null ? _factory?.BindFor(mapper.EntityType) : null) ?? _defaultSource ?? _factory?.SingleBind
            ?? throw new UnboundExecutionException(
                $"Could not locate a bind configured on mapper {mapper?.EntityType.Name ?? "(none)"} or this Session; pass an engine to the SessionFactory or Bind<T>(engine)");
        if (!_runners.TryGetValue(source.Key, out var r))
        {
            r = new DbRunner(source);
            _runners[source.Key] = r;
        }
        return r;
    }

    /// <summary>Begins the transaction (and pending savepoints) on the runner before a statement runs.</summary>
    internal DbRunner Begin(DbRunner runner)
    {
        runner.EnsureTransaction(Options.TwoPhase);
        foreach (var n in _nested)
        {
            if (n.Done || n.Savepoints.ContainsKey(runner)) continue;
            n.Savepoints[runner] = runner.Savepoint();
        }
        return runner;
    }

    internal void NestedTrack(InstanceState state, bool added)
    {
        if (_nested.Count == 0) return;
        var n = _nested[^1];
        if (added) n.Added.Add(state);
    }

    private void TrackInserted(InstanceState s)
    {
        if (_nested.Count > 0) _nested[^1].Inserted.Add(s);
        else _txInserted.Add(s);
    }

    private void TrackDeleted(InstanceState s)
    {
        if (_nested.Count > 0) _nested[^1].DeletedStates.Add(s);
        else _txDeleted.Add(s);
    }

    /// <summary>
    /// Starts a nested transaction (SAVEPOINT, emitted before the next statement). Commit it to keep its changes
    /// (RELEASE), roll it back or dispose it without committing to undo them (ROLLBACK TO SAVEPOINT).
    /// </summary>
    public SessionTransaction BeginNested()
    {
        Autoflush();
        var t = new SessionTransaction(this);
        _nested.Add(t);
        return t;
    }

    internal void CommitNested(SessionTransaction t)
    {
        if (t.Done) return;
        CheckUsable();
        Flush();
        EndNestedAbove(t);
        foreach (var (runner, name) in t.Savepoints) runner.ReleaseSavepoint(name);
        t.Done = true;
        _nested.Remove(t);
        // what the savepoint did now belongs to the enclosing transaction
        if (_nested.Count > 0)
        {
            var parent = _nested[^1];
            parent.Added.AddRange(t.Added);
            parent.Inserted.AddRange(t.Inserted);
            parent.DeletedStates.AddRange(t.DeletedStates);
        }
        else
        {
            _txInserted.AddRange(t.Inserted);
            _txDeleted.AddRange(t.DeletedStates);
        }
    }

    internal void RollbackNested(SessionTransaction t)
    {
        if (t.Done) return;
        EndNestedAbove(t);
        Exception? failure = null;
        foreach (var (runner, name) in t.Savepoints)
        {
            try { runner.RollbackToSavepoint(name); }
            catch (Exception e) { failure ??= e; }
        }
        t.Done = true;
        _nested.Remove(t);
        UndoStates(t.Added, t.Inserted, t.DeletedStates);
        if (failure is not null) throw failure;
    }

    private void EndNestedAbove(SessionTransaction t)
    {
        var i = _nested.IndexOf(t);
        for (var j = _nested.Count - 1; j > i; j--) RollbackNested(_nested[j]);
    }

    private void UndoStates(List<InstanceState> added, List<InstanceState> inserted, List<InstanceState> deleted)
    {
        foreach (var s in inserted)
        {
            if (!ReferenceEquals(s.Session, this)) continue;
            MapFor(s.Mapper).Remove(s);
            if (s.InDirty) { s.InDirty = false; _dirty.Remove(s); }
            s.Status = InstanceStatus.Pending;
            s.HasIdentity = false;
            Detach(s);
        }
        foreach (var s in added)
            if (ReferenceEquals(s.Session, this) && s.Status == InstanceStatus.Pending) ExpungeState(s);
        foreach (var s in deleted)
        {
            s.DeletedInFlush = false;
            s.Status = InstanceStatus.Persistent;
            s.Session = this;
            MapFor(s.Mapper).Add(s);
        }
        ExpireAll();
    }

    /// <summary>
    /// Flushes, then commits: with a nested transaction open only its savepoint is released; otherwise the
    /// transaction commits on every engine (two-phase when <see cref="SessionOptions.TwoPhase"/>) and, with
    /// <see cref="SessionOptions.ExpireOnCommit"/>, every instance is expired.
    /// </summary>
    public void Commit()
    {
        CheckUsable();
        if (_nested.Count > 0)
        {
            CommitNested(_nested[^1]);
            return;
        }
        Flush();
        if (Options.TwoPhase)
            foreach (var r in _runners.Values) r.Prepare();
        foreach (var r in _runners.Values) r.Commit();
        foreach (var s in _txDeleted)
        {
            s.DeletedInFlush = false;
            s.Session = null;
            s.Status = InstanceStatus.Detached;
        }
        _txDeleted.Clear();
        _txInserted.Clear();
        if (Options.ExpireOnCommit) ExpireAll();
    }

    /// <summary>Phase one of a two-phase commit: flushes and prepares the transaction on every engine.</summary>
    public void Prepare()
    {
        CheckUsable();
        Flush();
        foreach (var r in _runners.Values) r.Prepare();
    }

    /// <summary>
    /// Rolls back the outermost transaction (every savepoint included): objects added or inserted in it are
    /// expunged, deleted ones restored, and every instance expired. Clears a pending-rollback state.
    /// </summary>
    public void Rollback()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (var i = _nested.Count - 1; i >= 0; i--) _nested[i].Done = true;
        var added = new List<InstanceState>(_new);
        var inserted = new List<InstanceState>(_txInserted);
        var deleted = new List<InstanceState>(_txDeleted);
        foreach (var n in _nested) { added.AddRange(n.Added); inserted.AddRange(n.Inserted); deleted.AddRange(n.DeletedStates); }
        _nested.Clear();
        _txInserted.Clear();
        _txDeleted.Clear();
        Exception? failure = null;
        foreach (var r in _runners.Values)
        {
            try { r.Rollback(); }
            catch (Exception e) { failure ??= e; }
        }
        foreach (var s in _deleted) if (s.Status == InstanceStatus.Deleted) s.Status = InstanceStatus.Persistent;
        _deleted.Clear();
        UndoStates(added, inserted, deleted);
        foreach (var s in _dirty) s.InDirty = false;
        _dirty.Clear();
        _pendingRollback = null;
        if (failure is not null) throw failure;
    }

    /// <summary>Async twin of <see cref="Commit"/>.</summary>
    public Task CommitAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        Commit();
        return Task.CompletedTask;
    }

    /// <summary>Async twin of <see cref="Rollback"/>.</summary>
    public Task RollbackAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        Rollback();
        return Task.CompletedTask;
    }

    /// <summary>Async twin of <see cref="Flush"/>.</summary>
    public Task FlushAsync(CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        Flush();
        return Task.CompletedTask;
    }

    internal void OnFlushFailed(Exception e)
    {
        if (_nested.Count > 0)
        {
            var inner = _nested[^1];
            inner.FlushFailed = true;
            RollbackNested(inner);
            return;
        }
        foreach (var r in _runners.Values)
        {
            try { r.Rollback(); } catch (Exception) { /* already failed; the original error is what matters */ }
        }
        _pendingRollback = e;
    }
}

/// <summary>A nested transaction (SAVEPOINT) of a <see cref="Session"/>, from <see cref="Session.BeginNested"/>.</summary>
public sealed class SessionTransaction : IDisposable
{
    private readonly Session _session;
    internal readonly Dictionary<DbRunner, string> Savepoints = new();
    internal readonly List<InstanceState> Added = new();
    internal readonly List<InstanceState> Inserted = new();
    internal readonly List<InstanceState> DeletedStates = new();
    internal bool Done;
    internal bool FlushFailed;

    internal SessionTransaction(Session session) => _session = session;

    /// <summary>True until committed or rolled back.</summary>
    public bool IsActive => !Done;

    /// <summary>Flushes and releases the savepoint; the changes join the enclosing transaction.</summary>
    public void Commit() => _session.CommitNested(this);

    /// <summary>Rolls back to the savepoint: objects added or inserted since are expunged.</summary>
    public void Rollback() => _session.RollbackNested(this);

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose()
    {
        if (!Done) Rollback();
    }
}
