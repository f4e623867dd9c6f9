using System.Text;
using RabbitMQ.Client;
using Trove.TestKit;

namespace Trove.Amqp.Tests.Durability;

/// <summary>
/// What a restart of the real `trove amqp` keeps: durable queues, exchanges and bindings and the
/// unacked persistent messages in durable queues; what it drops: acked messages, transient messages,
/// non-durable queues and exchanges. Also the seed script's restart case through restart-trove.sh.
/// </summary>
[Collection(nameof(DurabilityProcessCollection))]
public sealed class RestartTests
{
    private static readonly BasicProperties s_persistent = new() { DeliveryMode = DeliveryModes.Persistent };
    private static readonly BasicProperties s_transient = new() { DeliveryMode = DeliveryModes.Transient };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_keeps_durable_state_and_unacked_persistent_messages_only(bool kill)
    {
        await using var broker = new DurableBroker();
        await broker.StartAsync();
        await using (var conn = await broker.ConnectAsync())
        {
            var ch = await conn.CreateChannelAsync(new CreateChannelOptions(true, true, null));
            await ch.QueueDeclareAsync("dq", durable: true, exclusive: false, autoDelete: false);
            await ch.QueueDeclareAsync("tq", durable: false, exclusive: false, autoDelete: false);
            await ch.ExchangeDeclareAsync("dx", "topic", durable: true);
            await ch.ExchangeDeclareAsync("tx", "fanout", durable: false);
            await ch.QueueBindAsync("dq", "dx", "a.#");
            for (int i = 0; i < 20; i++)
                await ch.BasicPublishAsync("dx", "a.b", false, i % 4 == 3 ? s_transient : s_persistent, Encoding.ASCII.GetBytes("m" + i));
            await ch.BasicPublishAsync("", "tq", false, s_persistent, "gone"u8.ToArray());
            // Ack the first five persistent ones (m0, m1, m2, m4, m5 ...).
            int acked = 0;
            while (acked < 5)
            {
                var r = await ch.BasicGetAsync("dq", autoAck: false);
                Assert.NotNull(r);
                await ch.BasicAckAsync(r.DeliveryTag, false);
                acked++;
            }
            await ch.CloseAsync();
        }
        // Acks are written to the OS by the store's writer within a batch; give it that moment before a kill.
        await Task.Delay(300);
        if (kill) await broker.KillAsync(); else await broker.StopAsync();
        await broker.StartAsync();
        await using (var conn = await broker.ConnectAsync())
        {
            var ch = await conn.CreateChannelAsync();
            var ok = await ch.QueueDeclarePassiveAsync("dq");
            var bodies = new List<string>();
            while (await ch.BasicGetAsync("dq", autoAck: true) is { } r)
            {
                bodies.Add(Encoding.ASCII.GetString(r.Body.Span));
                Assert.Equal(DeliveryModes.Persistent, r.BasicProperties.DeliveryMode);
                Assert.Equal("dx", r.Exchange);
                Assert.Equal("a.b", r.RoutingKey);
            }
            // 20 published, 5 transient (m3, m7, ...), the first 5 delivered acked: m0 m1 m2 m3(transient) m4 were taken.
            var expected = Enumerable.Range(5, 15).Where(i => i % 4 != 3).Select(i => "m" + i).ToList();
            Assert.Equal(expected, bodies);
            Assert.Equal((uint)expected.Count, ok.MessageCount);
            await ch.ExchangeDeclarePassiveAsync("dx");
            await ch.BasicPublishAsync("dx", "a.c", false, s_transient, "again"u8.ToArray());
            Assert.Equal("again", Encoding.ASCII.GetString((await GetWithin(ch, "dq"))!.Body.Span));
            var ex = await Assert.ThrowsAnyAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() => ch.QueueDeclarePassiveAsync("tq"));
            Assert.Equal(404, ex.ShutdownReason!.ReplyCode);
            var ch2 = await conn.CreateChannelAsync();
            ex = await Assert.ThrowsAnyAsync<RabbitMQ.Client.Exceptions.OperationInterruptedException>(() => ch2.ExchangeDeclarePassiveAsync("tx"));
            Assert.Equal(404, ex.ShutdownReason!.ReplyCode);
        }
        await broker.StopAsync();
    }

    private static async Task<BasicGetResult?> GetWithin(IChannel ch, string queue)
    {
        for (int i = 0; i < 50; i++)
        {
            if (await ch.BasicGetAsync(queue, autoAck: true) is { } r) return r;
            await Task.Delay(20);
        }
        return null;
    }

    [Fact]
    public async Task Seed_script_passes_with_a_restart_command()
    {
        await using var broker = new DurableBroker();
        await broker.StartAsync();
        var pidFile = Path.Combine(broker.DataDir, "broker.pid");
        File.WriteAllText(pidFile, broker.Process.Pid + "\n");
        var script = Path.Combine(RepoPaths.Root, "tests", "Trove.Amqp.Tests", "Durability", "restart-trove.sh");
        var env = new Dictionary<string, string> { ["AMQP_PORT"] = broker.Port.ToString(), ["TROVE_DLL"] = RepoPaths.TroveDll };
        (int code, string output) result;
        try
        {
            result = await Python.RunSeedScriptAsync("rabbitmq_seed.py", env, TimeSpan.FromSeconds(180),
                "--restart-cmd", $"bash {script} {pidFile} {broker.Port} {broker.DataDir}");
        }
        finally
        {
            if (int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid) && pid != broker.Process.Pid) Signals.Send(pid, Signals.SIGKILL);
        }
        var (passed, failed) = Python.ParseSummary(result.output);
        Assert.True(failed == 0 && passed >= 24, result.output);
        Assert.Contains("PASS  3.3 durable: persistent message in a durable queue survives a broker restart", result.output);
    }
}
