using System.Net.Sockets;
using System.Text;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client.Connections;

/// <summary>
/// One socket to one server with a read buffer and a command buffer. Every I/O method takes
/// <c>useAsync</c>: false runs the socket's blocking calls (bounded by the socket's send and
/// receive timeouts) and completes synchronously, so the public synchronous API never blocks on
/// a task; true uses the asynchronous calls, bounded by a timer that is re-armed for each receive.
/// Not thread-safe: a connection is used by one operation at a time (the pool guarantees it).
/// </summary>
internal sealed class MemcacheConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly TimeSpan _timeout;
    private CancellationTokenSource _timer = new();
    private byte[] _read = new byte[16 * 1024];
    private int _start, _end;

    private MemcacheConnection(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
    }

    /// <summary>The command buffer; callers fill it and then call <see cref="SendAsync"/>.</summary>
    public CommandWriter Writer { get; } = new();

    /// <summary>noreply commands sent whose sentinel VERSION line has not been read yet.</summary>
    public int PendingSentinels { get; private set; }

    /// <summary>Error lines a server sent for noreply commands, reported to the caller's log.</summary>
    public Action<string>? OnNoreplyError { get; set; }

    /// <summary>Opens a connection, bounded by <paramref name="connectTimeout"/>.</summary>
    public static async ValueTask<MemcacheConnection> ConnectAsync(MemcacheServerEndpoint server, TimeSpan connectTimeout,
        TimeSpan socketTimeout, bool useAsync, CancellationToken ct)
    {
        var endPoint = server.ToEndPoint();
        var socket = server.UnixSocketPath is not null
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : endPoint.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
                ? new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (server.UnixSocketPath is null) socket.NoDelay = true;
            int ms = ToMilliseconds(socketTimeout);
            socket.SendTimeout = ms;
            socket.ReceiveTimeout = ms;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(connectTimeout);
            try
            {
                var connect = socket.ConnectAsync(endPoint, cts.Token);
                if (useAsync) await connect.ConfigureAwait(false);
                else connect.AsTask().GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"connect to {server} timed out after {connectTimeout.TotalMilliseconds} ms");
            }
            return new MemcacheConnection(socket, socketTimeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static int ToMilliseconds(TimeSpan t) => t == Timeout.InfiniteTimeSpan || t <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, t.TotalMilliseconds);

    /// <summary>Sends the command buffer and clears it; appends the noreply sentinel first when asked.</summary>
    public async ValueTask SendAsync(bool noreply, bool useAsync, CancellationToken ct)
    {
        if (noreply)
        {
            Writer.Raw(ProtocolLiterals.Sentinel);
            PendingSentinels++;
        }
        var data = Writer.Written;
        try
        {
            if (!useAsync)
            {
                int sent = 0;
                while (sent < data.Length) sent += _socket.Send(data.Span[sent..]);
                return;
            }
            using var reg = Arm(ct);
            try
            {
                int sent = 0;
                while (sent < data.Length) sent += await _socket.SendAsync(data[sent..], SocketFlags.None, _timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException("send timed out");
            }
        }
        finally
        {
            Writer.Clear();
        }
        // A long run of noreply commands must not fill the server's output buffer with sentinels
        // nobody reads (the server would stop reading and both sides would wait): read them now.
        if (PendingSentinels >= 256) await DrainSentinelsAsync(useAsync, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads one reply line (without CRLF). The memory stays valid until the next read. Pending
    /// noreply sentinels (and any error lines before them) are consumed first.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReadLineAsync(bool useAsync, CancellationToken ct)
    {
        if (PendingSentinels > 0) await DrainSentinelsAsync(useAsync, ct).ConfigureAwait(false);
        return await ReadRawLineAsync(useAsync, ct).ConfigureAwait(false);
    }

    private async ValueTask DrainSentinelsAsync(bool useAsync, CancellationToken ct)
    {
        while (PendingSentinels > 0)
        {
            var line = await ReadRawLineAsync(useAsync, ct).ConfigureAwait(false);
            if (line.Span.StartsWith(ProtocolLiterals.Version)) PendingSentinels--;
            else OnNoreplyError?.Invoke(Encoding.ASCII.GetString(line.Span));
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>> ReadRawLineAsync(bool useAsync, CancellationToken ct)
    {
        int scanFrom = _start;
        while (true)
        {
            int idx = _read.AsSpan(scanFrom, _end - scanFrom).IndexOf("\r\n"u8);
            if (idx >= 0)
            {
                int lineStart = _start, lineEnd = scanFrom + idx;
                _start = lineEnd + 2;
                return _read.AsMemory(lineStart, lineEnd - lineStart);
            }
            // Keep the last byte in view: it may be the CR of a CRLF split across reads.
            scanFrom = Math.Max(_start, _end - 1);
            if (_end - _start > ProtocolLiterals.MaxReplyLine) throw new MemcacheProtocolException("reply line too long");
            int before = _start;
            await FillAsync(useAsync, ct).ConfigureAwait(false);
            scanFrom -= before - _start;
        }
    }

    /// <summary>Reads a data block of <paramref name="length"/> bytes and its trailing CRLF into a new array.</summary>
    public async ValueTask<byte[]> ReadBlockAsync(int length, bool useAsync, CancellationToken ct)
    {
        var block = GC.AllocateUninitializedArray<byte>(length);
        int copied = 0;
        while (copied < length)
        {
            if (_start == _end)
            {
                // Large values go straight from the socket into the result.
                if (length - copied >= _read.Length)
                {
                    copied += await ReceiveAsync(block.AsMemory(copied), useAsync, ct).ConfigureAwait(false);
                    continue;
                }
                await FillAsync(useAsync, ct).ConfigureAwait(false);
            }
            int n = Math.Min(length - copied, _end - _start);
            _read.AsSpan(_start, n).CopyTo(block.AsSpan(copied));
            _start += n;
            copied += n;
        }
        while (_end - _start < 2) await FillAsync(useAsync, ct).ConfigureAwait(false);
        if (_read[_start] != '\r' || _read[_start + 1] != '\n') throw new MemcacheProtocolException("data block not followed by CRLF");
        _start += 2;
        return block;
    }

    private async ValueTask FillAsync(bool useAsync, CancellationToken ct)
    {
        if (_start > 0)
        {
            _read.AsSpan(_start, _end - _start).CopyTo(_read);
            _end -= _start;
            _start = 0;
        }
        if (_end == _read.Length) Array.Resize(ref _read, _read.Length * 2);
        _end += await ReceiveAsync(_read.AsMemory(_end), useAsync, ct).ConfigureAwait(false);
    }

    private async ValueTask<int> ReceiveAsync(Memory<byte> into, bool useAsync, CancellationToken ct)
    {
        int n;
        if (!useAsync)
        {
            n = _socket.Receive(into.Span);
        }
        else
        {
            using var reg = Arm(ct);
            try
            {
                n = await _socket.ReceiveAsync(into, SocketFlags.None, _timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException("read timed out");
            }
        }
        if (n == 0) throw new IOException("connection closed by server");
        return n;
    }

    /// <summary>Starts the timeout timer for one asynchronous socket call and links the caller's token to it.</summary>
    private CancellationTokenRegistration Arm(CancellationToken ct)
    {
        if (!_timer.TryReset())
        {
            // The timer of an earlier call fired after that call had finished: start a fresh one.
            _timer.Dispose();
            _timer = new CancellationTokenSource();
        }
        if (ToMilliseconds(_timeout) > 0) _timer.CancelAfter(_timeout);
        return ct.CanBeCanceled ? ct.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _timer) : default;
    }

    /// <summary>Shrinks buffers grown for a large value before the connection goes back to the pool.</summary>
    public void Trim()
    {
        Writer.Trim();
        if (_read.Length > 64 * 1024 && _start == _end)
        {
            _read = new byte[16 * 1024];
            _start = _end = 0;
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _timer.Dispose();
    }
}
