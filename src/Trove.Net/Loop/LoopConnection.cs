using System.Buffers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Trove.Net.Loop;

/// <summary>
/// One connection of an <see cref="EventLoop"/>: its socket, its session, and the bytes it could
/// not hand on yet (unconsumed input, unsent output, each in a pooled array taken only when needed,
/// so an idle connection holds no buffers). Everything here runs on the loop thread, except
/// <see cref="Wake"/> and the Abort path, which post to the loop.
/// Input flow: recv into the loop's scratch buffer (or after the kept bytes), OnInput, keep the
/// unconsumed tail. Output flow: the session writes into the loop's LoopOutput, one send; what the
/// kernel did not take is copied aside and sent on EPOLLOUT; reading stops while more than
/// OutputPauseThreshold bytes wait.
/// </summary>
internal sealed unsafe class LoopConnection : LoopContext
{
    private const int MinInputBuffer = 16 * 1024;
    private const int LingerMilliseconds = 1000;

    private readonly EventLoop _loop;
    private readonly Socket _socket;
    private readonly TroveConnection _connection;
    private ILoopSession? _session;
    private byte[]? _in;
    private int _inCount;
    private byte[]? _out;
    private int _outStart, _outEnd;
    private uint _interest;
    private bool _parked, _closeAfterSend, _lingering, _closed;
    private int _wakeQueued;

    internal readonly int Fd;
    internal int Slot = -1;
    internal long LingerDeadline;

    public LoopConnection(EventLoop loop, Socket socket, TroveConnection connection)
    {
        _loop = loop;
        _socket = socket;
        _connection = connection;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
    }

    public override TroveConnection Connection => _connection;

    public override bool IsParked => _parked;

    public override void Park() => _parked = true;

    public override void Unpark() => _parked = false;

    public override void Wake()
    {
        if (Interlocked.Exchange(ref _wakeQueued, 1) == 0) _loop.Wake(this);
    }

    public override void CloseAfterSend() => _closeAfterSend = true;

    /// <summary>Any thread: close at once.</summary>
    internal void PostAbort() => _loop.Abort(this);

    private int Pending => _outEnd - _outStart;

    /// <summary>Registered in the loop's epoll set: open the session.</summary>
    internal void Opened(int slot, uint interest)
    {
        Slot = slot;
        _interest = interest;
        try
        {
            _session = _loop.Handler.Open(this);
        }
        catch (Exception ex)
        {
            _loop.Log.LogWarning(ex, "connection {Id}: session failed to open", _connection.Id);
            Close();
        }
    }

    internal void OnEvents(uint events)
    {
        if ((events & Native.EPOLLOUT) != 0) OnWritable();
        if (_closed) return;
        if ((events & Native.EPOLLIN) != 0) OnReadable();
        else if ((events & (Native.EPOLLHUP | Native.EPOLLERR)) != 0) Close();
    }

    private void OnReadable()
    {
        if (_lingering)
        {
            DrainLinger();
            return;
        }
        bool scratch = _inCount == 0 && !_parked;
        byte[] buffer;
        if (scratch) buffer = _loop.Scratch;
        else buffer = EnsureInputSpace();
        int offset = scratch ? 0 : _inCount;
        nint n;
        fixed (byte* p = buffer)
            n = Native.recv(Fd, p + offset, (nuint)(buffer.Length - offset), Native.MSG_DONTWAIT);
        if (n <= 0)
        {
            if (n < 0 && IsTransient(Marshal.GetLastPInvokeError())) return;
            // The client has gone (or shut down its side): send what is still pending, then close.
            if (n == 0 && Pending > 0) { _closeAfterSend = true; UpdateInterest(); return; }
            Close();
            return;
        }
        _connection.OnReceived((int)n);
        if (scratch)
        {
            Process(buffer, (int)n, fromScratch: true);
            return;
        }
        _inCount += (int)n;
        if (_parked) UpdateInterest();
        else Process(buffer, _inCount, fromScratch: false);
    }

    private static bool IsTransient(int errno) => errno == Native.EAGAIN || errno == Native.EINTR;

