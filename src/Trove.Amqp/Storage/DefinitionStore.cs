using System.Buffers.Binary;
using System.Text;
using Trove.Amqp.Broker;

namespace Trove.Amqp.Storage;

/// <summary>
/// Durable definitions (vhosts, users, permissions, durable exchanges, queues, bindings) as an
/// append-only log, <c>definitions.log</c>: a version header, then one record per change
/// (u32 length, u32 CRC-32C, payload = u8 operation + its fields). Each change is applied to an
/// in-memory model and appended and fsynced before the call returns. <see cref="Load"/> replays the
/// log; a torn or corrupt tail is cut off (never fatal). At open, a log much longer than the live
/// state is rewritten as a snapshot (temp file, fsync, rename), so it does not grow without bound.
/// Thread-safe: one lock around the model and the file.
/// </summary>
public sealed class DefinitionStore : IDefinitionStore
{
    /// <summary>The log's file name inside the data directory.</summary>
    public const string FileName = "definitions.log";

    private enum Op : byte
    {
        SaveVhost = 1, DeleteVhost, SaveUser, DeleteUser, SavePermission, DeletePermission,
        SaveExchange, DeleteExchange, SaveQueue, DeleteQueue, SaveBinding, DeleteBinding,
    }

    private readonly Lock _lock = new();
    private readonly MemoryDefinitionStore _model = new();
    private readonly string _path;
    private FileStream _log;
    private int _records;

    private DefinitionStore(string path, FileStream log)
    {
        _path = path;
        _log = log;
    }

    /// <summary>Opens (creating) the definitions log in <paramref name="directory"/> and replays it.</summary>
    public static DefinitionStore Open(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var log = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var store = new DefinitionStore(path, log);
        store.Replay();
        return store;
    }

    /// <summary>Records replayed or appended since open (tests).</summary>
    public int RecordCount { get { lock (_lock) return _records; } }

    /// <inheritdoc />
    public Definitions Load() => _model.Load();

    /// <inheritdoc />
    public void SaveVhost(string name) => Apply(Op.SaveVhost, w => w.Str(name));
    /// <inheritdoc />
    public void DeleteVhost(string name) => Apply(Op.DeleteVhost, w => w.Str(name));
    /// <inheritdoc />
    public void SaveUser(UserDefinition user) => Apply(Op.SaveUser, w => w.Str(user.Name).Str(user.PasswordHash).Str(user.Tags));
    /// <inheritdoc />
    public void DeleteUser(string name) => Apply(Op.DeleteUser, w => w.Str(name));
    /// <inheritdoc />
    public void SavePermission(PermissionDefinition p)
        => Apply(Op.SavePermission, w => w.Str(p.Vhost).Str(p.User).Str(p.Configure).Str(p.Write).Str(p.Read));
    /// <inheritdoc />
    public void DeletePermission(string vhost, string user) => Apply(Op.DeletePermission, w => w.Str(vhost).Str(user));
    /// <inheritdoc />
    public void SaveExchange(ExchangeDefinition e)
        => Apply(Op.SaveExchange, w => w.Str(e.Vhost).Str(e.Name).Str(e.Type).Bool(e.AutoDelete).Bool(e.Internal).Bytes(e.Arguments));
    /// <inheritdoc />
    public void DeleteExchange(string vhost, string name) => Apply(Op.DeleteExchange, w => w.Str(vhost).Str(name));
    /// <inheritdoc />
    public void SaveQueue(QueueDefinition q) => Apply(Op.SaveQueue, w => w.Str(q.Vhost).Str(q.Name).Bool(q.AutoDelete).Bytes(q.Arguments));
    /// <inheritdoc />
    public void DeleteQueue(string vhost, string name) => Apply(Op.DeleteQueue, w => w.Str(vhost).Str(name));
    /// <inheritdoc />
    public void SaveBinding(BindingDefinition b) => Apply(Op.SaveBinding, w => WriteBinding(w, b));
    /// <inheritdoc />
    public void DeleteBinding(BindingDefinition b) => Apply(Op.DeleteBinding, w => WriteBinding(w, b));

