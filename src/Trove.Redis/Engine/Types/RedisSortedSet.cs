namespace Trove.Redis.Engine.Types;

/// <summary>ZADD's options.</summary>
[Flags]
public enum ZAddFlags
{
    /// <summary>Plain ZADD.</summary>
    None = 0,
    /// <summary>Only add new members.</summary>
    NX = 1,
    /// <summary>Only update existing members.</summary>
    XX = 2,
    /// <summary>Only update when the new score is greater.</summary>
    GT = 4,
    /// <summary>Only update when the new score is less.</summary>
    LT = 8,
    /// <summary>Add the score to the current one (ZINCRBY / ZADD INCR).</summary>
    Incr = 16,
}

/// <summary>What one ZADD element did.</summary>
public enum ZAddOutcome
{
    /// <summary>A new member was added.</summary>
    Added,
    /// <summary>An existing member's score changed.</summary>
    Updated,
    /// <summary>Nothing changed (same score, or NX/XX/GT/LT said no).</summary>
    Unchanged,
    /// <summary>INCR would produce NaN ("ERR resulting score is not a number (NaN)").</summary>
    NaN,
}

/// <summary>How ZUNIONSTORE / ZINTERSTORE combine the scores of a member found in several inputs.</summary>
public enum ZAggregate
{
    /// <summary>Add the weighted scores.</summary>
    Sum,
    /// <summary>Keep the smallest weighted score.</summary>
    Min,
    /// <summary>Keep the largest weighted score.</summary>
    Max,
}

/// <summary>
/// A Redis sorted set: member → score in a dictionary, and a skip list ordered by
/// (score, member bytes) for ranks and ranges in O(log n).
/// </summary>
/// <remarks>
/// Negative zero is stored as zero, which is what redis-server 7.0 replies for sets small
/// enough for its listpack encoding. Not thread-safe: the keyspace serialises access.
/// Empty sorted sets must be removed from the keyspace by the caller.
/// </remarks>
public sealed partial class RedisSortedSet
{
    private readonly Dictionary<byte[], SortedSetNode> _dict = new(BytesComparer.Instance);
    private readonly SkipList _list = new();

    // Every node in a dense array, so that ZSCAN can page by position with the same guarantee
    // as DenseTable: removal moves the last node down into the hole, never up past a cursor.
    private SortedSetNode[] _slots = new SortedSetNode[4];

    /// <summary>Number of members.</summary>
    public int Count => _dict.Count;

    /// <summary>The lowest element, or null.</summary>
    public SortedSetNode? First => _list.First;

    /// <summary>The highest element, or null.</summary>
    public SortedSetNode? Last => _list.Last;

    /// <summary>The score of <paramref name="member"/>, if present.</summary>
    public bool TryGetScore(ReadOnlySpan<byte> member, out double score)
    {
        if (_dict.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(member, out var node))
        {
            score = node.Score;
            return true;
        }
        score = 0;
        return false;
    }

    /// <summary>
    /// ZADD / ZINCRBY for one member. <paramref name="resultScore"/> is the member's score
    /// afterwards (for INCR replies), unchanged when the flags prevented the write.
    /// </summary>
    public ZAddOutcome Add(byte[] member, double score, ZAddFlags flags, out double resultScore)
    {
        if (score == 0) score = 0; // fold -0 into 0
        if (_dict.TryGetValue(member, out var node))
        {
            resultScore = node.Score;
            if ((flags & ZAddFlags.NX) != 0) return ZAddOutcome.Unchanged;
            if ((flags & ZAddFlags.Incr) != 0)
            {
                score += node.Score;
                if (double.IsNaN(score)) return ZAddOutcome.NaN;
                if (score == 0) score = 0;
            }
            if (((flags & ZAddFlags.LT) != 0 && score >= node.Score) || ((flags & ZAddFlags.GT) != 0 && score <= node.Score))
                return ZAddOutcome.Unchanged;
            resultScore = score;
            if (score == node.Score) return ZAddOutcome.Unchanged;
            UpdateScore(node, score);
            return ZAddOutcome.Updated;
        }
        resultScore = score;
        if ((flags & ZAddFlags.XX) != 0) return ZAddOutcome.Unchanged;
        if (double.IsNaN(score)) return ZAddOutcome.NaN;
        var added = _list.Insert(score, member);
        _dict.Add(member, added);
        AddSlot(added);
        return ZAddOutcome.Added;
    }

