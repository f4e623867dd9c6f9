using System.CommandLine;
using Trove.Host.Commands;

// `trove serve` runs every server; `trove memcached|redis|amqp ...` runs one with its peer's flags.
var root = new RootCommand("Trove: memcached, Redis and AMQP 0-9-1 servers in one executable")
{
    ServeCommand.Create(),
    MemcachedCommand.Create(),
    RedisCommand.Create(),
    AmqpCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
