using Trove.Memcached.Commands;
using Trove.Memcached.Engine;
using Trove.Memcached.Protocol;
using Trove.Net;

namespace Trove.Memcached.Server;

/// <summary>
/// One client connection: frames the byte stream into command lines and data blocks, dispatches,
/// and writes replies straight into the transport's output buffer. Driven by the connection's loop
/// thread (<see cref="ILoopSession"/>: one call at a time), so its fields need no locks; shared
/// state lives in the <see cref="ItemStore"/>. A storage command is read in two phases as memcached
/// does: the header line allocates the item's data array, then the data block is copied into it as
/// it arrives (so a large item streams in without the transport holding it), and the trailing CRLF
/// is checked.
/// </summary>
internal sealed partial class MemcachedSession : ILoopSession
{
    /// <summary>A line this long without a newline closes the connection (memcached's 2048), unless it is a get.</summary>
    public const int MaxLineLength = 2048;

    /// <summary>Bound on a multi-key get line, so one client cannot hold unbounded input.</summary>
    public const int MaxGetLineLength = 256 * 1024;

    private readonly MemcachedServer _server;
    private readonly ItemStore _store;
    private readonly LoopContext _context;
    private readonly TroveConnection _conn;
    private LoopOutput _out = null!;

    // Pending data block (nread state).
    private byte[]? _pending;
    private int _pendingFilled;
    private int _pendingKeyLength;
    private PendingStore _pendingStore;
    private long _swallow;            // bytes to discard (data of a refused store)
    private int _swallowReply;        // 0 none, 1 too large, 2 out of memory, 3 already replied

    /// <summary>The connection this session serves.</summary>
    public TroveConnection Connection => _conn;

    /// <summary>Counters of this connection; summed by stats.</summary>
    public readonly CommandCounters Counters = new();

    public MemcachedSession(MemcachedServer server, LoopContext context)
    {
        _server = server;
        _store = server.Store;
        _context = context;
        _conn = context.Connection;
        _allowControlKeys = server.Options.AllowControlCharactersInKeys;
    }

    private readonly bool _allowControlKeys;

    /// <summary>Processes every complete command in <paramref name="input"/>; returns the bytes consumed.</summary>
    public int OnInput(ReadOnlySpan<byte> input, LoopOutput output)
    {
        _out = output;
        int start = 0;
        while (true)
        {
            if (_swallow > 0)
            {
                int n = (int)Math.Min(_swallow, input.Length - start);
                start += n;
                _swallow -= n;
                if (_swallow > 0) return start;
                FinishSwallow();
                continue;
            }
            if (_pending is not null)
            {
                if (!ReadData(input, ref start)) return start;
                continue;
            }
            var rest = input[start..];
            if (rest.IsEmpty || output.IsFull) return start;
            int nl = rest.IndexOf((byte)'\n');
            if (nl < 0)
            {
                if (rest.Length > MaxLineLength && !IsLongGet(rest)) return Close(input);
                return start;
            }
            var line = rest[..nl];
            start += nl + 1;
            if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
            _conn.CountCommands();
            if (Dispatch(line)) return Close(input);
        }
    }

    /// <summary>memcached has no blocking commands, so nothing wakes a session.</summary>
    public void OnWake(LoopOutput output) { }

    /// <summary>Moves this connection's counters into the server's closed-connection totals.</summary>
    public void OnClosed() => _server.OnSessionClosed(this);

    /// <summary>Sends the replies written so far, then closes; the rest of the input is dropped.</summary>
    private int Close(ReadOnlySpan<byte> input)
    {
        _context.CloseAfterSend();
        return input.Length;
    }

    /// <summary>memcached keeps reading a long line only when it is a multi-key get (bounded here).</summary>
    private static bool IsLongGet(ReadOnlySpan<byte> head)
    {
        if (head.Length > MaxGetLineLength) return false;
        return head.StartsWith("get "u8) || head.StartsWith("gets "u8) || head.StartsWith("gat "u8) || head.StartsWith("gats "u8);
    }

    /// <summary>Copies data-block bytes into the pending item; true when the block and its CRLF are complete.</summary>
    private bool ReadData(ReadOnlySpan<byte> input, ref int start)
    {
        var data = _pending!;
        int need = data.Length - _pendingFilled;
        if (need > 0)
        {
            int n = Math.Min(need, input.Length - start);
            input.Slice(start, n).CopyTo(data.AsSpan(_pendingFilled));
            start += n;
            _pendingFilled += n;
            if (n < need) return false;
        }
        if (input.Length - start < 2) return false;
        bool crlf = input[start] == (byte)'\r' && input[start + 1] == (byte)'\n';
        start += 2;
        _pending = null;
        if (!crlf)
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
        _out.Write(reply);
    }

    /// <summary>Output buffer for multi-part replies.</summary>
    private LoopOutput Out => _out;

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
