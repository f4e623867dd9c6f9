using System.CommandLine;

namespace Trove.Host.Commands;

/// <summary>`trove memcached`: not built yet; its issue fills this in.</summary>
internal static class MemcachedCommand
{
    public static Command Create()
    {
        var cmd = new Command("memcached", "memcached server (not built yet)");
        cmd.SetAction(_ => { Console.Error.WriteLine("trove memcached: not built yet"); return 2; });
        return cmd;
    }

    public static Task Serve(ServeContext context, CancellationToken stop) => Task.CompletedTask;
}
