using System.Buffers;
using System.IO.Pipelines;

namespace Trove.Net.Loop;

/// <summary>
/// Runs an <see cref="ILoopSession"/> over the async pipe transport, where the event loop is not
/// available (not Linux x86-64, or TcpServerOptions.UseEventLoop off). Same contract as the loop:
/// OnInput sees all unconsumed input as one span (copied into a flat buffer when the pipe holds it
/// in several segments), OnWake runs after Wake (which cancels the pending read to get here).
/// </summary>
internal sealed class PipeLoopAdapter(ILoopHandler handler, TcpServer server) : IConnectionHandler
{
    public async Task OnConnectedAsync(TroveConnection connection)
    {
        var context = new PipeLoopContext(connection);
        var session = handler.Open(context);
        var output = new LoopOutput(server.Options.OutputPauseThreshold);
        byte[]? flat = null;
        var input = connection.Input;
        var stopping = server.Stopping;
        using var registration = stopping.UnsafeRegister(static s => ((PipeReader)s!).CancelPendingRead(), input);
        try
        {
            while (true)
            {
                var result = await input.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled && stopping.IsCancellationRequested) break;
                var buffer = result.Buffer;
                if (context.TakeWake()) session.OnWake(output);
                long consumed = 0;
                bool full = false;
                if (!context.IsParked && !context.CloseRequested && !buffer.IsEmpty)
                {
                    ReadOnlySpan<byte> span;
                    if (buffer.IsSingleSegment) span = buffer.FirstSpan;
                    else
                    {
                        if (buffer.Length > server.Options.MaxInputBuffer) break;
                        int length = (int)buffer.Length;
                        if (flat is null || flat.Length < length)
                        {
                            if (flat is not null) ArrayPool<byte>.Shared.Return(flat);
                            flat = ArrayPool<byte>.Shared.Rent(length);
                        }
                        buffer.CopyTo(flat);
                        span = flat.AsSpan(0, length);
                    }
                    consumed = session.OnInput(span, output);
                    full = output.IsFull && consumed < buffer.Length;
                }
                // Output full: the unconsumed requests are examined again at once, not after more input.
                var position = buffer.GetPosition(consumed);
                input.AdvanceTo(position, full ? position : buffer.End);
                if (output.WrittenCount > 0)
                {
                    connection.Output.Write(output.WrittenSpan);
                    output.Reset();
                    var flush = await connection.Output.FlushAsync().ConfigureAwait(false);
                    if (flush.IsCompleted) break;
                }
                if (context.CloseRequested || result.IsCompleted) break;
            }
        }
        finally
        {
            if (flat is not null) ArrayPool<byte>.Shared.Return(flat);
            context.Closed = true;
            session.OnClosed();
        }
    }

    private sealed class PipeLoopContext(TroveConnection connection) : LoopContext
    {
        private int _wake;
        private bool _parked;
        internal volatile bool Closed;
        internal bool CloseRequested;

        public override TroveConnection Connection => connection;

        public override bool IsParked => _parked;

        public override void Park() => _parked = true;

        public override void Unpark() => _parked = false;

        public override void Wake()
        {
            if (Closed) return;
            Volatile.Write(ref _wake, 1);
            try { connection.Input.CancelPendingRead(); }
            catch (InvalidOperationException) { }
        }

        public override void CloseAfterSend() => CloseRequested = true;

        internal bool TakeWake() => Interlocked.Exchange(ref _wake, 0) != 0;
    }
}
