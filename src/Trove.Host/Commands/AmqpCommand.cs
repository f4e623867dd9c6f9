using System.CommandLine;

namespace Trove.Host.Commands;

/// <summary>`trove amqp`: not built yet; its issue fills this in.</summary>
internal static class AmqpCommand
{
    public static Command Create()
    {
        var cmd = new Command("amqp", "amqp server (not built yet)");
        cmd.SetAction(_ => { Console.Error.WriteLine("trove amqp: not built yet"); return 2; });
        return cmd;
    }

    public static Task Serve(ServeContext context, CancellationToken stop) => Task.CompletedTask;
}
