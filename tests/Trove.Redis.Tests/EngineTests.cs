using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;
using Trove.Redis.Commands;
using Trove.Redis.Engine;
using Trove.Redis.Server;

namespace Trove.Redis.Tests;

/// <summary>Engine and protocol layers without sockets.</summary>
public sealed class EngineTests
{
    private static string NaiveGlobToRegex(string p)
    {
        var sb = new StringBuilder("^");
        for (int i = 0; i < p.Length; i++)
        {
            char c = p[i];
            if (c == '*') sb.Append(".*");
            else if (c == '?') sb.Append('.');
            else if (c == '\\' && i + 1 < p.Length) sb.Append(Regex.Escape(p[++i].ToString()));
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.Append('$').ToString();
    }

    [Fact]
    public void GlobMatchesANaiveMatcherOnRandomInputs()
    {
        var rnd = new Random(7);
        const string alphabet = "ab*?\\";
        for (int n = 0; n < 5000; n++)
        {
            var pattern = new string(Enumerable.Range(0, rnd.Next(0, 6)).Select(_ => alphabet[rnd.Next(alphabet.Length)]).ToArray());
            if (pattern.EndsWith('\\')) pattern += "a";
            var text = new string(Enumerable.Range(0, rnd.Next(1, 6)).Select(_ => "ab"[rnd.Next(2)]).ToArray());
            bool expected = Regex.IsMatch(text, NaiveGlobToRegex(pattern), RegexOptions.Singleline);
            Assert.True(expected == Glob.Match(Encoding.ASCII.GetBytes(pattern), Encoding.ASCII.GetBytes(text)), $"'{pattern}' vs '{text}'");
        }
        Assert.True(Glob.Match("h[ae]llo"u8, "hallo"u8));
        Assert.False(Glob.Match("h[^e]llo"u8, "hello"u8));
        Assert.True(Glob.Match("h[a-b]llo"u8, "hbllo"u8));
        Assert.True(Glob.Match("h[b-a]llo"u8, "hallo"u8));
        Assert.True(Glob.Match("h\\*llo"u8, "h*llo"u8));
        Assert.False(Glob.Match("h\\*llo"u8, "hello"u8));
    }

    [Fact]
    public void ScanVisitsEveryKeyPresentThroughoutAcrossResizes()
    {
        using var ks = new Keyspace(1);
        var db = ks[0];
        lock (ks.Sync)
        {
            for (int i = 0; i < 1000; i++) db.Set(Encoding.ASCII.GetBytes("stable:" + i), new byte[] { 1 });
            var seen = new HashSet<string>();
            ulong cursor = 0;
            int step = 0;
            do
            {
                var keys = new List<byte[]>();
                cursor = db.Scan(cursor, 7, default, null, keys);
                foreach (var k in keys) seen.Add(Encoding.ASCII.GetString(k));
                // Grow, then shrink the table between calls.
                if (step == 5) for (int i = 0; i < 5000; i++) db.Set(Encoding.ASCII.GetBytes("temp:" + i), new byte[] { 1 });
                if (step == 40) for (int i = 0; i < 5000; i++) db.Delete(Encoding.ASCII.GetBytes("temp:" + i));
                step++;
            } while (cursor != 0 && step < 100_000);
            for (int i = 0; i < 1000; i++) Assert.Contains("stable:" + i, seen);
        }
    }

    [Fact]
    public void LazyAndActiveExpiry()
    {
        using var ks = new Keyspace(1);
        var db = ks[0];
        lock (ks.Sync)
        {
            ks.FrozenNow = 1_000;
            db.Set("a"u8, new byte[] { 1 }, expireAt: 1_500);
            db.Set("b"u8, new byte[] { 1 }, expireAt: 2_500);
            Assert.NotNull(db.Get("a"u8));
            ks.FrozenNow = 2_000;
            Assert.Null(db.Get("a"u8));
            Assert.Equal(1, db.Count);
            Assert.Equal(1, ks.ExpiredKeys);
            ks.FrozenNow = 3_000;
        }
        // The background cycle (every 100 ms) removes "b" without anyone touching it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            lock (ks.Sync) if (ks[0].Count == 0) break;
            Thread.Sleep(20);
        }
        lock (ks.Sync) Assert.Equal(0, ks[0].Count);
    }

    private static async Task<string> RunSessionAsync(byte[] input, int chunk)
    {
        await using var server = new RedisServer(new RedisConfig());
        var inPipe = new Pipe();
        var outPipe = new Pipe();
        var session = new RespSession(server, outPipe.Writer);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var run = session.RunAsync(inPipe.Reader, cts.Token);
        for (int i = 0; i < input.Length; i += chunk)
        {
            await inPipe.Writer.WriteAsync(input.AsMemory(i, Math.Min(chunk, input.Length - i)));
        }
        await inPipe.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        await outPipe.Writer.CompleteAsync();
        var output = new MemoryStream();
        await outPipe.Reader.CopyToAsync(output);
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Fact]
    public async Task SessionGivesTheSameRepliesForAnySegmentation()
    {
        var ms = new MemoryStream();
        void Cmd(params object[] a) => ms.Write(Infrastructure.RespClient.Encode(a));
        Cmd("SET", "k", "v\r\n\0");
        Cmd("GET", "k");
        ms.Write("PING\r\nECHO \"a b\"\r\n"u8);
        Cmd("SET", "big", new string('x', 70_000));
        Cmd("STRLEN", "big");
        Cmd("MULTI"); Cmd("INCR", "n"); Cmd("INCR", "n"); Cmd("EXEC");
        Cmd("FOO");
        var input = ms.ToArray();
        var whole = await RunSessionAsync(input, input.Length);
        Assert.StartsWith("+OK\r\n$4\r\nv\r\n\0\r\n+PONG\r\n$3\r\na b\r\n+OK\r\n:70000\r\n+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n:1\r\n:2\r\n-ERR unknown command", whole);
        Assert.Equal(whole, await RunSessionAsync(input, 1));
        Assert.Equal(whole, await RunSessionAsync(input, 7));
        Assert.Equal(whole, await RunSessionAsync(input, 4093));
    }

    [Fact]
    public void CommandTableDescribesEveryCommand()
    {
        foreach (var def in RespSession.Commands.All)
        {
            Assert.Equal(def.Name, def.Name.ToLowerInvariant());
            Assert.NotEqual(0, def.Arity);
            Assert.False(string.IsNullOrEmpty(def.Summary), def.Name);
        }
        Assert.NotNull(RespSession.Commands.Find("gEt"u8));
        Assert.Null(RespSession.Commands.Find("nope"u8));
    }

    [Fact]
    public void RedisNumberFormats()
    {
        Assert.Equal("0.10000000000000001", Trove.Redis.Resp.RedisNumbers.FormatDouble(0.1));
        Assert.Equal("1", Trove.Redis.Resp.RedisNumbers.FormatDouble(1.0));
        Assert.Equal("1e+20", Trove.Redis.Resp.RedisNumbers.FormatDouble(1e20));
        Assert.Equal("inf", Trove.Redis.Resp.RedisNumbers.FormatDouble(double.PositiveInfinity));
        Assert.Equal("100000000000000000000", Encoding.ASCII.GetString(Trove.Redis.Resp.RedisNumbers.FormatHuman(1e20)));
        Assert.Equal("0.0000001", Encoding.ASCII.GetString(Trove.Redis.Resp.RedisNumbers.FormatHuman(1e-7)));
        Assert.Equal("10.6", Encoding.ASCII.GetString(Trove.Redis.Resp.RedisNumbers.FormatHuman(10.6)));
    }
}