    /// <summary>ZADD for a member given as a span: its bytes are copied only when it is new.</summary>
    public ZAddOutcome Add(ReadOnlySpan<byte> member, double score, ZAddFlags flags, out double resultScore)
    {
        if (_dict.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(member, out var node))
            return Add(node.Member, score, flags, out resultScore);
        return Add(member.ToArray(), score, flags, out resultScore);
    }

    private void UpdateScore(SortedSetNode node, double score)
    {
        // Keep the node in place when the order does not change (the common INCR case).
        var prev = node.Previous;
        var next = node.Next;
        bool afterPrev = prev is null || prev.Score < score || (prev.Score == score && prev.Member.AsSpan().SequenceCompareTo(node.Member) < 0);
        bool beforeNext = next is null || next.Score > score || (next.Score == score && next.Member.AsSpan().SequenceCompareTo(node.Member) > 0);
        if (afterPrev && beforeNext)
        {
            node.Score = score;
            return;
        }
        _list.Delete(node);
        var moved = _list.Insert(score, node.Member);
        _dict[node.Member] = moved;
        moved.Slot = node.Slot;
        _slots[node.Slot] = moved;
    }

    private void AddSlot(SortedSetNode node)
    {
        int n = _dict.Count - 1;
        if (n == _slots.Length) Array.Resize(ref _slots, _slots.Length * 2);
        node.Slot = n;
        _slots[n] = node;
    }

    private void RemoveSlot(SortedSetNode node)
    {
        int last = _dict.Count; // the dictionary entry is already gone
        var tail = _slots[last];
        _slots[node.Slot] = tail;
        tail.Slot = node.Slot;
        _slots[last] = null!;
        if (_slots.Length > 64 && last < _slots.Length / 4) Array.Resize(ref _slots, Math.Max(last * 2, 4));
    }

