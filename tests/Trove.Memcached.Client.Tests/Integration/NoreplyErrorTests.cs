using Trove.Memcached.Client.Tests.Infrastructure;

namespace Trove.Memcached.Client.Tests.Integration;

/// <summary>
/// A server that answers a noreply command with an error line anyway (memcached versions and
/// proxies differ here): the stray line must not be read as the reply to the next command.
/// </summary>
public sealed class NoreplyErrorTests
{
    private static string Reply(string line) => line switch
    {
        _ when line.EndsWith(" noreply") => "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n",
        "version" => "VERSION scripted\r\n",
        "get k" => "VALUE k 16 5\r\nhello\r\nEND\r\n",
        _ => "ERROR\r\n",
    };

    [Fact]
    public async Task ErrorLinesAfterNoreply_AreLoggedAndSkipped()
    {
        using var server = new ScriptedServer(Reply);
        var log = new ListLogger();
        using var mc = new MemcacheClient(new MemcacheClientOptions { Logger = log, MaxConnectionsPerServer = 1 }.AddServer(server.Address));
        Assert.Null(mc.Incr("k", 1, noreply: true));
        Assert.Null(await mc.DecrAsync("k", 1, noreply: true));
        Assert.Equal("hello", mc.Get("k"));
        Assert.Equal("hello", await mc.GetAsync("k"));
        Assert.Equal(2, log.Messages.Count(m => m.Contains("CLIENT_ERROR")));
    }

    [Fact]
    public async Task LongNoreplyRuns_AreSettledEvery1024Commands()
    {
        using var server = new ScriptedServer(Reply);
        var log = new ListLogger();
        using var mc = new MemcacheClient(new MemcacheClientOptions { Logger = log, MaxConnectionsPerServer = 1 }.AddServer(server.Address));
        for (int i = 0; i < 1500; i++) mc.Incr("k", 1, noreply: true);
        Assert.Equal(1024, log.Messages.Count);
        for (int i = 0; i < 1100; i++) await mc.IncrAsync("k", 1, noreply: true);
        Assert.Equal(2048, log.Messages.Count);
        Assert.Equal("hello", mc.Get("k"));
        Assert.Equal(2600, log.Messages.Count);
    }
}
