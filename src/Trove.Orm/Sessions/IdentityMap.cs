namespace Trove.Orm;

/// <summary>One session's instances of one mapper, by identity key.</summary>
internal abstract class IdentityMap
{
    public abstract int Count { get; }
    public abstract InstanceState? Find(object key);
    public abstract void Add(InstanceState state);
    public abstract void Remove(InstanceState state);
    public abstract IEnumerable<InstanceState> States { get; }
    public abstract void Clear();
    /// <summary>Expires every instance (commit, rollback, ExpireAll): one pass with the map's struct enumerator.</summary>
    public abstract void ExpireAll();
    /// <summary>Detaches every instance and empties the map (ExpungeAll, Dispose).</summary>
    public abstract void DetachAll();
}

internal sealed class IdentityMap<TKey> : IdentityMap where TKey : notnull
{
    private readonly Dictionary<TKey, InstanceState<TKey>> _map = new();

    public override int Count => _map.Count;
    public bool TryGet(TKey key, out InstanceState<TKey> state) => _map.TryGetValue(key, out state!);
    public void Add(TKey key, InstanceState<TKey> state) => _map[key] = state;
    public override InstanceState? Find(object key) => _map.GetValueOrDefault((TKey)key);
    public override void Add(InstanceState state) { var s = (InstanceState<TKey>)state; _map[s.Key] = s; }

    public override void Remove(InstanceState state)
    {
        var s = (InstanceState<TKey>)state;
        if (_map.TryGetValue(s.Key, out var cur) && ReferenceEquals(cur, s)) _map.Remove(s.Key);
    }

    public override IEnumerable<InstanceState> States => _map.Values;
    public override void Clear() => _map.Clear();

    public override void ExpireAll()
    {
        foreach (var s in _map.Values) Session.ExpireState(s, s.Mapper.AllColumns);
    }

    public override void DetachAll()
    {
        foreach (var s in _map.Values) Session.Detach(s);
        _map.Clear();
    }
}
