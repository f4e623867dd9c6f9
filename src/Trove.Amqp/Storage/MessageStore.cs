using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Trove.Amqp.Broker;

namespace Trove.Amqp.Storage;

/// <summary>
/// Durable store of persistent messages of durable queues, in the style of LavinMQ's message store:
/// append-only segment files (<c>msgs.NNNNNNNNNN</c>, 8 MiB, version header, CRC-32C per record),
/// per-segment ack logs (<c>acks.NNNNNNNNNN</c>), and a drop log for deleted or purged queues.
/// <para>
/// What it does: <see cref="Append"/> returns at once with the id and a task that completes only after the record is on disk; appends from
/// any number of publishers are copied into one open batch under a short lock, and a single writer
/// thread writes each batch and fdatasyncs it once (group commit), so one sync covers every message
/// that arrived while the previous sync ran. <see cref="Ack"/> appends the record's offset to its
/// segment's ack log (written to the OS each batch, not synced: an ack lost to a power cut means a
/// redelivery, which AMQP allows). A sealed segment whose messages are all acked or dropped is
/// deleted with its ack log. <see cref="Open"/> recovers: it scans every segment, verifies each
/// record's checksum (a bad record in the middle is skipped), truncates a torn or zero-filled tail
/// (never fatal), and rebuilds each queue's live messages in FIFO (= id) order.
/// </para>
/// <para>
/// What it leaves to the broker: the queue itself (order, delivery, requeue, redelivered flags),
/// transient messages and non-durable queues (never stored here), and memory: the store keeps no
/// per-message state in memory (ids are file positions; only per-segment, per-queue live counters),
/// so a broker that keeps just the id and sizes of a paged-out message reads its body back with
/// <see cref="ReadBody"/> or <see cref="Read"/>.
/// </para>
/// <para>
/// Concurrency: all public methods are thread-safe. One lock (<c>_lock</c>) guards the open batch,
/// the segment table and the counters, and is held only to copy a record or adjust counters. The
/// writer thread alone touches files for writing. Reads use positional reads on the segment's
/// handle and run in parallel with everything else. Contract: ack each id at most once, and only
/// after its append completed; read a body only while its message is live.
/// </para>
/// </summary>
public sealed partial class MessageStore : IMessageStore, IDisposable
{
    private readonly string _dir;
    private readonly MessageStoreOptions _options;
    private readonly object _lock = new();
    private readonly Dictionary<uint, Segment> _segments = new();
    private readonly Dictionary<(string, string), QueueKey> _queues = new();
    private readonly Dictionary<(string, string), long> _dropWatermarks = new();
    private readonly Thread _writer;
    private readonly ManualResetEventSlim _wake = new(false);
    private int _wakeRequested;
    private volatile bool _stopping;
    private Exception? _writerFault;

    private Batch _open = new();
    private Batch _spare = new();
    private Batch? _inFlight;
    private Segment? _current;
    private uint _nextSegment = 1;
    private long _writeOffset;
    private long _liveMessages, _batches, _appends, _corruptRecords, _truncatedBytes;
    private Dictionary<(string, string), List<long>>? _recovered;
    private long _inlineBudget;
    private FileStream? _dropLog;

    private MessageStore(string directory, MessageStoreOptions options)
    {
        _dir = directory;
        _options = options;
        _inlineBudget = options.RecoverInlineBytes;
        _writer = new Thread(WriterLoop) { IsBackground = true, Name = "trove-amqp-store-writer" };
    }

    /// <summary>Opens (creating if needed) the store in <paramref name="directory"/> and recovers it.</summary>
    public static MessageStore Open(string directory, MessageStoreOptions? options = null)
    {
        Directory.CreateDirectory(directory);
        var store = new MessageStore(directory, options ?? new MessageStoreOptions());
        store.RecoverAll();
        store._writer.Start();
        return store;
    }

    /// <summary>The directory holding the segment files.</summary>
    public string DirectoryPath => _dir;

