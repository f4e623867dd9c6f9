using System.Text;
using Trove.Redis.Tests.Infrastructure;
using Trove.TestKit;

namespace Trove.Redis.Tests;

/// <summary>Hostile input: protocol errors close only the offending connection; memory stays bounded.</summary>
[Collection("trove-redis")]
public sealed class BadInputTests(TroveRedisFixture f)
{
    [Theory]
    [InlineData("*1\r\n$x\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("*zz\r\n", "-ERR Protocol error: invalid multibulk length\r\n")]
    [InlineData("*2\r\n$3\r\nGET\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n")]
    [InlineData("*1\r\n$536870913\r\n", "-ERR Protocol error: invalid bulk length\r\n")]
    [InlineData("SET \"unbalanced\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n")]
    public async Task ProtocolErrorRepliesAndCloses(string payload, string expected)
    {
        await using var bad = await RespClient.ConnectAsync(f.Port);
        await using var good = await RespClient.ConnectAsync(f.Port);
        await bad.SendRawAsync(payload);
        Assert.Equal(expected, await bad.ReadReplyAsync());
        Assert.True(await bad.IsClosedAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("+PONG\r\n", await good.CallAsync("PING"));
    }

    [Fact]
    public async Task GarbageBytesGetErrorsNotCrashes()
    {
        var rnd = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            var junk = new byte[rnd.Next(1, 3000)];
            rnd.NextBytes(junk);
            await using var c = await RespClient.ConnectAsync(f.Port);
            await c.SendRawAsync(junk);
            await c.SendRawAsync("\r\n");
            // Whatever the junk parsed as, the server answers or closes; it must never hang or die.
            try { await c.IsClosedAsync(TimeSpan.FromMilliseconds(200)); } catch (IOException) { }
        }
        await using var good = await RespClient.ConnectAsync(f.Port);
        Assert.Equal("+PONG\r\n", await good.CallAsync("PING"));
    }

    [Fact]
    public async Task TooBigInlineRequestCloses()
    {
        await using var c = await RespClient.ConnectAsync(f.Port);
        await c.SendRawAsync(new string('a', 70 * 1024));
        Assert.Equal("-ERR Protocol error: too big inline request\r\n", await c.ReadReplyAsync());
        Assert.True(await c.IsClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task TenThousandPipelinedCommandsInOnePacket()
    {
        await using var c = await RespClient.ConnectAsync(f.Port);
        var sb = new StringBuilder();
        for (int i = 0; i < 10_000; i++) sb.Append("*3\r\n$4\r\nINCR\r\n$7\r\npipe:10k\r\n".Replace("*3", "*2"));
        await c.SendRawAsync(sb.ToString());
        for (int i = 1; i <= 10_000; i++) Assert.Equal($":{i}\r\n", await c.ReadReplyAsync());
    }

    [Fact]
    public async Task LargeValueSplitAcrossManyReads()
    {
        await using var c = await RespClient.ConnectAsync(f.Port);
        var value = new byte[5 * 1024 * 1024];
        new Random(1).NextBytes(value);
        var cmd = RespClient.Encode("SET", "big:value", value);
        for (int off = 0; off < cmd.Length; off += 100_000)
            await c.SendRawAsync(cmd[off..Math.Min(cmd.Length, off + 100_000)]);
        Assert.Equal("+OK\r\n", await c.ReadReplyAsync());
        Assert.Equal($":{value.Length}\r\n", await c.CallAsync("STRLEN", "big:value"));
        await c.CallAsync("DEL", "big:value");
    }

    [Fact]
    public async Task ClientThatNeverReadsIsBoundedAndOthersWork()
    {
        int pid = Environment.ProcessId;
        await using var setup = await RespClient.ConnectAsync(f.Port);
        await setup.CallAsync("SET", "fat", new string('x', 100_000));
        long before = ProcStat.RssBytes(pid);
        using var tcp = new System.Net.Sockets.TcpClient();
        tcp.ReceiveBufferSize = 4096;
        await tcp.ConnectAsync("127.0.0.1", f.Port);
        var stream = tcp.GetStream();
        var one = RespClient.Encode("GET", "fat");
        var batch = new byte[one.Length * 100];
        for (int i = 0; i < 100; i++) one.CopyTo(batch, i * one.Length);
        // Ask for ~2 GB of replies without reading any; the writes stop once buffers are full.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            for (int i = 0; i < 200; i++) await stream.WriteAsync(batch, cts.Token);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        await Task.Delay(500);
        long after = ProcStat.RssBytes(pid);
        Assert.True(after - before < 300L * 1024 * 1024, $"RSS grew by {(after - before) >> 20} MB");
        Assert.Equal("+PONG\r\n", await setup.CallAsync("PING"));
    }

    [Fact]
    public async Task SubscriberThatStopsReadingIsDisconnected()
    {
        await using var admin = await RespClient.ConnectAsync(f.Port);
        await admin.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 4mb 1mb 60");
        try
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            tcp.ReceiveBufferSize = 4096;
            await tcp.ConnectAsync("127.0.0.1", f.Port);
            await tcp.GetStream().WriteAsync(RespClient.Encode("SUBSCRIBE", "flood"));
            await Task.Delay(200);
            var payload = new string('p', 64 * 1024);
            int receivers = 1;
            for (int i = 0; i < 2000 && receivers > 0; i++)
            {
                var r = await admin.CallAsync("PUBLISH", "flood", payload);
                receivers = int.Parse(r[1..].Trim());
            }
            Assert.Equal(0, receivers);
            Assert.Equal("+PONG\r\n", await admin.CallAsync("PING"));
        }
        finally
        {
            await admin.CallAsync("CONFIG", "SET", "client-output-buffer-limit", "pubsub 32mb 8mb 60");
        }
    }
}
