using System.Buffers;
using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;
using Trove.Redis.Engine;

namespace Trove.Redis.Persistence;

/// <summary>When the append-only file is forced to disk (appendfsync).</summary>
public enum FsyncPolicy
{
    /// <summary>After every batch of writes, before their replies go out (appendfsync always).</summary>
    Always,
    /// <summary>Once a second in the background (appendfsync everysec, the default).</summary>
    EverySec,
    /// <summary>Never explicitly; the OS writes back when it likes (appendfsync no).</summary>
    No,
}

/// <summary>
/// The append-only file: every write the engine applies, as the RESP command that makes it, with
/// a SELECT whenever the database changes — the format of Redis's AOF, so redis-check-aof and a
/// real redis-server can read it (one file, as Redis before 7.0 wrote it and 7.0 still loads).
/// <para>
/// <b>Flow</b>: <see cref="Append"/> encodes into a memory buffer (engine lock held);
/// <see cref="Flush"/>, called by a session at the end of each batch and still under the lock,
/// writes the buffer to the file before the batch's replies are sent, so an acknowledged write
/// survives the process being killed; with <see cref="FsyncPolicy.Always"/> it is also on disk
/// by then. With <see cref="FsyncPolicy.EverySec"/> a timer calls fsync outside the engine lock
/// (positional writes and fsync on the same handle need no lock between them).
/// </para>
/// </summary>
public sealed class AppendOnlyFile : IWriteLog, IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly FsyncPolicy _policy;
    private readonly Timer? _fsyncTimer;
    private long _length;
    private int _db = -1;
    private long _unsynced;
    private bool _disposed;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending.</summary>
    public AppendOnlyFile(string path, FsyncPolicy policy)
    {
        Path = path;
        _policy = policy;
        _handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        _length = RandomAccess.GetLength(_handle);
        if (policy == FsyncPolicy.EverySec) _fsyncTimer = new Timer(_ => SyncIfNeeded(), null, 1000, 1000);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>Bytes in the file (aof_current_size).</summary>
    public long Length => Interlocked.Read(ref _length);

    /// <summary>Parses appendfsync's value; null when it is not one of always, everysec, no.</summary>
    public static FsyncPolicy? ParsePolicy(string value) => value.ToLowerInvariant() switch
    {
        "always" => FsyncPolicy.Always,
        "everysec" => FsyncPolicy.EverySec,
        "no" => FsyncPolicy.No,
        _ => null,
    };

    /// <inheritdoc />
    public void Append(int db, IReadOnlyList<ReadOnlyMemory<byte>> args)
    {
        if (db != _db)
        {
            Span<byte> digits = stackalloc byte[11];
            Utf8Formatter.TryFormat(db, digits, out int n);
            WriteHeader('*', 2);
            WriteBulk("SELECT"u8);
            WriteBulk(digits[..n]);
            _db = db;
        }
        WriteHeader('*', args.Count);
        for (int i = 0; i < args.Count; i++) WriteBulk(args[i].Span);
    }

    /// <inheritdoc />
    public void Flush()
    {
        if (_buffer.WrittenCount == 0 || _disposed) return;
        var data = _buffer.WrittenMemory;
        RandomAccess.Write(_handle, data.Span, _length);
        Interlocked.Add(ref _length, data.Length);
        _buffer.ResetWrittenCount();
        if (_policy == FsyncPolicy.Always) RandomAccess.FlushToDisk(_handle);
        else Interlocked.Add(ref _unsynced, data.Length);
    }

    private void SyncIfNeeded()
    {
        if (Interlocked.Exchange(ref _unsynced, 0) == 0) return;
        try { RandomAccess.FlushToDisk(_handle); }
        catch (ObjectDisposedException) { }
    }

    private void WriteHeader(char prefix, int n)
    {
        var span = _buffer.GetSpan(16);
        span[0] = (byte)prefix;
        Utf8Formatter.TryFormat(n, span[1..], out int len);
        span[len + 1] = (byte)'\r';
        span[len + 2] = (byte)'\n';
        _buffer.Advance(len + 3);
    }

    private void WriteBulk(ReadOnlySpan<byte> value)
    {
        WriteHeader('$', value.Length);
        _buffer.Write(value);
        _buffer.Write("\r\n"u8);
    }

    /// <summary>Writes what is buffered, forces it to disk and closes the file (SHUTDOWN, server stop).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Flush();
        _disposed = true;
        _fsyncTimer?.Dispose();
        RandomAccess.FlushToDisk(_handle);
        _handle.Dispose();
    }
}
