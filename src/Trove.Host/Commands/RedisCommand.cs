using System.CommandLine;
using Microsoft.Extensions.Logging;
using Trove.Redis.Server;

namespace Trove.Host.Commands;

/// <summary>
/// `trove redis [redis.conf] [--option value ...]`: Trove's Redis server with redis-server's
/// option names (--port --bind --requirepass --databases --dir --appendonly ...). Binds
/// 127.0.0.1 unless --bind says otherwise. `trove serve` runs it on 6379.
/// </summary>
internal static class RedisCommand
{
    public static Command Create()
    {
        var rest = new Argument<string[]>("options") { Arity = ArgumentArity.ZeroOrMore, Description = "[redis.conf] [--port 6379] [--bind addr] [--requirepass pw] [--databases 16] ..." };
        var cmd = new Command("redis", "Redis-compatible server (RESP2/RESP3)") { rest };
        cmd.TreatUnmatchedTokensAsErrors = false;
        cmd.SetAction(async (parse, _) =>
        {
            // Run socket completions on the epoll threads instead of hopping to the thread pool: a
            // Redis request is microseconds of work under one engine lock, so the hop (a context
            // switch per request) cost more than the work. Measured with redis-benchmark -P 1 GET/SET:
            // server CPU per request 7-8.6 us -> 5.6-5.8 us, context switches per request 0.7 -> 0.25,
            // and -P 16 throughput 0.63-0.68M -> 1.1-1.2M requests/s. Read once, when the first
            // socket is created, so it must be set before the listener starts.
            if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
                Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
            // redis-server's syntax ("--name v1 v2") does not fit an option parser: read the raw tokens.
            var all = Environment.GetCommandLineArgs();
            int at = Array.IndexOf(all, "redis");
            var raw = at >= 0 ? all[(at + 1)..] : parse.GetValue(rest) ?? [];
            var config = new RedisConfig();
            string? file = null;
            var errors = Parse(raw, config, ref file);
            if (errors.Count > 0)
            {
                foreach (var e in errors) Console.Error.WriteLine("*** FATAL CONFIG FILE ERROR *** " + e);
                return 1;
            }
            if (config.Daemonize == "yes" && !HostRuntime.IsDaemonChild)
                return HostRuntime.Detach(["redis", .. raw], config.PidFile, TimeSpan.FromSeconds(30));
            using var logs = HostRuntime.CreateLoggerFactory(config.LogLevel is "debug" or "verbose" ? LogLevel.Debug : LogLevel.Information);
            var (stop, reg) = HostRuntime.ShutdownSignal();
            using (reg)
                return await RunAsync(config, file, logs, stop);
        });
        return cmd;
    }

    /// <summary>Applies a config file (first argument not starting with "--") and "--name values..." options.</summary>
    internal static List<string> Parse(IReadOnlyList<string> raw, RedisConfig config, ref string? file)
    {
        var errors = new List<string>();
        int i = 0;
        if (raw.Count > 0 && !raw[0].StartsWith("--", StringComparison.Ordinal) && raw[0] != "-")
        {
            file = Path.GetFullPath(raw[0]);
            if (!File.Exists(file)) { errors.Add($"Fatal error, can't open config file '{raw[0]}'"); return errors; }
            errors.AddRange(config.LoadFile(file));
            i = 1;
        }
        while (i < raw.Count)
        {
            var name = raw[i];
            if (!name.StartsWith("--", StringComparison.Ordinal)) { errors.Add($"Invalid argument '{name}'"); i++; continue; }
            var values = new List<string>();
            i++;
            while (i < raw.Count && !raw[i].StartsWith("--", StringComparison.Ordinal)) values.Add(raw[i++]);
            var err = config.Set(name[2..], values, atStartup: true);
            if (err is not null) errors.Add($"'{name} {string.Join(' ', values)}': {err}");
        }
        return errors;
    }

    private static async Task<int> RunAsync(RedisConfig config, string? file, ILoggerFactory logs, CancellationToken stop)
    {
        var log = logs.CreateLogger("redis");
        await using var server = new RedisServer(config, log) { ConfigFile = file };
        try
        {
            await server.StartAsync();
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            log.LogCritical("Could not create server TCP listening socket {Bind}:{Port}: {Error}", string.Join(' ', config.Bind), config.Port, ex.Message);
            return 1;
        }
        if (config.PidFile is { Length: > 0 } pid) HostRuntime.WritePidFile(pid);
        log.LogInformation("Trove Redis {Version}-compatible ready to accept connections on port {Port}", RedisServer.Version, server.EndPoint.Port);
        await Task.WhenAny(server.Shutdown, Task.Delay(Timeout.Infinite, stop)).ContinueWith(_ => { });
        await server.StopAsync();
        if (config.PidFile is { Length: > 0 } p && File.Exists(p)) File.Delete(p);
        return 0;
    }

    public static async Task Serve(ServeContext context, CancellationToken stop)
    {
        var config = new RedisConfig { Port = 6379, Bind = [context.Bind], Dir = Path.Combine(context.DataDir, "redis") };
        Directory.CreateDirectory(config.Dir);
        var log = context.Logs.CreateLogger("redis");
        await using var server = new RedisServer(config, log);
        await server.StartAsync();
        await Task.WhenAny(server.Shutdown, Task.Delay(Timeout.Infinite, stop)).ContinueWith(_ => { });
        await server.StopAsync();
    }
}
