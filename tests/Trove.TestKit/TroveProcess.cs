namespace Trove.TestKit;

/// <summary>Runs the real `trove` executable (built by the solution) as a child process.</summary>
public static class TroveProcess
{
    /// <summary>
    /// Starts `trove &lt;args&gt;` and waits until <paramref name="port"/> accepts connections.
    /// </summary>
    public static async Task<ExternalProcess> StartAsync(int port, params string[] args)
    {
        var p = ExternalProcess.Start("dotnet", [RepoPaths.TroveDll, .. args]);
        try
        {
            await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(30), () => p.IsRunning);
        }
        catch (Exception ex)
        {
            var output = p.Output;
            await p.DisposeAsync();
            throw new InvalidOperationException($"trove {string.Join(' ', args)} did not start: {ex.Message}\n{output}", ex);
        }
        return p;
    }
}