    /// <summary>Removes a member; returns true when it was present.</summary>
    public bool Remove(ReadOnlySpan<byte> member)
    {
        var lookup = _dict.GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!lookup.Remove(member, out _, out var node)) return false;
        _list.Delete(node);
        RemoveSlot(node);
        return true;
    }

    /// <summary>Removes a node obtained from this set.</summary>
    public void Remove(SortedSetNode node)
    {
        _dict.Remove(node.Member);
        _list.Delete(node);
        RemoveSlot(node);
    }

    /// <summary>0-based rank of <paramref name="member"/> in ascending (or descending) order, or -1.</summary>
    public long Rank(ReadOnlySpan<byte> member, bool reverse)
    {
        if (!_dict.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(member, out var node)) return -1;
        long r = _list.RankOf(node);
        return reverse ? Count - 1 - r : r;
    }

    /// <summary>0-based rank of a node of this set in ascending order.</summary>
    public long RankOf(SortedSetNode node) => _list.RankOf(node);

    /// <summary>The element at 0-based ascending <paramref name="rank"/>, or null.</summary>
    public SortedSetNode? ByRank(long rank) => _list.ByRank(rank);

    /// <summary>The lowest element inside <paramref name="range"/>, or null.</summary>
    public SortedSetNode? FirstInRange(in ScoreRange range)
    {
        if (range.IsEmpty || _list.Last is not { } last || !range.AboveMin(last.Score)) return null;
        var r = range;
        var n = _list.FirstWhereNot(x => !r.AboveMin(x.Score));
        return n is not null && r.BelowMax(n.Score) ? n : null;
    }

    /// <summary>The highest element inside <paramref name="range"/>, or null.</summary>
    public SortedSetNode? LastInRange(in ScoreRange range)
    {
        if (range.IsEmpty || _list.First is not { } first || !range.BelowMax(first.Score)) return null;
        var r = range;
        var n = _list.LastWhere(x => r.BelowMax(x.Score));
        return n is not null && r.AboveMin(n.Score) ? n : null;
    }

    /// <summary>The lowest element inside the lex <paramref name="range"/>, or null.</summary>
    public SortedSetNode? FirstInRange(in LexRange range)
    {
        if (range.IsEmpty || _list.Last is not { } last || !range.AboveMin(last.Member)) return null;
        var r = range;
        var n = _list.FirstWhereNot(x => !r.AboveMin(x.Member));
        return n is not null && r.BelowMax(n.Member) ? n : null;
    }

    /// <summary>The highest element inside the lex <paramref name="range"/>, or null.</summary>
    public SortedSetNode? LastInRange(in LexRange range)
    {
        if (range.IsEmpty || _list.First is not { } first || !range.BelowMax(first.Member)) return null;
        var r = range;
        var n = _list.LastWhere(x => r.BelowMax(x.Member));
        return n is not null && r.AboveMin(n.Member) ? n : null;
    }

    /// <summary>ZCOUNT: elements inside the score range, in O(log n).</summary>
    public long CountInRange(in ScoreRange range)
    {
        var first = FirstInRange(range);
        if (first is null) return 0;
        return _list.RankOf(LastInRange(range)!) - _list.RankOf(first) + 1;
    }

    /// <summary>ZLEXCOUNT: elements inside the lex range, in O(log n).</summary>
    public long CountInRange(in LexRange range)
    {
        var first = FirstInRange(range);
        if (first is null) return 0;
        return _list.RankOf(LastInRange(range)!) - _list.RankOf(first) + 1;
    }

    /// <summary>ZREMRANGEBYSCORE: removes the range; returns how many were removed.</summary>
    public long RemoveRange(in ScoreRange range)
    {
        long removed = 0;
        var r = range;
        for (var n = FirstInRange(range); n is not null && r.BelowMax(n.Score);)
        {
            var next = n.Next;
            Remove(n);
            removed++;
            n = next;
        }
        return removed;
    }

    /// <summary>ZREMRANGEBYLEX: removes the range; returns how many were removed.</summary>
    public long RemoveRange(in LexRange range)
    {
        long removed = 0;
        var r = range;
        for (var n = FirstInRange(range); n is not null && r.BelowMax(n.Member);)
        {
            var next = n.Next;
            Remove(n);
            removed++;
            n = next;
        }
        return removed;
    }

    /// <summary>ZREMRANGEBYRANK with normalised 0-based inclusive ranks; returns how many were removed.</summary>
    public long RemoveRangeByRank(long start, long end)
    {
        long removed = 0;
        var n = _list.ByRank(start);
        for (long i = start; i <= end && n is not null; i++)
        {
            var next = n.Next;
            Remove(n);
            removed++;
            n = next;
        }
        return removed;
    }

    /// <summary>Elements in ascending order.</summary>
    public IEnumerable<SortedSetNode> Ascending
    {
        get
        {
            for (var n = _list.First; n is not null; n = n.Next) yield return n;
        }
    }

    /// <summary>
    /// One ZSCAN step: a small set whole and in order (as Redis's listpack encoding replies),
    /// a large one about <paramref name="count"/> members at a time from the top slot down.
    /// </summary>
    public long Scan(long cursor, int count, Action<SortedSetNode> visit)
    {
        if (cursor == 0 && Count <= 128)
        {
            for (var n = _list.First; n is not null; n = n.Next) visit(n);
            return 0;
        }
        long top = cursor == 0 ? Count : Math.Min(cursor, Count);
        long stop = Math.Max(0, top - Math.Max(count, 1));
        var picked = new List<SortedSetNode>((int)(top - stop));
        for (long i = top - 1; i >= stop; i--) picked.Add(_slots[i]);
        foreach (var n in picked) visit(n);
        return stop;
    }
}
