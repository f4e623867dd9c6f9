using Trove.Redis.Server;
using Trove.TestKit;

namespace Trove.Redis.Tests.Infrastructure;

/// <summary>Trove's Redis server in this process on a free port (fast to start; the same code as `trove redis`).</summary>
public sealed class TroveRedisFixture : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public RedisServer Server { get; private set; } = null!;

    /// <summary>Its port.</summary>
    public int Port => Server.EndPoint.Port;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Server = new RedisServer(new RedisConfig { Port = 0 });
        await Server.StartAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Server.StopAsync();
}

/// <summary>
/// Both servers for differential tests: Debian's redis-server 7.0 (TestKit.PeerServer) and Trove
/// in-process. Shared by the "redis-diff" collection; scripts FLUSHALL first.
/// </summary>
public sealed class DiffFixture : IAsyncLifetime
{
    /// <summary>Trove.</summary>
    public TroveRedisFixture Trove { get; } = new();

    /// <summary>The real redis-server.</summary>
    public PeerServer Peer { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await Trove.InitializeAsync();
        Peer = await PeerServer.StartRedisAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Trove.DisposeAsync();
        await Peer.DisposeAsync();
    }

    /// <summary>
    /// Runs the same commands on both servers (after FLUSHALL and a fresh connection each) and
    /// asserts the raw replies are identical. Each line is one command, words split on spaces,
    /// "double quotes" group words; C# escapes give \0, \r\n and binary bytes. A line starting
    /// with "~" compares its reply as an unordered collection (KEYS, SMEMBERS); "!" runs the
    /// command without comparing (ids, times); "#sleep N" waits N ms.
    /// </summary>
    public async Task AssertSameAsync(params string[] lines)
    {
        var (trove, peer) = await RunBothAsync(lines);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith('!')) continue;
            string p = peer[i], t = trove[i];
            if (lines[i].StartsWith('~')) { p = Unordered(p); t = Unordered(t); }
            Assert.True(p == t, $"command {i}: {lines[i]}\n redis-server: {Show(peer[i])}\n trove:        {Show(trove[i])}");
        }
    }

    /// <summary>An aggregate reply's header plus its elements sorted (one level).</summary>
    public static string Unordered(string reply)
    {
        if (reply.Length == 0 || reply[0] is not ('*' or '~' or '%')) return reply;
        var parts = reply.Split("\r\n");
        var header = parts[0];
        var items = new List<string>();
        for (int i = 1; i + 1 < parts.Length; i += 2) items.Add(parts[i] + "\r\n" + parts[i + 1]);
        items.Sort(StringComparer.Ordinal);
        return header + "|" + string.Join("|", items);
    }

    /// <summary>Runs the lines on both servers and returns their replies.</summary>
    public async Task<(List<string> Trove, List<string> Peer)> RunBothAsync(params string[] lines)
    {
        var t = await RunAsync(Trove.Port, lines);
        var p = await RunAsync(Peer.Port, lines);
        return (t, p);
    }

    private static string Show(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");

    private static async Task<List<string>> RunAsync(int port, string[] lines)
    {
        await using var c = await RespClient.ConnectAsync(port);
        await c.CallAsync("FLUSHALL");
        var replies = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith("#sleep ", StringComparison.Ordinal))
            {
                await Task.Delay(int.Parse(line[7..]));
                replies.Add("");
                continue;
            }
            replies.Add(await c.CallAsync(Split(line.TrimStart('~', '!')).ToArray<object>()));
        }
        return replies;
    }

    /// <summary>Splits a script line into arguments.</summary>
    public static List<string> Split(string line)
    {
        var args = new List<string>();
        var cur = new System.Text.StringBuilder();
        bool inQuotes = false, any = false;
        foreach (char ch in line)
        {
            if (ch == '"') { inQuotes = !inQuotes; any = true; continue; }
            if (ch == ' ' && !inQuotes)
            {
                if (any) { args.Add(cur.ToString()); cur.Clear(); any = false; }
                continue;
            }
            cur.Append(ch);
            any = true;
        }
        if (any) args.Add(cur.ToString());
        return args;
    }
}

/// <summary>The collection sharing one <see cref="DiffFixture"/> (one redis-server for all differential tests).</summary>
[CollectionDefinition("redis-diff")]
public sealed class DiffCollection : ICollectionFixture<DiffFixture>;

/// <summary>The collection sharing one in-process Trove server.</summary>
[CollectionDefinition("trove-redis")]
public sealed class TroveCollection : ICollectionFixture<TroveRedisFixture>;
