using System.Diagnostics;
using System.Text;

namespace Trove.TestKit;

/// <summary>
/// A child process owned by a test: output captured, killed (with its process tree) on dispose,
/// so no test leaves a process running.
/// </summary>
public sealed class ExternalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ExternalProcess(Process p)
    {
        _process = p;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>True until the process ends.</summary>
    public bool IsRunning => !_process.HasExited;

    /// <summary>Exit code (only after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Stdout and stderr so far, interleaved.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts <paramref name="file"/> with arguments and extra environment.</summary>
    public static ExternalProcess Start(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        p.StandardInput.Close();
        return new ExternalProcess(p);
    }

    /// <summary>Waits for exit, bounded; kills the process and throws on timeout.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"process {Pid} did not exit within {timeout.TotalSeconds} s; output:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL the process and its children.</summary>
    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    /// <summary>SIGTERM (graceful shutdown) and wait, bounded.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited) Signals.Send(Pid, Signals.SIGTERM);
        return await WaitAsync(timeout);
    }

    /// <summary>Runs a command to completion with a bound; returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, TimeSpan timeout,
        IDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        await using var p = Start(file, args, env, workingDirectory);
        int code = await p.WaitAsync(timeout);
        return (code, p.Output);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)); } catch (TimeoutException) { }
        _process.Dispose();
    }
}

/// <summary>kill(2) for signals .NET's Process has no method for.</summary>
public static class Signals
{
    public const int SIGKILL = 9, SIGTERM = 15, SIGSTOP = 19, SIGCONT = 18;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    /// <summary>Sends <paramref name="signal"/> to <paramref name="pid"/>; false if no such process.</summary>
    public static bool Send(int pid, int signal) => kill(pid, signal) == 0;

    /// <summary>True while a process with this pid exists.</summary>
    public static bool IsAlive(int pid) => kill(pid, 0) == 0;
}
