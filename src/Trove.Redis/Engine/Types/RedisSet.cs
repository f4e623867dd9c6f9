namespace Trove.Redis.Engine.Types;

/// <summary>
/// A Redis set of byte strings.
/// </summary>
/// <remarks>
/// Two encodings, as in redis-server 7.0: while every member is a canonical 64-bit integer
/// and there are at most <see cref="IntSetLimit"/> of them, a sorted <c>long[]</c> (Redis's
/// intset: 8 bytes a member, and SMEMBERS replies in ascending numeric order exactly as
/// Redis does); otherwise a <see cref="DenseTable"/> (O(1) add, remove, random member).
/// Not thread-safe: the keyspace serialises access. Empty sets must be removed from the
/// keyspace by the caller.
/// </remarks>
public sealed partial class RedisSet
{
    /// <summary>Largest all-integer set kept as a sorted array (set-max-intset-entries).</summary>
    public const int IntSetLimit = 512;

    private long[]? _ints = new long[4];
    private int _intCount;
    private DenseTable? _table;

    /// <summary>Number of members.</summary>
    public int Count => _ints is not null ? _intCount : _table!.Count;

    /// <summary>True while the set uses the integer encoding.</summary>
    public bool IsIntSet => _ints is not null;

    /// <summary>Adds a member; returns true when it was new.</summary>
    public bool Add(byte[] member)
    {
        if (_ints is not null)
        {
            if (NumberFormat.TryParseInt64(member, out long v))
            {
                int i = Array.BinarySearch(_ints, 0, _intCount, v);
                if (i >= 0) return false;
                if (_intCount < IntSetLimit)
                {
                    i = ~i;
                    if (_intCount == _ints.Length) Array.Resize(ref _ints, _ints.Length * 2);
                    Array.Copy(_ints, i, _ints, i + 1, _intCount - i);
                    _ints[i] = v;
                    _intCount++;
                    return true;
                }
            }
            ConvertToTable();
        }
        if (_table!.Find(member) >= 0) return false;
        _table.Add(member, null);
        return true;
    }

    /// <summary>Adds a member given as a span; its bytes are copied only when it is new and not an integer.</summary>
    public bool Add(ReadOnlySpan<byte> member)
    {
        if (_ints is not null && NumberFormat.TryParseInt64(member, out long v) && _intCount < IntSetLimit)
        {
            int i = Array.BinarySearch(_ints, 0, _intCount, v);
            if (i >= 0) return false;
            i = ~i;
            if (_intCount == _ints.Length) Array.Resize(ref _ints, _ints.Length * 2);
            Array.Copy(_ints, i, _ints, i + 1, _intCount - i);
            _ints[i] = v;
            _intCount++;
            return true;
        }
        if (Contains(member)) return false;
        return Add(member.ToArray());
    }

    /// <summary>True when <paramref name="member"/> is in the set.</summary>
    public bool Contains(ReadOnlySpan<byte> member)
    {
        if (_ints is not null)
            return NumberFormat.TryParseInt64(member, out long v) && Array.BinarySearch(_ints, 0, _intCount, v) >= 0;
        return _table!.Find(member) >= 0;
    }

