using System.Buffers.Binary;
using System.Text;

namespace Trove.Amqp.Storage;

/// <summary>Recovery at open: drop log, ack logs, then every segment in number (= id) order.</summary>
public sealed partial class MessageStore
{
    private void RecoverAll()
    {
        foreach (var (k, wm) in ReadDrops()) _dropWatermarks[k] = wm;
        var numbers = new List<uint>();
        foreach (var path in Directory.EnumerateFiles(_dir, "msgs.*"))
            if (SegmentFormat.TryParseNumber(Path.GetFileName(path), "msgs.", out uint n)) numbers.Add(n);
        numbers.Sort();
        _recovered = new();
        foreach (uint n in numbers)
        {
            var seg = new Segment(n) { Sealed = true };
            ScanSegment(seg, ReadAcks(n));
            if (seg.LiveTotal == 0)
            {
                seg.Close();
                File.Delete(Path.Combine(_dir, SegmentFormat.SegmentName(n)));
                File.Delete(Path.Combine(_dir, SegmentFormat.AckName(n)));
                continue;
            }
            _segments[n] = seg;
        }
        foreach (var path in Directory.EnumerateFiles(_dir, "acks.*"))
            if (SegmentFormat.TryParseNumber(Path.GetFileName(path), "acks.", out uint n) && !_segments.ContainsKey(n))
                File.Delete(path);
        foreach (var path in Directory.EnumerateFiles(_dir, "*.tmp")) File.Delete(path);
        uint maxSeg = numbers.Count > 0 ? numbers[^1] : 0;
        CompactDrops(ref maxSeg);
        _nextSegment = maxSeg + 1;
    }

