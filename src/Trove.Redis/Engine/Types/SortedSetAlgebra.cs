namespace Trove.Redis.Engine.Types;

/// <summary>
/// One input of ZUNION/ZINTER/ZDIFF: a sorted set, a plain set (every member scores 1,
/// as Redis allows), or a missing key (empty).
/// </summary>
public readonly struct ZSource
{
    private readonly RedisSortedSet? _zset;
    private readonly RedisSet? _set;

    /// <summary>Wraps a sorted set.</summary>
    public ZSource(RedisSortedSet? zset) { _zset = zset; _set = null; }

    /// <summary>Wraps a set.</summary>
    public ZSource(RedisSet? set) { _zset = null; _set = set; }

    /// <summary>Number of members.</summary>
    public int Count => _zset?.Count ?? _set?.Count ?? 0;

    /// <summary>The member's score (1 for a set member), if present.</summary>
    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_zset is not null) return _zset.TryGetScore(member, out score);
        score = 1;
        return _set is not null && _set.Contains(member);
    }

    /// <summary>Every (member, score).</summary>
    public IEnumerable<(byte[] Member, double Score)> Items
    {
        get
        {
            if (_zset is not null)
                foreach (var n in _zset.Ascending) yield return (n.Member, n.Score);
            else if (_set is not null)
                foreach (var m in _set.Members) yield return (m, 1.0);
        }
    }
}

/// <summary>ZUNION / ZINTER / ZDIFF (and their STORE forms) with WEIGHTS and AGGREGATE.</summary>
public static class SortedSetAlgebra
{
    private static double Weighted(double score, double weight)
    {
        double v = score * weight;
        return double.IsNaN(v) ? 0 : v; // 0 * inf is NaN; Redis takes it as 0
    }

    private static double Combine(double target, double value, ZAggregate aggregate)
    {
        switch (aggregate)
        {
            case ZAggregate.Sum:
                double s = target + value;
                return double.IsNaN(s) ? 0 : s; // inf + -inf
            case ZAggregate.Min:
                return value < target ? value : target;
            default:
                return value > target ? value : target;
        }
    }

    /// <summary>
    /// Inputs in the order Redis combines them: smallest first (a stable sort, so equal
    /// sizes keep command order), which fixes the order of floating-point additions.
    /// </summary>
    private static int[] BySize(IReadOnlyList<ZSource> sources)
    {
        var order = Enumerable.Range(0, sources.Count).ToArray();
        return order.OrderBy(i => sources[i].Count).ToArray();
    }

    /// <summary>ZUNION: every member of any input, scores weighted and aggregated.</summary>
    public static RedisSortedSet Union(IReadOnlyList<ZSource> sources, IReadOnlyList<double> weights, ZAggregate aggregate)
    {
        var acc = new Dictionary<byte[], double>(BytesComparer.Instance);
        var order = new List<byte[]>();
        foreach (int i in BySize(sources))
        {
            foreach (var (member, score) in sources[i].Items)
            {
                double v = Weighted(score, weights[i]);
                if (acc.TryGetValue(member, out double cur)) acc[member] = Combine(cur, v, aggregate);
                else { acc[member] = v; order.Add(member); }
            }
        }
        return Build(order, acc);
    }

    /// <summary>ZINTER: members present in every input, scores weighted and aggregated.</summary>
    public static RedisSortedSet Intersect(IReadOnlyList<ZSource> sources, IReadOnlyList<double> weights, ZAggregate aggregate)
    {
        var result = new RedisSortedSet();
        if (sources.Count == 0) return result;
        var order = BySize(sources);
        var smallest = sources[order[0]];
        if (smallest.Count == 0) return result;
        foreach (var (member, score) in smallest.Items)
        {
            double total = Weighted(score, weights[order[0]]);
            bool all = true;
            for (int k = 1; k < order.Length; k++)
            {
                if (!sources[order[k]].TryGetScore(member, out double other)) { all = false; break; }
                total = Combine(total, Weighted(other, weights[order[k]]), aggregate);
            }
            if (all) result.Add(member, total, ZAddFlags.None, out _);
        }
        return result;
    }

    /// <summary>ZDIFF: members of the first input found in none of the others, with their scores.</summary>
    public static RedisSortedSet Difference(IReadOnlyList<ZSource> sources)
    {
        var result = new RedisSortedSet();
        if (sources.Count == 0) return result;
        foreach (var (member, score) in sources[0].Items)
        {
            bool found = false;
            for (int k = 1; k < sources.Count && !found; k++) found = sources[k].TryGetScore(member, out _);
            if (!found) result.Add(member, score, ZAddFlags.None, out _);
        }
        return result;
    }

    private static RedisSortedSet Build(List<byte[]> order, Dictionary<byte[], double> scores)
    {
        var result = new RedisSortedSet();
        foreach (var m in order) result.Add(m, scores[m], ZAddFlags.None, out _);
        return result;
    }
}
