using System.Diagnostics;
using System.Text;

namespace Trove.Redis.Tests.Types;

/// <summary>
/// Blocking list and sorted-set pops with several real clients, run against both Trove and
/// redis-server so that Trove's behaviour is checked against the reference, not against itself.
/// Every wait is bounded by the client's read timeout.
/// </summary>
[Collection(TypesCollection.Name)]
public class BlockingTests(TypesFixture f)
{
    private RespWire Connect(string server)
    {
        var c = new RespWire(server == "redis" ? f.PeerPort : f.TrovePort, TimeSpan.FromSeconds(5));
        return c;
    }

    private static void SendOnly(RespWire c, params string[] args) => c.Send(args.Select(Encoding.UTF8.GetBytes).ToArray());

    private static void AssertStillBlocked(RespWire c) => Assert.False(c.HasDataWithin(TimeSpan.FromMilliseconds(150)), "client should still be blocked");

    private static string Key(string name) => name + ":" + Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Blpop_is_woken_by_a_push_from_another_client(string server)
    {
        using var waiter = Connect(server);
        using var pusher = Connect(server);
        var k = Key("l");
        SendOnly(waiter, "BLPOP", k, "0");
        AssertStillBlocked(waiter);
        Assert.Equal(":\"2\"", pusher.Call("RPUSH", k, "a", "b").Render());
        Assert.Equal($"*[$\"{k}\",$\"a\"]", waiter.Read().Render());
        Assert.Equal("*[$\"b\"]", pusher.Call("LRANGE", k, "0", "-1").Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Clients_are_served_in_the_order_they_blocked(string server)
    {
        using var first = Connect(server);
        using var second = Connect(server);
        using var pusher = Connect(server);
        var k = Key("fifo");
        SendOnly(first, "BRPOP", k, "5");
        AssertStillBlocked(first);
        SendOnly(second, "BRPOP", k, "5");
        AssertStillBlocked(second);
        pusher.Call("LPUSH", k, "one");
        Assert.Equal($"*[$\"{k}\",$\"one\"]", first.Read().Render());
        AssertStillBlocked(second);
        pusher.Call("LPUSH", k, "two");
        Assert.Equal($"*[$\"{k}\",$\"two\"]", second.Read().Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Timeout_replies_null_after_the_fractional_wait(string server)
    {
        using var c = Connect(server);
        var sw = Stopwatch.StartNew();
        Assert.Equal("*\"-1\"", c.Call("BLPOP", Key("none"), "0.3").Render());
        Assert.InRange(sw.ElapsedMilliseconds, 250, 4000);
        sw.Restart();
        Assert.Equal("*\"-1\"", c.Call("BZPOPMIN", Key("none"), "0.2").Render());
        Assert.InRange(sw.ElapsedMilliseconds, 150, 4000);
        Assert.Equal("+\"PONG\"", c.Call("PING").Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Pushes_inside_multi_exec_wake_the_waiter_after_exec(string server)
    {
        using var waiter = Connect(server);
        using var tx = Connect(server);
        var k = Key("tx");
        SendOnly(waiter, "BLPOP", k, "0");
        AssertStillBlocked(waiter);
        tx.Call("MULTI");
        tx.Call("RPUSH", k, "x");
        tx.Call("RPUSH", k, "y");
        AssertStillBlocked(waiter);
        Assert.Equal("*[:\"1\",:\"2\"]", tx.Call("EXEC").Render());
        Assert.Equal($"*[$\"{k}\",$\"x\"]", waiter.Read().Render());
        Assert.Equal("*[$\"y\"]", tx.Call("LRANGE", k, "0", "-1").Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Blmove_feeds_a_client_blocked_on_the_destination(string server)
    {
        using var mover = Connect(server);
        using var popper = Connect(server);
        using var pusher = Connect(server);
        var src = Key("src");
        var dst = Key("dst");
        SendOnly(mover, "BLMOVE", src, dst, "LEFT", "RIGHT", "0");
        AssertStillBlocked(mover);
        SendOnly(popper, "BLPOP", dst, "0");
        AssertStillBlocked(popper);
        pusher.Call("RPUSH", src, "v");
        Assert.Equal("$\"v\"", mover.Read().Render());
        Assert.Equal($"*[$\"{dst}\",$\"v\"]", popper.Read().Render());
        Assert.Equal(":\"0\"", pusher.Call("EXISTS", src, dst).Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Waiting_on_several_keys_and_sorted_sets(string server)
    {
        using var a = Connect(server);
        using var b = Connect(server);
        using var pusher = Connect(server);
        var k1 = Key("k1");
        var k2 = Key("k2");
        var z = Key("z");
        SendOnly(a, "BLMPOP", "0", "2", k1, k2, "RIGHT", "COUNT", "2");
        AssertStillBlocked(a);
        pusher.Call("RPUSH", k2, "p", "q", "r");
        Assert.Equal($"*[$\"{k2}\",*[$\"r\",$\"q\"]]", a.Read().Render());
        SendOnly(b, "BZPOPMAX", k1, z, "0");
        AssertStillBlocked(b);
        pusher.Call("ZADD", z, "1.5", "m", "2.5", "n");
        Assert.Equal($"*[$\"{z}\",$\"n\",$\"2.5\"]", b.Read().Render());
        SendOnly(b, "BZMPOP", "0", "1", z, "MIN");
        Assert.Equal($"*[$\"{z}\",*[*[$\"m\",$\"1.5\"]]]", b.Read().Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void A_waiter_that_disconnects_takes_nothing(string server)
    {
        var k = Key("gone");
        using (var quitter = Connect(server))
        {
            SendOnly(quitter, "BLPOP", k, "0");
            AssertStillBlocked(quitter);
        }
        Thread.Sleep(200);
        using var c = Connect(server);
        c.Call("RPUSH", k, "kept");
        Assert.Equal("$\"kept\"", c.Call("LPOP", k).Render());
    }

    [Theory]
    [InlineData("redis")]
    [InlineData("trove")]
    public void Resp3_waiter_gets_resp3_replies(string server)
    {
        using var waiter = Connect(server);
        using var pusher = Connect(server);
        Assert.False(waiter.Call("HELLO", "3").IsError);
        var z = Key("z3");
        SendOnly(waiter, "BZPOPMIN", z, "0");
        AssertStillBlocked(waiter);
        pusher.Call("ZADD", z, "0.1", "m");
        Assert.Equal($"*[$\"{z}\",$\"m\",,\"0.10000000000000001\"]", waiter.Read().Render());
        Assert.Equal("_\"\"", waiter.Call("BLPOP", Key("none"), "0.05").Render());
    }
}
