using System.Buffers;
using System.Buffers.Binary;
using Trove.Amqp.Broker;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Connection;

/// <summary>
/// One channel: the publish state machine (basic.publish → content header → body frames), the
/// channel class (flow, close in both directions with "ignore until close-ok"), consumers, unacked
/// deliveries with prefetch, publisher confirms and transactions. Frames arrive on the connection's
/// read loop; deliveries arrive under the broker lock from any connection's thread.
/// </summary>
internal sealed partial class Channel : IConsumerSink
{
    private enum PublishState { None, ExpectHeader, ExpectBody }

    private readonly AmqpConnection _conn;
    private readonly Broker.Broker _broker;
    private PublishState _publish;
    private string _pubExchange = "", _pubRoutingKey = "";
    private bool _pubMandatory;
    private byte[] _pubProperties = [];
    private byte[]? _pubBody;
    private int _pubFilled;
    private bool _closing;
    private bool _released;

    public Channel(AmqpConnection conn, ushort id)
    {
        _conn = conn;
        _broker = conn.Broker;
        Id = id;
    }

    /// <summary>Channel number.</summary>
    public ushort Id { get; }

    /// <inheritdoc />
    public long ConnectionId => _conn.Id;

    /// <summary>On the connection's list of channels with confirms to flush after this read batch.</summary>
    public bool ConfirmDirty { get; set; }

    private VirtualHost Vhost => _conn.Vhost!;

    private void Send(AmqpMethod method, params ReadOnlySpan<object?> values) => _conn.Send(Id, method, values);

    public void HandleFrame(byte type, ReadOnlySequence<byte> payload, MethodArgs args)
    {
        if (_closing)
        {
            // Spec 2.2.4 / 4.2.2: after channel.close, drop everything but close and close-ok.
            if (type != FrameType.Method) return;
            _conn.DecodeMethod(payload);
            if (args.Method == AmqpMethod.ChannelCloseOk) _conn.RemoveChannel(Id);
            else if (args.Method == AmqpMethod.ChannelClose) { Send(AmqpMethod.ChannelCloseOk); _conn.RemoveChannel(Id); }
            return;
        }
        try
        {
            switch (type)
            {
                case FrameType.Method:
                    if (_publish != PublishState.None)
                        AmqpException.Connection(ReplyCode.UnexpectedFrame,
                            $"UNEXPECTED_FRAME - expected content {(_publish == PublishState.ExpectHeader ? "header" : "body")} for class 60, got a method frame instead");
                    _conn.DecodeMethod(payload);
                    HandleMethod(args);
                    break;
                case FrameType.Header:
                    if (_publish != PublishState.ExpectHeader)
                        AmqpException.Connection(ReplyCode.UnexpectedFrame, "UNEXPECTED_FRAME - content header without a publish on channel " + Id);
                    ContentHeader(payload);
                    break;
                case FrameType.Body:
                    if (_publish != PublishState.ExpectBody)
                        AmqpException.Connection(ReplyCode.UnexpectedFrame, "UNEXPECTED_FRAME - content body without a content header on channel " + Id);
                    ContentBody(payload);
                    break;
            }
        }
        catch (AmqpException ex) when (!ex.ConnectionLevel)
        {
            if (ex.ClassId == 0 && args.Spec is { } spec) { ex.ClassId = spec.ClassId; ex.MethodId = spec.MethodId; }
            CloseWithError(ex);
        }
        catch (AmqpException ex) when (ex.ClassId == 0 && args.Spec is { } spec && type == FrameType.Method)
        {
            ex.ClassId = spec.ClassId; ex.MethodId = spec.MethodId;
            throw;
        }
    }

