using System.Diagnostics;
using System.Globalization;
using System.Text;
using Trove.Redis.Engine;
using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>Server commands: INFO CONFIG TIME LASTSAVE MEMORY SHUTDOWN SAVE ROLE DEBUG WAIT.</summary>
public sealed partial class RespSession
{
    private static void RegisterServerCommands(CommandTable t)
    {
        t.Add(RespCommand.INFO, -1, F.Loading | F.Stale, 0, 0, 0, static s => s.Info(), "server", "Returns information and statistics about the server.");
        t.Add(RespCommand.TIME, 1, F.Loading | F.Stale | F.Fast, 0, 0, 0, static s => s.Time(), "server", "Returns the server time.");
        t.Add(RespCommand.LASTSAVE, 1, F.Loading | F.Stale | F.Fast, 0, 0, 0, static s => s.Writer.WriteInteger(s.Server.LastSave), "server", "Returns the Unix timestamp of the last successful save to disk.");
        t.Add(RespCommand.SAVE, 1, F.Admin | F.NoScript | F.NoMulti, 0, 0, 0, static s => { s.Server.LastSave = DateTimeOffset.UtcNow.ToUnixTimeSeconds(); s.Writer.WriteOk(); }, "server", "Synchronously saves the database(s) to disk.");
        t.Add(RespCommand.BGSAVE, -1, F.Admin | F.NoScript, 0, 0, 0, static s => { s.Server.LastSave = DateTimeOffset.UtcNow.ToUnixTimeSeconds(); s.Writer.WriteSimple("Background saving started"); }, "server", "Asynchronously saves the database(s) to disk.");
        t.Add(RespCommand.BGREWRITEAOF, 1, F.Admin | F.NoScript, 0, 0, 0, static s => s.Writer.WriteSimple("Background append only file rewriting started"), "server", "Asynchronously rewrites the append-only file to disk.");
        t.Add(RespCommand.SHUTDOWN, -1, F.Admin | F.NoScript | F.Loading | F.Stale | F.NoMulti, 0, 0, 0, static s => s.ShutdownCmd(), "server", "Synchronously saves the database(s) to disk and shuts down the Redis server.");
        t.Add(RespCommand.ROLE, 1, F.NoScript | F.Loading | F.Stale | F.Fast, 0, 0, 0, static s => { s.Writer.WriteArrayHeader(3); s.Writer.WriteBulk("master"u8); s.Writer.WriteInteger(0); s.Writer.WriteArrayHeader(0); }, "server", "Returns the replication role.");
        t.Add(RespCommand.WAIT, 3, F.NoScript, 0, 0, 0, static s => s.WaitCmd(), "generic", "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.");
        t.Add(RespCommand.DEBUG, -2, F.Admin | F.NoScript | F.Loading | F.Stale, 0, 0, 0, static s => s.DebugCmd(), "server", "A container for debugging commands.");
        var cfg = t.Add(RespCommand.CONFIG, -2, F.Admin | F.NoScript | F.Loading | F.Stale, 0, 0, 0, static s => s.ConfigCmd(), "server", "A container for server configuration commands.");
        t.AddSub(cfg, "get", -3, F.Admin | F.NoScript | F.Loading | F.Stale, "Returns the effective values of configuration parameters.");
        t.AddSub(cfg, "set", -4, F.Admin | F.NoScript | F.Loading | F.Stale, "Sets configuration parameters in-flight.");
        t.AddSub(cfg, "resetstat", 2, F.Admin | F.NoScript | F.Loading | F.Stale, "Resets the server's statistics.");
        t.AddSub(cfg, "rewrite", 2, F.Admin | F.NoScript | F.Loading | F.Stale, "Persists the effective configuration to file.");
        t.AddSub(cfg, "help", 2, F.Loading | F.Stale, "Returns helpful text about the different subcommands.");
        var mem = t.Add(RespCommand.MEMORY, -2, F.None, 0, 0, 0, static s => s.MemoryCmd(), "server", "A container for memory diagnostics commands.");
        t.AddSub(mem, "usage", -3, F.ReadOnly, "Estimates the memory usage of a key.");
        t.AddSub(mem, "stats", 2, F.Loading | F.Stale, "Returns details about memory usage.");
        t.AddSub(mem, "purge", 2, F.None, "Asks the allocator to release memory.");
        t.AddSub(mem, "doctor", 2, F.Loading | F.Stale, "Outputs a memory problems report.");
        t.AddSub(mem, "help", 2, F.Loading | F.Stale, "Returns helpful text about the different subcommands.");
        RegisterCommandCommand(t);
    }

