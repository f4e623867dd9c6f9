using System.Security.Cryptography;
using Trove.Amqp.Broker;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Connection;

/// <summary>basic.* (consume, deliver, get, ack/nack/reject, recover, qos) and publish routing.</summary>
internal sealed partial class Channel
{
    private enum SettleKind { Ack, Nack, Reject }

    private sealed record Unacked(ulong Tag, AmqpQueue Queue, QueuedMessage Message, Consumer? Consumer);

    private readonly Dictionary<string, Consumer> _consumers = new(StringComparer.Ordinal);
    private readonly SortedDictionary<ulong, Unacked> _unacked = new();
    private ulong _deliveryTag;
    private int _prefetchPerConsumer;
    private int _prefetchChannel;
    private bool _flowActive = true;

    // ---- IConsumerSink (called under the broker lock) ----

    /// <inheritdoc />
    public bool CanAccept(Consumer c)
    {
        if (!_flowActive || _released || _conn.OutputOverloaded) return false;
        if (c.NoAck) return true;
        return (c.Prefetch == 0 || c.Unacked < c.Prefetch) && (_prefetchChannel == 0 || _unacked.Count < _prefetchChannel);
    }

    /// <inheritdoc />
    public void Deliver(Consumer c, AmqpQueue queue, QueuedMessage qm, Message m)
    {
        ulong tag = ++_deliveryTag;
        if (!c.NoAck)
        {
            _unacked[tag] = new Unacked(tag, queue, qm, c);
            c.Unacked++;
        }
        var output = _conn.Output;
        lock (output.Lock)
            FrameWriter.Deliver(output.Writer, Id, c.Tag, tag, qm.Redelivered, m.Exchange, m.RoutingKey, m.Properties, m.Body.Span, _conn.FrameMax);
        output.Signal();
    }

    /// <inheritdoc />
    public void Cancelled(Consumer c)
    {
        _consumers.Remove(c.Tag);
        if (!_released && !_closing) Send(AmqpMethod.BasicCancel, c.Tag, true);
    }

    /// <summary>Offers messages again to every queue this channel consumes (capacity freed).</summary>
    public void Redispatch()
    {
        if (_consumers.Count == 0) return;
        foreach (var c in _consumers.Values.ToArray()) c.Queue.Dispatch();
    }

    // ---- methods ----

    private void BasicQos(MethodArgs a)
    {
        long size = a.Num(0);
        if (size != 0) AmqpException.Connection(ReplyCode.NotImplemented, $"NOT_IMPLEMENTED - prefetch_size!=0 ({size})");
        int count = (int)a.Num(1);
        lock (_broker.Lock)
        {
            // RabbitMQ: global=false limits each consumer created afterwards; global=true the whole channel.
            if (a.Bit(2)) _prefetchChannel = count;
            else _prefetchPerConsumer = count;
            Redispatch();
        }
        Send(AmqpMethod.BasicQosOk);
    }

    private void BasicConsume(MethodArgs a)
    {
        string tag = a.Str(2);
        bool noAck = a.Bit(4), exclusive = a.Bit(5), noWait = a.Bit(6);
        lock (_broker.Lock)
        {
            string name = QueueName(a.Str(1));
            Check(PermissionKind.Read, name, true);
            var q = RequireQueue(name);
            if (tag.Length == 0) tag = "amq.ctag-" + Base64Url(RandomNumberGenerator.GetBytes(16));
            else if (_consumers.ContainsKey(tag))
                AmqpException.Connection(ReplyCode.NotAllowed, $"NOT_ALLOWED - attempt to reuse consumer tag '{tag}'");
            if (q.HasExclusiveConsumer || (exclusive && q.ConsumerCount > 0))
                AmqpException.Channel(ReplyCode.AccessRefused, $"ACCESS_REFUSED - queue '{name}' in vhost '{VhostName}' in exclusive use");
            var c = new Consumer(this, tag, q, noAck, exclusive, _prefetchPerConsumer);
            _consumers[tag] = c;
            // consume-ok goes out before the first delivery.
            if (!noWait) Send(AmqpMethod.BasicConsumeOk, tag);
            q.AddConsumer(c);
        }
    }

    private void BasicCancel(MethodArgs a)
    {
        string tag = a.Str(0);
        bool noWait = a.Bit(1);
        lock (_broker.Lock)
        {
            if (_consumers.Remove(tag, out var c)) c.Queue.RemoveConsumer(c);
        }
        if (!noWait) Send(AmqpMethod.BasicCancelOk, tag);
    }

    private void BasicGet(MethodArgs a)
    {
        bool noAck = a.Bit(2);
        lock (_broker.Lock)
        {
            string name = QueueName(a.Str(1));
            Check(PermissionKind.Read, name, true);
            var q = RequireQueue(name);
            q.LastUsed = Environment.TickCount64;
            var qm = q.TakeHead();
            if (qm is null)
            {
                Send(AmqpMethod.BasicGetEmpty, "");
                return;
            }
            var m = q.Content(qm);
            ulong tag = ++_deliveryTag;
            if (!noAck) _unacked[tag] = new Unacked(tag, q, qm, null);
            var output = _conn.Output;
            lock (output.Lock)
            {
                FrameWriter.Method(output.Writer, Id, AmqpMethod.BasicGetOk, tag, qm.Redelivered, m.Exchange, m.RoutingKey, (uint)q.MessageCount);
                FrameWriter.Content(output.Writer, Id, m.Properties, m.Body.Span, _conn.FrameMax);
            }
            output.Signal();
            if (noAck) q.Settle(qm);
        }
    }

