using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Trove.Net;

/// <summary>
/// A <see cref="PipeReader"/> that receives from the socket only when the handler asks for more
/// data: no receive loop, no second pipe, no writer-side synchronization. Received bytes go into
/// pooled segments chained into a <see cref="ReadOnlySequence{T}"/> when a message spans receives.
/// A receive starts when the handler asks for bytes it does not have, or ahead of time after
/// AdvanceTo while less than the pause threshold is buffered unconsumed.
/// Concurrency: one handler thread calls ReadAsync/TryRead/AdvanceTo/Complete; the receive
/// completion and <see cref="CancelPendingRead"/> may come from other threads; shared state is
/// guarded by <c>_sync</c> and continuations are always run outside it.
/// </summary>
internal sealed class SocketReader : PipeReader, IValueTaskSource<ReadResult>
{
    private const int SegmentSize = 4096;
    private const int MinReceiveSpace = 1024;

    private readonly Socket _socket;
    private readonly TroveConnection _connection;
    private readonly object _sync = new();
    private readonly long _pauseThreshold;
    private readonly Receiver _args;
    private ManualResetValueTaskSourceCore<ReadResult> _source;

    private Segment? _head;
    private int _headIndex;
    private Segment? _tail;
    private long _lastEnd;
    private bool _examinedAll = true;
    private bool _readPending;
    private bool _receiving;
    private bool _cancelNext;
    private bool _eof;
    private bool _completed;
    private Exception? _error;
    private CancellationToken _regToken;
    private CancellationTokenRegistration _reg;

    public SocketReader(Socket socket, TroveConnection connection, bool inlineContinuations, long pauseThreshold)
    {
        _pauseThreshold = pauseThreshold;
        _socket = socket;
        _connection = connection;
        _args = new Receiver(this);
        _source.RunContinuationsAsynchronously = !inlineContinuations;
    }