    /// <inheritdoc />
    /// <remarks>
    /// The id is the record's position, assigned under the store's lock; the bytes are copied into
    /// the open batch before this returns, so the caller may reuse its buffers at once. Every append
    /// of one batch shares the same <see cref="StoreWrite.Durable"/> task.
    /// </remarks>
    public StoreWrite Append(string vhost, string queue, string exchange, string routingKey,
        ReadOnlyMemory<byte> properties, ReadOnlyMemory<byte> body)
    {
        int eb = SegmentFormat.ShortLength(exchange), rb = SegmentFormat.ShortLength(routingKey);
        long id;
        Task durable;
        lock (_lock)
        {
            ThrowIfFaulted();
            if (_recovered is { Count: > 0 }) DropUnclaimedLocked();
            _recovered = null;
            var key = KeyFor(vhost, queue);
            int size = SegmentFormat.MessageRecordSize(key.VhostBytes.Length, key.QueueBytes.Length, eb, rb, properties.Length, body.Length);
            if (size - SegmentFormat.RecordHeaderSize > SegmentFormat.MaxPayload) throw new ArgumentException("message too large for the store");
            if (_current is null || (_writeOffset + size > _options.SegmentSize && _writeOffset > SegmentFormat.HeaderSize))
                RollSegment();
            var seg = _current!;
            id = SegmentFormat.MakeId(seg.Number, (uint)_writeOffset);
            var chunk = _open.ChunkFor(seg, _writeOffset);
            SegmentFormat.WriteMessage(chunk.Reserve(size), key.VhostBytes, key.QueueBytes, exchange, routingKey, properties.Span, body.Span);
            _writeOffset += size;
            seg.Records++;
            seg.AddLive(key, 1);
            _liveMessages++;
            _appends++;
            _open.Appends++;
            durable = _open.Durable.Task;
        }
        Wake();
        return new StoreWrite(id, durable);
    }

    /// <summary>
    /// Marks message <paramref name="id"/> of <paramref name="queue"/> as settled: it will not be
    /// recovered again, and its segment is deleted once nothing in it is live. Unknown ids, repeated
    /// acks and ids of a dropped queue are ignored.
    /// </summary>
    public void Ack(string vhost, string queue, long id)
    {
        lock (_lock)
        {
            if (!_queues.TryGetValue((vhost, queue), out var key)) return;
            if (id < key.DroppedBelow) return;
            if (!_segments.TryGetValue(SegmentFormat.SegmentOf(id), out var seg)) return;
            if (!seg.AddLive(key, -1)) return;
            _liveMessages--;
            _open.Acks.Add(id);
            if (seg.Sealed && seg.LiveTotal == 0) _open.Deletions.Add(seg);
        }
        Wake();
    }

    /// <summary>
    /// queue.purge: nothing to do here, because the broker acks each purged ready message (as
    /// RabbitMQ, purge leaves delivered-but-unacked messages alone, so dropping the whole queue's
    /// log would lose those if they were requeued). Ready messages are settled through <see cref="Ack"/>.
    /// </summary>
    public void PurgeQueue(string vhost, string queue) { }

    /// <summary>
    /// Drops every stored message of <paramref name="queue"/> (queue deleted or purged): recorded in
    /// the drop log and synced before this returns, so a restart does not bring them back. Messages
    /// appended afterwards under the same name are unaffected.
    /// </summary>
    public void DeleteQueue(string vhost, string queue)
    {
        lock (_lock) DeleteQueueLocked(vhost, queue);
        Wake();
    }

    private void DeleteQueueLocked(string vhost, string queue)
    {
        ThrowIfFaulted();
        _recovered?.Remove((vhost, queue));
        if (!_queues.Remove((vhost, queue), out var key)) return;
        long watermark = _current is null ? SegmentFormat.MakeId(_nextSegment, 0) : SegmentFormat.MakeId(_current.Number, (uint)_writeOffset);
        bool any = false;
        foreach (var seg in _segments.Values)
        {
            int n = seg.RemoveQueue(key);
            if (n == 0) continue;
            any = true;
            _liveMessages -= n;
            if (seg.Sealed && seg.LiveTotal == 0) _open.Deletions.Add(seg);
        }
        _dropWatermarks[(vhost, queue)] = watermark;
        if (any) AppendDrop(key.VhostBytes, key.QueueBytes, watermark);
    }

