using System.Text;
using Trove.Memcached.Engine;

namespace Trove.Memcached.Tests;

/// <summary>The engine alone, without sockets.</summary>
public sealed class ItemStoreTests
{
    private static byte[] Item(string key, string value) => Encoding.ASCII.GetBytes(key + value);

    private static StoreResult Set(ItemStore s, string key, string value, long exptime = 0, StoreMode mode = StoreMode.Set, long cas = 0) =>
        s.Store(mode, Item(key, value), key.Length, 0, exptime, cas, out _);

    private static string? Get(ItemStore s, string key) =>
        s.TryGet(Encoding.ASCII.GetBytes(key), out var item, out _) ? Encoding.ASCII.GetString(item.Value) : null;

    [Fact]
    public void EvictsLeastRecentlyUsedWithinOneShard()
    {
        // One shard makes the LRU order exact.
        var s = new ItemStore(ItemStore.Cost(10) * 3, shardCount: 1);
        Set(s, "a", "123456789");
        Set(s, "b", "123456789");
        Set(s, "c", "123456789");
        Assert.NotNull(Get(s, "a")); // a becomes most recent; b is now the oldest
        Set(s, "d", "123456789");
        Assert.Null(Get(s, "b"));
        Assert.NotNull(Get(s, "a"));
        Assert.NotNull(Get(s, "c"));
        Assert.NotNull(Get(s, "d"));
        Assert.Equal(1, s.Totals().Evictions);
        Assert.True(s.BytesUsed <= s.MemoryLimit);
    }

    [Fact]
    public void EvictsAcrossShardsToStayWithinTheLimit()
    {
        var s = new ItemStore(1 << 20, shardCount: 16);
        for (int i = 0; i < 10_000; i++) Set(s, "key" + i, new string('x', 1000));
        Assert.True(s.BytesUsed <= s.MemoryLimit);
        Assert.True(s.Totals().Evictions > 8000);
    }

    [Fact]
    public void DisabledEvictionsFailWhenFull()
    {
        var s = new ItemStore(ItemStore.Cost(10) * 2, evictions: false, shardCount: 1);
        Assert.Equal(StoreResult.Stored, Set(s, "a", "123456789"));
        Assert.Equal(StoreResult.Stored, Set(s, "b", "123456789"));
        Assert.Equal(StoreResult.OutOfMemory, Set(s, "c", "123456789"));
        Assert.Equal(StoreResult.Stored, Set(s, "a", "987654321")); // same size replaces in place
        Assert.Equal("987654321", Get(s, "a"));
    }

    [Fact]
    public void ExpiryFollowsTheClock()
    {
        var s = new ItemStore(1 << 20);
        Set(s, "short", "x", exptime: 10);
        Set(s, "forever", "x");
        Set(s, "neg", "x", exptime: -1);
        Set(s, "abs", "x", exptime: s.Clock.UnixNow + 100);
        Assert.Null(Get(s, "neg"));
        Assert.NotNull(Get(s, "short"));
        s.Clock.Advance(11);
        Assert.Null(Get(s, "short"));
        Assert.NotNull(Get(s, "forever"));
        Assert.NotNull(Get(s, "abs"));
        s.Clock.Advance(100);
        Assert.Null(Get(s, "abs"));
    }

    [Fact]
    public void DelayedFlushHidesOlderItemsWhenDue()
    {
        var s = new ItemStore(1 << 20);
        Set(s, "a", "1");
        s.FlushAll(5);
        Assert.NotNull(Get(s, "a"));
        s.Clock.Advance(6);
        Assert.Null(Get(s, "a"));
        Set(s, "b", "2");
        Assert.NotNull(Get(s, "b"));
    }

    [Fact]
    public void ArithmeticWrapsFloorsAndPads()
    {
        var s = new ItemStore(1 << 20);
        var key = "n"u8.ToArray();
        Set(s, "n", "100");
        Assert.Equal(ArithResult.Ok, s.Arith(key, false, 1, out ulong v));
        Assert.Equal(99UL, v);
        Assert.Equal("99 ", Get(s, "n"));
        Assert.Equal(ArithResult.Ok, s.Arith(key, false, 1000, out v));
        Assert.Equal(0UL, v);
        Set(s, "n", "18446744073709551615");
        Assert.Equal(ArithResult.Ok, s.Arith(key, true, 2, out v));
        Assert.Equal(1UL, v);
        Set(s, "n", "12a");
        Assert.Equal(ArithResult.NonNumeric, s.Arith(key, true, 1, out _));
        Assert.Equal(ArithResult.NotFound, s.Arith("zz"u8, true, 1, out _));
    }

    [Fact]
    public void CasAppendPrependAddReplace()
    {
        var s = new ItemStore(1 << 20);
        Assert.Equal(StoreResult.NotStored, Set(s, "k", "x", mode: StoreMode.Replace));
        Assert.Equal(StoreResult.Stored, Set(s, "k", "mid", mode: StoreMode.Add));
        Assert.Equal(StoreResult.NotStored, Set(s, "k", "x", mode: StoreMode.Add));
        Assert.Equal(StoreResult.Stored, Set(s, "k", ">", mode: StoreMode.Append));
        Assert.Equal(StoreResult.Stored, Set(s, "k", "<", mode: StoreMode.Prepend));
        Assert.Equal("<mid>", Get(s, "k"));
        Assert.True(s.TryGet("k"u8, out var item, out _));
        Assert.Equal(StoreResult.Exists, Set(s, "k", "no", mode: StoreMode.Cas, cas: item.Cas + 1));
        Assert.Equal(StoreResult.Stored, Set(s, "k", "yes", mode: StoreMode.Cas, cas: item.Cas));
        Assert.Equal(StoreResult.NotFound, Set(s, "gone", "x", mode: StoreMode.Cas, cas: 1));
        Assert.Equal("yes", Get(s, "k"));
    }

    [Fact]
    public void ManyItemsSurviveTableGrowth()
    {
        var s = new ItemStore(1L << 30, shardCount: 4);
        for (int i = 0; i < 50_000; i++) Set(s, "k" + i, i.ToString());
        for (int i = 0; i < 50_000; i += 7) Assert.Equal(i.ToString(), Get(s, "k" + i));
        for (int i = 0; i < 50_000; i += 2) s.Delete(Encoding.ASCII.GetBytes("k" + i));
        Assert.Equal(25_000, s.Totals().CurrItems);
        for (int i = 1; i < 50_000; i += 2) Assert.Equal(i.ToString(), Get(s, "k" + i));
    }
}
