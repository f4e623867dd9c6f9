using Trove.Net;
using Trove.Memcached.Protocol;

namespace Trove.Memcached.Server;

/// <summary>"stats" and its sub-commands, with memcached 1.6's field names and order.</summary>
internal sealed partial class MemcachedSession
{
    private void Stats(ReadOnlySpan<byte> line, Span<Token> tokens, int n)
    {
        if (n == 1) { GeneralStats(); return; }
        var sub = Slice(line, tokens[1]);
        if (sub.SequenceEqual("settings"u8)) SettingsStats();
        else if (sub.SequenceEqual("items"u8)) ItemStats();
        else if (sub.SequenceEqual("slabs"u8)) SlabStats();
        else if (sub.SequenceEqual("conns"u8)) ConnStats();
        else if (sub.SequenceEqual("reset"u8)) { _server.ResetStats(); Reply(Replies.Reset); }
        else if (sub.SequenceEqual("detail"u8)) Reply(Replies.StatsDetailUsage);
        else Reply(Replies.Error);
    }

    private static void Stat(LoopOutput w, string name, long value)
    {
        w.Put("STAT "u8); w.PutAscii(name); w.PutByte((byte)' '); w.PutNumber(value); w.Put(Replies.Crlf);
    }

    private static void Stat(LoopOutput w, string name, string value)
    {
        w.Put("STAT "u8); w.PutAscii(name); w.PutByte((byte)' '); w.PutAscii(value); w.Put(Replies.Crlf);
    }

