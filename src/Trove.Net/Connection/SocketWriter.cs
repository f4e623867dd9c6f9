using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Trove.Net;

/// <summary>
/// A <see cref="PipeWriter"/> whose <see cref="FlushAsync"/> sends the buffered bytes straight to
/// the socket: no output pipe, no send loop. Backpressure is the send itself: when the client stops
/// reading, the kernel buffer fills, the send stays pending, FlushAsync does not complete, and the
/// handler (which awaits it) stops producing, so memory per client stays bounded by what the handler
/// writes between flushes. One handler thread writes; <see cref="CancelPendingFlush"/> may come from
/// any thread. A send that fails (client gone, connection aborted) makes every later flush return
/// IsCompleted and drops what was written, like a pipe whose reader completed.
/// </summary>
internal sealed class SocketWriter : PipeWriter
{
    private const int SegmentSize = 4096;

    private readonly Socket _socket;
    private readonly TroveConnection _connection;
    private byte[]? _current;
    private int _written;
    private List<(byte[] Array, int Length)>? _full;
    private long _unflushed;
    private int _cancelFlush;
    private volatile bool _closed;
    private bool _completed;

    public SocketWriter(Socket socket, TroveConnection connection)
    {
        _socket = socket;
        _connection = connection;
    }

    /// <inheritdoc />
    public override bool CanGetUnflushedBytes => true;

    /// <inheritdoc />
    public override long UnflushedBytes => _unflushed;

    /// <inheritdoc />
    public override Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    /// <inheritdoc />
    public override Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    private byte[] Ensure(int sizeHint)
    {
        if (_completed) throw new InvalidOperationException("writing after the writer completed");
        if (sizeHint <= 0) sizeHint = 1;
        var current = _current;
        if (current is not null && current.Length - _written >= sizeHint) return current;
        if (current is not null && _written > 0)
            (_full ??= new List<(byte[], int)>()).Add((current, _written));
        else if (current is not null)
            ArrayPool<byte>.Shared.Return(current);
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(SegmentSize, sizeHint));
        _written = 0;
        return _current;
    }

    /// <inheritdoc />
    public override void Advance(int bytes)
    {
        if (_current is null || (uint)bytes > (uint)(_current.Length - _written))
            throw new ArgumentOutOfRangeException(nameof(bytes));
        _written += bytes;
        _unflushed += bytes;
    }

    /// <inheritdoc />
    public override void CancelPendingFlush() => Volatile.Write(ref _cancelFlush, 1);

    /// <inheritdoc />
    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_closed) { Discard(); return new ValueTask<FlushResult>(new FlushResult(false, true)); }
        if (_unflushed > 0 && _full is null)
        {
            // The common case: one buffer of replies. A send that completes at once allocates nothing.
            ValueTask<int> send;
            try { send = _socket.SendAsync(_current.AsMemory(0, _written), SocketFlags.None, cancellationToken); }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException) { return new ValueTask<FlushResult>(Failed()); }
            if (send.IsCompletedSuccessfully)
            {
                int n = send.Result;
                Sent(n);
                if (n == _written)
                {
                    _written = 0;
                    return new ValueTask<FlushResult>(Result());
                }
                return FlushSlowAsync(default, n, cancellationToken);
            }
            return FlushSlowAsync(send, -1, cancellationToken);
        }
        if (_unflushed > 0) return FlushSlowAsync(default, 0, cancellationToken);
        return new ValueTask<FlushResult>(Result());
    }

    /// <summary>
    /// Finishes a flush that could not complete at once. <paramref name="sent"/> is -1 when
    /// <paramref name="first"/> (the single buffer's send) is still to be awaited.
    /// </summary>
    private async ValueTask<FlushResult> FlushSlowAsync(ValueTask<int> first, int sent, CancellationToken ct)
    {
        try
        {
            if (sent < 0)
            {
                sent = await first.ConfigureAwait(false);
                Sent(sent);
            }
            if (_full is not null)
            {
                // Each buffer leaves the list before it goes back to the pool: a send that fails
                // part way ends in Discard, which returns what is still listed (returning a sent
                // buffer twice handed one array to two owners, corrupting other connections' data).
                while (_full.Count > 0)
                {
                    var (array, length) = _full[0];
                    await SendAllAsync(array.AsMemory(0, length), ct).ConfigureAwait(false);
                    _full.RemoveAt(0);
                    ArrayPool<byte>.Shared.Return(array);
                }
                _full = null;
                sent = 0;
            }
            if (_written > sent) await SendAllAsync(_current.AsMemory(sent, _written - sent), ct).ConfigureAwait(false);
            _written = 0;
            return Result();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return Failed();
        }
        catch (OperationCanceledException)
        {
            // A cancelled send leaves the stream in an unknown state: the connection cannot go on.
            Failed();
            throw;
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        while (!data.IsEmpty)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false);
            Sent(n);
            data = data[n..];
        }
    }

    private void Sent(int n)
    {
        _unflushed -= n;
        _connection.OnSent(n);
    }

    private FlushResult Result() =>
        new(isCanceled: Interlocked.Exchange(ref _cancelFlush, 0) != 0, isCompleted: false);

    private FlushResult Failed()
    {
        _closed = true;
        Discard();
        _connection.Abort();
        return new FlushResult(false, true);
    }

    /// <summary>Drops buffered output (after the connection closed).</summary>
    private void Discard()
    {
        if (_full is not null)
        {
            foreach (var (array, _) in _full) ArrayPool<byte>.Shared.Return(array);
            _full = null;
        }
        _written = 0;
        _unflushed = 0;
    }

    /// <inheritdoc />
    public override void Complete(Exception? exception = null)
    {
        if (_completed) return;
        _completed = true;
        Discard();
        if (_current is not null) ArrayPool<byte>.Shared.Return(_current);
        _current = null;
    }

    /// <summary>Sends what was written but not flushed, then completes (the pipe's Complete semantics).</summary>
    public override async ValueTask CompleteAsync(Exception? exception = null)
    {
        if (_completed) return;
        if (_unflushed > 0 && !_closed)
        {
            try { await FlushAsync().ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        Complete(exception);
    }
}
