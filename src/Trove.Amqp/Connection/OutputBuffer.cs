using System.Buffers;
using System.IO.Pipelines;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Connection;

/// <summary>
/// A connection's outgoing frames. Any thread may append frames under <see cref="Lock"/> (the
/// connection's own thread for replies, other connections' threads for deliveries under the broker
/// lock); one sender task swaps the buffer and writes it to the pipe, so only that task touches the
/// PipeWriter. <see cref="Pending"/> lets deliveries pause while the client is not reading.
/// </summary>
internal sealed class OutputBuffer
{
    private ByteWriter _current = new(16 * 1024), _spare = new(16 * 1024);
    private readonly SemaphoreSlim _signal = new(0);
    private int _signaled;
    private volatile bool _completed;

    /// <summary>Guards <see cref="Writer"/>.</summary>
    public Lock Lock { get; } = new();

    /// <summary>Where frames are appended (only under <see cref="Lock"/>).</summary>
    public ByteWriter Writer => _current;

    /// <summary>Bytes appended and not yet handed to the pipe.</summary>
    public int Pending => _current.Length;

    /// <summary>Environment.TickCount64 of the last write to the pipe.</summary>
    public long LastSendTicks { get; private set; } = Environment.TickCount64;

    /// <summary>Called (on the sender task) after a write drained the buffer.</summary>
    public Action? Drained { get; set; }

    /// <summary>Wakes the sender.</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0) _signal.Release();
    }

    /// <summary>Sends what is buffered, then stops the sender.</summary>
    public void Complete()
    {
        _completed = true;
        _signal.Release();
    }

    /// <summary>The sender loop: runs until <see cref="Complete"/> or the pipe closes.</summary>
    public async Task RunAsync(PipeWriter output)
    {
        while (true)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            Volatile.Write(ref _signaled, 0);
            while (true)
            {
                ByteWriter toSend;
                lock (Lock)
                {
                    if (_current.Length == 0) break;
                    toSend = _current;
                    _current = _spare;
                    _spare = toSend;
                }
                var memory = output.GetMemory(toSend.Length);
                if (memory.Length >= toSend.Length)
                {
                    toSend.WrittenSpan.CopyTo(memory.Span);
                    output.Advance(toSend.Length);
                }
                else output.Write(toSend.WrittenSpan);
                toSend.Clear();
                LastSendTicks = Environment.TickCount64;
                var flush = await output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted || flush.IsCanceled) { _completed = true; return; }
                Drained?.Invoke();
            }
            if (_completed) return;
        }
    }
}
