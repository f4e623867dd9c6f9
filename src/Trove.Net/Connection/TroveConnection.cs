using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Trove.Net;

/// <summary>
/// One accepted client: a socket with a receive loop feeding <see cref="Input"/> and a send loop
/// draining <see cref="Output"/> (the Kestrel shape). The protocol handler sees only the pipes.
/// Shutdown of the socket happens exactly once, whichever side ends first.
/// </summary>
public sealed class TroveConnection : IDuplexPipe
{
    private static long s_nextId;
    private readonly Socket _socket;
    private readonly Pipe? _input;
    private readonly Pipe? _output;
    private readonly SocketReader? _reader;
    private readonly SocketWriter? _writer;
    private readonly CancellationTokenSource _closed = new();
    private readonly ILogger _log;
    private int _shutdown;

    /// <summary>Set when an event loop serves this connection (then there are no pipes).</summary>
    internal Loop.LoopConnection? Loop;

    /// <summary>A connection served by an event loop (no pipes; the loop sets <see cref="Loop"/>); the pipe constructor starts here too.</summary>
    internal TroveConnection(Socket socket, ILogger log)
    {
        _socket = socket;
        _log = log;
        Id = Interlocked.Increment(ref s_nextId);
        RemoteEndPoint = socket.RemoteEndPoint;
        LocalEndPoint = socket.LocalEndPoint;
        ConnectedAt = DateTimeOffset.UtcNow;
        LastActivityTicks = Environment.TickCount64;
    }

    internal TroveConnection(Socket socket, TcpServerOptions options, ILogger log) : this(socket, log)
    {
        if (options.DirectTransport)
        {
            _reader = new SocketReader(socket, this, options.HandlerScheduler == PipeScheduler.Inline,
                options.InputPauseThreshold);
            _writer = new SocketWriter(socket, this);
            return;
        }
        var pool = MemoryPool<byte>.Shared;
        _input = new Pipe(new PipeOptions(pool, readerScheduler: options.HandlerScheduler,
            writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: options.InputPauseThreshold,
            resumeWriterThreshold: options.InputPauseThreshold / 2, minimumSegmentSize: 4096, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(pool, readerScheduler: PipeScheduler.Inline,
            writerScheduler: options.HandlerScheduler, pauseWriterThreshold: options.OutputPauseThreshold,
            resumeWriterThreshold: options.OutputPauseThreshold / 2, minimumSegmentSize: 4096, useSynchronizationContext: false));
    }

    /// <summary>Process-wide unique, increasing connection id (redis CLIENT ID).</summary>
    public long Id { get; }

    /// <summary>The client's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The server address the client connected to.</summary>
    public EndPoint? LocalEndPoint { get; }

    /// <summary>When the connection was accepted.</summary>
    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Environment.TickCount64 of the last byte in or out (idle detection, CLIENT LIST idle=).</summary>
    public long LastActivityTicks { get; internal set; }

    /// <summary>Bytes received on this connection.</summary>
    public long BytesIn { get; private set; }

    /// <summary>Bytes sent on this connection.</summary>
    public long BytesOut { get; private set; }

    /// <summary>Commands counted by the handler (<see cref="CountCommands"/>).</summary>
    public long Commands { get; private set; }

    /// <summary>Free-form state the protocol handler may attach (client name, selected db, ...).</summary>
    public object? Tag { get; set; }

    /// <summary>Bytes from the client.</summary>
    public PipeReader Input => _reader ?? _input?.Reader ?? throw NoPipes();

    /// <summary>Bytes to the client. FlushAsync waits while the client is not reading (backpressure).</summary>
    public PipeWriter Output => _writer ?? _output?.Writer ?? throw NoPipes();

    private static InvalidOperationException NoPipes() =>
        new("an event-loop connection has no pipes: its ILoopSession gets input and output from the loop");

    /// <summary>Cancelled when the connection is closed by either side or aborted.</summary>
    public CancellationToken Closed => _closed.Token;

    /// <summary>True when the connection came over a loopback address (RabbitMQ's guest rule).</summary>
    public bool IsLoopback => RemoteEndPoint is IPEndPoint ip && IPAddress.IsLoopback(ip.Address);

    /// <summary>Adds to the command counter; called by the handler's thread only.</summary>
    public void CountCommands(int n = 1) => Commands += n;

    /// <summary>
    /// Closes the socket at once (any thread); pending output is dropped. The receive loop then completes
    /// <see cref="Input"/>, so a handler waiting for input wakes and ends; an event-loop connection
    /// is closed on its loop thread soon after, and its session's OnClosed runs there.
    /// </summary>
    public void Abort()
    {
        if (Loop is not null) Loop.PostAbort();
        else Shutdown();
    }

    /// <summary>The event loop closed this connection.</summary>
    internal void OnLoopClosed() => TryCancelClosed();

    internal async Task RunAsync(IConnectionHandler handler)
    {
        if (_reader is not null)
        {
            await RunDirectAsync(handler).ConfigureAwait(false);
            return;
        }
        var receive = ReceiveLoopAsync();
        var send = SendLoopAsync();
        try
        {
            await handler.OnConnectedAsync(this).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "connection {Id} from {Remote}: handler failed", Id, RemoteEndPoint);
        }
        finally
        {
            // The handler is done: it must not read or write any more. Let the send loop drain what
            // was already flushed, then close.
            await _output!.Writer.CompleteAsync().ConfigureAwait(false);
            await _input!.Reader.CompleteAsync().ConfigureAwait(false);
        }
        await send.ConfigureAwait(false);
        Shutdown();
        await receive.ConfigureAwait(false);
    }

