using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using Trove.Memcached;

namespace Trove.Host.Commands;

/// <summary>
/// `trove memcached`: memcached's own flags (-p -l -m -c -t -P -d -u -U -I -M -b -v -vv), so that a
/// memcached start line works with `trove memcached` in its place.
/// </summary>
internal static class MemcachedCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { Description = "TCP port to listen on", DefaultValueFactory = _ => 11211 };
        var listen = new Option<string>("--listen", "-l") { Description = "interface to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var memory = new Option<long>("--memory-limit", "-m") { Description = "item memory in megabytes", DefaultValueFactory = _ => 64 };
        var conns = new Option<int>("--conn-limit", "-c") { Description = "max simultaneous connections", DefaultValueFactory = _ => 1024 };
        var threads = new Option<int>("--threads", "-t") { Description = "number of threads", DefaultValueFactory = _ => 4 };
        var pidFile = new Option<string?>("--pidfile", "-P") { Description = "save PID in <file> (with -d)" };
        var daemon = new Option<bool>("--daemon", "-d") { Description = "run as a daemon" };
        var user = new Option<string?>("--user", "-u") { Description = "accepted for compatibility; Trove does not change user" };
        var udp = new Option<int>("--udp-port", "-U") { Description = "UDP port (accepted; UDP is not served)" };
        var maxItem = new Option<string>("--max-item-size", "-I") { Description = "max item size (k/m suffixes)", DefaultValueFactory = _ => "1m" };
        var noEvict = new Option<bool>("--disable-evictions", "-M") { Description = "return error on memory exhausted instead of evicting" };
        var backlog = new Option<int>("--listen-backlog", "-b") { Description = "listen backlog", DefaultValueFactory = _ => 1024 };
        var controlKeys = new Option<bool>("--allow-control-keys") { Description = "accept keys with control characters, as memcached does (memcaslap sends them)" };
        var v1 = new Option<bool>("-v", "--verbose") { Description = "verbose (print errors/warnings)" };
        var v2 = new Option<bool>("-vv") { Description = "very verbose (also print client commands)" };
        var v3 = new Option<bool>("-vvv") { Description = "extremely verbose" };
        var cmd = new Command("memcached", "memcached-compatible server (text and meta protocols)")
        {
            port, listen, memory, conns, threads, pidFile, daemon, user, udp, maxItem, noEvict, backlog, controlKeys, v1, v2, v3,
        };
        cmd.SetAction(async (parse, _) =>
        {
            var options = new MemcachedOptions
            {
                Port = parse.GetValue(port),
                ListenAddress = ParseAddress(parse.GetValue(listen)!),
                MemoryLimitMegabytes = parse.GetValue(memory),
                MaxConnections = parse.GetValue(conns),
                Threads = parse.GetValue(threads),
                UdpPort = parse.GetValue(udp),
                MaxItemSize = ParseSize(parse.GetValue(maxItem)!),
                DisableEvictions = parse.GetValue(noEvict),
                Backlog = parse.GetValue(backlog),
                AllowControlCharactersInKeys = parse.GetValue(controlKeys),
                Verbosity = parse.GetValue(v3) || parse.GetValue(v2) ? 2 : parse.GetValue(v1) ? 1 : 0,
            };
            var pid = parse.GetValue(pidFile);
            UseInlineSocketCompletions();
            if (parse.GetValue(daemon) && !HostRuntime.IsDaemonChild)
                return HostRuntime.Detach(Environment.GetCommandLineArgs().Skip(1), pid, TimeSpan.FromSeconds(30));
            return await RunAsync(options, pid);
        });
        return cmd;
    }

    /// <summary>
    /// Runs socket completions on the runtime's epoll threads instead of hopping to the thread pool.
    /// memcached requests are short and never block, so this is safe here, and on this 2-core machine it
    /// measured about 25% less server CPU per request under memcaslap (bench/results/memcached.md).
    /// The runtime reads the variable when the first socket operation starts, so it must be set
    /// before the server starts; an explicit setting in the environment wins. Only `trove memcached`
    /// sets it: under `trove serve` other servers share the process and may run longer handlers.
    /// </summary>
    private static void UseInlineSocketCompletions()
    {
        const string name = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
        if (Environment.GetEnvironmentVariable(name) is null) Environment.SetEnvironmentVariable(name, "1");
    }

    private static IPAddress ParseAddress(string s)
    {
        var first = s.Split(',')[0].Trim();
        if (first.StartsWith("notls:")) first = first[6..];
        if (first is "" or "*" or "INADDR_ANY") return IPAddress.Any;
        return IPAddress.TryParse(first, out var ip) ? ip : Dns.GetHostAddresses(first)[0];
    }

    /// <summary>memcached's -I: bytes, or with a k/m suffix.</summary>
    public static int ParseSize(string s)
    {
        s = s.Trim().ToLowerInvariant();
        long mult = 1;
        if (s.EndsWith('k')) { mult = 1024; s = s[..^1]; }
        else if (s.EndsWith('m')) { mult = 1024 * 1024; s = s[..^1]; }
        long v = long.Parse(s) * mult;
        return (int)Math.Clamp(v, 1024, 1024L * 1024 * 1024);
    }

    private static async Task<int> RunAsync(MemcachedOptions options, string? pidFile)
    {
        using var logs = HostRuntime.CreateLoggerFactory(options.Verbosity > 0 ? LogLevel.Information : LogLevel.Warning);
        var (stop, reg) = HostRuntime.ShutdownSignal();
        using (reg)
        {
            var server = new MemcachedServer(options, logs.CreateLogger("memcached"));
            try
            {
                server.Start();
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                Console.Error.WriteLine($"failed to listen on {options.ListenAddress}:{options.Port}: {ex.Message}");
                return 71;
            }
            if (pidFile is not null) HostRuntime.WritePidFile(pidFile);
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException) { }
            await server.StopAsync();
            if (pidFile is not null) try { File.Delete(pidFile); } catch (IOException) { }
            return 0;
        }
    }

    /// <summary>`trove serve`: memcached on 11211 at the shared bind address, until stopped.</summary>
    public static async Task Serve(ServeContext context, CancellationToken stop)
    {
        var options = new MemcachedOptions { Port = 11211, ListenAddress = ParseAddress(context.Bind) };
        var server = new MemcachedServer(options, context.Logs.CreateLogger("memcached"));
        server.Start();
        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException) { }
        await server.StopAsync();
    }
}