    /// <summary>Removes a member; returns true when it was present.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        if (_ints is not null)
        {
            if (!NumberFormat.TryParseInt64(member, out long v)) return false;
            int i = Array.BinarySearch(_ints, 0, _intCount, v);
            if (i < 0) return false;
            RemoveIntAt(i);
            return true;
        }
        int slot = _table!.Find(member);
        if (slot < 0) return false;
        _table.RemoveAt(slot);
        return true;
    }

    private void RemoveIntAt(int i)
    {
        Array.Copy(_ints!, i + 1, _ints!, i, _intCount - i - 1);
        _intCount--;
    }

    /// <summary>The member in position <paramref name="index"/> (0 ≤ index &lt; Count), in reply order.</summary>
    public byte[] MemberAt(int index) =>
        _ints is not null ? NumberFormat.FormatInt64(_ints[index]) : _table!.KeyAt(index);

    /// <summary>Removes and returns the member in position <paramref name="index"/>.</summary>
    public byte[] RemoveAt(int index)
    {
        if (_ints is not null)
        {
            var m = NumberFormat.FormatInt64(_ints[index]);
            RemoveIntAt(index);
            return m;
        }
        var k = _table!.KeyAt(index);
        _table.RemoveAt(index);
        return k;
    }

    /// <summary>Members in reply order (ascending for integer sets).</summary>
    public IEnumerable<byte[]> Members
    {
        get
        {
            int n = Count;
            for (int i = 0; i < n; i++) yield return MemberAt(i);
        }
    }

    /// <summary>One SSCAN step. Returns the next cursor (0 when done).</summary>
    public long Scan(long cursor, int count, Action<byte[]> visit)
    {
        if (_ints is not null)
        {
            for (int i = 0; i < _intCount; i++) visit(NumberFormat.FormatInt64(_ints[i]));
            return 0;
        }
        var table = _table!;
        return table.Scan(cursor, count, i => visit(table.KeyAt(i)));
    }

    /// <summary>Removes and returns a random member (SPOP), or null when empty.</summary>
    public byte[]? Pop(Random random) => Count == 0 ? null : RemoveAt(random.Next(Count));

    /// <summary>A random member (SRANDMEMBER), or null when empty.</summary>
    public byte[]? RandomMember(Random random) => Count == 0 ? null : MemberAt(random.Next(Count));

    /// <summary>
    /// Up to <paramref name="count"/> distinct random members (SRANDMEMBER with a positive count).
    /// </summary>
    public List<byte[]> RandomDistinct(int count, Random random)
    {
        int n = Count;
        var result = new List<byte[]>(Math.Min(count, n));
        if (count >= n)
        {
            for (int i = 0; i < n; i++) result.Add(MemberAt(i));
            return result;
        }
        // Partial Fisher-Yates over positions: O(count) extra memory, uniform selection.
        var picked = new Dictionary<int, int>();
        for (int i = 0; i < count; i++)
        {
            int j = random.Next(i, n);
            int vj = picked.TryGetValue(j, out var pj) ? pj : j;
            int vi = picked.TryGetValue(i, out var pi) ? pi : i;
            picked[j] = vi;
            result.Add(MemberAt(vj));
        }
        return result;
    }

    private void ConvertToTable()
    {
        var table = new DenseTable(withValues: false, Math.Max(_intCount + 1, 4));
        for (int i = 0; i < _intCount; i++) table.Add(NumberFormat.FormatInt64(_ints![i]), null);
        _table = table;
        _ints = null;
        _intCount = 0;
    }

    /// <summary>SINTER: members of every set (a null set is empty); the smallest set is walked.</summary>
    public static List<byte[]> Intersect(IReadOnlyList<RedisSet?> sets)
    {
        var result = new List<byte[]>();
        if (sets.Count == 0) return result;
        RedisSet? smallest = null;
        foreach (var s in sets)
        {
            if (s is null || s.Count == 0) return result;
            if (smallest is null || s.Count < smallest.Count) smallest = s;
        }
        int n = smallest!.Count;
        for (int i = 0; i < n; i++)
        {
            var m = smallest.MemberAt(i);
            bool all = true;
            foreach (var s in sets)
            {
                if (ReferenceEquals(s, smallest)) continue;
                if (!s!.Contains(m)) { all = false; break; }
            }
            if (all) result.Add(m);
        }
        return result;
    }

    /// <summary>SINTERCARD: size of the intersection, stopping at <paramref name="limit"/> (0 = no limit).</summary>
    public static long IntersectCount(IReadOnlyList<RedisSet?> sets, long limit)
    {
        RedisSet? smallest = null;
        foreach (var s in sets)
        {
            if (s is null || s.Count == 0) return 0;
            if (smallest is null || s.Count < smallest.Count) smallest = s;
        }
        if (smallest is null) return 0;
        long count = 0;
        int n = smallest.Count;
        for (int i = 0; i < n; i++)
        {
            var m = smallest.MemberAt(i);
            bool all = true;
            foreach (var s in sets)
            {
                if (ReferenceEquals(s, smallest)) continue;
                if (!s!.Contains(m)) { all = false; break; }
            }
            if (all && ++count == limit) break;
        }
        return count;
    }

    /// <summary>SUNION: every member of any set, as a new set.</summary>
    public static RedisSet Union(IReadOnlyList<RedisSet?> sets)
    {
        var result = new RedisSet();
        foreach (var s in sets)
        {
            if (s is null) continue;
            int n = s.Count;
            for (int i = 0; i < n; i++) result.Add(s.MemberAt(i));
        }
        return result;
    }

    /// <summary>SDIFF: members of the first set that are in none of the others, as a new set.</summary>
    public static RedisSet Difference(IReadOnlyList<RedisSet?> sets)
    {
        var result = new RedisSet();
        if (sets.Count == 0 || sets[0] is null) return result;
        var first = sets[0]!;
        int n = first.Count;
        for (int i = 0; i < n; i++)
        {
            var m = first.MemberAt(i);
            bool found = false;
            for (int k = 1; k < sets.Count && !found; k++)
                found = sets[k] is { } other && !ReferenceEquals(other, first) ? other.Contains(m) : ReferenceEquals(sets[k], first);
            if (!found) result.Add(m);
        }
        return result;
    }

    /// <summary>A set holding <paramref name="members"/>.</summary>
    public static RedisSet From(IEnumerable<byte[]> members)
    {
        var s = new RedisSet();
        foreach (var m in members) s.Add(m);
        return s;
    }
}
