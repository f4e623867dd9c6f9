using System.Text;
using System.Text.RegularExpressions;
using Trove.TestKit;

namespace Trove.Memcached.Tests;

/// <summary>Debian's memcached 1.6 and Trove, each started once for the collection.</summary>
public sealed class PeerPairFixture : IAsyncLifetime
{
    public PeerServer? Peer { get; private set; }
    public InProcessServer? Trove { get; private set; }

    public async Task InitializeAsync()
    {
        Peer = await PeerServer.StartMemcachedAsync("-m", "64");
        Trove = InProcessServer.Start();
    }

    public async Task DisposeAsync()
    {
        if (Peer is not null) await Peer.DisposeAsync();
        if (Trove is not null) await Trove.DisposeAsync();
    }
}

/// <summary>
/// The same raw-protocol script against memcached 1.6 and Trove, reply compared step by step. Each
/// step is followed by "mn" (meta no-op), whose "MN" reply marks where the step's replies end.
/// Masked: CAS values (they are per-server counters), version strings, stats values.
/// </summary>
public sealed class DifferentialTests(PeerPairFixture servers) : IClassFixture<PeerPairFixture>
{
    private static readonly string Key251 = new('k', 251);
    private static readonly string Key250 = new('k', 250);

    /// <summary>Steps; "{cas}" is replaced by the last CAS value that server returned.</summary>
    public static readonly string[] TextScript =
    [
        "flush_all\r\n",
        "set a 5 0 3\r\nabc\r\n", "get a\r\n", "gets a\r\n", "get a b a\r\n", "get nokey\r\n",
        "set b 4294967295 0 0\r\n\r\n", "get b\r\n", "set b 4294967296 0 1\r\nx\r\n", "get b\r\n",
        "add a 0 0 1\r\nx\r\n", "add n1 7 0 2\r\nhi\r\n", "get n1\r\n",
        "replace nokey 0 0 1\r\nx\r\n", "replace a 9 0 2\r\nzz\r\n", "get a\r\n",
        "append a 1 0 2\r\n++\r\n", "prepend a 1 0 2\r\n--\r\n", "get a\r\n",
        "append nokey 0 0 1\r\nx\r\n", "prepend nokey 0 0 1\r\nx\r\n",
        "gets a\r\n", "cas a 3 0 3\r\nnew\r\n{cas}", "cas a 0 0 1 1\r\nx\r\n", "cas nokey 0 0 1 1\r\nx\r\n",
        "gets a\r\n", "cas a 3 0 3 {cas}\r\nnew\r\n", "get a\r\n", "cas a 3 0 3 {cas}\r\nold\r\n",
        "set bin 0 0 6\r\n\0\r\n\u00ff\u0001\r\n", "get bin\r\n",
        "set n 0 0 2\r\n10\r\n", "incr n 5\r\n", "decr n 100\r\n", "get n\r\n", "incr n 18446744073709551615\r\n",
        "set n 0 0 20\r\n18446744073709551615\r\n", "incr n 1\r\n", "get n\r\n", "set n 0 0 3\r\n100\r\n", "decr n 1\r\n", "get n\r\n",
        "incr nokey 1\r\n", "decr nokey 1\r\n", "incr a 1\r\n", "incr n abc\r\n", "incr n -1\r\n", "incr n\r\n",
        "set n 0 0 0\r\n\r\n", "incr n 1\r\n",
        "touch a 100\r\n", "touch nokey 100\r\n", "touch a abc\r\n", "gat 100 a nokey\r\n", "gats 100 a\r\n", "gat a\r\n", "gat\r\n",
        "delete a\r\n", "delete a\r\n", "delete n 0\r\n", "delete n1 5\r\n", "delete n1 0 noreply\r\n", "get n1\r\n", "delete\r\n",
        "set q 0 0 1 noreply\r\nx\r\n", "add q 0 0 1 noreply\r\nx\r\n", "get q\r\n", "incr q 1 noreply\r\n", "delete q noreply\r\n", "get q\r\n",
        "set neg 0 -1 1\r\nx\r\n", "get neg\r\n", "set past 0 1000000000 1\r\nx\r\n", "get past\r\n",
        "set k 0 0 -1\r\n", "set k 0 0 abc\r\n", "set k abc 0 1\r\nx\r\n", "set k 0 abc 1\r\nx\r\n", "set k -1 0 1\r\nx\r\n",
        "set k 0 0\r\n", "set k 0 0 1 extra junk\r\nx\r\n", "cas k 0 0 1\r\nx\r\n", "cas k 0 0 1 abc\r\nx\r\n",
        "set k 0 0 3\r\nabcde\r\n", "set k 0 0 5\r\nabc\r\nget k\r\n",
        "set k 0 0 1 noreply\r\nxyz\r\n",
        $"set {Key251} 0 0 1\r\nx\r\n", $"get {Key251}\r\n", $"get a {Key251} b\r\n", $"set {Key250} 0 0 1\r\nx\r\n", $"get {Key250}\r\n",
        "set big 0 0 2000000\r\n" + new string('x', 2000000) + "\r\n", "get big\r\n",
        "set big 0 0 1048576\r\n" + new string('x', 1048576) + "\r\n",
        "set mid 0 0 500000\r\n" + new string('y', 500000) + "\r\n", "gets mid\r\n",
        "verbosity\r\n", "verbosity 1\r\n", "verbosity 0 noreply\r\n", "version foo\r\n",
        "flush_all noreply\r\n", "get mid\r\n", "flush_all 0\r\n", "flush_all abc\r\n", "flush_all 1 2 3\r\n",
        "\r\n", "bogus\r\n", "GET a\r\n", "Set a 0 0 1\r\n", "stats nosuch\r\n", "stats detail\r\n", "stats reset\r\n",
        "get " + string.Join(' ', Enumerable.Range(0, 100).Select(i => "k" + i)) + "\r\n",
        "set k1 0 0 1\r\n1\r\nset k50 0 0 2\r\n50\r\n", "get " + string.Join(' ', Enumerable.Range(0, 100).Select(i => "k" + i)) + "\r\n",
        "set spaced 0 0 1\r\nx\r\n", "get   spaced    spaced \r\n", "set crlf 0 0 1\nx\r\n", "get crlf\n",
    ];

