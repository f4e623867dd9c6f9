using System.Diagnostics;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Trove.Bench.AmqpLoad;

/// <summary>The load patterns, each against one broker on one port; they return elapsed seconds.</summary>
internal static class Scenarios
{
    private static readonly BasicProperties s_transient = new() { DeliveryMode = DeliveryModes.Transient };
    private static readonly BasicProperties s_persistent = new() { DeliveryMode = DeliveryModes.Persistent };

    public static Task<IConnection> ConnectAsync(int port, string name) => new ConnectionFactory
    {
        HostName = "127.0.0.1",
        Port = port,
        AutomaticRecoveryEnabled = false,
        ClientProvidedName = name,
    }.CreateConnectionAsync().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>
    /// (a) one publisher (no confirms), one auto-ack consumer, one non-durable queue: time from the
    /// first publish to the last delivery.
    /// </summary>
    public static async Task<double> TransientAsync(int port, int count, int size)
    {
        await using var pc = await ConnectAsync(port, "bench-pub");
        await using var cc = await ConnectAsync(port, "bench-con");
        var pch = await pc.CreateChannelAsync();
        var queue = "bench_t_" + Guid.NewGuid().ToString("N")[..8];
        await pch.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        var cch = await cc.CreateChannelAsync();
        int received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(cch);
        consumer.ReceivedAsync += (_, _) =>
        {
            if (Interlocked.Increment(ref received) == count) done.TrySetResult();
            return Task.CompletedTask;
        };
        await cch.BasicConsumeAsync(queue, autoAck: true, consumer);
        var body = new byte[size];
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < count; i++) await pch.BasicPublishAsync("", queue, false, s_transient, body);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(3));
        double secs = sw.Elapsed.TotalSeconds;
        await pch.QueueDeleteAsync(queue);
        return secs;
    }

    /// <summary>
    /// (b) persistent messages to a durable queue, publisher confirms with at most 1,000 outstanding,
    /// one consumer with manual acks and prefetch 100: time from the first publish to the last delivery.
    /// </summary>
    public static async Task<double> PersistentAsync(int port, int count, int size)
    {
        await using var pc = await ConnectAsync(port, "bench-pub");
        await using var cc = await ConnectAsync(port, "bench-con");
        var pch = await pc.CreateChannelAsync(new CreateChannelOptions(true, true, null));
        var queue = "bench_p_" + Guid.NewGuid().ToString("N")[..8];
        await pch.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        var cch = await cc.CreateChannelAsync();
        await cch.BasicQosAsync(0, 100, false);
        int received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(cch);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            await cch.BasicAckAsync(ea.DeliveryTag, false);
            if (Interlocked.Increment(ref received) == count) done.TrySetResult();
        };
        await cch.BasicConsumeAsync(queue, autoAck: false, consumer);
        var sw = Stopwatch.StartNew();
        await PublishConfirmedAsync(pch, queue, count, size);
        await done.Task.WaitAsync(TimeSpan.FromMinutes(3));
        double secs = sw.Elapsed.TotalSeconds;
        await pch.QueueDeleteAsync(queue);
        return secs;
    }

    /// <summary>Publishes persistent messages keeping up to 1,000 unconfirmed; throws on a nack.</summary>
    public static async Task PublishConfirmedAsync(IChannel ch, string queue, int count, int size)
    {
        var body = new byte[size];
        using var window = new SemaphoreSlim(1000);
        var pending = new List<Task>(count);
        for (int i = 0; i < count; i++)
        {
            await window.WaitAsync();
            pending.Add(One());
        }
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(10));

        async Task One()
        {
            try { await ch.BasicPublishAsync("", queue, false, s_persistent, body); }
            finally { window.Release(); }
        }
    }

    /// <summary>
    /// (c) memory: publishes <paramref name="count"/> persistent messages of <paramref name="size"/>
    /// bytes to a durable queue nobody consumes, then returns. The caller reads the server's RSS.
    /// </summary>
    public static async Task<string> FillAsync(int port, int count, int size)
    {
        await using var pc = await ConnectAsync(port, "bench-fill");
        var pch = await pc.CreateChannelAsync(new CreateChannelOptions(true, true, null));
        var queue = "bench_m_" + Guid.NewGuid().ToString("N")[..8];
        await pch.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await PublishConfirmedAsync(pch, queue, count, size);
        var ok = await pch.QueueDeclarePassiveAsync(queue);
        if (ok.MessageCount != count) throw new InvalidOperationException($"queue holds {ok.MessageCount}, expected {count}");
        return queue;
    }

    public static async Task DeleteQueueAsync(int port, string queue)
    {
        await using var c = await ConnectAsync(port, "bench-clean");
        var ch = await c.CreateChannelAsync();
        await ch.QueueDeleteAsync(queue);
    }
}
