using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Logging;
using Trove.Amqp.Broker;
using Trove.Amqp.Framing;
using Trove.Amqp.Server;

namespace Trove.Host.Commands;

/// <summary>
/// `trove amqp`: the AMQP 0-9-1 broker (`--port`, `--bind`, `--data`), and rabbitmqctl-like
/// management subcommands that act on the data directory's definitions (run them while the broker
/// is stopped, or restart it afterwards): `user add|delete`, `vhost add`, `permission set`,
/// `list queues|exchanges|bindings|users`.
/// </summary>
internal static class AmqpCommand
{
    /// <summary>The storage used for --data directories.</summary>
    private static IStorageProvider DiskStorage => AmqpStorage.Provider;

    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 5672 };
        var bind = new Option<string>("--bind") { Description = "address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var data = new Option<string>("--data") { Description = "data directory", DefaultValueFactory = _ => "./trove-data/amqp", Recursive = true };
        var heartbeat = new Option<int>("--heartbeat") { Description = "heartbeat offered to clients, seconds", DefaultValueFactory = _ => 60 };
        var cmd = new Command("amqp", "AMQP 0-9-1 broker (RabbitMQ clients work unchanged)") { port, bind, data, heartbeat };
        cmd.SetAction(async (parse, _) =>
        {
            using var logs = HostRuntime.CreateLoggerFactory(LogLevel.Information);
            var (stop, reg) = HostRuntime.ShutdownSignal();
            using (reg)
            {
                var options = new AmqpServerOptions
                {
                    EndPoint = new IPEndPoint(IPAddress.Parse(parse.GetValue(bind)!), parse.GetValue(port)),
                    DataDir = Path.GetFullPath(parse.GetValue(data)!),
                    Storage = DiskStorage,
                    Heartbeat = (ushort)parse.GetValue(heartbeat),
                };
                await RunAsync(options, logs, stop);
                return 0;
            }
        });
        cmd.Subcommands.Add(UserCommand(data));
        cmd.Subcommands.Add(VhostCommand(data));
        cmd.Subcommands.Add(PermissionCommand(data));
        cmd.Subcommands.Add(ListCommand(data));
        return cmd;
    }

    private static async Task RunAsync(AmqpServerOptions options, ILoggerFactory logs, CancellationToken stop)
    {
        await using var server = await AmqpServer.StartAsync(options, logs);
        logs.CreateLogger("amqp").LogInformation("amqp broker on {EndPoint}, data in {Dir}", options.EndPoint, options.DataDir);
        try { await Task.Delay(Timeout.Infinite, stop); }
        catch (OperationCanceledException) { }
    }

    /// <summary>`trove serve`: the broker on 5672 with data in &lt;data&gt;/amqp.</summary>
    public static Task Serve(ServeContext context, CancellationToken stop)
    {
        var options = new AmqpServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Parse(context.Bind), 5672),
            DataDir = Path.Combine(context.DataDir, "amqp"),
            Storage = DiskStorage,
        };
        return RunAsync(options, context.Logs, stop);
    }

    private static IDefinitionStore Open(ParseResult parse, Option<string> data)
    {
        var dir = Path.GetFullPath(parse.GetValue(data)!);
        Directory.CreateDirectory(dir);
        var store = DiskStorage.OpenDefinitions(dir);
        // A fresh directory gets RabbitMQ's defaults first, as the broker would create them.
        var defs = store.Load();
        if (defs.Vhosts.Count == 0 && defs.Users.Count == 0)
        {
            store.SaveVhost("/");
            store.SaveUser(new UserDefinition("guest", Broker.HashPassword("guest"), "administrator"));
            store.SavePermission(new PermissionDefinition("/", "guest", ".*", ".*", ".*"));
        }
        return store;
    }

    private static Command UserCommand(Option<string> data)
    {
        var user = new Command("user", "manage users");
        var name = new Argument<string>("name");
        var password = new Argument<string>("password");
        var add = new Command("add", "add a user (or change its password)") { name, password };
        add.SetAction(parse =>
        {
            using var store = Open(parse, data);
            var n = parse.GetValue(name)!;
            store.SaveUser(new UserDefinition(n, Broker.HashPassword(parse.GetValue(password)!), ""));
            Console.WriteLine($"Adding user \"{n}\" ...");
            return 0;
        });
        var delName = new Argument<string>("name");
        var del = new Command("delete", "delete a user") { delName };
        del.SetAction(parse =>
        {
            using var store = Open(parse, data);
            var n = parse.GetValue(delName)!;
            if (!store.Load().Users.Any(u => u.Name == n)) { Console.Error.WriteLine($"Error: user \"{n}\" does not exist"); return 1; }
            store.DeleteUser(n);
            Console.WriteLine($"Deleting user \"{n}\" ...");
            return 0;
        });
        user.Subcommands.Add(add);
        user.Subcommands.Add(del);
        return user;
    }

    private static Command VhostCommand(Option<string> data)
    {
        var vhost = new Command("vhost", "manage virtual hosts");
        var name = new Argument<string>("name");
        var add = new Command("add", "add a virtual host") { name };
        add.SetAction(parse =>
        {
            using var store = Open(parse, data);
            var n = parse.GetValue(name)!;
            store.SaveVhost(n);
            Console.WriteLine($"Adding vhost \"{n}\" ...");
            return 0;
        });
        vhost.Subcommands.Add(add);
        return vhost;
    }

    private static Command PermissionCommand(Option<string> data)
    {
        var permission = new Command("permission", "manage permissions");
        var vhost = new Argument<string>("vhost");
        var user = new Argument<string>("user");
        var conf = new Argument<string>("configure");
        var write = new Argument<string>("write");
        var read = new Argument<string>("read");
        var set = new Command("set", "set a user's permissions in a vhost (regular expressions)") { vhost, user, conf, write, read };
        set.SetAction(parse =>
        {
            using var store = Open(parse, data);
            var defs = store.Load();
            string v = parse.GetValue(vhost)!, u = parse.GetValue(user)!;
            if (!defs.Vhosts.Contains(v)) { Console.Error.WriteLine($"Error: vhost \"{v}\" does not exist"); return 1; }
            if (!defs.Users.Any(x => x.Name == u)) { Console.Error.WriteLine($"Error: user \"{u}\" does not exist"); return 1; }
            store.SavePermission(new PermissionDefinition(v, u, parse.GetValue(conf)!, parse.GetValue(write)!, parse.GetValue(read)!));
            Console.WriteLine($"Setting permissions for user \"{u}\" in vhost \"{v}\" ...");
            return 0;
        });
        permission.Subcommands.Add(set);
        return permission;
    }

    private static Command ListCommand(Option<string> data)
    {
        var what = new Argument<string>("what") { Description = "queues, exchanges, bindings or users" };
        var list = new Command("list", "list durable definitions") { what };
        list.SetAction(parse =>
        {
            using var store = Open(parse, data);
            var defs = store.Load();
            switch (parse.GetValue(what))
            {
                case "queues":
                    Console.WriteLine("vhost\tname\targuments");
                    foreach (var q in defs.Queues) Console.WriteLine($"{q.Vhost}\t{q.Name}\t{Show(q.Arguments)}");
                    break;
                case "exchanges":
                    Console.WriteLine("vhost\tname\ttype");
                    foreach (var x in defs.Exchanges) Console.WriteLine($"{x.Vhost}\t{x.Name}\t{x.Type}");
                    break;
                case "bindings":
                    Console.WriteLine("vhost\tsource_name\tdestination_name\tdestination_kind\trouting_key\targuments");
                    foreach (var b in defs.Bindings)
                        Console.WriteLine($"{b.Vhost}\t{b.Source}\t{b.Destination}\t{(b.DestinationIsExchange ? "exchange" : "queue")}\t{b.RoutingKey}\t{Show(b.Arguments)}");
                    break;
                case "users":
                    Console.WriteLine("user\ttags");
                    foreach (var u in defs.Users) Console.WriteLine($"{u.Name}\t[{u.Tags}]");
                    break;
                default:
                    Console.Error.WriteLine("list what? queues, exchanges, bindings or users");
                    return 1;
            }
            return 0;
        });
        return list;
    }

    private static string Show(byte[] table)
    {
        if (table.Length == 0) return "[]";
        var d = FieldTable.Decode(table);
        return "[" + string.Join(", ", d.Select(kv => $"{{{kv.Key},{kv.Value}}}")) + "]";
    }
}
