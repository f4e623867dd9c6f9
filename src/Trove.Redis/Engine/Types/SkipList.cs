namespace Trove.Redis.Engine.Types;

/// <summary>One element of a sorted set, in (score, member) order.</summary>
public sealed class SortedSetNode
{
    /// <summary>One level's link: the next node at that level and how many elements it skips.</summary>
    internal struct Link
    {
        public SortedSetNode? Forward;
        public long Span;
    }

    // One array of links rather than separate forward and span arrays: one object header less per node.
    internal readonly Link[] Levels;
    internal SortedSetNode? Backward;

    /// <summary>Position in the owning set's slot array (the ZSCAN cursor space).</summary>
    internal int Slot;

    internal SortedSetNode(int level, double score, byte[] member)
    {
        Levels = new Link[level];
        Score = score;
        Member = member;
    }

    /// <summary>The member's bytes.</summary>
    public byte[] Member { get; }

    /// <summary>The score.</summary>
    public double Score { get; internal set; }

    /// <summary>The next element in ascending order, or null.</summary>
    public SortedSetNode? Next => Levels[0].Forward;

    /// <summary>The previous element in ascending order, or null.</summary>
    public SortedSetNode? Previous => Backward;
}

/// <summary>
/// A skip list with spans (the structure Redis uses): ordered by (score, member bytes),
/// O(log n) insert, delete, rank and select-by-rank, and range starts by score or by lex.
/// </summary>
/// <remarks>Not thread-safe. Nodes are owned by the list; callers must not keep them across writes.</remarks>
internal sealed class SkipList
{
    private const int MaxLevel = 32;
    private readonly SortedSetNode _header = new(MaxLevel, 0, []);
    private SortedSetNode? _tail;
    private int _level = 1;
    private ulong _rng;

    // Scratch for the update path; one per thread, since a list is only touched by its keyspace's thread.
    [ThreadStatic] private static SortedSetNode[]? t_update;

    public SkipList() => _rng = (ulong)Random.Shared.NextInt64() | 1;

    public long Length { get; private set; }

    public SortedSetNode? First => _header.Levels[0].Forward;

    public SortedSetNode? Last => _tail;

    private int RandomLevel()
    {
        // xorshift64: each extra level with probability 1/4, as Redis's ZSKIPLIST_P.
        int level = 1;
        while (level < MaxLevel)
        {
            _rng ^= _rng << 13; _rng ^= _rng >> 7; _rng ^= _rng << 17;
            if ((_rng & 3) != 0) break;
            level++;
        }
        return level;
    }

    private static bool Before(SortedSetNode n, double score, byte[] member) =>
        n.Score < score || (n.Score == score && n.Member.AsSpan().SequenceCompareTo(member) < 0);

    public SortedSetNode Insert(double score, byte[] member)
    {
        Span<long> rank = stackalloc long[MaxLevel];
        var update = t_update ??= new SortedSetNode[MaxLevel];
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            rank[i] = i == _level - 1 ? 0 : rank[i + 1];
            while (x.Levels[i].Forward is { } f && Before(f, score, member))
            {
                rank[i] += x.Levels[i].Span;
                x = f;
            }
            update[i] = x;
        }
        int level = RandomLevel();
        if (level > _level)
        {
            for (int i = _level; i < level; i++)
            {
                rank[i] = 0;
                update[i] = _header;
                _header.Levels[i].Span = Length;
            }
            _level = level;
        }
        var node = new SortedSetNode(level, score, member);
        for (int i = 0; i < level; i++)
        {
            node.Levels[i].Forward = update[i].Levels[i].Forward;
            update[i].Levels[i].Forward = node;
            node.Levels[i].Span = update[i].Levels[i].Span - (rank[0] - rank[i]);
            update[i].Levels[i].Span = rank[0] - rank[i] + 1;
        }
        for (int i = level; i < _level; i++) update[i].Levels[i].Span++;
        node.Backward = ReferenceEquals(update[0], _header) ? null : update[0];
        if (node.Levels[0].Forward is { } next) next.Backward = node;
        else _tail = node;
        Length++;
        return node;
    }

    public void Delete(SortedSetNode node)
    {
        var update = t_update ??= new SortedSetNode[MaxLevel];
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } f && !ReferenceEquals(f, node) && Before(f, node.Score, node.Member)) x = f;
            update[i] = x;
        }
        for (int i = 0; i < _level; i++)
        {
            if (ReferenceEquals(update[i].Levels[i].Forward, node))
            {
                update[i].Levels[i].Span += node.Levels[i].Span - 1;
                update[i].Levels[i].Forward = node.Levels[i].Forward;
            }
            else
            {
                update[i].Levels[i].Span--;
            }
        }
        if (node.Levels[0].Forward is { } next) next.Backward = node.Backward;
        else _tail = node.Backward;
        while (_level > 1 && _header.Levels[_level - 1].Forward is null) _level--;
        Length--;
    }

    /// <summary>0-based rank of a node known to be in the list.</summary>
    public long RankOf(SortedSetNode node)
    {
        long rank = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } f && (ReferenceEquals(f, node) || Before(f, node.Score, node.Member)))
            {
                rank += x.Levels[i].Span;
                x = f;
            }
            if (ReferenceEquals(x, node)) return rank - 1;
        }
        return rank - 1;
    }

    /// <summary>The node at 0-based <paramref name="rank"/>, or null.</summary>
    public SortedSetNode? ByRank(long rank)
    {
        if (rank < 0 || rank >= Length) return null;
        long target = rank + 1, traversed = 0;
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
        {
            while (x.Levels[i].Forward is { } f && traversed + x.Levels[i].Span <= target)
            {
                traversed += x.Levels[i].Span;
                x = f;
            }
            if (traversed == target) return x;
        }
        return null;
    }

    /// <summary>The first node for which <paramref name="beforeStart"/> is false, or null.</summary>
    public SortedSetNode? FirstWhereNot(Func<SortedSetNode, bool> beforeStart)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
            while (x.Levels[i].Forward is { } f && beforeStart(f)) x = f;
        return x.Levels[0].Forward;
    }

    /// <summary>The last node for which <paramref name="withinEnd"/> is true, or null.</summary>
    public SortedSetNode? LastWhere(Func<SortedSetNode, bool> withinEnd)
    {
        var x = _header;
        for (int i = _level - 1; i >= 0; i--)
            while (x.Levels[i].Forward is { } f && withinEnd(f)) x = f;
        return ReferenceEquals(x, _header) ? null : x;
    }
}
