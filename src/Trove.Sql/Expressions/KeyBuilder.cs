using System.Runtime.CompilerServices;
using Trove.Sql.Dialects;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>Process-wide ids for schema objects and types; never reused, so a cache key never mistakes one object for another.</summary>
internal static class KeyIds
{
    private static long s_next;
    public static long Next() => Interlocked.Increment(ref s_next);
}

/// <summary>The first token of each node's part of a cache key (0 means "absent").</summary>
internal enum KeyKind : long
{
    Select = 1, Compound, Insert, Update, Delete, Text, Column, Table, Bind, Required, Literal, Named, Binary, Unary,
    BoolList, IsNull, In, Like, Between, Order, Label, Cast, Collate, Func, Case, ScalarSelect, Exists, Join, Subquery,
    SubqueryColumn, CompoundFrom, NewValue, TableAlias, AliasColumn,
}

/// <summary>
/// Walks a statement into its structural cache key (SQLAlchemy's <c>_generate_cache_key</c>): node kinds, table and
/// column identities, operators, names and the shape of bound values, never the values themselves. The values are
/// extracted in walk order at the same time, each with its site (the node that binds it and a sub-index) so a cached
/// plan can map placeholders to extracted values. Every node writes its kind first and length-prefixes its lists
/// and strings, so two different trees never produce the same token sequence.
/// One builder per thread, reused (a hit allocates nothing here).
/// </summary>
internal sealed class KeyBuilder
{
    [ThreadStatic] private static KeyBuilder? t_cached;

    private long[] _tokens = new long[128];
    private int _count;
    private object?[] _values = new object?[16];
    private object?[] _sites = new object?[16];
    private int[] _subs = new int[16];
    private int _valueCount;
    private Dictionary<(object, int), int>? _siteIndex;
    private object?[] _anon = new object?[4];
    private int _anonCount;

    /// <summary>The dialect the key is for (a few nodes key dialect-dependent choices).</summary>
    public Dialect D = null!;
    /// <summary>Set by a node that cannot be keyed: the statement is compiled fresh, without the cache.</summary>
    public bool Uncacheable;

    public static KeyBuilder Rent(Dialect d)
    {
        var k = t_cached ?? new KeyBuilder();
        t_cached = null;
        k.D = d;
        return k;
    }

    /// <summary>Resets and keeps the builder for this thread (dropping references to user values).</summary>
    public static void Return(KeyBuilder k)
    {
        Array.Clear(k._values, 0, k._valueCount);
        Array.Clear(k._sites, 0, k._valueCount);
        Array.Clear(k._anon, 0, k._anonCount);
        k._count = 0; k._valueCount = 0; k._anonCount = 0; k.BindCount = 0; k.Uncacheable = false;
        k._siteIndex = null; // only long IN lists need it; small walks go back to the linear scan
        // A huge multi-row INSERT should not pin megabytes per thread.
        if (k._tokens.Length > 1 << 16 || k._values.Length > 1 << 14) return;
        t_cached = k;
    }