    private byte[] EnsureInputSpace()
    {
        if (_in is null)
        {
            _in = ArrayPool<byte>.Shared.Rent(MinInputBuffer);
            return _in;
        }
        if (_in.Length - _inCount >= 4096) return _in;
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_in.Length * 2, _inCount + 4096L)));
        _in.AsSpan(0, _inCount).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_in);
        _in = bigger;
        return bigger;
    }

    /// <summary>Runs the session over <paramref name="length"/> input bytes, keeps the unconsumed tail, sends the replies.</summary>
    private void Process(byte[] buffer, int length, bool fromScratch)
    {
        var output = _loop.Output;
        while (true)
        {
            int consumed;
            try
            {
                consumed = _session!.OnInput(buffer.AsSpan(0, length), output);
                if ((uint)consumed > (uint)length) throw new InvalidOperationException($"OnInput consumed {consumed} of {length} bytes");
            }
            catch (Exception ex)
            {
                _loop.Log.LogWarning(ex, "connection {Id} from {Remote}: handler failed", _connection.Id, _connection.RemoteEndPoint);
                output.Reset();
                Close();
                return;
            }
            bool full = output.IsFull;
            int keep = length - consumed;
            if (fromScratch)
            {
                if (keep > 0)
                {
                    _in = ArrayPool<byte>.Shared.Rent(Math.Max(MinInputBuffer, keep * 2));
                    buffer.AsSpan(consumed, keep).CopyTo(_in);
                    _inCount = keep;
                }
            }
            else if (keep == 0)
            {
                ArrayPool<byte>.Shared.Return(_in!);
                _in = null;
                _inCount = 0;
            }
            else if (consumed > 0)
            {
                _in.AsSpan(consumed, keep).CopyTo(_in);
                _inCount = keep;
            }
            if (_inCount > _loop.Options.MaxInputBuffer && !_parked)
            {
                _loop.Log.LogWarning("connection {Id} from {Remote}: unconsumed input over {Max} bytes, closing",
                    _connection.Id, _connection.RemoteEndPoint, _loop.Options.MaxInputBuffer);
                output.Reset();
                Close();
                return;
            }
            AfterOutput();
            // The session stopped because its output filled up. If the client took it all at once,
            // go on with the kept requests now; otherwise OnWritable does when the output has gone.
            if (!full || !CanProcessKept || Pending > 0) return;
            buffer = _in!;
            length = _inCount;
            fromScratch = false;
        }
    }

    private bool CanProcessKept => !_closed && !_parked && !_closeAfterSend && !_lingering && _inCount > 0;

    /// <summary>Sends (or keeps) what the session wrote, then closes or re-arms as the state says.</summary>
    private void AfterOutput()
    {
        SendOutput();
        if (_closed) return;
        if (_closeAfterSend && Pending == 0) BeginLinger();
        else UpdateInterest();
    }

    private void SendOutput()
    {
        var output = _loop.Output;
        int length = output.WrittenCount;
        if (length == 0) return;
        if (Pending > 0)
        {
            KeepOutput(output.WrittenSpan);
            output.Reset();
            return;
        }
        nint n;
        fixed (byte* p = output.Buffer)
            n = Native.send(Fd, p, (nuint)length, Native.MSG_DONTWAIT | Native.MSG_NOSIGNAL);
        if (n < 0)
        {
            if (!IsTransient(Marshal.GetLastPInvokeError()))
            {
                output.Reset();
                Close();
                return;
            }
            n = 0;
        }
        if (n > 0) _connection.OnSent((int)n);
        if (n < length) KeepOutput(output.WrittenSpan[(int)n..]);
        output.Reset();
    }

    private void KeepOutput(ReadOnlySpan<byte> data)
    {
        if (_out is null)
        {
            _out = ArrayPool<byte>.Shared.Rent(Math.Max(MinInputBuffer, data.Length));
            _outStart = _outEnd = 0;
        }
        else if (_out.Length - _outEnd < data.Length)
        {
            int pending = Pending;
            var target = _out;
            if (_out.Length < pending + data.Length)
                target = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)_out.Length * 2, (long)pending + data.Length)));
            _out.AsSpan(_outStart, pending).CopyTo(target);
            if (!ReferenceEquals(target, _out)) ArrayPool<byte>.Shared.Return(_out);
            _out = target;
            _outStart = 0;
            _outEnd = pending;
        }
        data.CopyTo(_out.AsSpan(_outEnd));
        _outEnd += data.Length;
    }

    private void OnWritable()
    {
        if (Pending > 0)
        {
            nint n;
            fixed (byte* p = _out)
                n = Native.send(Fd, p + _outStart, (nuint)Pending, Native.MSG_DONTWAIT | Native.MSG_NOSIGNAL);
            if (n < 0)
            {
                if (IsTransient(Marshal.GetLastPInvokeError())) return;
                Close();
                return;
            }
            _connection.OnSent((int)n);
            _outStart += (int)n;
            if (Pending > 0) { UpdateInterest(); return; }
            ArrayPool<byte>.Shared.Return(_out!);
            _out = null;
            _outStart = _outEnd = 0;
        }
        if (_closeAfterSend) { BeginLinger(); return; }
        if (CanProcessKept) { Process(_in!, _inCount, fromScratch: false); return; }
        UpdateInterest();
    }

    private void UpdateInterest()
    {
        if (_closed || _lingering) return;
        var o = _loop.Options;
        bool read = !_closeAfterSend && Pending <= o.OutputPauseThreshold && !(_parked && _inCount >= o.InputPauseThreshold);
        uint want = (read ? Native.EPOLLIN : 0) | (Pending > 0 ? Native.EPOLLOUT : 0);
        if (want == _interest) return;
        _interest = want;
        _loop.Modify(this, want);
    }

    /// <summary>
    /// Graceful close: half-close so the client sees the end of the replies, then read and drop what
    /// it still sends until it closes (or a second passes), so that unread input does not turn the
    /// close into a reset that could destroy the replies in flight.
    /// </summary>
    private void BeginLinger()
    {
        if (_lingering || _closed) return;
        _lingering = true;
        Native.shutdown(Fd, Native.SHUT_WR);
        if (_interest != Native.EPOLLIN)
        {
            _interest = Native.EPOLLIN;
            _loop.Modify(this, Native.EPOLLIN);
        }
        LingerDeadline = Environment.TickCount64 + LingerMilliseconds;
        _loop.AddLingering(this);
    }

    private void DrainLinger()
    {
        nint n;
        fixed (byte* p = _loop.Scratch)
            n = Native.recv(Fd, p, EventLoop.ScratchSize, Native.MSG_DONTWAIT);
        if (n > 0 || (n < 0 && IsTransient(Marshal.GetLastPInvokeError()))) return;
        Close();
    }

    /// <summary>The loop is stopping: close now unless replies are still going out.</summary>
    internal void OnShutdown()
    {
        _closeAfterSend = true;
        if (Pending == 0) Close();
        else UpdateInterest();
    }

    internal void RunWake()
    {
        Volatile.Write(ref _wakeQueued, 0);
        if (_closed || _session is null) return;
        try
        {
            _session.OnWake(_loop.Output);
        }
        catch (Exception ex)
        {
            _loop.Log.LogWarning(ex, "connection {Id}: OnWake failed", _connection.Id);
            _loop.Output.Reset();
            Close();
            return;
        }
        if (!_parked && _inCount > 0 && !_closeAfterSend)
        {
            // Requests that arrived while parked: OnWake's output goes out ahead of their replies.
            SendOutput();
            if (_closed) return;
            Process(_in!, _inCount, fromScratch: false);
            return;
        }
        AfterOutput();
    }

    /// <summary>Closes the connection now (unsent output is dropped). Idempotent.</summary>
    internal void Close()
    {
        if (_closed) return;
        _closed = true;
        _loop.Unregister(this);
        Release();
        try
        {
            _session?.OnClosed();
        }
        catch (Exception ex)
        {
            _loop.Log.LogWarning(ex, "connection {Id}: OnClosed failed", _connection.Id);
        }
    }

    /// <summary>Closes a connection that never made it into the epoll set.</summary>
    internal void CloseUnregistered()
    {
        if (_closed) return;
        _closed = true;
        Release();
    }

    private void Release()
    {
        if (_in is not null) ArrayPool<byte>.Shared.Return(_in);
        if (_out is not null) ArrayPool<byte>.Shared.Return(_out);
        _in = _out = null;
        _inCount = _outStart = _outEnd = 0;
        _socket.Dispose();
        _loop.Server.OnLoopConnectionClosed(_connection);
    }
}
