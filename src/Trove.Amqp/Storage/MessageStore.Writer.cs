using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Trove.Amqp.Storage;

/// <summary>The writer thread: group commit, ack logs, segment deletion, and the drop log.</summary>
public sealed partial class MessageStore
{
    [DllImport("libc", SetLastError = true)]
    private static extern int fdatasync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    /// <summary>
    /// One pass per wake-up: take the open batch (appends keep going into the other one), write its
    /// bytes, sync once, then complete its appends. While this thread syncs, new appends pile up in
    /// the open batch, so the number of messages per sync grows with the load.
    /// </summary>
    private void WriterLoop()
    {
        while (true)
        {
            bool stopping = _stopping;
            Volatile.Write(ref _wakeRequested, 0);
            Batch batch;
            lock (_lock)
            {
                batch = _open;
                _open = _spare;
                _inFlight = batch;
            }
            if (!batch.IsEmpty)
            {
                if (_writerFault is null)
                {
                    try { Process(batch); }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { _writerFault = ex; }
                }
                if (_writerFault is not null)
                    batch.Durable.TrySetException(new MessageStoreException("message store write failed: " + _writerFault.Message));
                Interlocked.Increment(ref _batches);
            }
            lock (_lock)
            {
                // Under the lock: ReadPayload may be copying a not-yet-written record out of this batch.
                _inFlight = null;
                batch.Reset();
                _spare = batch;
            }
            if (stopping)
            {
                lock (_lock) if (_open.IsEmpty) break;
                continue;
            }
            if (Volatile.Read(ref _wakeRequested) == 0)
            {
                _wake.Wait();
                _wake.Reset();
            }
        }
        lock (_lock)
            foreach (var seg in _segments.Values)
                if (seg.AckLog is { } log) { log.Flush(true); }
    }

    private void Process(Batch batch)
    {
        bool newFile = false;
        SafeFileHandle? last = null;
        List<SafeFileHandle>? touched = null;
        foreach (var chunk in batch.Chunks)
        {
            var seg = chunk.Segment;
            if (seg.Handle is null)
            {
                var h = File.OpenHandle(Path.Combine(_dir, SegmentFormat.SegmentName(seg.Number)), FileMode.CreateNew,
                    FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, FileOptions.None, preallocationSize: _options.SegmentSize);
                lock (_lock) seg.Handle = h;
                newFile = true;
            }
            RandomAccess.Write(seg.Handle, chunk.Buffer.AsSpan(0, chunk.Length), chunk.FileOffset);
            if (last is not null && last != seg.Handle) (touched ??= new()).Add(last);
            last = seg.Handle;
        }
        if (_options.Fsync)
        {
            if (touched is not null) foreach (var h in touched) Sync(h);
            if (last is not null) Sync(last);
            if (newFile) SyncDirectory();
        }
        // The sealed segment's last bytes are in this batch or an earlier one: cut its zero tail.
        foreach (var seg in batch.Sealed)
        {
            if (seg.Deleted || seg.Handle is null) continue;
            RandomAccess.SetLength(seg.Handle, seg.SealedLength);
            lock (_lock) seg.FileLength = seg.SealedLength;
        }
        if (batch.Acks.Count > 0) WriteAcks(batch.Acks);
        batch.Durable.TrySetResult();
        foreach (var seg in batch.Deletions) DeleteSegment(seg);
    }

    private void WriteAcks(List<long> acks)
    {
        Span<byte> entry = stackalloc byte[4];
        FileStream? lastLog = null;
        foreach (long id in acks)
        {
            Segment? seg;
            lock (_lock) _segments.TryGetValue(SegmentFormat.SegmentOf(id), out seg);
            if (seg is null || seg.Deleted) continue;
            if (seg.AckLog is null)
            {
                seg.AckLog = new FileStream(Path.Combine(_dir, SegmentFormat.AckName(seg.Number)), FileMode.Append, FileAccess.Write,
                    FileShare.ReadWrite | FileShare.Delete, 4096);
            }
            if (lastLog is not null && lastLog != seg.AckLog) lastLog.Flush();
            BinaryPrimitives.WriteUInt32LittleEndian(entry, SegmentFormat.OffsetOf(id));
            seg.AckLog.Write(entry);
            lastLog = seg.AckLog;
        }
        // To the OS, not to the disk: a kill -9 keeps them; a power cut may cost a redelivery.
        lastLog?.Flush();
    }

    private void DeleteSegment(Segment seg)
    {
        lock (_lock)
        {
            if (seg.Deleted || !seg.Sealed || seg.LiveTotal != 0) return;
            seg.Deleted = true;
            _segments.Remove(seg.Number);
        }
        seg.Close();
        File.Delete(Path.Combine(_dir, SegmentFormat.SegmentName(seg.Number)));
        File.Delete(Path.Combine(_dir, SegmentFormat.AckName(seg.Number)));
    }

    private static void Sync(SafeFileHandle handle)
    {
        int fd = (int)handle.DangerousGetHandle();
        if (fdatasync(fd) != 0 && fsync(fd) != 0)
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>A new file's directory entry must be durable too, or a crash can lose the whole file.</summary>
    private void SyncDirectory()
    {
        int fd = open(_dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        fsync(fd);
        close(fd);
    }

    /// <summary>Appends and syncs one drop record (called under <c>_lock</c>; drops are rare).</summary>
    private void AppendDrop(byte[] vhost, byte[] queue, long watermark)
    {
        if (_dropLog is null)
        {
            var path = Path.Combine(_dir, DropLogName);
            _dropLog = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096);
            if (_dropLog.Length == 0)
            {
                Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
                SegmentFormat.WriteHeader(header);
                _dropLog.Write(header);
            }
        }
        _dropLog.Write(EncodeDrop(vhost, queue, watermark));
        _dropLog.Flush(true);
    }

    private const string DropLogName = "drops";

    private static byte[] EncodeDrop(byte[] vhost, byte[] queue, long watermark)
    {
        int payload = 1 + vhost.Length + 1 + queue.Length + 8;
        var rec = new byte[SegmentFormat.RecordHeaderSize + payload];
        var p = rec.AsSpan(SegmentFormat.RecordHeaderSize);
        int i = 0;
        p[i++] = (byte)vhost.Length; vhost.CopyTo(p[i..]); i += vhost.Length;
        p[i++] = (byte)queue.Length; queue.CopyTo(p[i..]); i += queue.Length;
        BinaryPrimitives.WriteInt64LittleEndian(p[i..], watermark);
        BinaryPrimitives.WriteInt32LittleEndian(rec, payload);
        BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(4), Crc32C.Compute(p));
        return rec;
    }
}
