using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using Trove.Amqp.Broker;
using Trove.Amqp.Framing;
using Trove.Amqp.Server;
using Trove.Net;

namespace Trove.Amqp.Connection;

/// <summary>
/// One AMQP connection: protocol header, the connection class (start, tune, open, close), heartbeats,
/// and the frame loop that hands channel frames to <see cref="Channel"/>. Frames are processed on
/// the connection's read loop; broker work takes <see cref="Broker.Broker.Lock"/> per method.
/// </summary>
public sealed partial class AmqpConnection
{
    private enum State { AwaitStartOk, AwaitTuneOk, AwaitOpen, Open, Closing, Closed }

    private readonly TroveConnection _conn;
    private readonly AmqpServer _server;
    private readonly Broker.Broker _broker;
    private readonly AmqpServerOptions _options;
    private readonly Dictionary<ushort, Channel> _channels = new();
    private readonly MethodArgs _args = new();
    private readonly List<Channel> _confirmDirty = new();
    private readonly ILogger _log;
    private State _state = State.AwaitStartOk;
    private long _lastInputTicks = Environment.TickCount64;
    private bool _blockedSent;
    private bool _clientSupportsBlocked;

    internal AmqpConnection(TroveConnection conn, AmqpServer server)
    {
        _conn = conn;
        _server = server;
        _broker = server.Broker;
        _options = server.Options;
        _log = server.Logger;
        Output.Drained = OnOutputDrained;
    }

    /// <summary>Connection id (process-wide).</summary>
    public long Id => _conn.Id;
    /// <summary>Authenticated user name.</summary>
    public string User { get; private set; } = "";
    /// <summary>The vhost after connection.open.</summary>
    public VirtualHost? Vhost { get; private set; }
    /// <summary>Negotiated frame-max (4096 until tune-ok, the spec's frame-min-size).</summary>
    public uint FrameMax { get; private set; } = 4096;
    /// <summary>Negotiated channel-max.</summary>
    public ushort ChannelMax { get; private set; }
    /// <summary>Negotiated heartbeat, seconds (0 = off).</summary>
    public ushort Heartbeat { get; private set; }
    /// <summary>Client properties from connection.start-ok.</summary>
    public Dictionary<string, object?> ClientProperties { get; private set; } = new();
    internal OutputBuffer Output { get; } = new();
    internal AmqpServerOptions Options => _options;
    internal Broker.Broker Broker => _broker;

    /// <summary>True while pending output is over the high-water mark (deliveries pause).</summary>
    internal bool OutputOverloaded => Output.Pending > _options.OutputHighWater;

    internal void Send(ushort channel, AmqpMethod method, params ReadOnlySpan<object?> values)
    {
        lock (Output.Lock) FrameWriter.Method(Output.Writer, channel, method, values);
        Output.Signal();
    }

    internal void MarkConfirmDirty(Channel ch)
    {
        if (!ch.ConfirmDirty) { ch.ConfirmDirty = true; _confirmDirty.Add(ch); }
    }

    /// <summary>Serves the connection until it closes.</summary>
    internal async Task RunAsync()
    {
        var sender = Output.RunAsync(_conn.Output);
        var heartbeat = Task.CompletedTask;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_conn.Closed);
        try
        {
            if (!await ReadProtocolHeaderAsync(stop.Token).ConfigureAwait(false)) return;
            SendStart();
            heartbeat = HeartbeatLoopAsync(stop.Token);
            await FrameLoopAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        catch (InvalidOperationException) { }
        catch (IOException) { }
        finally
        {
            _state = State.Closed;
            Cleanup();
            Output.Complete();
            await sender.ConfigureAwait(false);
            stop.Cancel();
            try { await heartbeat.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
    }

    private async Task<bool> ReadProtocolHeaderAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.HandshakeTimeout);
        var input = _conn.Input;
        while (true)
        {
            var result = await input.ReadAsync(timeout.Token).ConfigureAwait(false);
            var buf = result.Buffer;
            if (buf.Length >= 8)
            {
                Span<byte> head = stackalloc byte[8];
                buf.Slice(0, 8).CopyTo(head);
                input.AdvanceTo(buf.GetPosition(8));
                if (head.SequenceEqual(FrameReader.ProtocolHeader)) return true;
                // Spec 4.2.2: a header we do not speak gets the one we do, then the socket closes.
                lock (Output.Lock) Output.Writer.Write(FrameReader.ProtocolHeader);
                Output.Signal();
                return false;
            }
            if (result.IsCompleted)
            {
                if (buf.Length > 0)
                {
                    lock (Output.Lock) Output.Writer.Write(FrameReader.ProtocolHeader);
                    Output.Signal();
                }
                return false;
            }
            input.AdvanceTo(buf.Start, buf.End);
        }
    }

