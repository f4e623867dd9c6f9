using System.Globalization;

namespace Trove.Redis.Server;

/// <summary>
/// The options Trove's Redis has, named as in redis.conf. Filled from the command line
/// (<c>--port 6380</c>), a redis.conf-style file, and CONFIG SET at run time.
/// </summary>
public sealed class RedisConfig
{
    /// <summary>port (6379).</summary>
    public int Port { get; set; } = 6379;
    /// <summary>bind addresses (127.0.0.1 unless told otherwise).</summary>
    public string[] Bind { get; set; } = ["127.0.0.1"];
    /// <summary>requirepass (null = none).</summary>
    public string? RequirePass { get; set; }
    /// <summary>databases (16).</summary>
    public int Databases { get; set; } = 16;
    /// <summary>proto-max-bulk-len (512 MB).</summary>
    public long ProtoMaxBulkLen { get; set; } = 512L * 1024 * 1024;
    /// <summary>maxclients (10000).</summary>
    public int MaxClients { get; set; } = 10000;
    /// <summary>timeout: idle seconds before a client is closed (0 = never).</summary>
    public int Timeout { get; set; }
    /// <summary>client-output-buffer-limit pubsub hard limit in bytes (32 MB).</summary>
    public long PubSubHardLimit { get; set; } = 32L * 1024 * 1024;
    /// <summary>client-output-buffer-limit pubsub soft limit in bytes (8 MB).</summary>
    public long PubSubSoftLimit { get; set; } = 8L * 1024 * 1024;
    /// <summary>client-output-buffer-limit pubsub soft seconds (60).</summary>
    public int PubSubSoftSeconds { get; set; } = 60;
    /// <summary>dir (working directory for later persistence).</summary>
    public string Dir { get; set; } = ".";
    /// <summary>appendonly (accepted; persistence comes later).</summary>
    public string AppendOnly { get; set; } = "no";
    /// <summary>save (accepted; persistence comes later).</summary>
    public string Save { get; set; } = "";
    /// <summary>pidfile.</summary>
    public string? PidFile { get; set; }
    /// <summary>logfile.</summary>
    public string LogFile { get; set; } = "";
    /// <summary>loglevel.</summary>
    public string LogLevel { get; set; } = "notice";
    /// <summary>daemonize (accepted).</summary>
    public string Daemonize { get; set; } = "no";
    /// <summary>Options given that Trove accepts but does not act on, echoed by CONFIG GET.</summary>
    public Dictionary<string, string> Other { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["maxmemory"] = "0",
        ["maxmemory-policy"] = "noeviction",
        ["lfu-log-factor"] = "10",
        ["lfu-decay-time"] = "1",
        ["appendfsync"] = "everysec",
        ["tcp-keepalive"] = "300",
        ["tcp-backlog"] = "511",
        ["hz"] = "10",
        ["lua-time-limit"] = "5000",
        ["slowlog-log-slower-than"] = "10000",
        ["slowlog-max-len"] = "128",
        ["notify-keyspace-events"] = "",
        ["hash-max-listpack-entries"] = "128",
        ["hash-max-ziplist-entries"] = "128",
        ["list-max-listpack-size"] = "-2",
        ["set-max-intset-entries"] = "512",
        ["zset-max-listpack-entries"] = "128",
        ["protected-mode"] = "yes",
        ["io-threads"] = "1",
        ["dbfilename"] = "dump.rdb",
        ["appendfilename"] = "appendonly.aof",
        ["client-query-buffer-limit"] = "1073741824",
    };

    private static readonly string[] s_policies =
        ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"];

    /// <summary>True when maxmemory-policy is allkeys-lfu or volatile-lfu.</summary>
    public bool LfuPolicy => Other.TryGetValue("maxmemory-policy", out var p) && p.EndsWith("-lfu", StringComparison.Ordinal);

    /// <summary>Every option name and its current value, for CONFIG GET.</summary>
    public IEnumerable<(string Name, string Value)> All()
    {
        yield return ("port", Port.ToString(CultureInfo.InvariantCulture));
        yield return ("bind", string.Join(' ', Bind));
        yield return ("requirepass", RequirePass ?? "");
        yield return ("databases", Databases.ToString(CultureInfo.InvariantCulture));
        yield return ("proto-max-bulk-len", ProtoMaxBulkLen.ToString(CultureInfo.InvariantCulture));
        yield return ("maxclients", MaxClients.ToString(CultureInfo.InvariantCulture));
        yield return ("timeout", Timeout.ToString(CultureInfo.InvariantCulture));
        yield return ("client-output-buffer-limit",
            $"normal 0 0 0 slave 268435456 67108864 60 pubsub {PubSubHardLimit} {PubSubSoftLimit} {PubSubSoftSeconds}");
        yield return ("dir", Path.GetFullPath(Dir));
        yield return ("appendonly", AppendOnly);
        yield return ("save", Save);
        yield return ("pidfile", PidFile ?? "");
        yield return ("logfile", LogFile);
        yield return ("loglevel", LogLevel);
        yield return ("daemonize", Daemonize);
        foreach (var (k, v) in Other) yield return (k, v);
    }

