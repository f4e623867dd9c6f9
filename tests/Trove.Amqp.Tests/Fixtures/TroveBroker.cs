using Trove.TestKit;

namespace Trove.Amqp.Tests.Fixtures;

/// <summary>
/// The real `trove amqp` executable on a free port and a data directory, restartable on the same
/// directory (graceful or SIGKILL). Used by the seed-script test and the crash test.
/// </summary>
public sealed class TroveBroker : IAsyncDisposable
{
    private ExternalProcess? _process;

    private TroveBroker(int port, string dataDir) { Port = port; DataDir = dataDir; }

    /// <summary>The port.</summary>
    public int Port { get; }
    /// <summary>The data directory (deleted on dispose).</summary>
    public string DataDir { get; }
    /// <summary>The running process's pid.</summary>
    public int Pid => _process?.Pid ?? 0;
    /// <summary>Output of the current process.</summary>
    public string Output => _process?.Output ?? "";

    /// <summary>Starts `trove amqp` on a free port with a fresh data directory.</summary>
    public static async Task<TroveBroker> StartAsync(string? dataDir = null)
    {
        var dir = dataDir ?? Path.Combine(Path.GetTempPath(), "trove-amqp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var b = new TroveBroker(FreePort.Get(), dir);
        await b.StartProcessAsync();
        return b;
    }

    /// <summary>The command line that starts this broker (for shell restart commands).</summary>
    public string CommandLine => $"dotnet {RepoPaths.TroveDll} amqp --port {Port} --data {DataDir}";

    private async Task StartProcessAsync()
        => _process = await TroveProcess.StartAsync(Port, "amqp", "--port", Port.ToString(), "--data", DataDir);

    /// <summary>Stops (SIGTERM, or SIGKILL when <paramref name="kill"/>) and starts again on the same directory.</summary>
    public async Task RestartAsync(bool kill = false)
    {
        await StopAsync(kill);
        await StartProcessAsync();
    }

    /// <summary>Stops the process.</summary>
    public async Task StopAsync(bool kill = false)
    {
        if (_process is null) return;
        if (kill) _process.Kill();
        else await _process.TerminateAsync(TimeSpan.FromSeconds(15));
        await _process.DisposeAsync();
        _process = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        try { Directory.Delete(DataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
