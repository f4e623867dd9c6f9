using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Trove.Host;

/// <summary>Process-level plumbing shared by every subcommand: logging, signals, pid files, -d.</summary>
internal static class HostRuntime
{
    /// <summary>Set in the environment of the detached child that <see cref="Detach"/> starts.</summary>
    public const string DaemonChildVariable = "TROVE_DAEMON_CHILD";

    public static bool IsDaemonChild => Environment.GetEnvironmentVariable(DaemonChildVariable) == "1";

    /// <summary>Console logging at the given level; a detached child logs nothing to its closed console.</summary>
    public static ILoggerFactory CreateLoggerFactory(LogLevel level) => LoggerFactory.Create(b =>
    {
        b.SetMinimumLevel(level);
        if (!IsDaemonChild)
            b.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd HH:mm:ss.fff "; });
    });

    /// <summary>
    /// A token cancelled on SIGINT or SIGTERM: servers stop accepting, finish the replies in
    /// flight, and close. The registrations must stay alive as long as the token is used.
    /// </summary>
    public static (CancellationToken Token, IDisposable Registration) ShutdownSignal()
    {
        var cts = new CancellationTokenSource();
        void Handler(PosixSignalContext ctx) { ctx.Cancel = true; cts.Cancel(); }
        var regs = new[]
        {
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handler),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handler),
        };
        return (cts.Token, new Registrations(regs));
    }

    private sealed class Registrations(PosixSignalRegistration[] regs) : IDisposable
    {
        public void Dispose() { foreach (var r in regs) r.Dispose(); }
    }

    /// <summary>Writes this process's pid to <paramref name="path"/> (memcached -P, redis pidfile).</summary>
    public static void WritePidFile(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, Environment.ProcessId + "\n");
    }

    /// <summary>
    /// Runs this same command again as a detached child (a new session, no console) and waits until
    /// it reports ready by creating <paramref name="readyFile"/> (its pid file), as memcached -d returns
    /// only once the daemon is up. .NET cannot fork, so "detach" is a re-exec with
    /// <see cref="DaemonChildVariable"/> set. Returns the exit code for the parent.
    /// </summary>
    public static int Detach(IEnumerable<string> childArgs, string? readyFile, TimeSpan wait)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        // sh gives the child /dev/null for stdio, so a caller capturing our output is not held open.
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec setsid \"$@\" </dev/null >/dev/null 2>&1");
        psi.ArgumentList.Add("trove");
        psi.ArgumentList.Add(self);
        // Under `dotnet trove.dll`, ProcessPath is the dotnet host: pass the entry assembly again.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            psi.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var a in childArgs) psi.ArgumentList.Add(a);
        psi.Environment[DaemonChildVariable] = "1";
        if (readyFile is not null && File.Exists(readyFile)) File.Delete(readyFile);
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("could not start the daemon");
        if (readyFile is null) return 0;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < wait)
        {
            if (File.Exists(readyFile) && new FileInfo(readyFile).Length > 0) return 0;
            if (child.HasExited && child.ExitCode != 0) return child.ExitCode;
            Thread.Sleep(20);
        }
        Console.Error.WriteLine($"daemon did not write {readyFile} within {wait.TotalSeconds:0} s");
        return 1;
    }
}