    public ReadOnlySpan<long> Tokens => _tokens.AsSpan(0, _count);
    public int ValueCount => _valueCount;
    public object? ValueAt(int i) => _values[i];
    public object? SiteAt(int i) => _sites[i];
    public int SubAt(int i) => _subs[i];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long token)
    {
        if (_count == _tokens.Length) Array.Resize(ref _tokens, _tokens.Length * 2);
        _tokens[_count++] = token;
    }

    public void Kind(KeyKind kind) => Add((long)kind);
    public void Add(bool flag) => Add(flag ? 1L : 0L);

    /// <summary>A string by content: its length, then four UTF-16 code units per token (null is -1).</summary>
    public void Str(string? s)
    {
        if (s is null) { Add(-1); return; }
        Add(s.Length);
        int i = 0;
        for (; i + 4 <= s.Length; i += 4)
            Add(s[i] | (long)s[i + 1] << 16 | (long)s[i + 2] << 32 | (long)s[i + 3] << 48);
        if (i < s.Length)
        {
            long t = 0;
            for (int j = 0; i < s.Length; i++, j += 16) t |= (long)s[i] << j;
            Add(t);
        }
    }

    /// <summary>A SQL type by identity (it drives DDL names in CAST, value conversion and result conversion).</summary>
    public void Type(SqlType? t) => Add(t?.KeyId ?? 0);

    /// <summary>An optional node (0 when absent).</summary>
    public void Node(SqlExpression? e)
    {
        if (e is null) Add(0);
        else e.AppendKey(this);
    }

    /// <summary>A list of nodes, length first.</summary>
    public void Nodes(SqlExpression[] items)
    {
        Add(items.Length);
        foreach (var e in items) e.AppendKey(this);
    }

    /// <summary>
    /// A bound value at <paramref name="site"/>/<paramref name="sub"/>. A site seen earlier in this walk (a node used
    /// twice) is keyed as a back-reference, so "the same parameter twice" and "two parameters" never share a plan.
    /// </summary>
    public void Value(object? value, object site, int sub = 0)
    {
        BindCount++;
        int seen = FindSite(site, sub);
        if (seen >= 0) { Add(-2 - seen); return; }
        Kind(KeyKind.NewValue);
        Record(value, site, sub);
    }

    /// <summary>A bound value whose site is unique by construction (a cell of a multi-row INSERT): no back-reference check.</summary>
    public void UniqueValue(object? value, object site, int sub) { BindCount++; Record(value, site, sub); }

    /// <summary>Placeholders the walk saw, a node used twice counted twice (an upper bound of those rendered).</summary>
    public int BindCount;

    private void Record(object? value, object site, int sub)
    {
        if (_valueCount == _values.Length)
        {
            int n = _values.Length * 2;
            Array.Resize(ref _values, n); Array.Resize(ref _sites, n); Array.Resize(ref _subs, n);
        }
        _values[_valueCount] = value; _sites[_valueCount] = site; _subs[_valueCount] = sub;
        _siteIndex?.TryAdd((site, sub), _valueCount);
        _valueCount++;
    }

    private int FindSite(object site, int sub)
    {
        if (_siteIndex != null) return _siteIndex.TryGetValue((site, sub), out var i) ? i : -1;
        if (_valueCount > 16)
        {
            // Past a handful of values a linear scan would make big IN lists quadratic.
            _siteIndex = new Dictionary<(object, int), int>(SiteComparer.Instance);
            for (int j = 0; j < _valueCount; j++) _siteIndex.TryAdd((_sites[j]!, _subs[j]), j);
            return _siteIndex.TryGetValue((site, sub), out var i) ? i : -1;
        }
        for (int j = 0; j < _valueCount; j++)
            if (ReferenceEquals(_sites[j], site) && _subs[j] == sub) return j;
        return -1;
    }

    /// <summary>
    /// A per-walk ordinal for an object keyed by identity within the statement (a subquery used in several places).
    /// </summary>
    public int Anon(object o, out bool first)
    {
        for (int i = 0; i < _anonCount; i++)
            if (ReferenceEquals(_anon[i], o)) { first = false; return i; }
        if (_anonCount == _anon.Length) Array.Resize(ref _anon, _anon.Length * 2);
        _anon[_anonCount] = o;
        first = true;
        return _anonCount++;
    }
}

/// <summary>Compares (site, sub) pairs by the site's identity.</summary>
internal sealed class SiteComparer : IEqualityComparer<(object, int)>
{
    public static readonly SiteComparer Instance = new();
    public bool Equals((object, int) x, (object, int) y) => ReferenceEquals(x.Item1, y.Item1) && x.Item2 == y.Item2;
    public int GetHashCode((object, int) o) => RuntimeHelpers.GetHashCode(o.Item1) * 31 + o.Item2;
}
