using System.Buffers;
using System.IO.Pipelines;
using Trove.Memcached.Commands;
using Trove.Memcached.Engine;
using Trove.Memcached.Protocol;
using Trove.Net;

namespace Trove.Memcached.Server;

/// <summary>
/// One client connection: frames the byte stream into command lines and data blocks, dispatches,
/// and writes replies straight into the connection's output pipe. Runs on one thread at a time
/// (the pipe loop), so its fields need no locks; shared state lives in the <see cref="ItemStore"/>.
/// A storage command is read in two phases as memcached does: the header line allocates the item's
/// data array, then the data block is copied into it as it arrives (so an item larger than the input
/// pipe's pause threshold still streams in), and the trailing CRLF is checked.
/// </summary>
internal sealed partial class MemcachedSession
{
    /// <summary>A line this long without a newline closes the connection (memcached's 2048), unless it is a get.</summary>
    public const int MaxLineLength = 2048;

    /// <summary>Bound on a multi-key get line, so one client cannot hold unbounded input.</summary>
    public const int MaxGetLineLength = 256 * 1024;

    private readonly MemcachedServer _server;
    private readonly ItemStore _store;
    private readonly TroveConnection _conn;
    private readonly PipeWriter _out;
    private byte[] _lineBuffer = new byte[256];
    private bool _wrote;

    // Pending data block (nread state).
    private byte[]? _pending;
    private int _pendingFilled;
    private int _pendingKeyLength;
    private PendingStore _pendingStore;
    private long _swallow;            // bytes to discard (data of a refused store)
    private int _swallowReply;        // 0 none, 1 too large, 2 out of memory, 3 already replied

    /// <summary>Counters of this connection; summed by stats.</summary>
    public readonly CommandCounters Counters = new();

    public MemcachedSession(MemcachedServer server, TroveConnection conn)
    {
        _server = server;
        _store = server.Store;
        _conn = conn;
        _out = conn.Output;
        _allowControlKeys = server.Options.AllowControlCharactersInKeys;
    }

    private readonly bool _allowControlKeys;

    /// <summary>The connection loop: read, process every complete command, flush, repeat.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var input = _conn.Input;
        while (true)
        {
            ReadResult result;
            try { result = await input.ReadAsync(stopping).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
            var buffer = result.Buffer;
            bool close = Process(ref buffer);
            input.AdvanceTo(buffer.Start, buffer.End);
            if (_wrote)
            {
                _wrote = false;
                var flush = await _out.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted) break;
            }
            if (close || result.IsCompleted || result.IsCanceled) break;
        }
    }

    /// <summary>Processes complete commands at the start of <paramref name="buffer"/>, slicing them off. True: close.</summary>
    internal bool Process(ref ReadOnlySequence<byte> buffer)
    {
        while (true)
        {
            if (_swallow > 0)
            {
                long n = Math.Min(_swallow, buffer.Length);
                buffer = buffer.Slice(n);
                _swallow -= n;
                if (_swallow > 0) return false;
                FinishSwallow();
                continue;
            }
            if (_pending is not null)
            {
                if (!ReadData(ref buffer)) return false;
                continue;
            }
            if (buffer.IsEmpty) return false;
            var nl = buffer.PositionOf((byte)'\n');
            if (nl is null)
            {
                if (buffer.Length > MaxLineLength && !IsLongGet(buffer)) return true;
                return false;
            }
            var lineSeq = buffer.Slice(0, nl.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, nl.Value));
            ReadOnlySpan<byte> line;
            if (lineSeq.IsSingleSegment) line = lineSeq.FirstSpan;
            else
            {
                int len = (int)lineSeq.Length;
                if (_lineBuffer.Length < len) _lineBuffer = new byte[Math.Max(len, _lineBuffer.Length * 2)];
                lineSeq.CopyTo(_lineBuffer);
                line = _lineBuffer.AsSpan(0, len);
            }
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            _conn.CountCommands();
            if (Dispatch(line)) return true;
        }
    }

    /// <summary>memcached keeps reading a long line only when it is a multi-key get (bounded here).</summary>
    private static bool IsLongGet(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length > MaxGetLineLength) return false;
        Span<byte> head = stackalloc byte[5];
        buffer.Slice(0, 5).CopyTo(head);
        return head.StartsWith("get "u8) || head.StartsWith("gets "u8) || head.StartsWith("gat "u8) || head.StartsWith("gats "u8);
    }

    /// <summary>Copies data-block bytes into the pending item; true when the block and its CRLF are complete.</summary>
    private bool ReadData(ref ReadOnlySequence<byte> buffer)
    {
        var data = _pending!;
        int need = data.Length - _pendingFilled;
        if (need > 0)
        {
            int n = (int)Math.Min(need, buffer.Length);
            buffer.Slice(0, n).CopyTo(data.AsSpan(_pendingFilled));
            buffer = buffer.Slice(n);
            _pendingFilled += n;
            if (n < need) return false;
        }
        if (buffer.Length < 2) return false;
        Span<byte> crlf = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(crlf);
        buffer = buffer.Slice(2);
        _pending = null;
        if (crlf[0] != (byte)'\r' || crlf[1] != (byte)'\n')
        {
            // memcached replies and carries on parsing right after the declared length.
            Reply(Replies.BadDataChunk, _pendingStore.NoReply && !_pendingStore.Meta);
            return true;
        }
        CompleteStore(data);
        return true;
    }

    /// <summary>Starts reading a data block of <paramref name="valueLength"/> bytes for a store.</summary>
    private void BeginData(ReadOnlySpan<byte> key, int valueLength, in PendingStore store)
    {
        var data = GC.AllocateUninitializedArray<byte>(key.Length + valueLength);
        key.CopyTo(data);
        _pending = data;
        _pendingFilled = key.Length;
        _pendingKeyLength = key.Length;
        _pendingStore = store;
    }

    /// <summary>Discards a refused store's data block, then sends the deferred reply.</summary>
    private void BeginSwallow(long bytes, int reply)
    {
        _swallow = bytes;
        _swallowReply = reply;
        if (bytes == 0) FinishSwallow();
    }

    private void FinishSwallow()
    {
        switch (_swallowReply)
        {
            case 1: Reply(Replies.TooLarge, _pendingStore.NoReply); break;
            case 2: Reply(Replies.OutOfMemory, _pendingStore.NoReply); break;
        }
        _swallowReply = 0;
    }

    /// <summary>Writes a fixed reply unless noreply.</summary>
    private void Reply(ReadOnlySpan<byte> reply, bool noReply = false)
    {
        if (noReply) return;
        _out.Put(reply);
        _wrote = true;
    }

    /// <summary>Output buffer for multi-part replies; marks that a flush is due.</summary>
    private PipeWriter Out
    {
        get { _wrote = true; return _out; }
    }

    /// <summary>Key rules: 1..250 bytes, and no control characters unless the options allow them.</summary>
    internal bool ValidKey(ReadOnlySpan<byte> key)
    {
        if (key.Length == 0 || key.Length > 250) return false;
        return _allowControlKeys || (key.IndexOfAnyInRange((byte)0, (byte)0x1f) < 0 && key.IndexOf((byte)0x7f) < 0);
    }
}

/// <summary>What a storage command's header said, kept while its data block arrives.</summary>
internal struct PendingStore
{
    public StoreMode Mode;
    public uint Flags;
    public long Exptime;
    public long Cas;
    public bool NoReply;
    public bool Meta;
    public MetaFlags MetaFlags;
}
