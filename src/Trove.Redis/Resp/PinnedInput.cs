using System.Buffers;

namespace Trove.Redis.Resp;

/// <summary>
/// Presents a span that the caller keeps pinned (a <c>fixed</c> block around one synchronous call)
/// as <see cref="Memory{T}"/>, so the parser's argument slices can point into a transport's receive
/// buffer without copying it. Valid only between <see cref="Set"/> and <see cref="Clear"/>: the
/// same contract as the arguments themselves, which live only while their command runs.
/// </summary>
internal sealed unsafe class PinnedInput : MemoryManager<byte>
{
    private byte* _pointer;
    private int _length;

    /// <summary>Points at <paramref name="length"/> pinned bytes at <paramref name="pointer"/>.</summary>
    public void Set(byte* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
    }

    /// <summary>Forgets the bytes (the caller's pin ends).</summary>
    public void Clear()
    {
        _pointer = null;
        _length = 0;
    }

    /// <inheritdoc />
    public override Span<byte> GetSpan() => new(_pointer, _length);

    /// <inheritdoc />
    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex);

    /// <inheritdoc />
    public override void Unpin() { }

    /// <inheritdoc />
    protected override void Dispose(bool disposing) => Clear();
}