    /// <summary>
    /// Scans one segment: verifies every record, counts live messages per queue, and cuts a torn or
    /// zero-filled tail. A record whose checksum fails but whose length fits is skipped.
    /// </summary>
    private void ScanSegment(Segment seg, HashSet<uint> acked)
    {
        var path = Path.Combine(_dir, SegmentFormat.SegmentName(seg.Number));
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1 << 20, FileOptions.SequentialScan))
        {
            long fileLen = fs.Length;
            Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
            long pos;
            if (fileLen < SegmentFormat.HeaderSize || fs.ReadAtLeast(header, header.Length, false) < header.Length || !SegmentFormat.CheckHeader(header))
            {
                if (fileLen >= SegmentFormat.HeaderSize && header.IndexOfAnyExcept((byte)0) >= 0)
                    throw new MessageStoreException($"{path}: not a segment of a version this build reads");
                pos = 0; // a segment created but never written: nothing in it
            }
            else
            {
                pos = SegmentFormat.HeaderSize;
                ScanRecords(seg, fs, fileLen, ref pos, acked);
            }
            if (pos < fileLen)
            {
                _truncatedBytes += fileLen - pos;
                fs.SetLength(pos);
                fs.Flush(true);
            }
            seg.FileLength = pos;
            seg.SealedLength = pos;
        }
        if (seg.FileLength > 0)
            seg.Handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
    }

    private void ScanRecords(Segment seg, FileStream fs, long fileLen, ref long pos, HashSet<uint> acked)
    {
        Span<byte> rh = stackalloc byte[SegmentFormat.RecordHeaderSize];
        byte[] payload = new byte[64 * 1024];
        QueueKey? lastKey = null;
        List<long>? lastList = null;
        while (pos + SegmentFormat.RecordHeaderSize <= fileLen)
        {
            fs.ReadExactly(rh);
            int len = BinaryPrimitives.ReadInt32LittleEndian(rh);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(rh[4..]);
            if (len <= 0 || len > SegmentFormat.MaxPayload || pos + SegmentFormat.RecordHeaderSize + len > fileLen)
                return; // zero-filled or torn tail: everything from here on is cut
            if (payload.Length < len) payload = new byte[Math.Max(len, payload.Length * 2)];
            var span = payload.AsSpan(0, len);
            fs.ReadExactly(span);
            long recordPos = pos;
            pos += SegmentFormat.RecordHeaderSize + len;
            if (Crc32C.Compute(span) != crc || !SegmentFormat.TryParseMessage(span, out var view))
            {
                _corruptRecords++;
                continue;
            }
            seg.Records++;
            long id = SegmentFormat.MakeId(seg.Number, (uint)recordPos);
            QueueKey key;
            List<long> list;
            var vhost = span.Slice(view.VhostStart, view.VhostLength);
            var queue = span.Slice(view.QueueStart, view.QueueLength);
            if (lastKey is not null && vhost.SequenceEqual(lastKey.VhostBytes) && queue.SequenceEqual(lastKey.QueueBytes))
            {
                key = lastKey;
                list = lastList!;
            }
            else
            {
                var name = (Encoding.UTF8.GetString(vhost), Encoding.UTF8.GetString(queue));
                key = KeyFor(name.Item1, name.Item2);
                if (!_recovered!.TryGetValue(name, out list!)) _recovered[name] = list = new List<long>();
                lastKey = key;
                lastList = list;
            }
            if (acked.Contains((uint)recordPos) || id < key.DroppedBelow) continue;
            seg.AddLive(key, 1);
            _liveMessages++;
            list.Add(id);
        }
    }

    /// <summary>The acked offsets of a segment; a torn last entry is ignored (zero is never a record offset).</summary>
    private HashSet<uint> ReadAcks(uint segment)
    {
        var set = new HashSet<uint>();
        var path = Path.Combine(_dir, SegmentFormat.AckName(segment));
        if (!File.Exists(path)) return set;
        var bytes = File.ReadAllBytes(path);
        int whole = bytes.Length / 4 * 4;
        for (int i = 0; i < whole; i += 4)
        {
            uint off = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i));
            if (off != 0) set.Add(off);
        }
        if (whole != bytes.Length)
            using (var fs = new FileStream(path, FileMode.Open, FileAccess.Write)) fs.SetLength(whole);
        return set;
    }

    private Dictionary<(string, string), long> ReadDrops()
    {
        var drops = new Dictionary<(string, string), long>();
        var path = Path.Combine(_dir, DropLogName);
        if (!File.Exists(path)) return drops;
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < SegmentFormat.HeaderSize || !SegmentFormat.CheckHeader(bytes)) return drops;
        int pos = SegmentFormat.HeaderSize;
        while (pos + SegmentFormat.RecordHeaderSize <= bytes.Length)
        {
            int len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos));
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 4));
            if (len <= 0 || pos + SegmentFormat.RecordHeaderSize + len > bytes.Length) break;
            var p = bytes.AsSpan(pos + SegmentFormat.RecordHeaderSize, len);
            pos += SegmentFormat.RecordHeaderSize + len;
            if (Crc32C.Compute(p) != crc) continue;
            int vl = p[0];
            if (1 + vl + 1 > p.Length) continue;
            int ql = p[1 + vl];
            if (2 + vl + ql + 8 != p.Length) continue;
            var name = (Encoding.UTF8.GetString(p.Slice(1, vl)), Encoding.UTF8.GetString(p.Slice(2 + vl, ql)));
            long wm = BinaryPrimitives.ReadInt64LittleEndian(p[(2 + vl + ql)..]);
            drops[name] = Math.Max(wm, drops.GetValueOrDefault(name));
        }
        return drops;
    }

    /// <summary>
    /// Keeps only drop records that can still kill a message on disk (rewritten atomically), and
    /// makes sure new segment numbers stay above every kept watermark.
    /// </summary>
    private void CompactDrops(ref uint maxSeg)
    {
        var path = Path.Combine(_dir, DropLogName);
        long oldest = _segments.Count > 0 ? SegmentFormat.MakeId(_segments.Keys.Min(), 0) : long.MaxValue;
        var keep = _dropWatermarks.Where(kv => kv.Value > oldest).ToList();
        if (keep.Count == _dropWatermarks.Count && (keep.Count > 0 || !File.Exists(path)))
        {
            foreach (var kv in keep) maxSeg = Math.Max(maxSeg, SegmentFormat.SegmentOf(kv.Value));
            return;
        }
        _dropWatermarks.Clear();
        foreach (var kv in keep)
        {
            _dropWatermarks[kv.Key] = kv.Value;
            maxSeg = Math.Max(maxSeg, SegmentFormat.SegmentOf(kv.Value));
        }
        // Keys built during the scan carry the old watermarks; rebuild them without the removed ones.
        foreach (var name in _queues.Keys.ToList())
            if (!_dropWatermarks.ContainsKey(name) && _queues[name].DroppedBelow != 0)
                RebuildKey(name);
        if (keep.Count == 0)
        {
            File.Delete(path);
            return;
        }
        var tmp = path + ".tmp";
        using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
            SegmentFormat.WriteHeader(header);
            fs.Write(header);
            foreach (var ((v, q), wm) in keep) fs.Write(EncodeDrop(SegmentFormat.NameBytes(v), SegmentFormat.NameBytes(q), wm));
            fs.Flush(true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Replaces a queue's key by one without a drop watermark, moving its live counts over.</summary>
    private void RebuildKey(( string, string) name)
    {
        var old = _queues[name];
        var fresh = new QueueKey(name.Item1, name.Item2, 0);
        _queues[name] = fresh;
        foreach (var seg in _segments.Values)
        {
            int n = seg.RemoveQueue(old);
            if (n > 0) seg.AddLive(fresh, n);
        }
    }
}