    /// <summary>
    /// Applies one option (command line, config file or CONFIG SET). Returns null on success or
    /// the reason the value was refused.
    /// </summary>
    public string? Set(string name, IReadOnlyList<string> values, bool atStartup)
    {
        string v = string.Join(' ', values);
        switch (name.ToLowerInvariant())
        {
            case "port":
                if (!atStartup) return "can't set immutable config";
                if (!int.TryParse(v, out int port) || port is < 0 or > 65535) return "argument couldn't be parsed into an integer";
                Port = port; return null;
            case "bind":
                if (!atStartup) return "can't set immutable config";
                Bind = values.SelectMany(x => x.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray(); return null;
            case "requirepass":
                RequirePass = v.Length == 0 ? null : v; return null;
            case "databases":
                if (!atStartup) return "can't set immutable config";
                if (!int.TryParse(v, out int dbs) || dbs < 1) return "argument must be between 1 and 2147483647 inclusive";
                Databases = dbs; return null;
            case "proto-max-bulk-len":
                if (!TryParseMemory(v, out long pm) || pm < 1024 * 1024) return "argument must be a memory value";
                ProtoMaxBulkLen = pm; return null;
            case "maxclients":
                if (!int.TryParse(v, out int mc) || mc < 1) return "argument couldn't be parsed into an integer";
                MaxClients = mc; return null;
            case "timeout":
                if (!int.TryParse(v, out int to) || to < 0) return "argument couldn't be parsed into an integer";
                Timeout = to; return null;
            case "client-output-buffer-limit":
                return SetOutputLimits(values.SelectMany(x => x.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray());
            case "dir": Dir = v; return null;
            case "appendonly": AppendOnly = v; return null;
            case "save": Save = v; return null;
            case "pidfile": PidFile = v; return null;
            case "logfile": LogFile = v; return null;
            case "loglevel": LogLevel = v; return null;
            case "daemonize": Daemonize = v; return null;
            case "maxmemory-policy":
                v = v.ToLowerInvariant();
                if (Array.IndexOf(s_policies, v) < 0) return "argument(s) must be one of the following: " + string.Join(", ", s_policies);
                Other["maxmemory-policy"] = v;
                return null;
            case "lfu-log-factor" or "lfu-decay-time":
                if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return "argument couldn't be parsed into an integer";
                Other[name.ToLowerInvariant()] = v;
                return null;
            default:
                if (!atStartup && !Other.ContainsKey(name)) return null;
                Other[name] = v;
                return null;
        }
    }

    private string? SetOutputLimits(string[] parts)
    {
        if (parts.Length % 4 != 0) return "Wrong number of arguments in buffer limit configuration.";
        for (int i = 0; i < parts.Length; i += 4)
        {
            if (!TryParseMemory(parts[i + 1], out long hard) || !TryParseMemory(parts[i + 2], out long soft) ||
                !int.TryParse(parts[i + 3], out int secs))
                return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
            if (parts[i].Equals("pubsub", StringComparison.OrdinalIgnoreCase))
            {
                PubSubHardLimit = hard; PubSubSoftLimit = soft; PubSubSoftSeconds = secs;
            }
        }
        return null;
    }

    /// <summary>Parses "1gb", "512mb", "64k", "100" as Redis's memtoull does.</summary>
    public static bool TryParseMemory(string s, out long bytes)
    {
        bytes = 0;
        s = s.Trim().ToLowerInvariant();
        long mul = 1;
        string[] units = ["kb", "k", "mb", "m", "gb", "g", "b"];
        long[] muls = [1024, 1000, 1024 * 1024, 1000 * 1000, 1024L * 1024 * 1024, 1000L * 1000 * 1000, 1];
        for (int i = 0; i < units.Length; i++)
            if (s.EndsWith(units[i], StringComparison.Ordinal)) { mul = muls[i]; s = s[..^units[i].Length]; break; }
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
        bytes = n * mul;
        return true;
    }

    /// <summary>
    /// Reads a redis.conf-style file: one "name value..." per line, '#' comments, quoted values;
    /// returns the refused lines as errors.
    /// </summary>
    public List<string> LoadFile(string path)
    {
        var errors = new List<string>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var words = SplitConfigLine(line);
            if (words.Count == 0) continue;
            var err = Set(words[0], words.Skip(1).ToList(), atStartup: true);
            if (err is not null) errors.Add($"line {lineNo}: '{line}': {err}");
        }
        return errors;
    }

    private static List<string> SplitConfigLine(string line)
    {
        var result = new List<string>();
        int i = 0;
        while (i < line.Length)
        {
            while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
            if (i >= line.Length) break;
            if (line[i] is '"' or '\'')
            {
                char q = line[i++];
                int start = i;
                while (i < line.Length && line[i] != q) i++;
                result.Add(line[start..Math.Min(i, line.Length)]);
                i++;
            }
            else
            {
                int start = i;
                while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                result.Add(line[start..i]);
            }
        }
        return result;
    }
}