    private void Settle(long rawTag, bool multiple, SettleKind kind, bool requeue)
    {
        if (_tx)
        {
            _txSettles.Add((rawTag, multiple, kind, requeue));
            return;
        }
        lock (_broker.Lock) SettleNow(rawTag, multiple, kind, requeue);
    }

    private void SettleNow(long rawTag, bool multiple, SettleKind kind, bool requeue)
    {
        ulong tag = (ulong)rawTag;
        List<Unacked> done;
        if (multiple)
        {
            done = new List<Unacked>();
            foreach (var (t, u) in _unacked)
            {
                if (tag != 0 && t > tag) break;
                done.Add(u);
            }
            if (done.Count == 0 && tag != 0 && tag > _deliveryTag) UnknownTag(tag);
        }
        else
        {
            if (!_unacked.TryGetValue(tag, out var u)) UnknownTag(tag);
            done = [u];
        }
        foreach (var u in done)
        {
            _unacked.Remove(u.Tag);
            if (u.Consumer is { } c) c.Unacked--;
        }
        if (kind == SettleKind.Ack) foreach (var u in done) u.Queue.Settle(u.Message);
        else if (requeue) RequeueGrouped(done);
        else foreach (var u in done) u.Queue.Drop(u.Message, "rejected");
        Redispatch();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void UnknownTag(ulong tag)
        => AmqpException.Channel(ReplyCode.PreconditionFailed, $"PRECONDITION_FAILED - unknown delivery tag {tag}");

    private static void RequeueGrouped(List<Unacked> items)
    {
        foreach (var group in items.GroupBy(u => u.Queue))
            group.Key.Requeue(group.Select(u => u.Message).ToList());
    }

    private void RequeueAll()
    {
        if (_unacked.Count == 0) return;
        var all = _unacked.Values.ToList();
        _unacked.Clear();
        foreach (var u in all) if (u.Consumer is { } c) c.Unacked--;
        RequeueGrouped(all);
    }

    private void BasicRecover(bool requeue, bool sync)
    {
        if (!requeue) AmqpException.Connection(ReplyCode.NotImplemented, "NOT_IMPLEMENTED - requeue=false");
        lock (_broker.Lock)
        {
            RequeueAll();
            Redispatch();
        }
        if (sync) Send(AmqpMethod.BasicRecoverOk);
    }

    // ---- publish: route, enqueue, return, confirm ----

    private void CompletePublish(byte[] body)
    {
        if (_tx)
        {
            _txPublishes.Add((_pubExchange, _pubRoutingKey, _pubMandatory, _pubProperties, body));
            return;
        }
        Route(_pubExchange, _pubRoutingKey, _pubMandatory, _pubProperties, body);
    }

    private void Route(string exchange, string routingKey, bool mandatory, byte[] properties, byte[] body)
    {
        ulong seq = _confirm ? ++_publishSeq : 0;
        byte deliveryMode = BasicProperties.PeekDeliveryMode(properties, out bool needsDecode);
        BasicProperties? decoded = needsDecode ? BasicProperties.Decode(properties) : null;
        long expiration = -1;
        if (decoded?.Expiration is { } exp)
        {
            if (!long.TryParse(exp, out expiration) || expiration < 0)
                AmqpException.Channel(ReplyCode.PreconditionFailed, $"PRECONDITION_FAILED - invalid expiration '{exp}': no_integer");
        }
        var message = new Message(exchange, routingKey, properties, body, deliveryMode == 2) { ExpirationMs = expiration };
        Task? durable = null;
        List<Task>? durables = null;
        bool rejected = false, routed;
        lock (_broker.Lock)
        {
            var x = RequireExchange(exchange);
            Check(PermissionKind.Write, exchange, false);
            if (x.Internal)
                AmqpException.Channel(ReplyCode.AccessRefused, $"ACCESS_REFUSED - cannot publish to internal exchange '{exchange}' in vhost '{VhostName}'");
            var queues = Vhost.Route(x, routingKey, () => decoded?.Headers);
            routed = queues.Count > 0;
            foreach (var q in queues.Count == 1 ? queues : (IEnumerable<AmqpQueue>)queues.ToArray())
            {
                if (!q.Enqueue(message, out var t)) { rejected = true; continue; }
                if (t is null || t.IsCompletedSuccessfully) continue;
                if (durable is null) durable = t;
                else (durables ??= [durable]).Add(t);
            }
        }
        if (!routed && mandatory)
        {
            var output = _conn.Output;
            lock (output.Lock)
            {
                FrameWriter.Method(output.Writer, Id, AmqpMethod.BasicReturn, ReplyCode.NoRoute, "NO_ROUTE", exchange, routingKey);
                FrameWriter.Content(output.Writer, Id, properties, body, _conn.FrameMax);
            }
            output.Signal();
        }
        if (!_confirm) return;
        if (rejected) { Nack(seq); return; }
        if (durable is null) { _conn.MarkConfirmDirty(this); return; }
        lock (_confirmLock) _outstanding.Add(seq);
        var all = durables is null ? durable : Task.WhenAll(durables);
        all.ContinueWith(static (t, state) =>
        {
            var (ch, s) = ((Channel, ulong))state!;
            ch.DurableDone(s, t.IsCompletedSuccessfully);
        }, (this, seq), TaskScheduler.Default);
    }
}
