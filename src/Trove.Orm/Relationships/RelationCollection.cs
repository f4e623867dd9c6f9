using System.Collections;
using System.ComponentModel;

namespace Trove.Orm.Relationships;

/// <summary>
/// Base of the collection objects behind relationship properties. User operations (Add, Remove, Clear, indexer
/// assignment) update the items and then report to <see cref="RelationshipEvents"/>, which keeps the reverse
/// side, the foreign keys, cascades and link rows in line; the ORM itself uses the <c>Raw*</c> members, which
/// raise no events.
/// </summary>
/// <remarks>Not thread-safe, like the session and the entity that own it.</remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class RelationCollection
{
    private protected RelationCollection(DeclarativeBase owner, RelationshipMap relation)
    {
        Owner = owner;
        Relation = relation;
    }

    internal DeclarativeBase Owner { get; }
    internal RelationshipMap Relation { get; }

    /// <summary>Many-to-many link rows to INSERT at the next flush (elements added by the user).</summary>
    internal List<DeclarativeBase>? LinksAdded;
    /// <summary>Many-to-many link rows to DELETE at the next flush (elements removed by the user).</summary>
    internal List<DeclarativeBase>? LinksRemoved;

    internal bool HasLinkChanges => LinksAdded is { Count: > 0 } || LinksRemoved is { Count: > 0 };

    internal abstract int RawCount { get; }
    internal abstract bool RawContains(DeclarativeBase item);
    internal abstract void RawAdd(DeclarativeBase item);
    internal abstract void RawRemove(DeclarativeBase item);
    internal abstract void RawClear();
    /// <summary>Adds an element known not to be there yet (loads).</summary>
    internal virtual void RawAppend(DeclarativeBase item) => RawAdd(item);
    /// <summary>Replaces the elements with rows a load produced (distinct already), without per-element checks where the kind allows.</summary>
    internal virtual void RawReplace(IReadOnlyList<DeclarativeBase> items)
    {
        RawClear();
        foreach (var i in items) RawAdd(i);
    }
    /// <summary>A copy of the elements (safe to enumerate while the collection changes).</summary>
    internal abstract DeclarativeBase[] Snapshot();

    /// <summary>Records a link change of a many-to-many collection (an add cancels a pending remove and vice versa).</summary>
    internal void RecordLink(DeclarativeBase item, bool added)
    {
        var (mine, other) = added ? (LinksAdded ??= [], LinksRemoved) : (LinksRemoved ??= [], LinksAdded);
        if (other is not null && other.Remove(item)) return;
        if (!mine.Contains(item)) mine.Add(item);
    }

    /// <summary>Ensures the owner's relationship is loaded (a collection obtained before an expire reloads here).</summary>
    private protected void EnsureLoaded()
    {
        var s = Owner._troveState;
        if (s is not null && (s.RelLoaded & Relation.Bit) == 0) s.LoadRelationship(Relation.Index);
    }

    /// <summary>The user's Clear: empties the collection, then reports each element it held as removed.</summary>
    private protected void ClearAndReport()
    {
        EnsureLoaded();
        var items = Snapshot();
        RawClear();
        foreach (var i in items) OnRemoved(i);
    }

    private protected void OnAdded(DeclarativeBase item)
    {
        if (Relation.SingleParent)
        {
            // refused before any event ran: the element leaves the collection again, as if never appended
            try { SingleParent.Check(Relation, item); }
            catch (InvalidOperationException) { RawRemove(item); throw; }
        }
        RelationshipEvents.Appended(Owner, Relation, item);
    }
    private protected void OnRemoved(DeclarativeBase item) => RelationshipEvents.Removed(Owner, Relation, item);
}