    private static void WriteBinding(RecordWriter w, BindingDefinition b)
        => w.Str(b.Vhost).Str(b.Source).Str(b.Destination).Bool(b.DestinationIsExchange).Str(b.RoutingKey).Bytes(b.Arguments);

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_lock) _log.Dispose();
    }

    private void Apply(Op op, Action<RecordWriter> fields)
    {
        var w = new RecordWriter();
        w.Byte((byte)op);
        fields(w);
        var payload = w.ToArray();
        lock (_lock)
        {
            ApplyToModel(payload);
            _log.Write(Frame(payload));
            _log.Flush(true);
            _records++;
        }
    }

    private static byte[] Frame(byte[] payload)
    {
        var rec = new byte[8 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(rec, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(4), Crc32C.Compute(payload));
        payload.CopyTo(rec, 8);
        return rec;
    }

    private void ApplyToModel(byte[] payload)
    {
        var r = new RecordReader(payload);
        switch ((Op)r.Byte())
        {
            case Op.SaveVhost: _model.SaveVhost(r.Str()); break;
            case Op.DeleteVhost: _model.DeleteVhost(r.Str()); break;
            case Op.SaveUser: _model.SaveUser(new UserDefinition(r.Str(), r.Str(), r.Str())); break;
            case Op.DeleteUser: _model.DeleteUser(r.Str()); break;
            case Op.SavePermission: _model.SavePermission(new PermissionDefinition(r.Str(), r.Str(), r.Str(), r.Str(), r.Str())); break;
            case Op.DeletePermission: _model.DeletePermission(r.Str(), r.Str()); break;
            case Op.SaveExchange: _model.SaveExchange(new ExchangeDefinition(r.Str(), r.Str(), r.Str(), r.Bool(), r.Bool(), r.Bytes())); break;
            case Op.DeleteExchange: _model.DeleteExchange(r.Str(), r.Str()); break;
            case Op.SaveQueue: _model.SaveQueue(new QueueDefinition(r.Str(), r.Str(), r.Bool(), r.Bytes())); break;
            case Op.DeleteQueue: _model.DeleteQueue(r.Str(), r.Str()); break;
            case Op.SaveBinding: _model.SaveBinding(ReadBinding(ref r)); break;
            case Op.DeleteBinding: _model.DeleteBinding(ReadBinding(ref r)); break;
            default: throw new InvalidDataException("unknown definition operation");
        }
    }

    private static BindingDefinition ReadBinding(ref RecordReader r)
        => new(r.Str(), r.Str(), r.Str(), r.Bool(), r.Str(), r.Bytes());

    private void Replay()
    {
        var bytes = new byte[_log.Length];
        _log.Position = 0;
        _log.ReadExactly(bytes);
        long validEnd;
        if (bytes.Length < SegmentFormat.HeaderSize || !SegmentFormat.CheckHeader(bytes))
        {
            if (bytes.Length >= SegmentFormat.HeaderSize && bytes.AsSpan(0, SegmentFormat.HeaderSize).IndexOfAnyExcept((byte)0) >= 0)
                throw new InvalidDataException($"{_path}: not a definitions log of a version this build reads");
            _log.SetLength(0);
            Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
            SegmentFormat.WriteHeader(header);
            _log.Write(header);
            _log.Flush(true);
            return;
        }
        int pos = SegmentFormat.HeaderSize;
        while (pos + 8 <= bytes.Length)
        {
            int len = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(pos));
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 4));
            if (len <= 0 || pos + 8 + len > bytes.Length) break;
            var payload = bytes.AsSpan(pos + 8, len).ToArray();
            if (Crc32C.Compute(payload) != crc) break; // a half-written record: everything after it is lost too
            try { ApplyToModel(payload); }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException) { break; }
            _records++;
            pos += 8 + len;
        }
        validEnd = pos;
        if (validEnd < bytes.Length)
        {
            _log.SetLength(validEnd);
            _log.Flush(true);
        }
        _log.Position = validEnd;
        var d = _model.Load();
        int live = d.Vhosts.Count + d.Users.Count + d.Permissions.Count + d.Exchanges.Count + d.Queues.Count + d.Bindings.Count;
        if (_records > 2 * live + 64) Compact(d);
    }

    /// <summary>Rewrites the log as the Save records of the current state (temp, fsync, rename).</summary>
    private void Compact(Definitions d)
    {
        var tmp = _path + ".tmp";
        var fresh = new DefinitionStore(tmp, new FileStream(tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.Read));
        Span<byte> header = stackalloc byte[SegmentFormat.HeaderSize];
        SegmentFormat.WriteHeader(header);
        fresh._log.Write(header);
        foreach (var v in d.Vhosts) fresh.SaveVhost(v);
        foreach (var u in d.Users) fresh.SaveUser(u);
        foreach (var p in d.Permissions) fresh.SavePermission(p);
        foreach (var e in d.Exchanges) fresh.SaveExchange(e);
        foreach (var q in d.Queues) fresh.SaveQueue(q);
        foreach (var b in d.Bindings) fresh.SaveBinding(b);
        fresh._log.Dispose();
        _log.Dispose();
        File.Move(tmp, _path, overwrite: true);
        _log = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        _log.Position = _log.Length;
        _records = fresh._records;
    }

    private sealed class RecordWriter
    {
        private readonly MemoryStream _ms = new();

        public RecordWriter Byte(byte b) { _ms.WriteByte(b); return this; }
        public RecordWriter Bool(bool b) => Byte(b ? (byte)1 : (byte)0);

        public RecordWriter Bytes(ReadOnlySpan<byte> b)
        {
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, b.Length);
            _ms.Write(len);
            _ms.Write(b);
            return this;
        }

        public RecordWriter Str(string s) => Bytes(Encoding.UTF8.GetBytes(s));
        public byte[] ToArray() => _ms.ToArray();
    }

    private ref struct RecordReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public byte Byte() => _data[_pos++];
        public bool Bool() => Byte() != 0;

        public byte[] Bytes()
        {
            int len = BinaryPrimitives.ReadInt32LittleEndian(_data[_pos..]);
            _pos += 4;
            var b = _data.Slice(_pos, len).ToArray();
            _pos += len;
            return b;
        }

        public string Str() => Encoding.UTF8.GetString(Bytes());
    }
}
