namespace Trove.Amqp.Storage;

/// <summary>Settings of a <see cref="MessageStore"/>.</summary>
public sealed class MessageStoreOptions
{
    /// <summary>A segment is sealed and a new one started once it would grow past this (8 MiB, as LavinMQ).</summary>
    public int SegmentSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>fdatasync each batch before completing its appends (off only for tests that measure without it).</summary>
    public bool Fsync { get; init; } = true;

    /// <summary>
    /// Bodies loaded into memory by <see cref="MessageStore.Recover"/> in total (64 MiB); the rest are
    /// left on disk and read when delivered, so recovering millions of messages stays bounded.
    /// </summary>
    public long RecoverInlineBytes { get; init; } = 64L * 1024 * 1024;
}


/// <summary>Counters of a store, for tests, the management listing and the benchmark.</summary>
/// <param name="Segments">Segment files on disk.</param>
/// <param name="LiveMessages">Appended and not yet acked or dropped.</param>
/// <param name="DiskBytes">Bytes of segment files (preallocated tails included).</param>
/// <param name="Batches">Group-commit batches written (one fdatasync each).</param>
/// <param name="Appends">Messages appended since open.</param>
/// <param name="CorruptRecords">Records skipped by recovery because their checksum failed.</param>
/// <param name="TruncatedBytes">Bytes cut off torn or zero-filled tails by recovery.</param>
public readonly record struct MessageStoreStats(int Segments, long LiveMessages, long DiskBytes, long Batches,
    long Appends, long CorruptRecords, long TruncatedBytes);

/// <summary>A stored record could not be read back (deleted segment, checksum failure).</summary>
public sealed class MessageStoreException(string message) : IOException(message);
