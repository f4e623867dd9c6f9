using System.Security.Cryptography;
using Trove.Amqp.Broker;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Connection;

/// <summary>exchange.* and queue.* methods, with RabbitMQ's reply codes and texts.</summary>
internal sealed partial class Channel
{
    private string _lastQueue = "";

    private string VhostName => Vhost.Name;

    private void Check(PermissionKind kind, string resource, bool isQueue)
        => _broker.CheckPermission(_conn.User, VhostName, kind, resource, isQueue);

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void NotFound(string what, string name, string vhost)
        => AmqpException.Channel(ReplyCode.NotFound, $"NOT_FOUND - no {what} '{name}' in vhost '{vhost}'");

    private Exchange RequireExchange(string name)
    {
        var x = Vhost.FindExchange(name);
        if (x is null) NotFound("exchange", name, VhostName);
        return x;
    }

    private AmqpQueue RequireQueue(string name)
    {
        var q = Vhost.FindQueue(name);
        if (q is null) NotFound("queue", name, VhostName);
        CheckExclusive(q);
        return q;
    }

    private void CheckExclusive(AmqpQueue q)
    {
        if (q.Exclusive && q.OwnerConnection != _conn.Id)
            AmqpException.Channel(ReplyCode.ResourceLocked,
                $"RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '{q.Name}' in vhost '{VhostName}'. "
                + "It could be originally declared on another connection or the exclusive property value does not match that of the original declaration.");
    }

    /// <summary>"" means the channel's last declared queue (RabbitMQ's extension).</summary>
    private string QueueName(string name)
    {
        if (name.Length > 0) return name;
        if (_lastQueue.Length == 0)
            AmqpException.Channel(ReplyCode.NotFound, "NOT_FOUND - no previously declared queue");
        return _lastQueue;
    }

    private static void CheckReservedName(string name, string what)
    {
        if (name.StartsWith("amq.", StringComparison.Ordinal))
            AmqpException.Channel(ReplyCode.AccessRefused, $"ACCESS_REFUSED - {what} name '{name}' contains reserved prefix 'amq.*'");
    }