    /// <summary>
    /// The live messages of <paramref name="queue"/> found at open, oldest first. Bodies are loaded
    /// while the store's inline budget lasts (<see cref="MessageStoreOptions.RecoverInlineBytes"/>);
    /// past it they stay on disk (<see cref="StoredMessage.BodyOnDisk"/>). Handed out once per queue.
    /// </summary>
    public IEnumerable<StoredMessage> Recover(string vhost, string queue)
    {
        List<long>? ids;
        lock (_lock)
        {
            if (_recovered is null || !_recovered.Remove((vhost, queue), out ids)) return [];
        }
        var result = new List<StoredMessage>(ids.Count);
        foreach (long id in ids)
        {
            var payload = ReadPayload(id, out var view);
            bool inline = _inlineBudget >= view.BodyLength;
            if (inline) _inlineBudget -= view.BodyLength;
            var span = payload.AsSpan();
            result.Add(new StoredMessage(id,
                Encoding.UTF8.GetString(span.Slice(view.ExchangeStart, view.ExchangeLength)),
                Encoding.UTF8.GetString(span.Slice(view.RoutingKeyStart, view.RoutingKeyLength)),
                span.Slice(view.PropertiesStart, view.PropertiesLength).ToArray(),
                inline ? payload.AsMemory(view.BodyStart, view.BodyLength) : ReadOnlyMemory<byte>.Empty,
                view.BodyLength, !inline));
        }
        return result;
    }

    /// <summary>Names (vhost, queue) that still hold recovered messages nobody asked for with <see cref="Recover"/>.</summary>
    public IReadOnlyList<(string Vhost, string Queue)> UnclaimedQueues()
    {
        lock (_lock) return _recovered is null ? [] : _recovered.Keys.ToList();
    }

    /// <summary>
    /// Ends recovery: queues whose messages were not claimed with <see cref="Recover"/> (their
    /// definition is gone) are dropped, so their segments can be deleted. The first
    /// <see cref="Append"/> does this too: by then the broker has recovered every durable queue.
    /// </summary>
    public void DropUnclaimed()
    {
        lock (_lock)
        {
            DropUnclaimedLocked();
            _recovered = null;
        }
        Wake();
    }

    private void DropUnclaimedLocked()
    {
        if (_recovered is null) return;
        foreach (var (v, q) in _recovered.Keys.ToList()) DeleteQueueLocked(v, q);
    }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> ReadBody(string vhost, string queue, long id)
    {
        var payload = ReadPayload(id, out var view);
        return payload.AsMemory(view.BodyStart, view.BodyLength);
    }

    /// <summary>Reads the properties and body of a live message (tests and tools).</summary>
    public (byte[] Properties, byte[] Body) Read(long id)
    {
        var payload = ReadPayload(id, out var view);
        return (payload.AsSpan(view.PropertiesStart, view.PropertiesLength).ToArray(), payload.AsSpan(view.BodyStart, view.BodyLength).ToArray());
    }

    /// <summary>Counters for tests and listings.</summary>
    public MessageStoreStats GetStats()
    {
        lock (_lock)
        {
            long disk = 0;
            foreach (var s in _segments.Values) disk += s.FileLength;
            return new MessageStoreStats(_segments.Count, _liveMessages, disk, Interlocked.Read(ref _batches), _appends,
                _corruptRecords, _truncatedBytes);
        }
    }

    private byte[] ReadPayload(long id, out SegmentFormat.MessageView view)
    {
        var payload = ReadPayload(id);
        if (!SegmentFormat.TryParseMessage(payload, out view)) throw new MessageStoreException($"record {id} is not a message");
        return payload;
    }

