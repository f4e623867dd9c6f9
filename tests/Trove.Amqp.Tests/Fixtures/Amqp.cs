using System.Threading.Channels;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Trove.Amqp.Tests.Fixtures;

/// <summary>Small helpers over RabbitMQ.Client 7 for the differential tests; every wait is bounded.</summary>
public static class Amqp
{
    /// <summary>Default bound for waits.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>A unique name for a test object (queues and exchanges live on a shared broker).</summary>
    public static string Name(string prefix) => $"t-{prefix}-{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 35)];

    /// <summary>Runs <paramref name="action"/> and returns the reply code the broker closed the channel with.</summary>
    public static async Task<ushort> ChannelErrorAsync(IChannel ch, Func<Task> action)
    {
        try
        {
            await action().WaitAsync(Wait);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason is not null)
        {
            return ex.ShutdownReason.ReplyCode;
        }
        // Asynchronous errors (publish) close the channel a little later.
        var deadline = DateTime.UtcNow + Wait;
        while (ch.IsOpen && DateTime.UtcNow < deadline) await Task.Delay(20);
        return ch.CloseReason?.ReplyCode ?? 0;
    }

    /// <summary>Runs <paramref name="action"/> and returns the reply code the broker closed the connection with.</summary>
    public static async Task<ushort> ConnectionErrorAsync(IConnection conn, Func<Task> action)
    {
        try
        {
            await action().WaitAsync(Wait);
        }
        catch (OperationInterruptedException) { }
        var deadline = DateTime.UtcNow + Wait;
        while (conn.IsOpen && DateTime.UtcNow < deadline) await Task.Delay(20);
        return conn.CloseReason?.ReplyCode ?? 0;
    }

    /// <summary>A consumer that queues deliveries into a channel reader.</summary>
    public sealed class Collector : AsyncDefaultBasicConsumer
    {
        private readonly Channel<BasicDeliverEventArgs> _items = System.Threading.Channels.Channel.CreateUnbounded<BasicDeliverEventArgs>();
        private readonly bool _ack;

        /// <summary>Creates a collector; with <paramref name="ack"/> it acks each delivery.</summary>
        public Collector(IChannel ch, bool ack = false) : base(ch) { _ack = ack; }

        /// <summary>Set when the broker cancelled the consumer (basic.cancel from the server).</summary>
        public TaskCompletionSource ServerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <inheritdoc />
        public override async Task HandleBasicDeliverAsync(string consumerTag, ulong deliveryTag, bool redelivered, string exchange,
            string routingKey, IReadOnlyBasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
        {
            var copy = new BasicDeliverEventArgs(consumerTag, deliveryTag, redelivered, exchange, routingKey, properties, body.ToArray(), cancellationToken);
            _items.Writer.TryWrite(copy);
            if (_ack) await Channel.BasicAckAsync(deliveryTag, false, cancellationToken);
        }

        /// <inheritdoc />
        protected override Task OnCancelAsync(string[] consumerTags, CancellationToken cancellationToken = default)
        {
            ServerCancelled.TrySetResult();
            return base.OnCancelAsync(consumerTags, cancellationToken);
        }

        /// <summary>The next delivery, or null after <paramref name="timeout"/>.</summary>
        public async Task<BasicDeliverEventArgs?> NextAsync(TimeSpan? timeout = null)
        {
            using var cts = new CancellationTokenSource(timeout ?? Wait);
            try { return await _items.Reader.ReadAsync(cts.Token); }
            catch (OperationCanceledException) { return null; }
        }

        /// <summary>Takes <paramref name="n"/> deliveries (fails on timeout).</summary>
        public async Task<List<BasicDeliverEventArgs>> TakeAsync(int n, TimeSpan? timeout = null)
        {
            var list = new List<BasicDeliverEventArgs>();
            for (int i = 0; i < n; i++)
            {
                var d = await NextAsync(timeout) ?? throw new TimeoutException($"got {list.Count} of {n} deliveries");
                list.Add(d);
            }
            return list;
        }

        /// <summary>True when nothing arrives within <paramref name="wait"/>.</summary>
        public async Task<bool> QuietAsync(TimeSpan wait) => await NextAsync(wait) is null;
    }

    /// <summary>Publishes UTF-8 text.</summary>
    public static ValueTask PublishAsync(IChannel ch, string exchange, string key, string body, BasicProperties? props = null, bool mandatory = false)
        => ch.BasicPublishAsync(exchange, key, mandatory, props ?? new BasicProperties(), System.Text.Encoding.UTF8.GetBytes(body));

    /// <summary>UTF-8 text of a delivery.</summary>
    public static string Text(this BasicDeliverEventArgs d) => System.Text.Encoding.UTF8.GetString(d.Body.Span);

    /// <summary>UTF-8 text of a get result.</summary>
    public static string Text(this BasicGetResult d) => System.Text.Encoding.UTF8.GetString(d.Body.Span);

    /// <summary>basic.get until a message arrives or the timeout passes.</summary>
    public static async Task<BasicGetResult?> GetAsync(IChannel ch, string queue, bool autoAck = true, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Wait);
        while (true)
        {
            var r = await ch.BasicGetAsync(queue, autoAck);
            if (r is not null || DateTime.UtcNow > deadline) return r;
            await Task.Delay(20);
        }
    }

    /// <summary>Passive declare until the message count is <paramref name="n"/> (publishes are asynchronous).</summary>
    public static async Task<uint> WaitCountAsync(IChannel ch, string queue, uint n, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Wait);
        while (true)
        {
            var ok = await ch.QueueDeclarePassiveAsync(queue);
            if (ok.MessageCount == n || DateTime.UtcNow > deadline) return ok.MessageCount;
            await Task.Delay(20);
        }
    }
}
