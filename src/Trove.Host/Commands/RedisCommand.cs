using System.CommandLine;

namespace Trove.Host.Commands;

/// <summary>`trove redis`: not built yet; its issue fills this in.</summary>
internal static class RedisCommand
{
    public static Command Create()
    {
        var cmd = new Command("redis", "redis server (not built yet)");
        cmd.SetAction(_ => { Console.Error.WriteLine("trove redis: not built yet"); return 2; });
        return cmd;
    }

    public static Task Serve(ServeContext context, CancellationToken stop) => Task.CompletedTask;
}
