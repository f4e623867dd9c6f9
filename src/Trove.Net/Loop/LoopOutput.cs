using System.Buffers;
using System.Runtime.CompilerServices;

namespace Trove.Net;

/// <summary>
/// Where a loop session writes its replies: one contiguous buffer that grows as needed. The loop
/// owns it and reuses it for every connection it serves, so a session must not keep it after
/// OnInput/OnWake returns. Not thread-safe (loop thread only).
/// </summary>
public sealed class LoopOutput : IBufferWriter<byte>
{
    /// <summary>Initial size; a buffer grown past <see cref="ShrinkAbove"/> goes back to the pool after use.</summary>
    internal const int InitialSize = 64 * 1024;
    private const int ShrinkAbove = 1 << 20;

    private byte[] _buffer;
    private int _written;
    private readonly long _fullAt;

    internal LoopOutput(long fullAt)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        _fullAt = fullAt;
    }

    /// <summary>
    /// True once the replies written reach TcpServerOptions.OutputPauseThreshold: the session should
    /// stop taking requests and return what it consumed; the rest is passed again once the client
    /// has taken the replies (so one read of small requests cannot produce unbounded output).
    /// </summary>
    public bool IsFull
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _written >= _fullAt;
    }

    /// <summary>Bytes written since the transport last took the output.</summary>
    public int WrittenCount => _written;

    internal ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    internal byte[] Buffer => _buffer;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        if (_buffer.Length - _written < sizeHint || _buffer.Length == _written) Grow(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        if (_buffer.Length - _written < sizeHint || _buffer.Length == _written) Grow(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written)) ThrowAdvance();
        _written += count;
    }

    /// <summary>Appends <paramref name="data"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ReadOnlySpan<byte> data)
    {
        if (_buffer.Length - _written < data.Length) Grow(data.Length);
        data.CopyTo(_buffer.AsSpan(_written));
        _written += data.Length;
    }

    /// <summary>Forgets what was written (the transport took it); returns an oversized buffer to the pool.</summary>
    internal void Reset()
    {
        _written = 0;
        if (_buffer.Length > ShrinkAbove)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int sizeHint)
    {
        long need = (long)_written + Math.Max(sizeHint, 1);
        if (need > Array.MaxLength) throw new OutOfMemoryException("reply larger than the largest array");
        int size = (int)Math.Min(Array.MaxLength, Math.Max(need, (long)_buffer.Length * 2));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private static void ThrowAdvance() => throw new ArgumentOutOfRangeException("count", "advanced past the span");
}
