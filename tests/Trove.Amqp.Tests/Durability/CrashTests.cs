using System.Buffers.Binary;
using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Xunit.Abstractions;

namespace Trove.Amqp.Tests.Durability;

/// <summary>
/// kill -9 of the real `trove amqp` in the middle of a confirmed persistent publish stream, then a
/// restart on the same data directory: every confirmed message is still there; only unconfirmed
/// messages (republished) or messages delivered but not acked before the crash appear twice.
/// </summary>
[Collection(nameof(DurabilityProcessCollection))]
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Total = 100_000;
    private const string Queue = "crash_q";
    private static readonly BasicProperties s_persistent = new() { DeliveryMode = DeliveryModes.Persistent };

    [Fact]
    public async Task Confirmed_messages_survive_sigkill_mid_stream()
    {
        int seed = Environment.TickCount;
        var rnd = new Random(seed);
        int killAfter = rnd.Next(5_000, 80_000);
        output.WriteLine($"seed {seed}: SIGKILL after {killAfter} confirms");
        await using var broker = new DurableBroker();
        await broker.StartAsync();

        var confirmed = new ConcurrentDictionary<int, byte>();
        var deliveredBeforeCrash = new ConcurrentDictionary<int, byte>();
        var counts = new ConcurrentDictionary<int, int>();

        // Phase 1: publisher (confirms, up to 1,000 outstanding) and a consumer (manual acks) until the kill.
        {
            var pubConn = await broker.ConnectAsync("publisher");
            var conConn = await broker.ConnectAsync("consumer");
            var setup = await pubConn.CreateChannelAsync();
            await setup.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false);
            var cch = await conConn.CreateChannelAsync();
            await cch.BasicQosAsync(0, 100, false);
            var consumer = new AsyncEventingBasicConsumer(cch);
            int consumedBeforeKill = 0;
            consumer.ReceivedAsync += async (_, ea) =>
            {
                int seq = BinaryPrimitives.ReadInt32LittleEndian(ea.Body.Span);
                deliveredBeforeCrash[seq] = 1;
                counts.AddOrUpdate(seq, 1, (_, c) => c + 1);
                Interlocked.Increment(ref consumedBeforeKill);
                try { await cch.BasicAckAsync(ea.DeliveryTag, false); } catch (Exception) { }
            };
            // Consume only part of the time so the queue also holds a backlog at the kill.
            await cch.BasicConsumeAsync(Queue, autoAck: false, consumer);

            var pch = await pubConn.CreateChannelAsync(new CreateChannelOptions(true, true, null));
            using var window = new SemaphoreSlim(1000);
            var killed = new TaskCompletionSource();
            var killer = Task.Run(async () =>
            {
                var deadline = DateTime.UtcNow.AddMinutes(2);
                while (confirmed.Count < killAfter && DateTime.UtcNow < deadline) await Task.Delay(2);
                await broker.KillAsync();
                killed.TrySetResult();
            });
            var pending = new List<Task>();
            for (int seq = 0; seq < Total && !killed.Task.IsCompleted; seq++)
            {
                if (!await window.WaitAsync(TimeSpan.FromSeconds(30))) break;
                if (killed.Task.IsCompleted) break;
                pending.Add(PublishAsync(pch, seq, confirmed, window));
            }
            await killer.WaitAsync(TimeSpan.FromMinutes(3));
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { });
            output.WriteLine($"before the kill: {confirmed.Count} confirmed, {pending.Count} sent, {consumedBeforeKill} consumed");
            try { await pubConn.DisposeAsync(); } catch (Exception) { }
            try { await conConn.DisposeAsync(); } catch (Exception) { }
        }
        var confirmedBeforeCrash = confirmed.Keys.ToHashSet();
        Assert.True(confirmedBeforeCrash.Count >= killAfter, "the kill came before enough confirms");

        // Phase 2: restart on the same data; republish everything not confirmed; consume all.
        await broker.StartAsync();
        await using (var conn = await broker.ConnectAsync("republisher"))
        {
            var pch = await conn.CreateChannelAsync(new CreateChannelOptions(true, true, null));
            await pch.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, passive: true);
            using var window = new SemaphoreSlim(1000);
            var pending = new List<Task>();
            var again = new ConcurrentDictionary<int, byte>();
            for (int seq = 0; seq < Total; seq++)
            {
                if (confirmedBeforeCrash.Contains(seq)) continue;
                Assert.True(await window.WaitAsync(TimeSpan.FromSeconds(30)), "republish stalled");
                pending.Add(PublishAsync(pch, seq, again, window));
            }
            await Task.WhenAll(pending).WaitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(Total - confirmedBeforeCrash.Count, again.Count);
        }
        var phase2 = await DrainAsync(broker, counts);
        output.WriteLine($"after the restart: {phase2} delivered");

        var missing = Enumerable.Range(0, Total).Where(s => !counts.ContainsKey(s)).Take(10).ToList();
        Assert.True(missing.Count == 0, $"lost messages, e.g. {string.Join(',', missing)}");
        var badDuplicates = counts.Where(kv => kv.Value > 1 && confirmedBeforeCrash.Contains(kv.Key) && !deliveredBeforeCrash.ContainsKey(kv.Key))
            .Select(kv => kv.Key).Take(10).ToList();
        Assert.True(badDuplicates.Count == 0, $"confirmed, never delivered before the crash, yet delivered twice: {string.Join(',', badDuplicates)}");
        await broker.StopAsync();
    }

    private static async Task PublishAsync(IChannel ch, int seq, ConcurrentDictionary<int, byte> confirmed, SemaphoreSlim window)
    {
        var body = new byte[64];
        BinaryPrimitives.WriteInt32LittleEndian(body, seq);
        try
        {
            await ch.BasicPublishAsync("", Queue, false, s_persistent, body);
            confirmed[seq] = 1;
        }
        catch (Exception) { /* the broker died before confirming: unconfirmed */ }
        finally { window.Release(); }
    }

    /// <summary>Consumes (manual acks) until nothing arrives for a second and the queue reports empty.</summary>
    internal static async Task<int> DrainAsync(DurableBroker broker, ConcurrentDictionary<int, int> counts)
    {
        await using var conn = await broker.ConnectAsync("drain");
        var ch = await conn.CreateChannelAsync();
        await ch.BasicQosAsync(0, 500, false);
        int delivered = 0;
        long lastTick = Environment.TickCount64;
        var consumer = new AsyncEventingBasicConsumer(ch);
        consumer.ReceivedAsync += async (_, ea) =>
        {
            int seq = BinaryPrimitives.ReadInt32LittleEndian(ea.Body.Span);
            counts.AddOrUpdate(seq, 1, (_, c) => c + 1);
            Interlocked.Increment(ref delivered);
            Volatile.Write(ref lastTick, Environment.TickCount64);
            await ch.BasicAckAsync(ea.DeliveryTag, false);
        };
        await ch.BasicConsumeAsync(Queue, autoAck: false, consumer);
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            if (Environment.TickCount64 - Volatile.Read(ref lastTick) < 1000) continue;
            var ok = await ch.QueueDeclarePassiveAsync(Queue);
            if (ok.MessageCount == 0) break;
        }
        await ch.CloseAsync();
        return delivered;
    }
}

/// <summary>Tests that start `trove amqp` processes run one at a time (2 cores).</summary>
[CollectionDefinition(nameof(DurabilityProcessCollection), DisableParallelization = true)]
public sealed class DurabilityProcessCollection;