    public static readonly string[] MetaScript =
    [
        "flush_all\r\n",
        "mg foo v\r\n", "mg foo\r\n", "ms foo 2\r\nhi\r\n", "mg foo v\r\n", "mg foo s v f t k O123\r\n", "mg foo k v\r\n",
        "mg foo h t\r\n", "mg foo h\r\n", "mg missing v q\r\n", "mg missing v k O5\r\n", "mg missing k q O6\r\n", "mg foo q\r\n", "mg foo k q\r\n",
        "ms bar 2 T0 F5 k O9\r\nhi\r\n", "ms bar 2 q\r\nhi\r\n", "ms bar 2 MA\r\nyo\r\n", "mg bar v f\r\n", "ms bar 2 C1\r\nzz\r\n",
        "ms nope 2 MR\r\nzz\r\n", "ms nope 2 ME\r\nzz\r\n", "ms nope 2 ME\r\nzz\r\n", "ms bar 2 MP F3\r\n<<\r\n", "mg bar v f\r\n",
        "ms bar 2 Mz\r\nzz\r\n", "ms bar 2 S1\r\nab\r\n", "ms bar\r\n", "ms bar abc\r\n", "ms bar -1\r\n", "ms bar 2 q C1\r\nzz\r\n",
        "ms app 1 MA N0\r\nx\r\n", "mg app v\r\n", "ms app2 1 MA\r\nx\r\n",
        "mg bar c\r\n", "mg bar v c\r\n", "ms bar 2 C{cas}\r\nok\r\n", "mg bar v\r\n",
        "md nope\r\n", "md nope q\r\n", "md foo q\r\n", "md foo k O1\r\n", "md bar C1\r\n", "md bar x\r\n", "md bar\r\n",
        "ma cnt\r\n", "ma cnt q\r\n", "ma cnt N0 J10\r\n", "ma cnt v\r\n", "ma cnt MD D3 v t\r\n", "ma cnt q\r\n", "mg cnt v\r\n",
        "ma cnt MD D100 v\r\n", "ma cnt D18446744073709551615 v\r\n", "ma cnt Mx\r\n", "ma cnt Dabc\r\n", "ma cnt C1 v\r\n",
        "ms txt 3\r\nabc\r\n", "ma txt\r\n", "ma cntx N0 J5 D2 v\r\n", "ma cntx k O7 v\r\n",
        "mg Zm9v b k v\r\n", "ms Zm9v 1 b\r\nz\r\n", "mg foo v\r\n", "mg Zm9v b k v\r\n", "md Zm9v b q\r\n", "mg foo v\r\n", "mg !!!! b v\r\n",
        "mg foo v v\r\n", "mg foo zz\r\n", "mg foo E5\r\n", "mg\r\n", "md\r\n", "ma\r\n", "mg foo Tabc\r\n",
        "mg v1 N30 v t\r\n", "mg v1 N30 v t\r\n", "ms v1 1 T30\r\nx\r\n", "mg v1 v t\r\n",
        "ms k 1\r\nx\r\n", "md k I T30\r\n", "mg k v t\r\n", "mg k v\r\n", "ms k 1\r\ny\r\n", "mg k v\r\n",
        "ms r 1 T100\r\nx\r\n", "mg r t R30\r\n", "mg r t R200\r\n", "mg r t R200\r\n", "mg r t T0\r\n", "mg r t R30\r\n",
        "ms s 3 T0\r\nabc\r\n", "mg s s v t T100\r\n", "mg s t\r\n", "mg s u v\r\n",
        "me nope\r\n",
        "ms big 2000000\r\n" + new string('x', 2000000) + "\r\n", "mg big v\r\n",
        "ms d 3\r\nabcde\r\n",
        $"mg {Key251} v\r\n", $"ms {Key251} 1\r\nx\r\n",
    ];

