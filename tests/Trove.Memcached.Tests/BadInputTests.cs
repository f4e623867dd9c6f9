using System.Text;

namespace Trove.Memcached.Tests;

/// <summary>Hostile and malformed input: memcached's reply or a hang-up, and a second connection keeps working.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private InProcessServer _server = null!;
    private RawClient _witness = null!;

    public async Task InitializeAsync()
    {
        _server = InProcessServer.Start();
        _witness = await RawClient.ConnectAsync(_server.Port);
        Assert.Equal("STORED\r\n", await _witness.CallAsync("set witness 0 0 2\r\nok\r\n"));
    }

    public async Task DisposeAsync()
    {
        // The witness connection was open throughout: it must still work.
        Assert.Equal("VALUE witness 0 2\r\nok\r\nEND\r\n", await _witness.CallAsync("get witness\r\n", "END\r\n"));
        _witness.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task LineOver2048BytesWithoutNewlineIsClosed()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        await c.SendAsync(new string('a', 5000));
        Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task LongMultiGetLineIsServed()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        var keys = string.Join(' ', Enumerable.Range(0, 1000).Select(i => "key" + i)) + " witness";
        Assert.True(keys.Length > 2048);
        Assert.Equal("VALUE witness 0 2\r\nok\r\nEND\r\n", await c.CallAsync("get " + keys + "\r\n", "END\r\n"));
    }

    [Fact]
    public async Task DataBlockLongerThanDeclared()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        await c.SendAsync("set k 0 0 3\r\nabcdef\r\nversion\r\n");
        Assert.Equal("CLIENT_ERROR bad data chunk\r\n", await c.ReadUntilAsync("\r\n"));
        Assert.Equal("ERROR\r\n", await c.ReadUntilAsync("\r\n"));
        Assert.StartsWith("VERSION ", await c.ReadUntilAsync("\r\n"));
    }

    [Fact]
    public async Task DataBlockShorterThanDeclared()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        await c.SendAsync("set k 0 0 10\r\nabc\r\n");
        await Task.Delay(200);
        await c.SendAsync("0123456789\r\nversion\r\n");
        Assert.Equal("CLIENT_ERROR bad data chunk\r\n", await c.ReadUntilAsync("\r\n"));
        Assert.Equal("ERROR\r\n", await c.ReadUntilAsync("\r\n"));
        Assert.StartsWith("VERSION ", await c.ReadUntilAsync("\r\n"));
        Assert.Equal("END\r\n", await c.CallAsync("get k\r\n"));
    }

    [Theory]
    [InlineData("set k 0 0 -1\r\n")]
    [InlineData("set k 0 0 -2147483648\r\n")]
    [InlineData("set k 0 0 99999999999999999999\r\n")]
    [InlineData("set k 0 0 abc\r\n")]
    public async Task BadByteCountIsClientError(string line)
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", await c.CallAsync(line));
        Assert.StartsWith("VERSION ", await c.CallAsync("version\r\n"));
    }

    /// <summary>A huge (but valid) byte count is refused without allocating: the data is swallowed, then SERVER_ERROR.</summary>
    [Fact]
    public async Task HugeByteCountIsSwallowedNotAllocated()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        long before = _server.Server.Store.BytesUsed;
        await c.SendAsync("set k 0 0 2147483645\r\n");
        await c.SendAsync(new byte[4 << 20]);
        Assert.True(_server.Server.Store.BytesUsed - before < 1 << 20);
        using var other = await RawClient.ConnectAsync(_server.Port);
        Assert.StartsWith("VERSION ", await other.CallAsync("version\r\n"));
    }

    [Fact]
    public async Task TooLargeItemIsServerError()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        var value = new string('x', 2 << 20);
        Assert.Equal("SERVER_ERROR object too large for cache\r\n", await c.CallAsync($"set big 0 0 {value.Length}\r\n{value}\r\n"));
        Assert.Equal("END\r\n", await c.CallAsync("get big\r\n"));
    }

    [Fact]
    public async Task HttpRequestIsClosed()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        await c.SendAsync("GET /index.html HTTP/1.0\r\n\r\n");
        Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task BinaryGarbageGetsErrorsOrClose()
    {
        var rng = new Random(1234);
        for (int round = 0; round < 20; round++)
        {
            using var c = await RawClient.ConnectAsync(_server.Port);
            var junk = new byte[rng.Next(1, 8192)];
            rng.NextBytes(junk);
            await c.SendAsync(junk);
            await c.SendAsync("\r\nversion\r\n");
            // Either memcached-style error lines then VERSION, or a hang-up (over-long line, HTTP-looking line).
            try
            {
                var reply = await c.ReadUntilAsync("VERSION 1.6.18\r\n", TimeSpan.FromSeconds(5));
                foreach (var line in reply.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
                    Assert.Matches(@"^(ERROR|CLIENT_ERROR .*|SERVER_ERROR .*|VERSION .*|MN|EN|STORED|NOT_STORED|END|VALUE .*|OK|RESET|DELETED|NOT_FOUND|TOUCHED|\d+ *)$|^[\x00-\xff]*$", line);
            }
            catch (EndOfStreamException) { }
            catch (OperationCanceledException) { }
        }
        using var again = await RawClient.ConnectAsync(_server.Port);
        Assert.StartsWith("VERSION ", await again.CallAsync("version\r\n"));
    }

    [Fact]
    public async Task ControlCharacterInKeyIsRefused()
    {
        using var c = await RawClient.ConnectAsync(_server.Port);
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", await c.CallAsync("get a\u0001b\r\n"));
        await c.SendAsync("set a\tb 0 0 1\r\nx\r\n");
        Assert.Equal("CLIENT_ERROR bad command line format\r\n", await c.ReadUntilAsync("\r\n"));
        Assert.StartsWith("VERSION ", await c.CallAsync("version\r\n"));
    }

    /// <summary>Every input split into one-byte writes gives the same replies as one write.</summary>
    [Fact]
    public async Task SplitWritesGiveTheSameReplies()
    {
        const string script = "set s1 1 0 5\r\nhello\r\nget s1\r\nappend s1 0 0 3\r\nabc\r\ngets s1\r\nincr nokey 1\r\n" +
            "ms s2 3 T0 F7\r\nxyz\r\nmg s2 v f k\r\ndelete s1\r\nmn\r\n";
        string whole, bytewise, random;
        using (var c = await RawClient.ConnectAsync(_server.Port))
        {
            await c.SendAsync(script);
            whole = await c.ReadUntilAsync("MN\r\n");
        }
        using (var c = await RawClient.ConnectAsync(_server.Port))
        {
            foreach (byte b in Encoding.Latin1.GetBytes(script)) await c.SendAsync([b]);
            bytewise = await c.ReadUntilAsync("MN\r\n");
        }
        using (var c = await RawClient.ConnectAsync(_server.Port))
        {
            var bytes = Encoding.Latin1.GetBytes(script);
            var rng = new Random(7);
            for (int i = 0; i < bytes.Length;)
            {
                int n = Math.Min(rng.Next(1, 12), bytes.Length - i);
                await c.SendAsync(bytes[i..(i + n)]);
                i += n;
                await Task.Delay(1);
            }
            random = await c.ReadUntilAsync("MN\r\n");
        }
        static string Norm(string s) => System.Text.RegularExpressions.Regex.Replace(s, @"(VALUE s1 \d+ \d+) \d+", "$1 <cas>");
        Assert.Equal(Norm(whole), Norm(bytewise));
        Assert.Equal(Norm(whole), Norm(random));
        Assert.Contains("VA 3 f7 ks2\r\nxyz\r\n", whole);
    }
}
