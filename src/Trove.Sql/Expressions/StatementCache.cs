using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using Trove.Sql.Dialects;

namespace Trove.Sql;

/// <summary>
/// The compiled cache of one engine (or of a dialect, for <see cref="Executable.Compile"/>): structural key → SQL text
/// and parameter plan, like SQLAlchemy's <c>compiled_cache</c>. Executing a statement whose structure was seen before
/// walks its tree once to build the key and extract the values, and renders nothing.
/// Bounded like SQLAlchemy's LRU: it may grow to 1.5 × <see cref="Capacity"/>, then the least recently used entries
/// are dropped down to <see cref="Capacity"/>. A capacity of 0 disables caching. Thread-safe.
/// </summary>
public sealed class StatementCache
{
    private readonly ConcurrentDictionary<CacheKey, CompiledPlan> _map = new(KeyComparer.Instance);
    private readonly ConcurrentDictionary<CacheKey, CompiledPlan>.AlternateLookup<ReadOnlySpan<long>> _lookup;
    private readonly Lock _pruneLock = new();
    private long _clock, _hits, _misses;
    private int _capacity;

    /// <summary>Creates a cache for <paramref name="dialect"/> holding about <paramref name="capacity"/> statements.</summary>
    public StatementCache(Dialect dialect, int capacity = 500)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Dialect = dialect; _capacity = capacity;
        _lookup = _map.GetAlternateLookup<ReadOnlySpan<long>>();
    }

    /// <summary>The dialect statements are compiled for.</summary>
    public Dialect Dialect { get; }
    /// <summary>Entries kept after a prune (0: caching disabled).</summary>
    public int Capacity
    {
        get => _capacity;
        set { ArgumentOutOfRangeException.ThrowIfNegative(value); _capacity = value; if (value == 0) Clear(); }
    }
    /// <summary>Entries now in the cache.</summary>
    public int Count => _map.Count;
    /// <summary>Executions whose plan came from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);
    /// <summary>Executions that compiled a new plan (cacheable statements only).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Drops every entry (the counters are kept).</summary>
    public void Clear() => _map.Clear();

    /// <summary>The compiled form of <paramref name="stmt"/> with its current values.</summary>
    public CompiledStatement Compile(Executable stmt)
    {
        if (_capacity <= 0) return stmt.CompileFresh(Dialect, CompileCacheStatus.Disabled);
        var k = KeyBuilder.Rent(Dialect);
        try
        {
            stmt.AppendKey(k);
            if (k.Uncacheable) return stmt.CompileFresh(Dialect, CompileCacheStatus.NoKey);
            if (_lookup.TryGetValue(k.Tokens, out var plan))
            {
                Interlocked.Increment(ref _hits);
                plan.LastUsed = Interlocked.Increment(ref _clock);
                return new CompiledStatement(plan, Extract(plan, k), CompileCacheStatus.Cached);
            }
            Interlocked.Increment(ref _misses);
            plan = BuildPlan(stmt, k);
            if (plan == null) return stmt.CompileFresh(Dialect, CompileCacheStatus.NoKey);
            plan.LastUsed = Interlocked.Increment(ref _clock);
            if (!_lookup.TryAdd(k.Tokens, plan) && _lookup.TryGetValue(k.Tokens, out var other)) plan = other;
            if (_map.Count > _capacity + _capacity / 2) Prune();
            return new CompiledStatement(plan, Extract(plan, k), CompileCacheStatus.Generated);
        }
        finally { KeyBuilder.Return(k); }
    }

    private static object?[] Extract(CompiledPlan plan, KeyBuilder k)
    {
        var slots = plan.Slots;
        if (plan.Names.Length == 0) return [];
        var values = new object?[plan.Names.Length];
        if (slots == null)
            for (int i = 0; i < values.Length; i++) values[i] = k.ValueAt(i);
        else
            for (int i = 0; i < values.Length; i++) values[i] = k.ValueAt(slots[i]);
        return values;
    }

    /// <summary>
    /// Renders the statement once and maps each placeholder to the extracted value of the same site. Null when a
    /// placeholder has no extracted counterpart (a node that binds without keying its value): compile it fresh instead.
    /// </summary>
    private CompiledPlan? BuildPlan(Executable stmt, KeyBuilder k)
    {
        long start = Stopwatch.GetTimestamp();
        var c = SqlCompiler.Rent(Dialect);
        c.PlanMode = true;
        try
        {
            stmt.CompileStatement(c);
            int n = c.Params.Count;
            var slots = new int[n];
            bool identity = n == k.ValueCount;
            Dictionary<(object, int), int>? index = null;
            if (n > 16)
            {
                index = new Dictionary<(object, int), int>(k.ValueCount, SiteComparer.Instance);
                for (int j = 0; j < k.ValueCount; j++) index.TryAdd((k.SiteAt(j)!, k.SubAt(j)), j);
            }
            for (int i = 0; i < n; i++)
            {
                var (site, sub) = c.Sites[i];
                int found = -1;
                if (site != null)
                {
                    if (index != null) { if (index.TryGetValue((site, sub), out var j)) found = j; }
                    else
                        for (int j = 0; j < k.ValueCount; j++)
                            if (ReferenceEquals(k.SiteAt(j), site) && k.SubAt(j) == sub) { found = j; break; }
                }
                if (found < 0) return null;
                slots[i] = found;
                if (found != i) identity = false;
            }
            return CompiledPlan.FromCompiler(c, stmt.ReturnsRows, identity ? null : slots, start);
        }
        finally { SqlCompiler.Return(c); }
    }

    /// <summary>Drops the least recently used entries down to <see cref="Capacity"/> (one pruner at a time).</summary>
    private void Prune()
    {
        if (!_pruneLock.TryEnter()) return;
        try
        {
            var entries = _map.ToArray();
            int excess = entries.Length - _capacity;
            if (excess <= 0) return;
            // Snapshot the use stamps: other threads keep updating them while we sort.
            var stamps = new long[entries.Length];
            for (int i = 0; i < stamps.Length; i++) stamps[i] = entries[i].Value.LastUsed;
            Array.Sort(stamps, entries);
            for (int i = 0; i < excess; i++) _map.TryRemove(entries[i].Key, out _);
        }
        finally { _pruneLock.Exit(); }
    }

    /// <summary>A stored key: the token sequence and its hash.</summary>
    private sealed class CacheKey(long[] tokens, int hash)
    {
        public readonly long[] Tokens = tokens;
        public readonly int Hash = hash;
    }

    private sealed class KeyComparer : IEqualityComparer<CacheKey>, IAlternateEqualityComparer<ReadOnlySpan<long>, CacheKey>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals(CacheKey? x, CacheKey? y) =>
            ReferenceEquals(x, y) || (x != null && y != null && x.Hash == y.Hash && x.Tokens.AsSpan().SequenceEqual(y.Tokens));
        public int GetHashCode(CacheKey k) => k.Hash;
        public bool Equals(ReadOnlySpan<long> alternate, CacheKey other) => alternate.SequenceEqual(other.Tokens);
        public int GetHashCode(ReadOnlySpan<long> alternate) => Hash(alternate);
        public CacheKey Create(ReadOnlySpan<long> alternate) => new(alternate.ToArray(), Hash(alternate));

        private static int Hash(ReadOnlySpan<long> tokens)
        {
            ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)tokens.Length;
            foreach (var t in tokens) h = BitOperations.RotateLeft((h ^ (ulong)t) * 0xC2B2AE3D27D4EB4FUL, 31);
            h ^= h >> 33;
            return (int)h ^ (int)(h >> 32);
        }
    }
}