    [Fact]
    public Task TextProtocolRepliesMatchMemcached() => CompareAsync(TextScript);

    [Fact]
    public Task MetaProtocolRepliesMatchMemcached() => CompareAsync(MetaScript);

    /// <summary>An HTTP request line: memcached hangs up; so must Trove.</summary>
    [Fact]
    public async Task HttpRequestLineClosesBoth()
    {
        foreach (int port in new[] { servers.Peer!.Port, servers.Trove!.Port })
        {
            using var c = await RawClient.ConnectAsync(port);
            await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5)), $"port {port} did not close");
        }
    }

    [Fact]
    public async Task QuitClosesBoth()
    {
        foreach (int port in new[] { servers.Peer!.Port, servers.Trove!.Port })
        {
            using var c = await RawClient.ConnectAsync(port);
            await c.SendAsync("quit\r\n");
            Assert.True(await c.WaitClosedAsync(TimeSpan.FromSeconds(5)), $"port {port} did not close");
        }
    }

    [Fact]
    public async Task StatsFramingAndFieldNamesMatch()
    {
        var names = new List<HashSet<string>>();
        foreach (int port in new[] { servers.Peer!.Port, servers.Trove!.Port })
        {
            using var c = await RawClient.ConnectAsync(port);
            var set = new HashSet<string>();
            foreach (var sub in new[] { "", " settings", " items", " slabs", " conns" })
            {
                if (sub == " items" || sub == " slabs") await c.CallAsync("set statkey 0 0 1\r\nx\r\n");
                var reply = await c.CallAsync($"stats{sub}\r\n", "END\r\n");
                foreach (var line in reply.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
                {
                    if (line == "END") continue;
                    Assert.Matches(@"^STAT [^ ]+ .*$", line);
                    var name = line.Split(' ')[1];
                    set.Add(sub + ":" + Regex.Replace(name, @"^\d+:", "N:"));
                }
            }
            names.Add(set);
        }
        // Trove reports the fields monitoring tools read; it may omit memcached-internal ones.
        string[] required =
        [
            ":pid", ":uptime", ":time", ":version", ":curr_connections", ":total_connections", ":rejected_connections",
            ":cmd_get", ":cmd_set", ":cmd_flush", ":cmd_touch", ":get_hits", ":get_misses", ":get_expired", ":delete_hits",
            ":delete_misses", ":incr_hits", ":incr_misses", ":decr_hits", ":decr_misses", ":cas_hits", ":cas_misses", ":cas_badval",
            ":touch_hits", ":touch_misses", ":bytes_read", ":bytes_written", ":limit_maxbytes", ":threads", ":bytes",
            ":curr_items", ":total_items", ":evictions", ":reclaimed", ":max_connections",
            " settings:maxbytes", " settings:maxconns", " settings:tcpport", " settings:evictions", " settings:item_size_max",
            " settings:num_threads", " settings:cas_enabled", " items:items:1:number", " items:items:1:evicted",
            " slabs:active_slabs", " slabs:total_malloced", " conns:N:addr", " conns:N:state",
        ];
        foreach (var r in required)
        {
            Assert.Contains(r, names[0]);
            Assert.Contains(r, names[1]);
        }
    }

    private async Task CompareAsync(string[] script)
    {
        var peer = await RunScriptAsync(servers.Peer!.Port, script);
        var trove = await RunScriptAsync(servers.Trove!.Port, script);
        var diffs = new StringBuilder();
        for (int i = 0; i < script.Length; i++)
            if (peer[i] != trove[i])
                diffs.Append($"step {i} {Show(script[i])}\n  memcached: {Show(peer[i])}\n  trove:     {Show(trove[i])}\n");
        Assert.True(diffs.Length == 0, diffs.ToString());
    }

    private static string Show(string s) => s.Length > 120 ? Escape(s[..120]) + "..." : Escape(s);

    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0");

    private static async Task<string[]> RunScriptAsync(int port, string[] script)
    {
        using var c = await RawClient.ConnectAsync(port);
        var replies = new string[script.Length];
        string cas = "0";
        for (int i = 0; i < script.Length; i++)
        {
            await c.SendAsync(script[i].Replace("{cas}", cas));
            await c.SendAsync("mn\r\n");
            string reply;
            try { reply = await c.ReadUntilAsync("MN\r\n", TimeSpan.FromSeconds(10)); }
            catch (Exception ex) when (ex is OperationCanceledException or EndOfStreamException or IOException)
            {
                for (int j = i; j < script.Length; j++) replies[j] = "<no reply: " + ex.GetType().Name + ">";
                return replies;
            }
            reply = reply[..^4];
            var m = Regex.Match(reply, @"^VALUE \S+ \d+ \d+ (\d+)\r\n", RegexOptions.Multiline);
            if (m.Success) cas = m.Groups[1].Value;
            m = Regex.Match(reply, @" c(\d+)");
            if (m.Success) cas = m.Groups[1].Value;
            replies[i] = Mask(reply);
        }
        return replies;
    }

    /// <summary>
    /// A remaining TTL may differ by a second between the servers (their clocks tick at different
    /// moments), so positive TTLs are compared to the nearest 5 seconds; -1 (none) stays exact.
    /// </summary>
    private static string TtlMask(Match m) => " t~" + (int.Parse(m.Groups[1].Value) + 2) / 5 * 5;

    private static string Mask(string reply)
    {
        reply = Regex.Replace(reply, @"^(VALUE \S+ \d+ \d+) \d+\r\n", "$1 <cas>\r\n", RegexOptions.Multiline);
        reply = Regex.Replace(reply, @"^(VA \d+|HD|EN|NF|NS|EX)(( [^\r]*)?)\r\n", m =>
            m.Groups[1].Value + Regex.Replace(Regex.Replace(m.Groups[2].Value, @" c\d+", " c<cas>"), @" t(\d+)", TtlMask) + "\r\n",
            RegexOptions.Multiline);
        reply = Regex.Replace(reply, @"^VERSION .*\r\n", "VERSION <v>\r\n", RegexOptions.Multiline);
        reply = Regex.Replace(reply, @"^STAT (\S+) .*\r\n", "STAT $1 <v>\r\n", RegexOptions.Multiline);
        return reply;
    }
}
