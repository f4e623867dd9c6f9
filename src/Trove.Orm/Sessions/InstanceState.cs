using System.ComponentModel;

namespace Trove.Orm;

/// <summary>Where an instance stands relative to a session (SQLAlchemy's object states).</summary>
public enum InstanceStatus
{
    /// <summary>Not in a session and never persisted.</summary>
    Transient,
    /// <summary>Added to a session, not flushed yet.</summary>
    Pending,
    /// <summary>In a session with a database identity.</summary>
    Persistent,
    /// <summary>Marked for deletion (before flush) or deleted by a flush that is not committed yet.</summary>
    Deleted,
    /// <summary>Has a database identity but belongs to no session.</summary>
    Detached,
}

/// <summary>
/// Per-instance tracking record, created when an instance enters a session or is loaded. Generated property
/// bodies read <see cref="Unloaded"/> on get and call <see cref="OnModify"/> on set.
/// </summary>
/// <remarks>
/// Invariants: bit i of <see cref="Unloaded"/> = column i must be (re)loaded before it is read; bit i of
/// <see cref="Modified"/> = column i was assigned since the last flush (for a pending instance: ever assigned).
/// Not thread-safe, like the session that owns it.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract partial class InstanceState
{
    /// <summary>Columns to load on next access (expired or never loaded).</summary>
    public ulong Unloaded;
    /// <summary>Columns assigned since the last flush.</summary>
    public ulong Modified;
    /// <summary>True while the ORM itself writes or reads fields (hydration, flush): no tracking, no loading.</summary>
    public bool Loading;
    /// <summary>Persistent: an assignment of an equal value is not a change.</summary>
    public bool CompareOnSet;

    internal Session? Session;
    internal InstanceStatus Status;
    internal readonly EntityMapper Mapper;
    internal readonly DeclarativeBase Entity;
    internal bool HasIdentity;
    internal bool InDirty;
    /// <summary>Deleted by a flush in the current transaction (so rollback can restore it).</summary>
    internal bool DeletedInFlush;
    /// <summary>Insertion order among pending instances (flush keeps add order within a table).</summary>
    internal long Sequence;

    private protected InstanceState(EntityMapper mapper, DeclarativeBase entity)
    {
        Mapper = mapper;
        Entity = entity;
    }

    /// <summary>The identity key boxed (for messages and non-generic paths).</summary>
    internal abstract object? BoxedKey { get; }

    /// <summary>Loads every column in <see cref="Unloaded"/> through the owning session (one SELECT).</summary>
    public void LoadUnloaded()
    {
        if (Loading) return;
        if (Session is null)
        {
            throw new DetachedInstanceException(
                $"Instance {Mapper.Describe(this)} is not bound to a Session; attribute refresh operation cannot proceed");
        }
        Session.LoadUnloaded(this);
    }

    /// <summary>Records an assignment to column bit <paramref name="bit"/>.</summary>
    public void OnModify(ulong bit)
    {
        Unloaded &= ~bit;
        Modified |= bit;
        if (!InDirty && Session is not null && Status == InstanceStatus.Persistent)
        {
            InDirty = true;
            Session.MarkDirty(this);
        }
    }
}

/// <summary>Instance state with a typed identity key (no boxing in the identity map).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class InstanceState<TKey> : InstanceState where TKey : notnull
{
    internal TKey Key = default!;

    internal InstanceState(EntityMapper mapper, DeclarativeBase entity) : base(mapper, entity) { }

    internal override object? BoxedKey => HasIdentity ? Key : null;
}
