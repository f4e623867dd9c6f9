using System.Runtime.CompilerServices;
using Trove.Orm.Internal;
using Trove.Orm.Relationships;
using Trove.Sql;

namespace Trove.Orm;

/// <summary>
/// Unit of work and identity map (SQLAlchemy's <c>Session</c>). Instances added or loaded are tracked; changes are
/// written by <see cref="Flush"/> (also run before queries when <see cref="SessionOptions.AutoFlush"/>), and
/// <see cref="Commit"/> ends the transaction and expires every instance so the next access reloads it.
/// </summary>
/// <remarks>
/// Not thread-safe: one session belongs to one logical flow at a time. Invariants: every tracked state has
/// <c>Session == this</c>; a state is in at most one of the identity map (persistent/deleted) and <c>_new</c> (pending).
/// </remarks>
public sealed partial class Session : IDisposable, IAsyncDisposable
{
    private readonly SessionFactory? _factory;
    private readonly DbBind? _defaultSource;
    private readonly Dictionary<object, DbRunner> _runners = new();
    private IdentityMap?[] _maps = new IdentityMap?[16];
    private readonly List<InstanceState> _new = new();
    private readonly List<InstanceState> _dirty = new();
    private readonly List<InstanceState> _deleted = new();
    private long _sequence;
    private int _noAutoflush;
    private Exception? _pendingRollback;
    private bool _disposed;

    /// <summary>Options in effect.</summary>
    public SessionOptions Options { get; }

    internal Session(SessionFactory factory, DbBind? source, SessionOptions options)
    {
        _factory = factory;
        _defaultSource = source;
        Options = options;
    }

    /// <summary>A session on <paramref name="engine"/> (connections are checked out per transaction).</summary>
    public Session(Engine engine, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _defaultSource = new DbBind(engine);
        Options = options ?? new SessionOptions();
    }

    /// <summary>
    /// A session joined to <paramref name="connection"/>: when the connection has a transaction begun, the
    /// session's commits do not end it (nested transactions become savepoints), so the outer transaction decides.
    /// </summary>
    public Session(Connection connection, SessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _defaultSource = new DbBind(connection);
        Options = options ?? new SessionOptions();
    }

    // ---------------------------------------------------------------- state access

    internal IdentityMap MapFor(EntityMapper mapper)
    {
        var id = mapper.Id;
        if (id >= _maps.Length) Array.Resize(ref _maps, Math.Max(id + 1, _maps.Length * 2));
        return _maps[id] ??= mapper.NewIdentityMap();
    }

    internal void MarkDirty(InstanceState state) => _dirty.Add(state);

    private static EntityMapper MapperOf(object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return MapperRegistry.Find(instance.GetType())
            ?? throw new MappingException($"Class '{instance.GetType().Name}' is not mapped: derive it from a DeclarativeBase class, mark it [Table] and declare it partial");
    }

    private static DeclarativeBase Entity(object instance) =>
        instance as DeclarativeBase ?? throw new MappingException($"Class '{instance.GetType().Name}' is not mapped (it does not derive from DeclarativeBase)");

