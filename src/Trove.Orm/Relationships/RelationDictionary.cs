using System.Collections;
using System.ComponentModel;

namespace Trove.Orm.Relationships;

/// <summary>
/// The <c>IDictionary&lt;K,T&gt;</c> of a relationship keyed by an attribute (<c>KeyedBy</c>) or a key function
/// (<c>KeySelector</c>); when two elements have the same key the last one wins.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RelationDictionary<TKey, T> : RelationCollection, IDictionary<TKey, T>, IReadOnlyDictionary<TKey, T>
    where TKey : notnull where T : DeclarativeBase
{
    private readonly Dictionary<TKey, T> _items = new();

    /// <summary>Created by generated code.</summary>
    public RelationDictionary(DeclarativeBase owner, RelationshipMap relation) : base(owner, relation) { }

    private TKey KeyOf(T item) => (TKey)(Relation.KeyOf ?? throw new MappingException($"Relationship '{Relation}' is a dictionary without KeyedBy or KeySelector"))(item);

    /// <inheritdoc />
    public T this[TKey key]
    {
        get { EnsureLoaded(); return _items[key]; }
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            EnsureLoaded();
            if (_items.TryGetValue(key, out var old))
            {
                if (ReferenceEquals(old, value)) return;
                _items[key] = value;
                OnRemoved(old);
            }
            else _items[key] = value;
            OnAdded(value);
        }
    }

    /// <inheritdoc />
    public ICollection<TKey> Keys { get { EnsureLoaded(); return _items.Keys; } }
    /// <inheritdoc />
    public ICollection<T> Values { get { EnsureLoaded(); return _items.Values; } }
    IEnumerable<TKey> IReadOnlyDictionary<TKey, T>.Keys => Keys;
    IEnumerable<T> IReadOnlyDictionary<TKey, T>.Values => Values;
    /// <inheritdoc />
    public int Count { get { EnsureLoaded(); return _items.Count; } }
    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public void Add(TKey key, T value)
    {
        EnsureLoaded();
        _items.Add(key, value);
        OnAdded(value);
    }

    void ICollection<KeyValuePair<TKey, T>>.Add(KeyValuePair<TKey, T> item) => Add(item.Key, item.Value);

    /// <inheritdoc />
    public bool Remove(TKey key)
    {
        EnsureLoaded();
        if (!_items.Remove(key, out var old)) return false;
        OnRemoved(old);
        return true;
    }

    bool ICollection<KeyValuePair<TKey, T>>.Remove(KeyValuePair<TKey, T> item) =>
        _items.TryGetValue(item.Key, out var v) && ReferenceEquals(v, item.Value) && Remove(item.Key);

    /// <inheritdoc />
    public void Clear()
    {
        EnsureLoaded();
        var items = _items.Values.ToArray();
        _items.Clear();
        foreach (var i in items) OnRemoved(i);
    }

    /// <inheritdoc />
    public bool ContainsKey(TKey key) { EnsureLoaded(); return _items.ContainsKey(key); }
    /// <inheritdoc />
    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out T value) { EnsureLoaded(); return _items.TryGetValue(key, out value); }
    bool ICollection<KeyValuePair<TKey, T>>.Contains(KeyValuePair<TKey, T> item) => TryGetValue(item.Key, out var v) && ReferenceEquals(v, item.Value);
    void ICollection<KeyValuePair<TKey, T>>.CopyTo(KeyValuePair<TKey, T>[] array, int arrayIndex) { EnsureLoaded(); ((ICollection<KeyValuePair<TKey, T>>)_items).CopyTo(array, arrayIndex); }

    /// <summary>Enumerator over the pairs.</summary>
    public Dictionary<TKey, T>.Enumerator GetEnumerator() { EnsureLoaded(); return _items.GetEnumerator(); }
    IEnumerator<KeyValuePair<TKey, T>> IEnumerable<KeyValuePair<TKey, T>>.GetEnumerator() => GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal override int RawCount => _items.Count;
    internal override bool RawContains(DeclarativeBase item) => _items.TryGetValue(KeyOf((T)item), out var v) && ReferenceEquals(v, item);
    internal override void RawAdd(DeclarativeBase item) => _items[KeyOf((T)item)] = (T)item;

    internal override void RawRemove(DeclarativeBase item)
    {
        var k = KeyOf((T)item);
        if (_items.TryGetValue(k, out var v) && ReferenceEquals(v, item)) _items.Remove(k);
    }

    internal override void RawClear() => _items.Clear();
    internal override DeclarativeBase[] Snapshot() => _items.Values.ToArray();
}