    private async Task RunDirectAsync(IConnectionHandler handler)
    {
        try
        {
            await handler.OnConnectedAsync(this).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogWarning(ex, "connection {Id} from {Remote}: handler failed", Id, RemoteEndPoint);
        }
        finally
        {
            // The handler is done: send what it wrote but did not flush, then close.
            try { await _writer!.CompleteAsync().ConfigureAwait(false); }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException) { }
            Shutdown();
            _reader!.Complete();
        }
    }

    /// <summary>Counts bytes received by the direct transport.</summary>
    internal void OnReceived(int n)
    {
        BytesIn += n;
        LastActivityTicks = Environment.TickCount64;
    }

    /// <summary>Counts bytes sent by the direct transport.</summary>
    internal void OnSent(int n)
    {
        BytesOut += n;
        LastActivityTicks = Environment.TickCount64;
    }

    /// <summary>The client has gone or shut down its sending side: wake anything waiting on Closed.</summary>
    internal void OnInputEnded() => TryCancelClosed();

    private async Task ReceiveLoopAsync()
    {
        var writer = _input!.Writer;
        Exception? error = null;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                int n = await _socket.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
                if (n == 0) break;
                BytesIn += n;
                LastActivityTicks = Environment.TickCount64;
                writer.Advance(n);
                var flush = await writer.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) break;
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        catch (InvalidOperationException) { }
        catch (Exception ex) { error = ex; }
        finally
        {
            await writer.CompleteAsync(error).ConfigureAwait(false);
            // The client has gone (or shut down its sending side): wake anything waiting on Closed.
            TryCancelClosed();
        }
    }

    private async Task SendLoopAsync()
    {
        var reader = _output!.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    if (!buffer.IsEmpty)
                    {
                        if (buffer.IsSingleSegment)
                            await SendAllAsync(buffer.First).ConfigureAwait(false);
                        else
                            foreach (var segment in buffer)
                                await SendAllAsync(segment).ConfigureAwait(false);
                        BytesOut += buffer.Length;
                        LastActivityTicks = Environment.TickCount64;
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
                if (result.IsCompleted || result.IsCanceled) break;
            }
        }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            Shutdown();
        }
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            data = data[n..];
        }
    }

    private void TryCancelClosed() => _closed.Cancel();

    private void Shutdown()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0) return;
        try { _socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        _socket.Dispose();
        TryCancelClosed();
    }
}
