using System.Net.Sockets;
using RabbitMQ.Client;
using Trove.TestKit;

namespace Trove.Amqp.Tests.Durability;

/// <summary>
/// The real `trove amqp` executable on a free port and a private data directory that outlives
/// restarts (deleted on dispose).
/// </summary>
internal sealed class DurableBroker : IAsyncDisposable
{
    private ExternalProcess? _process;

    public DurableBroker()
    {
        Port = FreePort.Get();
        DataDir = Path.Combine(Path.GetTempPath(), "trove-durability-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
    }

    public int Port { get; }
    public string DataDir { get; }
    public ExternalProcess Process => _process ?? throw new InvalidOperationException("not started");

    public async Task StartAsync()
    {
        _process = await TroveProcess.StartAsync(Port, "amqp", "--port", Port.ToString(), "--data", DataDir);
    }

    /// <summary>SIGKILL: no chance to flush anything.</summary>
    public async Task KillAsync()
    {
        var p = Process;
        p.Kill();
        await p.WaitAsync(TimeSpan.FromSeconds(20));
        await WaitPortClosed();
    }

    /// <summary>SIGTERM: a clean shutdown.</summary>
    public async Task StopAsync()
    {
        await Process.TerminateAsync(TimeSpan.FromSeconds(30));
        await WaitPortClosed();
    }

    private async Task WaitPortClosed()
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                using var c = new TcpClient();
                await c.ConnectAsync("127.0.0.1", Port).WaitAsync(TimeSpan.FromSeconds(1));
                await Task.Delay(50);
            }
            catch (Exception) { return; }
        }
    }

    public Task<IConnection> ConnectAsync(string name = "durability-test")
    {
        var f = new ConnectionFactory
        {
            HostName = "127.0.0.1",
            Port = Port,
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            ClientProvidedName = name,
            RequestedHeartbeat = TimeSpan.FromSeconds(30),
        };
        return f.CreateConnectionAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        try { Directory.Delete(DataDir, true); } catch (IOException) { }
    }
}
