using System.Buffers;
using System.IO.Pipelines;
using Trove.Redis.Resp;
using Trove.Redis.Server;

namespace Trove.Redis.Commands;

/// <summary>
/// What an event-loop transport does for a session that it drives synchronously (Trove.Net's
/// loop transport; see <see cref="RespSession.OnInput"/>).
/// </summary>
public interface ILoopControl
{
    /// <summary>Stop handing input to the session (a client blocked in BLPOP...).</summary>
    void Park();

    /// <summary>Resume handing input (kept input is passed again).</summary>
    void Unpark();

    /// <summary>Any thread: have the transport call <see cref="RespSession.OnWake"/> soon.</summary>
    void Wake();

    /// <summary>Send what was written, then close (QUIT, protocol errors).</summary>
    void CloseAfterSend();
}

/// <summary>
/// The synchronous driving of a session by an event-loop transport: the transport calls
/// <see cref="OnInput"/> on its thread with every received byte not yet consumed and sends what
/// the session wrote; the same parse/execute path as the pipe transport runs, with the arguments
/// pointing into the transport's buffer (pinned for the call, no copy). A blocking command parks
/// the connection; a serve (another client's push), the timeout timer or a pub/sub message wakes
/// it, and <see cref="OnWake"/> writes the reply and unparks.
/// </summary>
public sealed partial class RespSession
{
    private ILoopControl? _loop;
    private PinnedInput? _pinned;
    private long _needBytes;
    private Timer? _blockTimer;
    private long _blockDeadline;
    private long _loopWritten;

    /// <summary>
    /// Reply bytes handed to the loop transport and not yet sent (what the client has not read):
    /// counted against client-output-buffer-limit with the queued pub/sub messages. Read from
    /// publishers' threads, so approximate by a few in-flight bytes.
    /// </summary>
    private long TransportPending => _loop is null || _connection is null ? 0 : Math.Max(0, Volatile.Read(ref _loopWritten) - _connection.BytesOut);

    /// <summary>A session driven by an event-loop transport through <paramref name="loop"/>.</summary>
    public RespSession(RedisServer server, Trove.Net.TroveConnection? connection, ILoopControl loop)
        : this(server, PipeWriter.Create(Stream.Null), connection)
    {
        _loop = loop;
        _pinned = new PinnedInput();
        _server.Register(this);
    }

    /// <summary>
    /// Runs every complete command at the start of <paramref name="input"/>, writing the replies
    /// to <paramref name="output"/>; returns the bytes consumed (the rest is an incomplete command,
    /// passed again with more bytes). Loop thread only.
    /// </summary>
    public unsafe int OnInput(ReadOnlySpan<byte> input, IBufferWriter<byte> output)
    {
        // A large bulk still arriving: do not parse its header again until all of it is here.
        if (_closing || input.Length < _needBytes) return 0;
        Writer.Retarget(output);
        _stalled = false;
        int consumed;
        fixed (byte* p = input)
        {
            _pinned!.Set(p, input.Length);
            try
            {
                consumed = ProcessBuffer(_pinned.Memory);
            }
            finally
            {
                _pinned.Clear();
            }
        }
        _needBytes = _parser.NeedBytes;
        Writer.Commit();
        Volatile.Write(ref _loopWritten, _loopWritten + Writer.Committed);
        if (_closing) _loop!.CloseAfterSend();
        else if (_blocked is { } b) ParkBlocked(b);
        return consumed;
    }

    /// <summary>
    /// Reply bytes after which a batch stops on the event loop: the transport's output limit
    /// (TcpServerOptions.OutputPauseThreshold, which RedisServer sets to this), at which
    /// LoopOutput.IsFull holds and the transport resumes the kept input once the client has read.
    /// </summary>
    public const int LoopOutputLimit = 1 << 20;

    private void ParkBlocked(PendingBlock b)
    {
        _loop!.Park();
        // Served under the engine lock by a pushing client's thread: wake from the thread pool.
        b.Client.Completion.Task.ContinueWith(static (_, s) => ((ILoopControl)s!).Wake(), _loop,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (b.TimeoutMs > 0)
        {
            _blockDeadline = Environment.TickCount64 + b.TimeoutMs;
            _blockTimer = new Timer(static s => ((ILoopControl)s!).Wake(), _loop, b.TimeoutMs, Timeout.Infinite);
        }
    }

    /// <summary>
    /// After <see cref="ILoopControl.Wake"/>: writes queued pub/sub messages and, for a blocked
    /// client that was served or timed out, its reply, then unparks. Loop thread only.
    /// </summary>
    public void OnWake(IBufferWriter<byte> output)
    {
        Writer.Retarget(output);
        Volatile.Write(ref _wakePending, 0);
        while (_pushes.TryDequeue(out var msg))
        {
            Writer.WriteRaw(msg);
            Interlocked.Add(ref _pushBytes, -msg.Length);
        }
        if (_blocked is { } b)
        {
            bool done = false;
            lock (Keyspace.Sync)
            {
                if (b.Client.IsServed)
                {
                    b.WriteReply(Writer);
                    done = true;
                }
                else if (b.TimeoutMs > 0 && Environment.TickCount64 >= _blockDeadline)
                {
                    Keyspace.Blocking.Unblock(b.Client);
                    WriteTimedOut(b);
                    done = true;
                }
            }
            if (done)
            {
                _blocked = null;
                _blockTimer?.Dispose();
                _blockTimer = null;
                _loop!.Unpark();
            }
        }
        Writer.Commit();
        Volatile.Write(ref _loopWritten, _loopWritten + Writer.Committed);
        if (_closing) _loop!.CloseAfterSend();
    }

    /// <summary>The connection ended (either side): unblock, unwatch, unsubscribe. Loop thread only.</summary>
    public void OnClosed()
    {
        _closing = true;
        _blockTimer?.Dispose();
        _blockTimer = null;
        lock (Keyspace.Sync) Cleanup();
        _server.Unregister(this);
    }
}