    private byte[] ReadPayload(long id)
    {
        SafeFileHandle? handle = null;
        lock (_lock)
        {
            // A record whose batch is not written yet is read from the batch's buffer, so a broker
            // may page a body out as soon as Append returns.
            if (_open.TryCopyRecord(id) is { } fromOpen) return fromOpen;
            if (_inFlight?.TryCopyRecord(id) is { } fromInFlight) return fromInFlight;
            if (_segments.TryGetValue(SegmentFormat.SegmentOf(id), out var seg)) handle = seg.Handle;
        }
        if (handle is null) throw new MessageStoreException($"message {id}: segment not in the store");
        long offset = SegmentFormat.OffsetOf(id);
        Span<byte> header = stackalloc byte[SegmentFormat.RecordHeaderSize];
        try
        {
            if (RandomAccess.Read(handle, header, offset) != header.Length) throw new MessageStoreException($"message {id}: short read");
            int len = BinaryPrimitives.ReadInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (len <= 0 || len > SegmentFormat.MaxPayload) throw new MessageStoreException($"message {id}: bad record length {len}");
            var payload = GC.AllocateUninitializedArray<byte>(len);
            int got = 0;
            while (got < len)
            {
                int n = RandomAccess.Read(handle, payload.AsSpan(got), offset + SegmentFormat.RecordHeaderSize + got);
                if (n <= 0) throw new MessageStoreException($"message {id}: short read");
                got += n;
            }
            if (Crc32C.Compute(payload) != crc) throw new MessageStoreException($"message {id}: checksum mismatch");
            return payload;
        }
        catch (ObjectDisposedException)
        {
            throw new MessageStoreException($"message {id}: its segment was deleted (acked)");
        }
    }

    private QueueKey KeyFor(string vhost, string queue)
    {
        if (!_queues.TryGetValue((vhost, queue), out var key))
        {
            _dropWatermarks.TryGetValue((vhost, queue), out long dropped);
            key = new QueueKey(vhost, queue, dropped);
            _queues[(vhost, queue)] = key;
        }
        return key;
    }

