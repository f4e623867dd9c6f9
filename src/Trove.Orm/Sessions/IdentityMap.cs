using System.Runtime.CompilerServices;
using Trove.Orm.Internal;

namespace Trove.Orm;

/// <summary>One session's instances of one mapper, by identity key.</summary>
internal abstract class IdentityMap
{
    public abstract int Count { get; }
    public abstract InstanceState? Find(object key);
    public abstract void Add(InstanceState state);
    public abstract void Remove(InstanceState state);
    /// <summary>A copy of the instances (callers may change the map while they go through it).</summary>
    public abstract IEnumerable<InstanceState> States { get; }
    public abstract void Clear();
    /// <summary>Expires every instance (commit, rollback, ExpireAll): one pass over the slots.</summary>
    public abstract void ExpireAll();
    /// <summary>Detaches every instance and empties the map (ExpungeAll, Dispose).</summary>
    public abstract void DetachAll();
}

/// <summary>
/// Open-addressing hash table of states keyed by their own <see cref="InstanceState{TKey}.Key"/>: one array of
/// references (8 bytes a slot, at most half full), linear probing from a Fibonacci hash of the key, deletion by
/// backward shift (no tombstones). Against <c>Dictionary&lt;TKey, InstanceState&gt;</c> (28 bytes an entry plus
/// buckets, and a chain of resizes that reaches the large-object heap at about 3,000 entries) a 10,000-row load
/// allocates about half as much and hashes without a comparer call for integer keys.
/// </summary>
/// <remarks>A state's key never changes while it is in the map (keys are set before insertion). Not thread-safe.</remarks>
internal sealed class IdentityMap<TKey> : IdentityMap where TKey : notnull
{
    private const int MinSlots = 16;
    private InstanceState<TKey>?[] _slots = new InstanceState<TKey>?[MinSlots];
    private int _count;
    private int _shift = 64 - 4;

    public override int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(TKey key)
    {
        // Fibonacci hashing: sequential keys spread over the table, strided ones (multiples of 2^k) do not collide
        var h = (ulong)(uint)EqualityComparer<TKey>.Default.GetHashCode(key);
        return (int)((h * 0x9E3779B97F4A7C15UL) >> _shift);
    }

    public bool TryGet(TKey key, out InstanceState<TKey> state)
    {
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            var s = slots[i];
            if (s is null) break;
            if (EqualityComparer<TKey>.Default.Equals(s.Key, key))
            {
                state = s;
                return true;
            }
        }
        state = null!;
        return false;
    }

    /// <summary>Adds <paramref name="state"/> under <paramref name="key"/> (its key), replacing an instance with an equal key.</summary>
    public void Add(TKey key, InstanceState<TKey> state)
    {
        if ((_count + 1) * 2 > _slots.Length) Grow();
        var slots = _slots;
        var mask = slots.Length - 1;
        for (var i = Home(key); ; i = (i + 1) & mask)
        {
            var s = slots[i];
            if (s is null)
            {
                slots[i] = state;
                _count++;
                return;
            }
            if (EqualityComparer<TKey>.Default.Equals(s.Key, key))
            {
                slots[i] = state;
                return;
            }
        }
    }

    [MethodImpl(RowLoop.Optimize)]
    private void Grow()
    {
        var old = _slots;
        _slots = new InstanceState<TKey>?[old.Length * 2];
        _shift--;
        var mask = _slots.Length - 1;
        foreach (var s in old)
        {
            if (s is null) continue;
            var i = Home(s.Key);
            while (_slots[i] is not null) i = (i + 1) & mask;
            _slots[i] = s;
        }
    }

    public override InstanceState? Find(object key) => TryGet((TKey)key, out var s) ? s : null;

    public override void Add(InstanceState state)
    {
        var s = (InstanceState<TKey>)state;
        Add(s.Key, s);
    }

    public override void Remove(InstanceState state)
    {
        var target = (InstanceState<TKey>)state;
        var slots = _slots;
        var mask = slots.Length - 1;
        var i = Home(target.Key);
        for (; ; i = (i + 1) & mask)
        {
            var s = slots[i];
            if (s is null) return;
            if (EqualityComparer<TKey>.Default.Equals(s.Key, target.Key))
            {
                if (!ReferenceEquals(s, target)) return;
                break;
            }
        }
        // backward shift: move later members of the probe run into the hole unless they would pass their home slot
        for (var j = i; ;)
        {
            j = (j + 1) & mask;
            var s = slots[j];
            if (s is null) break;
            var home = Home(s.Key);
            var stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (stays) continue;
            slots[i] = s;
            i = j;
        }
        slots[i] = null;
        _count--;
    }

    public override IEnumerable<InstanceState> States
    {
        get
        {
            var copy = new InstanceState[_count];
            var k = 0;
            foreach (var s in _slots) if (s is not null) copy[k++] = s;
            return copy;
        }
    }

    public override void Clear()
    {
        if (_slots.Length == MinSlots) Array.Clear(_slots);
        else
        {
            _slots = new InstanceState<TKey>?[MinSlots];
            _shift = 64 - 4;
        }
        _count = 0;
    }

    [MethodImpl(RowLoop.Optimize)]
    public override void ExpireAll()
    {
        foreach (var s in _slots) if (s is not null) Session.ExpireState(s, s.Mapper.AllColumns);
    }

    [MethodImpl(RowLoop.Optimize)]
    public override void DetachAll()
    {
        foreach (var s in _slots) if (s is not null) Session.Detach(s);
        Clear();
    }
}