    private void HandleMethod(MethodArgs a)
    {
        switch (a.Method)
        {
            case AmqpMethod.ChannelClose:
                lock (_broker.Lock) Release();
                Send(AmqpMethod.ChannelCloseOk);
                _conn.RemoveChannel(Id);
                break;
            case AmqpMethod.ChannelCloseOk: break;
            case AmqpMethod.ChannelFlow:
                // RabbitMQ refuses client-initiated flow(active=false) (it throttles with
                // connection.blocked and credit instead); do the same so clients see one behaviour.
                if (!a.Bit(0)) AmqpException.Connection(ReplyCode.NotImplemented, "NOT_IMPLEMENTED - active=false");
                _flowActive = true;
                Send(AmqpMethod.ChannelFlowOk, _flowActive);
                if (_flowActive) lock (_broker.Lock) Redispatch();
                break;
            case AmqpMethod.ChannelFlowOk: break;
            case AmqpMethod.ChannelOpen:
                AmqpException.Connection(ReplyCode.ChannelError, $"CHANNEL_ERROR - second 'channel.open' seen on channel {Id}");
                break;
            case AmqpMethod.ExchangeDeclare: ExchangeDeclare(a); break;
            case AmqpMethod.ExchangeDelete: ExchangeDelete(a); break;
            case AmqpMethod.ExchangeBind: ExchangeBind(a, bind: true); break;
            case AmqpMethod.ExchangeUnbind: ExchangeBind(a, bind: false); break;
            case AmqpMethod.QueueDeclare: QueueDeclare(a); break;
            case AmqpMethod.QueueBind: QueueBind(a, bind: true); break;
            case AmqpMethod.QueueUnbind: QueueBind(a, bind: false); break;
            case AmqpMethod.QueuePurge: QueuePurge(a); break;
            case AmqpMethod.QueueDelete: QueueDelete(a); break;
            case AmqpMethod.BasicQos: BasicQos(a); break;
            case AmqpMethod.BasicConsume: BasicConsume(a); break;
            case AmqpMethod.BasicCancel: BasicCancel(a); break;
            case AmqpMethod.BasicPublish: StartPublish(a); break;
            case AmqpMethod.BasicGet: BasicGet(a); break;
            case AmqpMethod.BasicAck: Settle(a.Num(0), a.Bit(1), SettleKind.Ack, false); break;
            case AmqpMethod.BasicReject: Settle(a.Num(0), false, SettleKind.Reject, a.Bit(1)); break;
            case AmqpMethod.BasicNack: Settle(a.Num(0), a.Bit(1), SettleKind.Nack, a.Bit(2)); break;
            case AmqpMethod.BasicRecover: BasicRecover(a.Bit(0), sync: true); break;
            case AmqpMethod.BasicRecoverAsync: BasicRecover(a.Bit(0), sync: false); break;
            case AmqpMethod.ConfirmSelect: ConfirmSelect(a); break;
            case AmqpMethod.TxSelect: TxSelect(); break;
            case AmqpMethod.TxCommit: TxCommit(); break;
            case AmqpMethod.TxRollback: TxRollback(); break;
            default:
                if (a.Spec.ClassId == 10)
                    AmqpException.Connection(ReplyCode.CommandInvalid, $"COMMAND_INVALID - '{a.Spec.Name}' on channel {Id}");
                AmqpException.Connection(ReplyCode.NotImplemented, $"NOT_IMPLEMENTED - a client may not send '{a.Spec.Name}'");
                break;
        }
    }

    // ---- publish state machine ----

    private void StartPublish(MethodArgs a)
    {
        if (a.Bit(4)) AmqpException.Connection(ReplyCode.NotImplemented, "NOT_IMPLEMENTED - immediate=true");
        _pubExchange = a.Str(1);
        _pubRoutingKey = a.Str(2);
        _pubMandatory = a.Bit(3);
        _publish = PublishState.ExpectHeader;
    }

    private void ContentHeader(ReadOnlySequence<byte> payload)
    {
        if (payload.Length < 14) AmqpException.Connection(ReplyCode.FrameError, "FRAME_ERROR - content header too short");
        Span<byte> head = stackalloc byte[12];
        payload.Slice(0, 12).CopyTo(head);
        ushort cls = BinaryPrimitives.ReadUInt16BigEndian(head);
        if (cls != 60) AmqpException.Connection(ReplyCode.UnexpectedFrame, $"UNEXPECTED_FRAME - content header for class {cls}, expected 60");
        long size = BinaryPrimitives.ReadInt64BigEndian(head[4..]);
        _pubProperties = payload.Slice(12).ToArray();
        if (size < 0 || size > _conn.Options.MaxMessageSize)
        {
            _publish = PublishState.None;
            AmqpException.Channel(ReplyCode.PreconditionFailed,
                $"PRECONDITION_FAILED - message size {size} is larger than configured max size {_conn.Options.MaxMessageSize}");
        }
        if (size == 0)
        {
            _publish = PublishState.None;
            CompletePublish([]);
            return;
        }
        _pubBody = GC.AllocateUninitializedArray<byte>((int)size);
        _pubFilled = 0;
        _publish = PublishState.ExpectBody;
    }

    private void ContentBody(ReadOnlySequence<byte> payload)
    {
        var body = _pubBody!;
        if (_pubFilled + payload.Length > body.Length)
            AmqpException.Connection(ReplyCode.FrameError, "FRAME_ERROR - content body larger than the header's body size");
        payload.CopyTo(body.AsSpan(_pubFilled));
        _pubFilled += (int)payload.Length;
        if (_pubFilled < body.Length) return;
        _publish = PublishState.None;
        _pubBody = null;
        CompletePublish(body);
    }

    // ---- close and release ----

    private void CloseWithError(AmqpException ex)
    {
        _publish = PublishState.None;
        _pubBody = null;
        lock (_broker.Lock) Release();
        Send(AmqpMethod.ChannelClose, ex.Code, AmqpConnection.Truncate(ex.Text), ex.ClassId, ex.MethodId);
        _closing = true;
    }

    /// <summary>
    /// Cancels consumers and requeues unacked deliveries (redelivered=true, in delivery order).
    /// Called under the broker lock when the channel or its connection closes. Runs once.
    /// </summary>
    public void Release()
    {
        if (_released) return;
        _released = true;
        foreach (var c in _consumers.Values) c.Queue.RemoveConsumer(c);
        _consumers.Clear();
        RequeueAll();
        lock (_confirmLock) _outstanding.Clear();
    }
}