/// <summary>The <c>IList&lt;T&gt;</c> of a one-to-many or many-to-many relationship.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RelationList<T> : RelationCollection, IList<T>, IReadOnlyList<T> where T : DeclarativeBase
{
    private readonly List<T> _items = new();

    /// <summary>Created by generated code.</summary>
    public RelationList(DeclarativeBase owner, RelationshipMap relation) : base(owner, relation) { }

    /// <inheritdoc />
    public T this[int index]
    {
        get { EnsureLoaded(); return _items[index]; }
        set
        {
            EnsureLoaded();
            var old = _items[index];
            if (ReferenceEquals(old, value)) return;
            _items[index] = value;
            OnRemoved(old);
            OnAdded(value);
        }
    }

    /// <inheritdoc />
    public int Count { get { EnsureLoaded(); return _items.Count; } }
    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public void Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        EnsureLoaded();
        _items.Add(item);
        OnAdded(item);
    }

    /// <inheritdoc />
    public void Insert(int index, T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        EnsureLoaded();
        _items.Insert(index, item);
        OnAdded(item);
    }

    /// <inheritdoc />
    public bool Remove(T item)
    {
        EnsureLoaded();
        if (!_items.Remove(item)) return false;
        OnRemoved(item);
        return true;
    }

    /// <inheritdoc />
    public void RemoveAt(int index)
    {
        EnsureLoaded();
        var item = _items[index];
        _items.RemoveAt(index);
        OnRemoved(item);
    }

    /// <inheritdoc />
    public void Clear() => ClearAndReport();

    /// <inheritdoc />
    public bool Contains(T item) { EnsureLoaded(); return _items.Contains(item); }
    /// <inheritdoc />
    public int IndexOf(T item) { EnsureLoaded(); return _items.IndexOf(item); }
    /// <inheritdoc />
    public void CopyTo(T[] array, int arrayIndex) { EnsureLoaded(); _items.CopyTo(array, arrayIndex); }

    /// <summary>Struct enumerator over the elements.</summary>
    public List<T>.Enumerator GetEnumerator() { EnsureLoaded(); return _items.GetEnumerator(); }
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override int RawCount => _items.Count;
    internal override bool RawContains(DeclarativeBase item) => _items.Contains((T)item);
    internal override void RawAdd(DeclarativeBase item) { if (!_items.Contains((T)item)) _items.Add((T)item); }
    internal override void RawAppend(DeclarativeBase item) => _items.Add((T)item);

    internal override void RawReplace(IReadOnlyList<DeclarativeBase> items)
    {
        _items.Clear();
        if (_items.Capacity < items.Count) _items.Capacity = items.Count;
        for (var i = 0; i < items.Count; i++) _items.Add((T)items[i]);
    }
    internal override void RawRemove(DeclarativeBase item) => _items.Remove((T)item);
    internal override void RawClear() => _items.Clear();
    internal override DeclarativeBase[] Snapshot() => _items.ToArray();

    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}

/// <summary>The <c>ISet&lt;T&gt;</c> of a one-to-many or many-to-many relationship.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RelationSet<T> : RelationCollection, ISet<T>, IReadOnlyCollection<T> where T : DeclarativeBase
{
    private readonly HashSet<T> _items = new();

    /// <summary>Created by generated code.</summary>
    public RelationSet(DeclarativeBase owner, RelationshipMap relation) : base(owner, relation) { }

    /// <inheritdoc />
    public int Count { get { EnsureLoaded(); return _items.Count; } }
    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public bool Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        EnsureLoaded();
        if (!_items.Add(item)) return false;
        OnAdded(item);
        return true;
    }

    void ICollection<T>.Add(T item) => Add(item);

    /// <inheritdoc />
    public bool Remove(T item)
    {
        EnsureLoaded();
        if (!_items.Remove(item)) return false;
        OnRemoved(item);
        return true;
    }

    /// <inheritdoc />
    public void Clear() => ClearAndReport();

    /// <inheritdoc />
    public bool Contains(T item) { EnsureLoaded(); return _items.Contains(item); }
    /// <inheritdoc />
    public void CopyTo(T[] array, int arrayIndex) { EnsureLoaded(); _items.CopyTo(array, arrayIndex); }
    /// <inheritdoc />
    public void UnionWith(IEnumerable<T> other) { foreach (var i in other) Add(i); }
    /// <inheritdoc />
    public void ExceptWith(IEnumerable<T> other) { foreach (var i in other) Remove(i); }
    /// <inheritdoc />
    public void IntersectWith(IEnumerable<T> other)
    {
        var keep = new HashSet<T>(other);
        foreach (var i in _items.ToArray()) if (!keep.Contains(i)) Remove(i);
    }
    /// <inheritdoc />
    public void SymmetricExceptWith(IEnumerable<T> other)
    {
        foreach (var i in new HashSet<T>(other)) if (!Remove(i)) Add(i);
    }
    /// <inheritdoc />
    public bool IsSubsetOf(IEnumerable<T> other) { EnsureLoaded(); return _items.IsSubsetOf(other); }
    /// <inheritdoc />
    public bool IsSupersetOf(IEnumerable<T> other) { EnsureLoaded(); return _items.IsSupersetOf(other); }
    /// <inheritdoc />
    public bool IsProperSubsetOf(IEnumerable<T> other) { EnsureLoaded(); return _items.IsProperSubsetOf(other); }
    /// <inheritdoc />
    public bool IsProperSupersetOf(IEnumerable<T> other) { EnsureLoaded(); return _items.IsProperSupersetOf(other); }
    /// <inheritdoc />
    public bool Overlaps(IEnumerable<T> other) { EnsureLoaded(); return _items.Overlaps(other); }
    /// <inheritdoc />
    public bool SetEquals(IEnumerable<T> other) { EnsureLoaded(); return _items.SetEquals(other); }

    /// <summary>Enumerator over the elements.</summary>
    public HashSet<T>.Enumerator GetEnumerator() { EnsureLoaded(); return _items.GetEnumerator(); }
    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override int RawCount => _items.Count;
    internal override bool RawContains(DeclarativeBase item) => _items.Contains((T)item);
    internal override void RawAdd(DeclarativeBase item) => _items.Add((T)item);
    internal override void RawRemove(DeclarativeBase item) => _items.Remove((T)item);
    internal override void RawClear() => _items.Clear();
    internal override DeclarativeBase[] Snapshot() => _items.ToArray();
}