    private void ExchangeDeclare(MethodArgs a)
    {
        string name = a.Str(1), type = a.Str(2);
        bool passive = a.Bit(3), durable = a.Bit(4), autoDelete = a.Bit(5), @internal = a.Bit(6), noWait = a.Bit(7);
        var rawArgs = a.Bytes(8);
        lock (_broker.Lock)
        {
            if (passive)
            {
                if (name.Length > 0) RequireExchange(name);
            }
            else
            {
                if (name.Length == 0)
                    AmqpException.Channel(ReplyCode.AccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange");
                CheckReservedName(name, "exchange");
                if (!Exchange.TryParseType(type, out var t))
                    AmqpException.Connection(ReplyCode.CommandInvalid, $"COMMAND_INVALID - invalid exchange type '{type}'");
                Check(PermissionKind.Configure, name, false);
                var existing = Vhost.FindExchange(name);
                if (existing is null) Vhost.DeclareExchange(name, t, durable, autoDelete, @internal, rawArgs);
                else
                {
                    string? arg = existing.Type != t ? "type" : existing.Durable != durable ? "durable"
                        : existing.AutoDelete != autoDelete ? "auto_delete" : existing.Internal != @internal ? "internal" : null;
                    if (arg is not null)
                    {
                        string received = arg == "type" ? type : Flag(arg, durable, autoDelete, @internal);
                        string current = arg == "type" ? Exchange.TypeName(existing.Type) : Flag(arg, existing.Durable, existing.AutoDelete, existing.Internal);
                        AmqpException.Channel(ReplyCode.PreconditionFailed,
                            $"PRECONDITION_FAILED - inequivalent arg '{arg}' for exchange '{name}' in vhost '{VhostName}': received '{received}' but current is '{current}'");
                    }
                }
            }
        }
        if (!noWait) Send(AmqpMethod.ExchangeDeclareOk);

        static string Flag(string arg, bool durable, bool autoDelete, bool @internal)
            => (arg switch { "durable" => durable, "auto_delete" => autoDelete, _ => @internal }) ? "true" : "false";
    }

    private void ExchangeDelete(MethodArgs a)
    {
        string name = a.Str(1);
        bool ifUnused = a.Bit(2), noWait = a.Bit(3);
        lock (_broker.Lock)
        {
            if (name.Length == 0)
                AmqpException.Channel(ReplyCode.AccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange");
            CheckReservedName(name, "exchange");
            Check(PermissionKind.Configure, name, false);
            var x = Vhost.FindExchange(name);
            if (x is not null)
            {
                if (ifUnused && x.Bindings.Count > 0)
                    AmqpException.Channel(ReplyCode.PreconditionFailed, $"PRECONDITION_FAILED - exchange '{name}' in vhost '{VhostName}' in use");
                Vhost.DeleteExchange(x);
            }
        }
        if (!noWait) Send(AmqpMethod.ExchangeDeleteOk);
    }

    private void ExchangeBind(MethodArgs a, bool bind)
    {
        string destination = a.Str(1), source = a.Str(2), key = a.Str(3);
        bool noWait = a.Bit(4);
        var rawArgs = a.Bytes(5);
        lock (_broker.Lock)
        {
            if (destination.Length == 0 || source.Length == 0)
                AmqpException.Channel(ReplyCode.AccessRefused, "ACCESS_REFUSED - operation not permitted on the default exchange");
            Check(PermissionKind.Write, destination, false);
            Check(PermissionKind.Read, source, false);
            var src = RequireExchange(source);
            var dst = RequireExchange(destination);
            if (bind) Vhost.Bind(src, null, dst, key, rawArgs);
            else Vhost.Unbind(src, null, dst, key, rawArgs);
        }
        if (!noWait) Send(bind ? AmqpMethod.ExchangeBindOk : AmqpMethod.ExchangeUnbindOk);
    }

    private void QueueDeclare(MethodArgs a)
    {
        string name = a.Str(1);
        bool passive = a.Bit(2), durable = a.Bit(3), exclusive = a.Bit(4), autoDelete = a.Bit(5), noWait = a.Bit(6);
        var rawArgs = a.Bytes(7);
        uint messages, consumers;
        lock (_broker.Lock)
        {
            AmqpQueue q;
            if (passive)
            {
                q = RequireQueue(QueueName(name));
            }
            else
            {
                if (name.Length == 0) name = "amq.gen-" + Base64Url(RandomNumberGenerator.GetBytes(16));
                else CheckReservedName(name, "queue");
                Check(PermissionKind.Configure, name, true);
                var existing = Vhost.FindQueue(name);
                if (existing is null)
                {
                    var parsed = QueueArguments.Parse(FieldTable.Decode(rawArgs));
                    if (parsed.DeadLetterExchange is { } dlx)
                    {
                        Check(PermissionKind.Write, dlx, false);
                    }
                    q = Vhost.DeclareQueue(name, durable, exclusive, _conn.Id, autoDelete, rawArgs, parsed);
                }
                else
                {
                    q = existing;
                    CheckExclusive(q);
                    string? arg = q.Durable != durable ? "durable" : q.AutoDelete != autoDelete ? "auto_delete"
                        : q.Exclusive != exclusive ? "exclusive" : null;
                    if (arg is not null)
                    {
                        bool received = arg switch { "durable" => durable, "auto_delete" => autoDelete, _ => exclusive };
                        AmqpException.Channel(ReplyCode.PreconditionFailed,
                            $"PRECONDITION_FAILED - inequivalent arg '{arg}' for queue '{name}' in vhost '{VhostName}': received '{(received ? "true" : "false")}' but current is '{(received ? "false" : "true")}'");
                    }
                    CompareArguments(q, rawArgs);
                }
            }
            q.LastUsed = Environment.TickCount64;
            q.ExpireHead();
            _lastQueue = q.Name;
            name = q.Name;
            messages = (uint)q.MessageCount;
            consumers = (uint)q.ConsumerCount;
        }
        if (!noWait) Send(AmqpMethod.QueueDeclareOk, name, messages, consumers);
    }

    private void CompareArguments(AmqpQueue q, byte[] rawArgs)
    {
        if (q.RawArguments.AsSpan().SequenceEqual(rawArgs)) return;
        var current = FieldTable.Decode(q.RawArguments);
        var received = FieldTable.Decode(rawArgs);
        foreach (var key in current.Keys.Union(received.Keys))
        {
            bool inCur = current.TryGetValue(key, out var cv), inRec = received.TryGetValue(key, out var rv);
            if (inCur && inRec && Equals(Normalize(cv), Normalize(rv))) continue;
            string cur = inCur ? $"the value '{cv}'" : "none", rec = inRec ? $"the value '{rv}'" : "none";
            AmqpException.Channel(ReplyCode.PreconditionFailed,
                $"PRECONDITION_FAILED - inequivalent arg '{key}' for queue '{q.Name}' in vhost '{VhostName}': received {rec} but current is {cur}");
        }

        static object? Normalize(object? v) => v is sbyte or byte or short or ushort or int or uint or long ? Convert.ToInt64(v) : v;
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private void QueueBind(MethodArgs a, bool bind)
    {
        string queue = a.Str(1), exchange = a.Str(2), key = a.Str(3);
        bool noWait = bind && a.Bit(4);
        var rawArgs = a.Bytes(bind ? 5 : 4);
        lock (_broker.Lock)
        {
            queue = QueueName(queue);
            if (key.Length == 0 && a.Str(1).Length == 0) key = queue;
            if (exchange.Length == 0)
                AmqpException.Channel(ReplyCode.AccessRefused, $"ACCESS_REFUSED - operation not permitted on the default exchange");
            Check(PermissionKind.Write, queue, true);
            Check(PermissionKind.Read, exchange, false);
            var q = RequireQueue(queue);
            var x = RequireExchange(exchange);
            if (bind) Vhost.Bind(x, q, null, key, rawArgs);
            else Vhost.Unbind(x, q, null, key, rawArgs);
        }
        if (!noWait) Send(bind ? AmqpMethod.QueueBindOk : AmqpMethod.QueueUnbindOk);
    }

    private void QueuePurge(MethodArgs a)
    {
        bool noWait = a.Bit(2);
        int n;
        lock (_broker.Lock)
        {
            string name = QueueName(a.Str(1));
            Check(PermissionKind.Read, name, true);
            n = RequireQueue(name).Purge();
        }
        if (!noWait) Send(AmqpMethod.QueuePurgeOk, (uint)n);
    }

    private void QueueDelete(MethodArgs a)
    {
        bool ifUnused = a.Bit(2), ifEmpty = a.Bit(3), noWait = a.Bit(4);
        int n = 0;
        lock (_broker.Lock)
        {
            string name = QueueName(a.Str(1));
            Check(PermissionKind.Configure, name, true);
            var q = Vhost.FindQueue(name);
            if (q is not null)
            {
                CheckExclusive(q);
                if (ifUnused && q.ConsumerCount > 0)
                    AmqpException.Channel(ReplyCode.PreconditionFailed, $"PRECONDITION_FAILED - queue '{name}' in vhost '{VhostName}' in use");
                if (ifEmpty && q.MessageCount > 0)
                    AmqpException.Channel(ReplyCode.PreconditionFailed, $"PRECONDITION_FAILED - queue '{name}' in vhost '{VhostName}' is not empty");
                n = Vhost.DeleteQueue(q);
            }
        }
        if (!noWait) Send(AmqpMethod.QueueDeleteOk, (uint)n);
    }
}
