using Trove.Redis.Tests.Infrastructure;
using Trove.TestKit;

namespace Trove.Redis.Tests;

/// <summary>Real Redis tools against Trove: redis-cli (interactive and --pipe) and redis-benchmark.</summary>
[Collection("trove-redis")]
public sealed class ToolTests(TroveRedisFixture f)
{
    private async Task<(int Code, string Output)> ShellAsync(string script, int seconds = 60)
        => await ExternalProcess.RunAsync("/bin/bash", ["-c", script], TimeSpan.FromSeconds(seconds));

    [Fact]
    public async Task RedisCliPipedInteractiveSession()
    {
        var (code, output) = await ShellAsync(
            $"printf 'SET cli:k \"hello world\"\\nGET cli:k\\nINCR cli:n\\nFOO\\nHELLO 3\\nGET cli:k\\n' | redis-cli -p {f.Port}");
        Assert.Equal(0, code);
        Assert.Contains("OK", output);
        Assert.Contains("hello world", output);
        Assert.Contains("hello world\n1\n", output);
        Assert.Contains("ERR unknown command 'FOO'", output);
    }

    [NeedsProgramFact("/usr/bin/tmux")]
    public async Task RedisCliInTmuxShowsHints()
    {
        string session = "trove" + Environment.ProcessId + Random.Shared.Next(1000);
        try
        {
            await ShellAsync($"tmux new-session -d -s {session} -x 200 -y 20 'redis-cli -p {f.Port}'");
            await Task.Delay(1000);
            await ShellAsync($"tmux send-keys -t {session} 'SET tmux:k v' Enter");
            await Task.Delay(500);
            await ShellAsync($"tmux send-keys -t {session} 'GET tmux:k' Enter");
            await Task.Delay(500);
            await ShellAsync($"tmux send-keys -t {session} 'SET k'");
            await Task.Delay(700);
            var (_, screen) = await ShellAsync($"tmux capture-pane -p -t {session}");
            Assert.Contains("OK", screen);
            Assert.Contains("\"v\"", screen);
            // redis-cli's hint for the command being typed.
            Assert.Contains("SET k value [NX|XX]", screen);
        }
        finally
        {
            await ShellAsync($"tmux kill-session -t {session}");
        }
    }

    [Fact]
    public async Task RedisCliPipeMassInsertion()
    {
        var file = Path.GetTempFileName();
        try
        {
            await using (var fs = File.Create(file))
                for (int i = 0; i < 20000; i++) await fs.WriteAsync(RespClient.Encode("SET", "mass:" + i, "value" + i));
            var (code, output) = await ShellAsync($"redis-cli -p {f.Port} --pipe < {file}");
            Assert.True(code == 0, output);
            Assert.Contains("errors: 0, replies: 20000", output);
            await using var c = await RespClient.ConnectAsync(f.Port);
            Assert.Equal("$10\r\nvalue19999\r\n", await c.CallAsync("GET", "mass:19999"));
        }
        finally { File.Delete(file); }
    }

    [NeedsAllTypesFact]
    public async Task RedisBenchmarkDefaultSuiteRunsWithoutErrors()
    {
        var (code, output) = await ShellAsync($"redis-benchmark -p {f.Port} -n 2000 -c 10 -q 2>&1", 240);
        Assert.True(code == 0, output);
        Assert.DoesNotContain("ERR", output);
        Assert.DoesNotContain("rror", output);
        foreach (var t in new[] { "PING_INLINE", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP", "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LRANGE_600", "MSET" })
            Assert.Contains(t, output);
    }
}