    internal void CheckUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pendingRollback is not null)
        {
            throw new PendingRollbackException(
                "This Session's transaction has been rolled back due to a previous exception during flush. To begin a new transaction with this Session, first call Session.Rollback(). Original exception was: " + _pendingRollback.Message,
                _pendingRollback);
        }
    }

    // ---------------------------------------------------------------- add / remove

    /// <summary>Adds a transient instance (INSERT at next flush) or re-attaches a detached one.</summary>
    public void Add(object instance)
    {
        CheckUsable();
        var entity = Entity(instance);
        var mapper = MapperOf(instance);
        var state = entity._troveState;
        if (state is null)
        {
            state = mapper.NewState(entity);
            state.Modified = entity._troveAssigned;
            entity._troveAssigned = 0;
            entity._troveState = state;
        }
        else if (state.Session is not null && !ReferenceEquals(state.Session, this))
        {
            throw new InvalidInstanceStateException(
                $"Object {mapper.Describe(state)} is already attached to another Session; Expunge it there (or Merge it into this one)");
        }
        else if (ReferenceEquals(state.Session, this))
        {
            if (state.Status == InstanceStatus.Deleted && !state.DeletedInFlush)
            {
                _deleted.Remove(state);
                state.Status = InstanceStatus.Persistent;
            }
            return;
        }
        state.Session = this;
        if (state.HasIdentity && state.Status is InstanceStatus.Detached or InstanceStatus.Persistent)
        {
            var map = MapFor(mapper);
            var existing = map.Find(state.BoxedKey!);
            if (existing is not null && !ReferenceEquals(existing, state))
            {
                state.Session = null;
                throw new InvalidInstanceStateException(
                    $"Can't attach instance {mapper.Describe(state)}: another instance with key {state.BoxedKey} is already present in this Session; use Merge");
            }
            map.Add(state);
            state.Status = InstanceStatus.Persistent;
            state.CompareOnSet = true;
            if (state.Modified != 0 && !state.InDirty) { state.InDirty = true; _dirty.Add(state); }
            OnAttached(state);
            return;
        }
        state.Status = InstanceStatus.Pending;
        state.Sequence = ++_sequence;
        _new.Add(state);
        NestedTrack(state, added: true);
        OnAttached(state);
    }

    /// <summary>Adds several instances.</summary>
    public void AddRange(params object[] instances)
    {
        foreach (var i in instances) Add(i);
    }

    /// <summary>Adds several instances.</summary>
    public void AddRange(IEnumerable<object> instances)
    {
        foreach (var i in instances) Add(i);
    }

    /// <summary>Marks a persistent instance for DELETE at the next flush; a pending instance is just expunged.</summary>
    public void Remove(object instance)
    {
        CheckUsable();
        var entity = Entity(instance);
        var mapper = MapperOf(instance);
        var state = entity._troveState;
        if (state is null || state.Session is null && !state.HasIdentity)
            throw new InvalidInstanceStateException($"Instance {mapper.Describe(state ?? mapper.NewState(entity))} is not persisted; nothing to remove");
        if (state.Session is null) Add(instance);
        else if (!ReferenceEquals(state.Session, this))
            throw new InvalidInstanceStateException($"Object {mapper.Describe(state)} is attached to another Session");
        switch (state.Status)
        {
            case InstanceStatus.Pending:
                ExpungeState(state);
                break;
            case InstanceStatus.Persistent:
                state.Status = InstanceStatus.Deleted;
                _deleted.Add(state);
                break;
        }
    }

    // ---------------------------------------------------------------- membership

    /// <summary>True when the instance is pending or persistent in this session (marked for deletion counts until flushed).</summary>
    public bool Contains(object instance)
    {
        var s = Entity(instance)._troveState;
        return s is not null && ReferenceEquals(s.Session, this) && !s.DeletedInFlush;
    }

    /// <summary>Pending instances (added, not flushed).</summary>
    public IReadOnlyList<object> New => _new.Select(s => (object)s.Entity).ToList();

    /// <summary>Persistent instances with assigned attributes not flushed yet.</summary>
    public IReadOnlyList<object> Dirty => _dirty.Where(s => s.Modified != 0 && s.Status == InstanceStatus.Persistent).Select(s => (object)s.Entity).ToList();

    /// <summary>Instances marked by <see cref="Remove"/> and not flushed yet.</summary>
    public IReadOnlyList<object> Deleted => _deleted.Select(s => (object)s.Entity).ToList();

    /// <summary>The state of an instance relative to this session.</summary>
    public InstanceStatus StatusOf(object instance)
    {
        var s = Entity(instance)._troveState;
        if (s is null) return InstanceStatus.Transient;
        if (!ReferenceEquals(s.Session, this)) return s.HasIdentity ? InstanceStatus.Detached : InstanceStatus.Transient;
        return s.Status;
    }

    // ---------------------------------------------------------------- expunge / expire

    /// <summary>Removes an instance from the session (it becomes detached, or transient if it was pending).</summary>
    public void Expunge(object instance)
    {
        var s = Entity(instance)._troveState;
        if (s is null || !ReferenceEquals(s.Session, this))
            throw new InvalidInstanceStateException($"Instance {MapperOf(instance).Describe(s ?? MapperOf(instance).NewState(Entity(instance)))} is not present in this Session");
        ExpungeCascade(s);
        ExpungeState(s);
    }

    /// <summary>Expunges every instance.</summary>
    public void ExpungeAll()
    {
        foreach (var m in _maps) m?.DetachAll();
        foreach (var s in _new) Detach(s);
        _new.Clear();
        _dirty.Clear();
        _deleted.Clear();
    }

    internal void ExpungeState(InstanceState s)
    {
        if (s.Status == InstanceStatus.Pending) _new.Remove(s);
        else MapFor(s.Mapper).Remove(s);
        if (s.InDirty) _dirty.Remove(s);
        _deleted.Remove(s);
        Detach(s);
    }

    internal static void Detach(InstanceState s)
    {
        s.Session = null;
        s.InDirty = false;
        if (s.Status == InstanceStatus.Pending || !s.HasIdentity)
        {
            // back to transient: the state object goes, its assignments become plain assigned bits
            s.Entity._troveAssigned = s.Modified;
            s.Entity._troveState = null;
            s.Status = InstanceStatus.Transient;
            return;
        }
        s.Status = InstanceStatus.Detached;
    }

    /// <summary>Expires all (or the named) attributes: pending changes to them are discarded and the next access reloads them.</summary>
    public void Expire(object instance, params string[] attributes)
    {
        var s = Entity(instance)._troveState;
        var mapper = MapperOf(instance);
        if (s is null || !ReferenceEquals(s.Session, this))
            throw new InvalidInstanceStateException($"Instance {mapper.Describe(s ?? mapper.NewState(Entity(instance)))} is not persistent within this Session");
        ulong bits = 0, rels = 0;
        if (attributes.Length == 0) bits = mapper.AllColumns;
        else
            foreach (var a in attributes)
            {
                if (mapper.FindByProperty(a) is { } col) bits |= col.Bit;
                else rels |= (FindRelationship(mapper, a) ?? throw new KeyNotFoundException($"'{mapper.EntityType.Name}' has no mapped attribute '{a}'")).Bit;
            }
        if (bits != 0) ExpireState(s, bits);
        if (rels != 0) ExpireRelationships(s, rels);
        if (attributes.Length == 0) ExpireCascade(s);
    }

    private static RelationshipMap? FindRelationship(EntityMapper mapper, string name)
    {
        foreach (var r in mapper.Relationships)
            if (r.Name == name) return r;
        return null;
    }

    /// <summary>
    /// Expires named relationships only (SQLAlchemy <c>session.expire(obj, ['children'])</c>): the next access
    /// lazy-loads them again, and their unflushed changes (an assigned reference, pending link rows) are discarded.
    /// </summary>
    private static void ExpireRelationships(InstanceState s, ulong rels)
    {
        if (s.Status == InstanceStatus.Pending) return;
        s.RelLoaded &= ~rels;
        s.RelChanged &= ~rels;
        foreach (var r in s.Mapper.Relationships)
        {
            if ((rels & r.Bit) == 0 || s.Mapper.GetRelated(s.Entity, r.Index) is not RelationCollection c) continue;
            c.LinksAdded = null;
            c.LinksRemoved = null;
        }
    }

    internal static void ExpireState(InstanceState s, ulong bits)
    {
        if (s.Status == InstanceStatus.Pending) return;
        if (bits == s.Mapper.AllColumns) s.RelLoaded = 0;
        s.Unloaded |= bits;
        s.Modified &= ~bits;
    }

    /// <summary>Expires every persistent instance.</summary>
    public void ExpireAll()
    {
        foreach (var m in _maps) m?.ExpireAll();
    }

    /// <summary>
    /// Expires and reloads an instance's columns at once (one SELECT). Named relationships are expired and load on
    /// next access, as SQLAlchemy 1.4's <c>refresh(obj, ['name', 'children'])</c>; naming only relationships throws
    /// <see cref="InvalidOperationException"/> as SQLAlchemy does (use <see cref="Expire"/> for them).
    /// </summary>
    public void Refresh(object instance, params string[] attributes)
    {
        var s = Entity(instance)._troveState;
        if (attributes.Length > 0 && s is not null && Array.TrueForAll(attributes, a => Array.Exists(s.Mapper.Relationships, r => r.Name == a)))
            throw new InvalidOperationException("No column-based properties specified for refresh operation. Use Expire to reload collections and related items.");
        Expire(instance, attributes);
        LoadUnloaded(Entity(instance)._troveState!);
    }

    /// <summary>Async twin of <see cref="Refresh"/>.</summary>
    public Task RefreshAsync(object instance, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        Refresh(instance);
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- autoflush

    /// <summary>Suspends autoflush until the returned scope is disposed.</summary>
    public NoAutoflushScope NoAutoflush()
    {
        _noAutoflush++;
        return new NoAutoflushScope(this);
    }

    /// <summary>Scope of <see cref="NoAutoflush"/>.</summary>
    public readonly struct NoAutoflushScope : IDisposable
    {
        private readonly Session _session;
        internal NoAutoflushScope(Session s) => _session = s;
        /// <summary>Ends the scope.</summary>
        public void Dispose() => _session._noAutoflush--;
    }

    internal void Autoflush()
    {
        CheckUsable();
        if (Options.AutoFlush && _noAutoflush == 0 && !_flushing && (_new.Count > 0 || _dirty.Count > 0 || _deleted.Count > 0 || HasRelationWork)) Flush();
    }

    // ---------------------------------------------------------------- dispose

    /// <summary>Rolls back any open transaction, releases connections and detaches every instance.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            foreach (var r in _runners.Values)
            {
                try { r.Rollback(); } catch (Exception) { /* the connection is going away; nothing to undo */ }
                r.ReleaseConnection();
            }
        }
        finally
        {
            ExpungeAll();
            _runners.Clear();
            _disposed = true;
        }
    }

    /// <summary>Async twin of <see cref="Dispose"/>.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static InstanceState? StateOf(object instance) => (instance as DeclarativeBase)?._troveState;
}
