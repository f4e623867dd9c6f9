using System.Collections;
using System.ComponentModel;

namespace Trove.Orm.Relationships;

/// <summary>
/// The list behind a list association proxy: reads map the relationship's elements to one attribute; Add and
/// Insert create an element through the creator and add it to the relationship (so cascades and foreign keys
/// follow); Remove/RemoveAt/Clear remove elements from the relationship.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProxyList<T, TValue>(Func<IList<T>> collection, Func<T, TValue> get, Action<T, TValue>? set, Func<TValue, T>? create)
    : IList<TValue>, IReadOnlyList<TValue> where T : DeclarativeBase
{
    private IList<T> C => collection();
    private Func<TValue, T> Create => create ?? throw new NotSupportedException("This association proxy has no creator");

    /// <inheritdoc />
    public TValue this[int index]
    {
        get => get(C[index]);
        set => (set ?? throw new NotSupportedException("The proxied attribute is read-only"))(C[index], value);
    }

    /// <inheritdoc />
    public int Count => C.Count;
    /// <inheritdoc />
    public bool IsReadOnly => create is null;
    /// <inheritdoc />
    public void Add(TValue item) => C.Add(Create(item));
    /// <inheritdoc />
    public void Insert(int index, TValue item) => C.Insert(index, Create(item));
    /// <inheritdoc />
    public void Clear() => C.Clear();
    /// <inheritdoc />
    public bool Contains(TValue item) => IndexOf(item) >= 0;

    /// <inheritdoc />
    public int IndexOf(TValue item)
    {
        var c = C;
        for (var i = 0; i < c.Count; i++) if (EqualityComparer<TValue>.Default.Equals(get(c[i]), item)) return i;
        return -1;
    }

    /// <inheritdoc />
    public bool Remove(TValue item)
    {
        var i = IndexOf(item);
        if (i < 0) return false;
        C.RemoveAt(i);
        return true;
    }

    /// <inheritdoc />
    public void RemoveAt(int index) => C.RemoveAt(index);
    /// <inheritdoc />
    public void CopyTo(TValue[] array, int arrayIndex) { foreach (var e in C) array[arrayIndex++] = get(e); }

    /// <inheritdoc />
    public IEnumerator<TValue> GetEnumerator()
    {
        foreach (var e in C.ToArray()) yield return get(e);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    /// <inheritdoc />
    public override string ToString() => "[" + string.Join(", ", this) + "]";
}

/// <summary>
/// The dictionary behind a dictionary association proxy (the entity-attribute-value pattern): assigning an
/// existing key updates that element's attribute (an UPDATE of the same row); a new key creates an element
/// through the creator; removing a key removes the element from the relationship (delete-orphan deletes it).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ProxyDictionary<TKey, T, TValue>(Func<IDictionary<TKey, T>> collection, Func<T, TValue> get, Action<T, TValue> set, Func<TKey, TValue, T>? create)
    : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue> where TKey : notnull where T : DeclarativeBase
{
    private IDictionary<TKey, T> C => collection();

    /// <inheritdoc />
    public TValue this[TKey key]
    {
        get => get(C[key]);
        set
        {
            var c = C;
            if (c.TryGetValue(key, out var e)) set(e, value);
            else c[key] = (create ?? throw new NotSupportedException("This association proxy has no creator"))(key, value);
        }
    }

    /// <inheritdoc />
    public ICollection<TKey> Keys => C.Keys;
    /// <inheritdoc />
    public ICollection<TValue> Values => C.Values.Select(get).ToList();
    IEnumerable<TKey> IReadOnlyDictionary<TKey, TValue>.Keys => Keys;
    IEnumerable<TValue> IReadOnlyDictionary<TKey, TValue>.Values => Values;
    /// <inheritdoc />
    public int Count => C.Count;
    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public void Add(TKey key, TValue value)
    {
        if (C.ContainsKey(key)) throw new ArgumentException($"An element with the key '{key}' already exists", nameof(key));
        this[key] = value;
    }

    void ICollection<KeyValuePair<TKey, TValue>>.Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);
    /// <inheritdoc />
    public bool Remove(TKey key) => C.Remove(key);
    bool ICollection<KeyValuePair<TKey, TValue>>.Remove(KeyValuePair<TKey, TValue> item) => Remove(item.Key);
    /// <inheritdoc />
    public void Clear() => C.Clear();
    /// <inheritdoc />
    public bool ContainsKey(TKey key) => C.ContainsKey(key);
    bool ICollection<KeyValuePair<TKey, TValue>>.Contains(KeyValuePair<TKey, TValue> item) =>
        TryGetValue(item.Key, out var v) && EqualityComparer<TValue>.Default.Equals(v, item.Value);

    /// <inheritdoc />
    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        if (C.TryGetValue(key, out var e)) { value = get(e); return true; }
        value = default;
        return false;
    }

    void ICollection<KeyValuePair<TKey, TValue>>.CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex)
    {
        foreach (var kv in this) array[arrayIndex++] = kv;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator()
    {
        foreach (var kv in C.ToArray()) yield return new(kv.Key, get(kv.Value));
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