    /// <inheritdoc />
    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        bool start;
        lock (_sync)
        {
            if (_completed) throw new InvalidOperationException("reading after the reader completed");
            if (_readPending) throw new InvalidOperationException("a read is already pending");
            if (TryGetResultLocked(out var ready)) return new ValueTask<ReadResult>(ready);
            _readPending = true;
            _source.Reset();
            start = !_receiving;
            _receiving = true;
        }
        if (cancellationToken.CanBeCanceled && cancellationToken != _regToken)
        {
            _reg.Dispose();
            _regToken = cancellationToken;
            _reg = cancellationToken.UnsafeRegister(static (s, t) => ((SocketReader)s!).OnTokenCancelled(t), this);
        }
        if (start) StartReceive();
        return new ValueTask<ReadResult>(this, _source.Version);
    }

    /// <inheritdoc />
    public override bool TryRead(out ReadResult result)
    {
        lock (_sync)
        {
            if (_completed) throw new InvalidOperationException("reading after the reader completed");
            return TryGetResultLocked(out result);
        }
    }

    private bool TryGetResultLocked(out ReadResult result)
    {
        if (_cancelNext)
        {
            _cancelNext = false;
            result = new ReadResult(BufferLocked(), isCanceled: true, isCompleted: false);
            return true;
        }
        bool hasData = _head is not null && !(_head == _tail && _headIndex == _tail!.Written);
        if ((hasData && !_examinedAll) || _eof)
        {
            if (_eof && _error is not null) throw new IOException("receive failed", _error);
            result = new ReadResult(BufferLocked(), isCanceled: false, isCompleted: _eof);
            return true;
        }
        result = default;
        return false;
    }

    private ReadOnlySequence<byte> BufferLocked()
    {
        if (_head is null) { _lastEnd = 0; return ReadOnlySequence<byte>.Empty; }
        var tail = _tail!;
        _lastEnd = tail.RunningIndex + tail.Written;
        return _head == tail
            ? new ReadOnlySequence<byte>(tail.Array, _headIndex, tail.Written - _headIndex)
            : new ReadOnlySequence<byte>(_head, _headIndex, tail, tail.Written);
    }

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    /// <inheritdoc />
    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (AdvanceLocked(consumed, examined)) StartReceive();
    }

    /// <summary>
    /// Moves the consumed/examined marks; returns true when a receive should start now. Receiving
    /// ahead (while the handler works on the reply, or waits on something else such as a blocked
    /// BLPOP) is what notices a client that disconnects while the handler is not reading; it stops
    /// while unconsumed input exceeds the pause threshold.
    /// </summary>
    private bool AdvanceLocked(SequencePosition consumed, SequencePosition examined)
    {
        lock (_sync)
        {
            if (_head is null) { _examinedAll = true; return StartAheadLocked(); }
            var (cSeg, cIndex) = Resolve(consumed);
            var (eSeg, eIndex) = Resolve(examined);
            _examinedAll = eSeg.RunningIndex + eIndex >= _lastEnd;
            while (_head != cSeg)
            {
                var next = (Segment)_head!.Next!;
                _head.Release();
                _head = next;
            }
            _headIndex = cIndex;
            // Everything consumed and no receive writing into the tail: reuse it from its start.
            if (_head == _tail && _headIndex == _tail!.Written && !_receiving)
            {
                _headIndex = 0;
                _tail.Written = 0;
                _tail.Reset();
            }
            return StartAheadLocked();
        }
    }

    private bool StartAheadLocked()
    {
        if (_receiving || _eof || _completed) return false;
        long unconsumed = _head is null ? 0 : _tail!.RunningIndex + _tail.Written - (_head.RunningIndex + _headIndex);
        if (unconsumed >= _pauseThreshold) return false;
        _receiving = true;
        return true;
    }

    private (Segment, int) Resolve(SequencePosition p)
    {
        // A single-segment buffer is built over the array itself; its positions carry the array.
        switch (p.GetObject())
        {
            case Segment s: return (s, p.GetInteger());
            case byte[] array:
                for (var s = _head; s is not null; s = (Segment?)s.Next)
                    if (s.Array == array) return (s, p.GetInteger());
                return (_head!, _headIndex);
            case null: return (_head!, _headIndex);
            default: throw new InvalidOperationException("position from another buffer");
        }
    }

    /// <inheritdoc />
    public override void CancelPendingRead()
    {
        bool wake;
        lock (_sync)
        {
            wake = _readPending;
            if (wake) _readPending = false;
            else _cancelNext = true;
        }
        if (wake) _source.SetResult(new ReadResult(BufferSnapshot(), isCanceled: true, isCompleted: false));
    }

    private ReadOnlySequence<byte> BufferSnapshot()
    {
        lock (_sync) return BufferLocked();
    }

    private void OnTokenCancelled(CancellationToken token)
    {
        bool wake;
        lock (_sync)
        {
            wake = _readPending;
            _readPending = false;
        }
        if (wake) _source.SetException(new OperationCanceledException(token));
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
        lock (_sync)
        {
            if (_completed) return;
            _completed = true;
            if (!_receiving) ReleaseAllLocked();
        }
        _reg.Dispose();
    }

    private void ReleaseAllLocked()
    {
        for (var s = _head; s is not null; s = (Segment?)s.Next) s.Release();
        _head = _tail = null;
    }

    private void StartReceive()
    {
        while (true)
        {
            Memory<byte> memory;
            lock (_sync) memory = ReceiveMemoryLocked();
            _args.SetBuffer(memory);
            bool pending;
            try { pending = _socket.ReceiveAsync(_args); }
            catch (ObjectDisposedException) { OnReceived(0, SocketError.OperationAborted); return; }
            if (pending) return;
            // Completed synchronously: deliver; loop only if the read still wants data (cannot happen
            // after data or EOF, but a zero-progress completion would need another receive).
            if (!OnReceived(_args.BytesTransferred, _args.SocketError)) return;
        }
    }

    private Memory<byte> ReceiveMemoryLocked()
    {
        if (_tail is null)
        {
            _head = _tail = new Segment();
            _headIndex = 0;
        }
        else if (_tail.Array.Length - _tail.Written < MinReceiveSpace)
        {
            var next = new Segment();
            _tail.SetNext(next);
            _tail = next;
        }
        return _tail.Array.AsMemory(_tail.Written);
    }

    /// <summary>Applies one receive's outcome; returns true when another receive must start.</summary>
    private bool OnReceived(int bytes, SocketError error)
    {
        bool wake = false;
        ReadResult result = default;
        Exception? fault = null;
        lock (_sync)
        {
            _receiving = false;
            if (error != SocketError.Success || bytes == 0)
            {
                _eof = true;
                if (error is not (SocketError.Success or SocketError.OperationAborted or SocketError.ConnectionReset
                    or SocketError.Shutdown or SocketError.ConnectionAborted))
                    _error = new SocketException((int)error);
            }
            else
            {
                _tail!.Written += bytes;
                _tail.Reset();
                _examinedAll = false;
                _connection.OnReceived(bytes);
            }
            if (_completed) ReleaseAllLocked();
            else if (_readPending)
            {
                _readPending = false;
                wake = true;
                try
                {
                    if (!TryGetResultLocked(out result)) { _readPending = true; _receiving = true; return true; }
                }
                catch (IOException ex) { fault = ex; }
            }
        }
        if (_eof) _connection.OnInputEnded();
        if (wake)
        {
            if (fault is not null) _source.SetException(fault);
            else _source.SetResult(result);
        }
        return false;
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _source.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _source.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _source.OnCompleted(continuation, state, token, flags);

    private sealed class Receiver(SocketReader owner) : SocketAsyncEventArgs(unsafeSuppressExecutionContextFlow: true)
    {
        protected override void OnCompleted(SocketAsyncEventArgs e)
        {
            if (owner.OnReceived(e.BytesTransferred, e.SocketError)) owner.StartReceive();
        }
    }

    /// <summary>One pooled receive buffer in the chain.</summary>
    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment()
        {
            Array = ArrayPool<byte>.Shared.Rent(SegmentSize);
            Memory = ReadOnlyMemory<byte>.Empty;
        }

        public byte[] Array { get; private set; }

        public int Written { get; set; }

        /// <summary>Publishes the written length (also after a reset to the start).</summary>
        public void Reset()
        {
            Memory = Array.AsMemory(0, Written);
            if (Written == 0) RunningIndex = 0;
        }

        public void SetNext(Segment next)
        {
            Memory = Array.AsMemory(0, Written);
            next.RunningIndex = RunningIndex + Written;
            Next = next;
        }

        public void Release()
        {
            var a = Array;
            Array = System.Array.Empty<byte>();
            if (a.Length > 0) ArrayPool<byte>.Shared.Return(a);
        }
    }
}