    private void GeneralStats()
    {
        var w = Out;
        var s = _server;
        var net = s.NetStats;
        var c = s.SumCounters();
        var t = _store.Totals();
        var clock = _store.Clock;
        var proc = System.Diagnostics.Process.GetCurrentProcess();
        Stat(w, "pid", Environment.ProcessId);
        Stat(w, "uptime", clock.Now - 2);
        Stat(w, "time", clock.UnixNow);
        Stat(w, "version", "1.6.18");
        Stat(w, "libevent", "trove");
        Stat(w, "pointer_size", IntPtr.Size * 8);
        Stat(w, "rusage_user", proc.UserProcessorTime.TotalSeconds.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture));
        Stat(w, "rusage_system", proc.PrivilegedProcessorTime.TotalSeconds.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture));
        Stat(w, "max_connections", s.Options.MaxConnections);
        Stat(w, "curr_connections", net.CurrentConnections);
        Stat(w, "total_connections", net.TotalConnections);
        Stat(w, "rejected_connections", net.RejectedConnections);
        Stat(w, "connection_structures", net.CurrentConnections);
        Stat(w, "reserved_fds", 20);
        Stat(w, "cmd_get", c.CmdGet);
        Stat(w, "cmd_set", c.CmdSet);
        Stat(w, "cmd_flush", c.CmdFlush);
        Stat(w, "cmd_touch", c.CmdTouch);
        Stat(w, "cmd_meta", c.CmdMeta);
        Stat(w, "get_hits", c.GetHits);
        Stat(w, "get_misses", c.GetMisses);
        Stat(w, "get_expired", c.GetExpired);
        Stat(w, "get_flushed", c.GetFlushed);
        Stat(w, "delete_misses", c.DeleteMisses);
        Stat(w, "delete_hits", c.DeleteHits);
        Stat(w, "incr_misses", c.IncrMisses);
        Stat(w, "incr_hits", c.IncrHits);
        Stat(w, "decr_misses", c.DecrMisses);
        Stat(w, "decr_hits", c.DecrHits);
        Stat(w, "cas_misses", c.CasMisses);
        Stat(w, "cas_hits", c.CasHits);
        Stat(w, "cas_badval", c.CasBadval);
        Stat(w, "touch_hits", c.TouchHits);
        Stat(w, "touch_misses", c.TouchMisses);
        Stat(w, "store_too_large", c.StoreTooLarge);
        Stat(w, "store_no_memory", c.StoreNoMemory);
        Stat(w, "auth_cmds", 0);
        Stat(w, "auth_errors", 0);
        Stat(w, "bytes_read", net.BytesIn);
        Stat(w, "bytes_written", net.BytesOut);
        Stat(w, "limit_maxbytes", _store.MemoryLimit);
        Stat(w, "accepting_conns", 1);
        Stat(w, "listen_disabled_num", 0);
        Stat(w, "time_in_listen_disabled_us", 0);
        Stat(w, "threads", s.Options.Threads);
        Stat(w, "conn_yields", 0);
        Stat(w, "hash_power_level", 16);
        Stat(w, "hash_bytes", 524288);
        Stat(w, "hash_is_expanding", 0);
        Stat(w, "malloc_fails", 0);
        Stat(w, "bytes", t.Bytes);
        Stat(w, "curr_items", t.CurrItems);
        Stat(w, "total_items", t.TotalItems);
        Stat(w, "expired_unfetched", t.ExpiredUnfetched);
        Stat(w, "evicted_unfetched", t.EvictedUnfetched);
        Stat(w, "evicted_active", 0);
        Stat(w, "evictions", t.Evictions);
        Stat(w, "reclaimed", t.Reclaimed);
        Stat(w, "crawler_reclaimed", 0);
        Stat(w, "crawler_items_checked", 0);
        Stat(w, "lrutail_reflocked", 0);
        Stat(w, "moves_to_cold", 0);
        Stat(w, "moves_to_warm", 0);
        Stat(w, "moves_within_lru", 0);
        Stat(w, "direct_reclaims", 0);
        Stat(w, "lru_bumps_dropped", 0);
        w.Put(Replies.End);
    }

    private void SettingsStats()
    {
        var w = Out;
        var o = _server.Options;
        Stat(w, "maxbytes", _store.MemoryLimit);
        Stat(w, "maxconns", o.MaxConnections);
        Stat(w, "tcpport", _server.LocalEndPoint.Port);
        Stat(w, "udpport", o.UdpPort);
        Stat(w, "inter", o.ListenAddress.ToString());
        Stat(w, "verbosity", o.Verbosity);
        Stat(w, "oldest", 0);
        Stat(w, "evictions", o.DisableEvictions ? "off" : "on");
        Stat(w, "domain_socket", "NULL");
        Stat(w, "umask", 700);
        Stat(w, "shutdown_command", "no");
        Stat(w, "growth_factor", "1.25");
        Stat(w, "chunk_size", 48);
        Stat(w, "num_threads", o.Threads);
        Stat(w, "num_threads_per_udp", o.Threads);
        Stat(w, "stat_key_prefix", ":");
        Stat(w, "detail_enabled", "no");
        Stat(w, "reqs_per_event", 20);
        Stat(w, "cas_enabled", "yes");
        Stat(w, "tcp_backlog", o.Backlog);
        Stat(w, "binding_protocol", "ascii");
        Stat(w, "auth_enabled_sasl", "no");
        Stat(w, "auth_enabled_ascii", "no");
        Stat(w, "item_size_max", o.MaxItemSize);
        Stat(w, "maxconns_fast", "yes");
        Stat(w, "hashpower_init", 0);
        Stat(w, "slab_reassign", "no");
        Stat(w, "slab_automove", 0);
        Stat(w, "lru_crawler", "no");
        Stat(w, "tail_repair_time", 0);
        Stat(w, "flush_enabled", "yes");
        Stat(w, "dump_enabled", "no");
        Stat(w, "hash_algorithm", "trove");
        Stat(w, "lru_maintainer_thread", "no");
        Stat(w, "lru_segmented", "no");
        Stat(w, "temp_lru", "no");
        Stat(w, "idle_timeout", 0);
        Stat(w, "memory_file", "(null)");
        w.Put(Replies.End);
    }

    /// <summary>Trove has one item class (no slabs), reported as class 1 so tools find the usual fields.</summary>
    private void ItemStats()
    {
        var w = Out;
        var t = _store.Totals();
        if (t.CurrItems > 0)
        {
            Stat(w, "items:1:number", t.CurrItems);
            Stat(w, "items:1:number_hot", 0);
            Stat(w, "items:1:number_warm", 0);
            Stat(w, "items:1:number_cold", t.CurrItems);
            Stat(w, "items:1:age_hot", 0);
            Stat(w, "items:1:age_warm", 0);
            Stat(w, "items:1:age", 0);
            Stat(w, "items:1:mem_requested", t.Bytes);
            Stat(w, "items:1:evicted", t.Evictions);
            Stat(w, "items:1:evicted_nonzero", t.EvictedNonzero);
            Stat(w, "items:1:evicted_time", 0);
            Stat(w, "items:1:outofmemory", _store.OutOfMemoryCount);
            Stat(w, "items:1:tailrepairs", 0);
            Stat(w, "items:1:reclaimed", t.Reclaimed);
            Stat(w, "items:1:expired_unfetched", t.ExpiredUnfetched);
            Stat(w, "items:1:evicted_unfetched", t.EvictedUnfetched);
            Stat(w, "items:1:evicted_active", 0);
            Stat(w, "items:1:crawler_reclaimed", 0);
            Stat(w, "items:1:crawler_items_checked", 0);
            Stat(w, "items:1:lrutail_reflocked", 0);
        }
        w.Put(Replies.End);
    }

    private void SlabStats()
    {
        var w = Out;
        var t = _store.Totals();
        var c = _server.SumCounters();
        if (t.CurrItems > 0)
        {
            Stat(w, "1:chunk_size", 96);
            Stat(w, "1:chunks_per_page", 10922);
            Stat(w, "1:total_pages", Math.Max(1, t.Bytes >> 20));
            Stat(w, "1:total_chunks", t.CurrItems);
            Stat(w, "1:used_chunks", t.CurrItems);
            Stat(w, "1:free_chunks", 0);
            Stat(w, "1:free_chunks_end", 0);
            Stat(w, "1:get_hits", c.GetHits);
            Stat(w, "1:cmd_set", c.CmdSet);
            Stat(w, "1:delete_hits", c.DeleteHits);
            Stat(w, "1:incr_hits", c.IncrHits);
            Stat(w, "1:decr_hits", c.DecrHits);
            Stat(w, "1:cas_hits", c.CasHits);
            Stat(w, "1:cas_badval", c.CasBadval);
            Stat(w, "1:touch_hits", c.TouchHits);
        }
        Stat(w, "active_slabs", t.CurrItems > 0 ? 1 : 0);
        Stat(w, "total_malloced", t.Bytes);
        w.Put(Replies.End);
    }

    private void ConnStats()
    {
        var w = Out;
        long now = Environment.TickCount64;
        foreach (var conn in _server.NetStats.Connections)
        {
            string id = conn.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Stat(w, id + ":addr", "tcp:" + conn.RemoteEndPoint);
            Stat(w, id + ":listen_addr", "tcp:" + conn.LocalEndPoint);
            Stat(w, id + ":state", conn == _conn ? "conn_parse_cmd" : "conn_waiting");
            Stat(w, id + ":secs_since_last_cmd", (now - conn.LastActivityTicks) / 1000);
        }
        w.Put(Replies.End);
    }
}
