using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Trove.Host.Commands;

/// <summary>
/// `trove serve`: every server on its standard port (memcached 11211, redis 6379, amqp 5672),
/// data under ./trove-data. Each component contributes a <see cref="ServeComponent"/>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "data directory", DefaultValueFactory = _ => "./trove-data" };
        var bind = new Option<string>("--bind") { Description = "address every server listens on", DefaultValueFactory = _ => "127.0.0.1" };
        var cmd = new Command("serve", "run every Trove server on its standard port") { data, bind };
        cmd.SetAction(async (parse, _) =>
        {
            var dataDir = Path.GetFullPath(parse.GetValue(data)!);
            Directory.CreateDirectory(dataDir);
            using var logs = HostRuntime.CreateLoggerFactory(LogLevel.Information);
            var (stop, reg) = HostRuntime.ShutdownSignal();
            using (reg)
            {
                var ctx = new ServeContext(dataDir, parse.GetValue(bind)!, logs);
                ServeComponent[] components = [MemcachedCommand.Serve, RedisCommand.Serve, AmqpCommand.Serve];
                try
                {
                    await Task.WhenAll(components.Select(c => c(ctx, stop)));
                    return 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logs.CreateLogger("trove").LogCritical(ex, "a server failed");
                    return 1;
                }
            }
        });
        return cmd;
    }
}

/// <summary>What `trove serve` hands each server: data root, bind address, logging.</summary>
internal sealed record ServeContext(string DataDir, string Bind, ILoggerFactory Logs);

/// <summary>Runs one server until <paramref name="stop"/> is cancelled, then shuts it down gracefully.</summary>
internal delegate Task ServeComponent(ServeContext context, CancellationToken stop);
