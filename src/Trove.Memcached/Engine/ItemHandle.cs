using System.Buffers.Text;

namespace Trove.Memcached.Engine;

/// <summary>
/// A key's shard, locked, with the key's item if any. Commands with several steps (meta commands,
/// CAS checks, incr/decr) run them through one handle so they are atomic. Dispose unlocks; never
/// await while holding one.
/// </summary>
public ref struct ItemHandle
{
    private readonly ItemStore _store;
    private readonly Shard _shard;
    private readonly int _hash;
    private int _index;

    internal ItemHandle(ItemStore store, Shard shard, int index, int hash, MissKind miss)
    {
        _store = store; _shard = shard; _index = index; _hash = hash; Miss = miss;
    }

    /// <summary>Why the lookup missed, when the key had an expired or flushed item.</summary>
    public MissKind Miss { get; }

    /// <summary>True when the key has a live item.</summary>
    public readonly bool Exists => _index >= 0;

    private readonly ref Slot S => ref _shard.At(_index);

    /// <summary>A snapshot of the item (requires <see cref="Exists"/>).</summary>
    public readonly ItemView View
    {
        get
        {
            ref Slot s = ref S;
            return new ItemView(s.Data!, s.KeyLength, s.Flags, s.Cas, s.Exptime, s.Time, s.Bits);
        }
    }

    /// <summary>CAS unique of the item.</summary>
    public readonly long Cas { get => S.Cas; set => S.Cas = value; }

    /// <summary>Client flags of the item.</summary>
    public readonly uint Flags { get => S.Flags; set => S.Flags = value; }

    /// <summary>Expiry in server time (0 = never).</summary>
    public readonly int Exptime { get => S.Exptime; set => S.Exptime = value; }

    /// <summary>Meta-protocol state bits.</summary>
    public readonly ItemBits Bits { get => S.Bits; set => S.Bits = value; }

    /// <summary>The store's clock.</summary>
    public readonly Clock Clock => _store.Clock;

    /// <summary>Moves the item to the LRU head and records the access time.</summary>
    public readonly void Bump()
    {
        S.Time = _store.Clock.Now;
        _shard.LruBump(_index);
    }

    /// <summary>A read: bump and mark fetched.</summary>
    public readonly void MarkFetched()
    {
        S.Bits |= ItemBits.Fetched;
        Bump();
    }

    /// <summary>
    /// Stores <paramref name="data"/> (key then value) as this key's item, replacing any present one.
    /// <paramref name="cas"/> 0 takes a fresh CAS unique; others are used as given (meta E flag).
    /// </summary>
    public StoreResult Put(byte[] data, int keyLength, uint flags, int exptime, long cas, out long newCas)
    {
        newCas = 0;
        long cost = ItemStore.Cost(data.Length);
        long oldCost = _index >= 0 ? ItemStore.Cost(S.Data!.Length) : 0;
        if (!_store.Reserve(_shard, _index, cost - oldCost)) return StoreResult.OutOfMemory;
        newCas = cas != 0 ? cas : _store.NextCas();
        int now = _store.Clock.Now;
        if (_index >= 0)
        {
            ref Slot s = ref S;
            s.Data = data;
            s.KeyLength = (byte)keyLength;
            s.Flags = flags;
            s.Exptime = exptime;
            s.Cas = newCas;
            s.Time = now;
            s.Bits = ItemBits.None;
            _shard.Bytes += cost - oldCost;
            _store.Freed(oldCost);
            _shard.TotalItems++;
            _shard.LruBump(_index);
            _store.AddBytes(cost - oldCost);
        }
        else
        {
            _index = _shard.Link(data, keyLength, _hash, flags, exptime, newCas, now, cost);
            _store.AddBytes(cost);
        }
        return StoreResult.Stored;
    }

    /// <summary>Removes the item.</summary>
    public void Remove()
    {
        if (_index < 0) return;
        _store.Unlink(_shard, _index);
        _index = -1;
    }

    /// <summary>incr/decr on the present item; see <see cref="ItemStore.Arith"/>.</summary>
    public ArithResult Arith(bool incr, ulong delta, out ulong value, out long newCas, long casOverride = 0)
    {
        var old = View;
        newCas = 0;
        if (!ItemStore.TryParseCounter(old.Value, out value)) return ArithResult.NonNumeric;
        if (incr) value = unchecked(value + delta);
        else value = delta > value ? 0 : value - delta;
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out int n);
        int valueLength = Math.Max(n, old.ValueLength);
        var data = new byte[old.KeyLength + valueLength];
        old.Key.CopyTo(data);
        digits[..n].CopyTo(data.AsSpan(old.KeyLength));
        data.AsSpan(old.KeyLength + n).Fill((byte)' ');
        var bits = S.Bits;
        var r = Put(data, old.KeyLength, old.Flags, old.Exptime, casOverride, out newCas);
        if (r != StoreResult.Stored) return ArithResult.OutOfMemory;
        S.Bits = bits & ItemBits.Fetched;
        return ArithResult.Ok;
    }

    /// <summary>Unlocks the shard.</summary>
    public readonly void Dispose() => _shard.Gate.Exit();
}