    private void Time()
    {
        long us = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 + (Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000)) % 1000;
        Writer.WriteArrayHeader(2);
        Writer.WriteBulkLong(us / 1_000_000);
        Writer.WriteBulkLong(us % 1_000_000);
    }

    /// <summary>
    /// WAIT numreplicas timeout-ms: this server has no replicas, so 0 acknowledge; as Redis, it
    /// replies at once when 0 replicas are asked for (or inside MULTI) and otherwise blocks the
    /// client until the timeout (0 = forever) before replying 0.
    /// </summary>
    private void WaitCmd()
    {
        if (!Args.TryGetLong(2, out long timeoutMs)) { Writer.WriteError("ERR timeout is not an integer or out of range"u8); return; }
        if (timeoutMs < 0) { Writer.WriteError(Errors.TimeoutNegative); return; }
        if (!Args.TryGetLong(1, out long replicas)) { WriteNotInteger(); return; }
        if (replicas <= 0 || InExec) { Writer.WriteInteger(0); return; }
        BlockUntilTimeout(timeoutMs, static w => w.WriteInteger(0));
    }

    private void ShutdownCmd()
    {
        for (int i = 1; i < Args.Count; i++)
        {
            if (Args.Is(i, "ABORT"u8)) { Writer.WriteError("ERR No shutdown in progress."); return; }
            if (!(Args.Is(i, "NOSAVE"u8) || Args.Is(i, "SAVE"u8) || Args.Is(i, "NOW"u8) || Args.Is(i, "FORCE"u8))) { WriteSyntaxError(); return; }
        }
        Server.Log("User requested shutdown...");
        Close();
        Server.RequestShutdown();
    }

    private void DebugCmd()
    {
        if (Args.Is(1, "SLEEP"u8) && Args.Count == 3 && Args.TryGetDouble(2, out double secs))
        {
            Thread.Sleep(TimeSpan.FromSeconds(Math.Min(secs, 30)));
            Writer.WriteOk();
        }
        else if (Args.Is(1, "OBJECT"u8) && Args.Count == 3) DebugObject();
        else if (Args.Is(1, "SET-ACTIVE-EXPIRE"u8) || Args.Is(1, "QUICKLIST-PACKED-THRESHOLD"u8) || Args.Is(1, "JMAP"u8))
            Writer.WriteOk();
        else Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try DEBUG HELP.");
    }

    /// <summary>
    /// DEBUG OBJECT key: Redis's status line; the address is the key's hash, serializedlength the
    /// value's size estimate, lru and lru_seconds_idle the key's access clock.
    /// </summary>
    private void DebugObject()
    {
        int slot = Db.PeekSlot(Args[2]);
        if (slot < 0) { Writer.WriteError("ERR no such key"u8); return; }
        var value = Db.Table.ValueAt(slot);
        int clock = Db.Table.ClockAt(slot);
        string encoding = value is RedisObject o ? o.Encoding : StringEncoding((byte[])value);
        long size = value is byte[] b ? b.Length : ((RedisObject)value).EstimateSize();
        long idle = Keyspace.Lfu ? 0 : AccessClock.IdleSeconds(clock, Keyspace.LruClock);
        Writer.WriteSimple(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Value at:0x{(uint)KeyTable.HashOf(Args[2]):x8} refcount:1 encoding:{encoding} serializedlength:{size} lru:{clock} lru_seconds_idle:{idle}"));
    }

    private void ConfigCmd()
    {
        if (Args.Is(1, "GET"u8) && Args.Count >= 3)
        {
            var found = new List<(string, string)>();
            var seen = new HashSet<string>();
            for (int i = 2; i < Args.Count; i++)
            {
                var pattern = Args[i];
                foreach (var (name, value) in Server.Config.All())
                    if (Glob.Match(pattern, Encoding.ASCII.GetBytes(name), noCase: true) && seen.Add(name)) found.Add((name, value));
            }
            Writer.WriteMapHeader(found.Count);
            foreach (var (n, v) in found) { Writer.WriteBulk(n); Writer.WriteBulk(v); }
        }
        else if (Args.Is(1, "SET"u8) && Args.Count >= 4)
        {
            if (Args.Count % 2 != 0) { WriteArityError("config|set"); return; }
            for (int i = 2; i < Args.Count; i += 2)
            {
                var name = Args.GetString(i);
                var err = Server.Config.Set(name, [Args.GetString(i + 1)], atStartup: false);
                if (err is not null)
                {
                    Writer.WriteError($"ERR CONFIG SET failed (possibly related to argument '{name}') - {err}");
                    return;
                }
                if (name.Equals("proto-max-bulk-len", StringComparison.OrdinalIgnoreCase)) _parser.MaxBulkLength = Server.Config.ProtoMaxBulkLen;
            }
            Server.ApplyConfig();
            Writer.WriteOk();
        }
        else if (Args.Is(1, "RESETSTAT"u8) && Args.Count == 2)
        {
            Server.CommandsProcessed = 0;
            Keyspace.ExpiredKeys = Keyspace.KeyspaceHits = Keyspace.KeyspaceMisses = 0;
            Server.ConnectionsReceived = 0;
            foreach (var def in Commands.All) def.Calls = 0;
            Writer.WriteOk();
        }
        else if (Args.Is(1, "REWRITE"u8) && Args.Count == 2)
            Writer.WriteError("ERR The server is running without a config file");
        else if (Args.Is(1, "GET"u8) || Args.Is(1, "SET"u8) || Args.Is(1, "RESETSTAT"u8) || Args.Is(1, "REWRITE"u8))
            WriteArityError("config|" + Args.GetString(1).ToLowerInvariant());
        else Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try CONFIG HELP.");
    }

    private void MemoryCmd()
    {
        if (Args.Is(1, "USAGE"u8) && Args.Count >= 3)
        {
            if (Args.Count != 3 && !(Args.Count == 5 && Args.Is(3, "SAMPLES"u8))) { WriteSyntaxError(); return; }
            var v = Db.Get(Args[2]);
            if (v is null) { Writer.WriteNull(); return; }
            long size = Args[2].Length + 56 + (v is byte[] b ? b.Length : ((RedisObject)v).EstimateSize());
            Writer.WriteInteger(size);
        }
        else if (Args.Is(1, "STATS"u8))
        {
            long used = GC.GetTotalMemory(false);
            Writer.WriteMapHeader(3);
            Writer.WriteBulk("peak.allocated"u8); Writer.WriteInteger(used);
            Writer.WriteBulk("total.allocated"u8); Writer.WriteInteger(used);
            Writer.WriteBulk("keys.count"u8); Writer.WriteInteger(Enumerable.Range(0, Keyspace.DatabaseCount).Sum(i => (long)Keyspace[i].Count));
        }
        else if (Args.Is(1, "PURGE"u8) && Args.Count == 2)
        {
            Server.CompactMemory();
            Writer.WriteOk();
        }
        else if (Args.Is(1, "DOCTOR"u8)) Writer.WriteBulk("Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.");
        else if (Args.Is(1, "USAGE"u8)) WriteArityError("memory|usage");
        else Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try MEMORY HELP.");
    }

    private static string Human(long bytes)
    {
        double d = bytes;
        string[] units = ["B", "K", "M", "G", "T"];
        int u = 0;
        while (d >= 1024 && u < units.Length - 1) { d /= 1024; u++; }
        return u == 0 ? $"{bytes}B" : d.ToString("0.00", CultureInfo.InvariantCulture) + units[u];
    }

    /// <summary>The text of INFO for the given sections ("default" when none).</summary>
    public string BuildInfo(IReadOnlyCollection<string> sections)
    {
        bool all = sections.Count == 0 || sections.Contains("all") || sections.Contains("everything") || sections.Contains("default");
        bool Want(string s) => all || sections.Contains(s);
        var sb = new StringBuilder();
        var proc = Process.GetCurrentProcess();
        long uptime = (long)(DateTimeOffset.UtcNow - Server.StartedAt).TotalSeconds;
        void Section(string name) { if (sb.Length > 0) sb.Append("\r\n"); sb.Append("# ").Append(name).Append("\r\n"); }
        void Field(string k, object v) => sb.Append(k).Append(':').Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append("\r\n");
        if (Want("server"))
        {
            Section("Server");
            Field("redis_version", Trove.Redis.Server.RedisServer.Version);
            Field("redis_git_sha1", "00000000");
            Field("redis_git_dirty", 0);
            Field("redis_build_id", "trove");
            Field("redis_mode", "standalone");
            Field("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            Field("arch_bits", IntPtr.Size * 8);
            Field("multiplexing_api", "epoll");
            Field("gcc_version", "0.0.0");
            Field("process_id", Environment.ProcessId);
            Field("run_id", Server.RunId);
            Field("tcp_port", Server.Config.Port);
            Field("server_time_usec", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
            Field("uptime_in_seconds", uptime);
            Field("uptime_in_days", uptime / 86400);
            Field("hz", 10);
            Field("configured_hz", 10);
            Field("executable", Environment.ProcessPath ?? "");
            Field("config_file", Server.ConfigFile ?? "");
        }
        if (Want("clients"))
        {
            Section("Clients");
            Field("connected_clients", Server.Sessions.Count());
            Field("cluster_connections", 0);
            Field("maxclients", Server.Config.MaxClients);
            Field("client_recent_max_input_buffer", 0);
            Field("client_recent_max_output_buffer", 0);
            Field("blocked_clients", Keyspace.Blocking.BlockedCount);
            Field("tracking_clients", 0);
            Field("clients_in_timeout_table", Keyspace.Blocking.BlockedCount);
        }
        if (Want("memory"))
        {
            long used = GC.GetTotalMemory(false);
            long rss = proc.WorkingSet64;
            Section("Memory");
            Field("used_memory", used);
            Field("used_memory_human", Human(used));
            Field("used_memory_rss", rss);
            Field("used_memory_rss_human", Human(rss));
            Field("used_memory_peak", Math.Max(used, proc.PeakWorkingSet64));
            Field("used_memory_peak_human", Human(Math.Max(used, proc.PeakWorkingSet64)));
            Field("total_system_memory", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            Field("maxmemory", 0);
            Field("maxmemory_human", "0B");
            Field("maxmemory_policy", "noeviction");
            Field("mem_fragmentation_ratio", (used == 0 ? 1.0 : (double)rss / used).ToString("0.00", CultureInfo.InvariantCulture));
            Field("mem_allocator", "dotnet-gc");
        }
        if (Want("persistence"))
        {
            Section("Persistence");
            Field("loading", 0);
            Field("rdb_changes_since_last_save", Keyspace.Dirty);
            Field("rdb_bgsave_in_progress", 0);
            Field("rdb_last_save_time", Server.LastSave);
            Field("rdb_last_bgsave_status", "ok");
            var aof = Server.AppendOnly;
            Field("aof_enabled", aof is null ? 0 : 1);
            Field("aof_rewrite_in_progress", 0);
            if (aof is not null) Field("aof_current_size", aof.Length);
        }
        if (Want("stats"))
        {
            var (bin, bout) = Server.NetworkBytes;
            Section("Stats");
            Field("total_connections_received", Server.ConnectionsReceived);
            Field("total_commands_processed", Server.CommandsProcessed);
            Field("instantaneous_ops_per_sec", 0);
            Field("total_net_input_bytes", bin);
            Field("total_net_output_bytes", bout);
            Field("rejected_connections", 0);
            Field("expired_keys", Keyspace.ExpiredKeys);
            Field("evicted_keys", 0);
            Field("keyspace_hits", Keyspace.KeyspaceHits);
            Field("keyspace_misses", Keyspace.KeyspaceMisses);
            Field("pubsub_channels", Server.PubSub.ChannelCount);
            Field("pubsub_patterns", Server.PubSub.PatternCount);
            Field("total_blocking_keys", Keyspace.Blocking.BlockedCount);
        }
        if (Want("replication"))
        {
            Section("Replication");
            Field("role", "master");
            Field("connected_slaves", 0);
            Field("master_repl_offset", 0);
        }
        if (Want("cpu"))
        {
            Section("CPU");
            Field("used_cpu_sys", proc.PrivilegedProcessorTime.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture));
            Field("used_cpu_user", proc.UserProcessorTime.TotalSeconds.ToString("0.000000", CultureInfo.InvariantCulture));
        }
        if (sections.Contains("commandstats") || sections.Contains("all") || sections.Contains("everything"))
        {
            Section("Commandstats");
            foreach (var def in Commands.All.Where(d => d.Calls > 0).OrderBy(d => d.Name))
                Field("cmdstat_" + def.Name, $"calls={def.Calls},usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0");
        }
        if (Want("keyspace"))
        {
            Section("Keyspace");
            for (int i = 0; i < Keyspace.DatabaseCount; i++)
            {
                var db = Keyspace[i];
                if (db.Count > 0) Field("db" + i, $"keys={db.Count},expires={db.ExpiresCount},avg_ttl=0");
            }
        }
        return sb.ToString();
    }

    private void Info()
    {
        var sections = new HashSet<string>();
        for (int i = 1; i < Args.Count; i++) sections.Add(Args.GetString(i).ToLowerInvariant());
        Writer.WriteVerbatim(BuildInfo(sections));
    }
}
