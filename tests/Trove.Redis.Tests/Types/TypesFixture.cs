using System.Text;
using Trove.Redis.Server;
using Trove.TestKit;

namespace Trove.Redis.Tests.Types;

/// <summary>
/// Debian's redis-server 7.0 and an in-process Trove server, both on free loopback ports, shared
/// by the data-type differential tests (one pair per collection).
/// </summary>
public sealed class TypesFixture : IAsyncLifetime
{
    private PeerServer? _peer;
    private RedisServer? _trove;

    public int PeerPort => _peer!.Port;
    public int TrovePort => _trove!.EndPoint.Port;
    public RedisServer Trove => _trove!;

    public async Task InitializeAsync()
    {
        _peer = await PeerServer.StartRedisAsync();
        _trove = new RedisServer(new RedisConfig { Port = 0 });
        await _trove.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_trove is not null) await _trove.DisposeAsync();
        if (_peer is not null) await _peer.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TypesCollection : ICollectionFixture<TypesFixture>
{
    public const string Name = "redis-types";
}

/// <summary>
/// Runs a command script against both servers and compares the raw replies. One command a line,
/// arguments split on spaces; double quotes allow spaces and the escapes \r \n \t \0 \" \\ \xHH.
/// A line may start with a directive: <c>!sort</c> compares a reply's elements as a multiset,
/// <c>!scan</c> does so for the element list of a SCAN reply, <c>!count</c> compares only the
/// reply type and element count (random replies), <c>!sleep N</c> waits N ms.
/// </summary>
public static class Differential
{
    public static void Run(TypesFixture f, string script, bool resp3 = false)
    {
        using var peer = new RespWire(f.PeerPort);
        using var trove = new RespWire(f.TrovePort);
        foreach (var c in new[] { peer, trove })
        {
            var r = c.Call("FLUSHALL");
            Assert.Equal("+\"OK\"", r.Render());
            if (resp3) Assert.False(c.Call("HELLO", "3").IsError);
        }
        var failures = new List<string>();
        int lineNo = 0;
        foreach (var raw in script.Split('\n'))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string mode = "";
            if (line.StartsWith('!'))
            {
                int sp = line.IndexOf(' ');
                mode = line[1..sp];
                line = line[(sp + 1)..].Trim();
                if (mode == "sleep")
                {
                    Thread.Sleep(int.Parse(line));
                    continue;
                }
            }
            var args = Tokenize(line);
            var expected = peer.Call(args);
            var actual = trove.Call(args);
            string e = Canon(expected, mode), a = Canon(actual, mode);
            if (e != a) failures.Add($"line {lineNo}: {line}\n  redis: {e}\n  trove: {a}");
        }
        Assert.True(failures.Count == 0, (resp3 ? "[RESP3] " : "") + string.Join("\n", failures));
    }

    private static string Canon(RespReply r, string mode) => mode switch
    {
        "sort" => r.Sorted().Render(),
        "scan" when r.Children is { Count: 2 } => r.Children[1].Sorted().Render(),
        "count" => r.Type + ":" + (r.Children?.Count.ToString() ?? (r.IsError ? r.Text : "scalar")),
        _ => r.Render(),
    };

    public static List<byte[]> Tokenize(string line)
    {
        var args = new List<byte[]>();
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] == ' ') i++;
            if (i >= line.Length) break;
            var cur = new List<byte>();
            if (line[i] == '"')
            {
                i++;
                while (i < line.Length && line[i] != '"')
                {
                    char c = line[i++];
                    if (c != '\\') { cur.AddRange(Encoding.UTF8.GetBytes(c.ToString())); continue; }
                    char n = line[i++];
                    switch (n)
                    {
                        case 'r': cur.Add(13); break;
                        case 'n': cur.Add(10); break;
                        case 't': cur.Add(9); break;
                        case '0': cur.Add(0); break;
                        case 'x': cur.Add(Convert.ToByte(line.Substring(i, 2), 16)); i += 2; break;
                        default: cur.Add((byte)n); break;
                    }
                }
                i++;
            }
            else
            {
                while (i < line.Length && line[i] != ' ') cur.AddRange(Encoding.UTF8.GetBytes(line[i++].ToString()));
            }
            args.Add(cur.ToArray());
        }
        return args;
    }
}