    private void SendStart()
    {
        var capabilities = new Dictionary<string, object?>
        {
            ["publisher_confirms"] = true, ["exchange_exchange_bindings"] = true, ["basic.nack"] = true,
            ["consumer_cancel_notify"] = true, ["connection.blocked"] = true, ["consumer_priorities"] = false,
            ["authentication_failure_close"] = true, ["per_consumer_qos"] = true, ["direct_reply_to"] = false,
        };
        var props = new Dictionary<string, object?>
        {
            ["capabilities"] = capabilities, ["cluster_name"] = "trove@localhost",
            ["copyright"] = "Trove", ["information"] = "Trove.Amqp, an AMQP 0-9-1 broker",
            ["platform"] = ".NET " + Environment.Version, ["product"] = "Trove", ["version"] = "3.10.8",
        };
        Send(0, AmqpMethod.ConnectionStart, (byte)0, (byte)9, props, "PLAIN AMQPLAIN"u8.ToArray(), "en_US"u8.ToArray());
    }

    private async Task FrameLoopAsync(CancellationToken ct)
    {
        var input = _conn.Input;
        using var handshake = new CancellationTokenSource(_options.HandshakeTimeout);
        using var closing = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, closing.Token);
        using var duringHandshake = CancellationTokenSource.CreateLinkedTokenSource(linked.Token, handshake.Token);
        while (_state != State.Closed)
        {
            var token = _state < State.Open ? duringHandshake.Token : linked.Token;
            var result = await input.ReadAsync(token).ConfigureAwait(false);
            var buf = result.Buffer;
            _lastInputTicks = Environment.TickCount64;
            try
            {
                while (_state != State.Closed)
                {
                    if (FrameReader.TryRead(ref buf, FrameMax, out byte type, out ushort channel, out var payload) != FrameStatus.Done) break;
                    HandleFrame(type, channel, payload);
                }
            }
            catch (AmqpException ex) when (ex.ConnectionLevel)
            {
                if (_state == State.Closing)
                {
                    _state = State.Closed; // garbage while waiting for close-ok: give up
                }
                else
                {
                    CloseWithError(ex);
                    closing.CancelAfter(TimeSpan.FromSeconds(1));
                    if (ex.Code == ReplyCode.FrameError) buf = buf.Slice(buf.End); // the stream can no longer be parsed
                }
            }
            finally
            {
                if (_state != State.Closed) input.AdvanceTo(buf.Start, buf.End);
                FlushConfirms();
                Output.Signal();
            }
            if (result.IsCompleted) break;
            if (_state == State.Open && _broker.Monitor is { IsBlocked: true } monitor) await WhileBlockedAsync(monitor, linked.Token).ConfigureAwait(false);
        }
    }

    private void FlushConfirms()
    {
        if (_confirmDirty.Count == 0) return;
        foreach (var ch in _confirmDirty) { ch.ConfirmDirty = false; ch.FlushConfirms(); }
        _confirmDirty.Clear();
    }

    private async Task WhileBlockedAsync(IResourceMonitor monitor, CancellationToken ct)
    {
        if (!_clientSupportsBlocked && !monitor.IsBlocked) return;
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange() { if (!monitor.IsBlocked) tcs.TrySetResult(); }
        monitor.Changed += OnChange;
        try
        {
            if (!monitor.IsBlocked) return;
            if (_clientSupportsBlocked && !_blockedSent) { _blockedSent = true; Send(0, AmqpMethod.ConnectionBlocked, monitor.Reason); }
            await tcs.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            monitor.Changed -= OnChange;
            if (_blockedSent) { _blockedSent = false; Send(0, AmqpMethod.ConnectionUnblocked); }
        }
    }

    private void HandleFrame(byte type, ushort channel, ReadOnlySequence<byte> payload)
    {
        if (type == FrameType.Heartbeat)
        {
            if (channel != 0) AmqpException.Connection(ReplyCode.FrameError, "FRAME_ERROR - heartbeat frame on a non-zero channel");
            return;
        }
        if (_state == State.Closing)
        {
            // Spec 4.2.2 / 2.2.4: after sending connection.close, discard everything but close and close-ok.
            if (type != FrameType.Method || channel != 0) return;
            DecodeMethod(payload);
            if (_args.Method == AmqpMethod.ConnectionCloseOk) _state = State.Closed;
            else if (_args.Method == AmqpMethod.ConnectionClose) { Send(0, AmqpMethod.ConnectionCloseOk); _state = State.Closed; }
            return;
        }
        if (channel == 0)
        {
            if (type != FrameType.Method)
                AmqpException.Connection(ReplyCode.UnexpectedFrame, $"UNEXPECTED_FRAME - content frame (type {type}) on channel 0");
            DecodeMethod(payload);
            HandleConnectionMethod();
            return;
        }
        if (_state != State.Open)
            AmqpException.Connection(ReplyCode.ChannelError, "CHANNEL_ERROR - expected 'connection.open' before using channels");
        if (!_channels.TryGetValue(channel, out var ch))
        {
            if (type != FrameType.Method)
                AmqpException.Connection(ReplyCode.UnexpectedFrame, $"UNEXPECTED_FRAME - content frame on unopened channel {channel}");
            DecodeMethod(payload);
            if (_args.Method != AmqpMethod.ChannelOpen)
                AmqpException.Connection(ReplyCode.ChannelError, $"CHANNEL_ERROR - expected 'channel.open' on channel {channel}, got '{_args.Spec.Name}'");
            if (channel > ChannelMax)
                AmqpException.Connection(ReplyCode.NotAllowed, $"NOT_ALLOWED - channel number {channel} above channel-max {ChannelMax}");
            _channels[channel] = new Channel(this, channel);
            Send(channel, AmqpMethod.ChannelOpenOk, Array.Empty<byte>());
            return;
        }
        ch.HandleFrame(type, payload, _args);
    }

    internal void DecodeMethod(ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment) MethodCodec.Decode(payload.FirstSpan, _args);
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent((int)payload.Length);
            try
            {
                payload.CopyTo(copy);
                MethodCodec.Decode(copy.AsSpan(0, (int)payload.Length), _args);
            }
            finally { ArrayPool<byte>.Shared.Return(copy); }
        }
    }

    internal void RemoveChannel(ushort id) => _channels.Remove(id);

    private void HandleConnectionMethod()
    {
        var a = _args;
        if (a.Spec.ClassId != 10)
            AmqpException.Connection(ReplyCode.CommandInvalid, $"COMMAND_INVALID - method '{a.Spec.Name}' on channel 0");
        switch (_state, a.Method)
        {
            case (State.AwaitStartOk, AmqpMethod.ConnectionStartOk): StartOk(a); break;
            case (State.AwaitTuneOk, AmqpMethod.ConnectionTuneOk): TuneOk(a); break;
            case (State.AwaitOpen, AmqpMethod.ConnectionOpen): Open(a.Str(0)); break;
            case (_, AmqpMethod.ConnectionClose):
                Send(0, AmqpMethod.ConnectionCloseOk);
                _state = State.Closed;
                break;
            case (State.Open, AmqpMethod.ConnectionCloseOk): break;
            case (State.Open, AmqpMethod.ConnectionUpdateSecret): Send(0, AmqpMethod.ConnectionUpdateSecretOk); break;
            case (State.Open, AmqpMethod.ConnectionBlocked or AmqpMethod.ConnectionUnblocked): break;
            default:
                if (a.Method is AmqpMethod.ConnectionStart or AmqpMethod.ConnectionTune or AmqpMethod.ConnectionSecure
                    or AmqpMethod.ConnectionOpenOk)
                    AmqpException.Connection(ReplyCode.NotImplemented, $"NOT_IMPLEMENTED - a client may not send '{a.Spec.Name}'");
                AmqpException.Connection(ReplyCode.CommandInvalid, $"COMMAND_INVALID - '{a.Spec.Name}' not expected now");
                break;
        }
    }

    private void StartOk(MethodArgs a)
    {
        ClientProperties = a.Table(0);
        if (ClientProperties.GetValueOrDefault("capabilities") is Dictionary<string, object?> caps)
            _clientSupportsBlocked = caps.GetValueOrDefault("connection.blocked") is true;
        string mechanism = a.Str(1);
        var response = a.Bytes(2);
        string? user = null, password = null;
        if (mechanism == "PLAIN")
        {
            // authzid \0 authcid \0 password
            var parts = Encoding.UTF8.GetString(response).Split('\0');
            if (parts.Length == 3) { user = parts[1]; password = parts[2]; }
        }
        else if (mechanism == "AMQPLAIN")
        {
            // A field table without its length prefix: LOGIN and PASSWORD.
            var t = FieldTable.Decode(response);
            user = t.GetValueOrDefault("LOGIN") as string;
            password = t.GetValueOrDefault("PASSWORD") as string;
        }
        else AmqpException.Connection(ReplyCode.CommandInvalid, $"COMMAND_INVALID - unknown authentication mechanism '{mechanism}'");
        if (user is null || password is null)
            AmqpException.Connection(ReplyCode.SyntaxError, "SYNTAX_ERROR - malformed authentication response");
        if (_broker.Authenticate(user, password) is null)
            AmqpException.Connection(ReplyCode.AccessRefused,
                $"ACCESS_REFUSED - Login was refused using authentication mechanism {mechanism}. For details see the broker logfile.");
        if (user == "guest" && !_conn.IsLoopback)
            AmqpException.Connection(ReplyCode.AccessRefused, "ACCESS_REFUSED - user 'guest' can only connect via localhost");
        User = user;
        _state = State.AwaitTuneOk;
        Send(0, AmqpMethod.ConnectionTune, _options.ChannelMax, _options.FrameMax, _options.Heartbeat);
    }

    private void TuneOk(MethodArgs a)
    {
        uint frameMax = (uint)a.Num(1);
        if (frameMax != 0 && frameMax < 4096)
            AmqpException.Connection(ReplyCode.SyntaxError, $"SYNTAX_ERROR - frame_max={frameMax} < 4096 min size");
        if (frameMax > _options.FrameMax || (frameMax == 0 && _options.FrameMax != 0))
            AmqpException.Connection(ReplyCode.SyntaxError, $"SYNTAX_ERROR - frame_max={frameMax} > {_options.FrameMax} max size");
        ushort channelMax = (ushort)a.Num(0);
        ChannelMax = channelMax == 0 || channelMax > _options.ChannelMax ? _options.ChannelMax : channelMax;
        FrameMax = frameMax;
        Heartbeat = (ushort)a.Num(2);
        _state = State.AwaitOpen;
    }

    private void Open(string vhost)
    {
        VirtualHost? vh;
        lock (_broker.Lock) vh = _broker.Vhosts.GetValueOrDefault(vhost);
        if (vh is null)
            AmqpException.Connection(ReplyCode.NotAllowed, $"NOT_ALLOWED - vhost {vhost} not found");
        if (!_broker.CanAccessVhost(User, vhost))
            AmqpException.Connection(ReplyCode.NotAllowed, $"NOT_ALLOWED - access to vhost '{vhost}' refused for user '{User}'");
        Vhost = vh;
        _state = State.Open;
        _server.Register(this);
        Send(0, AmqpMethod.ConnectionOpenOk, "");
    }

    private void CloseWithError(AmqpException ex)
    {
        _log.LogDebug("connection {Id}: closing with {Code} {Text}", Id, ex.Code, ex.Text);
        Cleanup();
        Send(0, AmqpMethod.ConnectionClose, ex.Code, Truncate(ex.Text), ex.ClassId != 0 ? ex.ClassId : _args.Spec?.ClassId ?? 0,
            ex.MethodId != 0 ? ex.MethodId : _args.Spec?.MethodId ?? 0);
        _state = State.Closing;
    }

    internal static string Truncate(string s) => Encoding.UTF8.GetByteCount(s) <= 255 ? s : s[..Math.Min(s.Length, 200)];

    /// <summary>Server-initiated close (shutdown): 320 CONNECTION_FORCED.</summary>
    internal void ForceClose(string reason)
    {
        if (_state is State.Closed or State.Closing) return;
        Send(0, AmqpMethod.ConnectionClose, ReplyCode.ConnectionForced, "CONNECTION_FORCED - " + reason, (ushort)0, (ushort)0);
        _state = State.Closing;
        _conn.Abort();
    }

    private int _cleaned;

    /// <summary>Releases channels (requeue unacked, cancel consumers) and exclusive queues. Runs once.</summary>
    private void Cleanup()
    {
        if (Interlocked.Exchange(ref _cleaned, 1) != 0) return;
        _server.Unregister(this);
        lock (_broker.Lock)
        {
            foreach (var ch in _channels.Values) ch.Release();
            _channels.Clear();
            if (Vhost is { } vh)
                foreach (var q in vh.Queues.Values.Where(q => q.Exclusive && q.OwnerConnection == Id).ToArray())
                    vh.DeleteQueue(q);
        }
    }

    private void OnOutputDrained()
    {
        if (Output.Pending > _options.OutputHighWater || _state != State.Open) return;
        Channel[] chans;
        lock (_broker.Lock)
        {
            chans = _channels.Values.ToArray();
            foreach (var ch in chans) ch.Redispatch();
        }
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            int hb = Heartbeat;
            int periodMs = hb == 0 ? 1000 : Math.Max(hb * 500, 100);
            await Task.Delay(periodMs, ct).ConfigureAwait(false);
            if (hb == 0 || _state is State.Closed) continue;
            long now = Environment.TickCount64;
            if (now - Output.LastSendTicks >= hb * 500L)
            {
                lock (Output.Lock) FrameWriter.Heartbeat(Output.Writer);
                Output.Signal();
            }
            // Spec 4.2.7: a peer silent for two heartbeat intervals is dead.
            if (now - _lastInputTicks > hb * 2000L)
            {
                _log.LogInformation("connection {Id}: missed heartbeats, closing", Id);
                _conn.Abort();
                return;
            }
        }
    }
}