    /// <summary>Seals the current segment and starts the next; its header goes into the open batch.</summary>
    private void RollSegment()
    {
        if (_current is not null)
        {
            _current.Sealed = true;
            _current.SealedLength = _writeOffset;
            _open.Sealed.Add(_current);
            if (_current.LiveTotal == 0) _open.Deletions.Add(_current);
        }
        var seg = new Segment(_nextSegment++) { FileLength = _options.SegmentSize };
        _segments[seg.Number] = seg;
        _current = seg;
        _writeOffset = 0;
        SegmentFormat.WriteHeader(_open.ChunkFor(seg, 0).Reserve(SegmentFormat.HeaderSize));
        _writeOffset = SegmentFormat.HeaderSize;
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _wakeRequested, 1) == 0) _wake.Set();
    }

    private void ThrowIfFaulted()
    {
        if (_writerFault is not null) throw new MessageStoreException("the store's writer failed: " + _writerFault.Message);
        ObjectDisposedException.ThrowIf(_stopping, this);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes what is pending, syncs, and closes every file.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        _wake.Set();
        _writer.Join();
        lock (_lock)
        {
            foreach (var seg in _segments.Values) seg.Close();
            _dropLog?.Dispose();
        }
    }

    /// <summary>A (vhost, queue) name with its UTF-8 bytes cached; replaced by a new object when dropped.</summary>
    private sealed class QueueKey(string vhost, string queue, long droppedBelow)
    {
        public readonly byte[] VhostBytes = SegmentFormat.NameBytes(vhost);
        public readonly byte[] QueueBytes = SegmentFormat.NameBytes(queue);
        /// <summary>Ids below this belong to an earlier queue of the same name that was dropped.</summary>
        public readonly long DroppedBelow = droppedBelow;
    }

    /// <summary>One segment file: live counters per queue, its handle, its ack log.</summary>
    private sealed class Segment(uint number)
    {
        public readonly uint Number = number;
        private readonly Dictionary<QueueKey, int> _live = new(ReferenceEqualityComparer.Instance);
        public long Records;
        public long LiveTotal;
        public bool Sealed;
        public long SealedLength = -1;
        public long FileLength;
        public SafeFileHandle? Handle;
        public FileStream? AckLog;
        public bool Deleted;

        /// <summary>Adds <paramref name="delta"/> live messages of a queue; false (no change) if that would go below zero.</summary>
        public bool AddLive(QueueKey key, int delta)
        {
            _live.TryGetValue(key, out int n);
            if (n + delta < 0) return false;
            if (n + delta == 0) _live.Remove(key); else _live[key] = n + delta;
            LiveTotal += delta;
            return true;
        }

        public int RemoveQueue(QueueKey key)
        {
            if (!_live.Remove(key, out int n)) return 0;
            LiveTotal -= n;
            return n;
        }

        public void Close()
        {
            Handle?.Dispose();
            AckLog?.Dispose();
        }
    }

    /// <summary>Bytes of one segment file written by a batch.</summary>
    private sealed class Chunk
    {
        public Segment Segment = null!;
        public long FileOffset;
        public byte[] Buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        public int Length;

        public Span<byte> Reserve(int size)
        {
            if (Length + size > Buffer.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Buffer.Length * 2, Length + size));
                Buffer.AsSpan(0, Length).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(Buffer);
                Buffer = bigger;
            }
            var span = Buffer.AsSpan(Length, size);
            Length += size;
            return span;
        }
    }

    /// <summary>Everything the writer does in one pass: bytes to write, appends to complete, acks, deletions.</summary>
    private sealed class Batch
    {
        public readonly List<Chunk> Chunks = new();
        private readonly List<Chunk> _free = new();
        /// <summary>Completed once this batch is on disk: the Durable task of every append in it.</summary>
        public TaskCompletionSource Durable = NewDurable();
        public int Appends;
        public readonly List<long> Acks = new();
        public readonly List<Segment> Deletions = new();
        public readonly List<Segment> Sealed = new();

        public bool IsEmpty => Chunks.Count == 0 && Acks.Count == 0 && Deletions.Count == 0 && Appends == 0 && Sealed.Count == 0;

        /// <summary>The payload of record <paramref name="id"/> if this batch holds it (checksum verified).</summary>
        public byte[]? TryCopyRecord(long id)
        {
            uint segment = SegmentFormat.SegmentOf(id);
            long offset = SegmentFormat.OffsetOf(id);
            foreach (var c in Chunks)
            {
                if (c.Segment.Number != segment || offset < c.FileOffset || offset >= c.FileOffset + c.Length) continue;
                var rec = c.Buffer.AsSpan((int)(offset - c.FileOffset), c.Length - (int)(offset - c.FileOffset));
                int len = BinaryPrimitives.ReadInt32LittleEndian(rec);
                var payload = rec.Slice(SegmentFormat.RecordHeaderSize, len);
                if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(rec[4..]))
                    throw new MessageStoreException($"message {id}: checksum mismatch in memory");
                return payload.ToArray();
            }
            return null;
        }

        public Chunk ChunkFor(Segment seg, long offset)
        {
            if (Chunks.Count > 0 && Chunks[^1].Segment == seg) return Chunks[^1];
            Chunk c;
            if (_free.Count > 0) { c = _free[^1]; _free.RemoveAt(_free.Count - 1); }
            else c = new Chunk();
            c.Segment = seg;
            c.FileOffset = offset;
            c.Length = 0;
            Chunks.Add(c);
            return c;
        }

        private static TaskCompletionSource NewDurable() => new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Reset()
        {
            foreach (var c in Chunks)
            {
                // A huge batch (large bodies) should not pin its buffer forever.
                if (c.Buffer.Length > 4 * 1024 * 1024)
                {
                    ArrayPool<byte>.Shared.Return(c.Buffer);
                    c.Buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
                }
                c.Segment = null!;
                _free.Add(c);
            }
            Chunks.Clear();
            Appends = 0;
            Durable = NewDurable();
            Acks.Clear();
            Deletions.Clear();
            Sealed.Clear();
        }
    }
}
