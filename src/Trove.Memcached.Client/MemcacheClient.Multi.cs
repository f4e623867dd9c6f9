using System.Text;
using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client;

// get_multi, set_multi, delete_multi: keys are grouped by server; every server's whole batch is
// sent before any reply is read, so a call costs one round trip per server (python-memcached's scheme).
public sealed partial class MemcacheClient
{
    /// <summary>
    /// The values of many keys (decoded by their flags), fetched with one pipelined request per
    /// server. Missing keys and keys on unreachable servers are absent from the result.
    /// <paramref name="keyPrefix"/> is prepended on the wire and absent from the result's keys.
    /// </summary>
    public IDictionary<string, object> GetMulti(IEnumerable<string> keys, string keyPrefix = "")
        => GetMultiAsync<object>(keys, keyPrefix, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="GetMulti(IEnumerable{string}, string)"/>.</summary>
    public Task<IDictionary<string, object>> GetMultiAsync(IEnumerable<string> keys, string keyPrefix = "", CancellationToken cancellationToken = default)
        => GetMultiAsync<object>(keys, keyPrefix, true, cancellationToken).AsTask();

    /// <summary><see cref="GetMulti(IEnumerable{string}, string)"/> with every value decoded as <typeparamref name="T"/>.</summary>
    public IDictionary<string, T> GetMulti<T>(IEnumerable<string> keys, string keyPrefix = "")
        => GetMultiAsync<T>(keys, keyPrefix, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="GetMulti{T}(IEnumerable{string}, string)"/>.</summary>
    public Task<IDictionary<string, T>> GetMultiAsync<T>(IEnumerable<string> keys, string keyPrefix = "", CancellationToken cancellationToken = default)
        => GetMultiAsync<T>(keys, keyPrefix, true, cancellationToken).AsTask();

    /// <summary>
    /// Stores many values with one pipelined request per server. Returns the keys that were not
    /// stored (refused, too large, or on a server that failed); with noreply only the too-large ones.
    /// </summary>
    public IReadOnlyList<string> SetMulti(IEnumerable<KeyValuePair<string, object>> values, TimeSpan expiry = default, string keyPrefix = "", bool noreply = false)
        => SetMultiAsync(values, expiry, keyPrefix, noreply, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="SetMulti"/>.</summary>
    public Task<IReadOnlyList<string>> SetMultiAsync(IEnumerable<KeyValuePair<string, object>> values, TimeSpan expiry = default, string keyPrefix = "",
        bool noreply = false, CancellationToken cancellationToken = default)
        => SetMultiAsync(values, expiry, keyPrefix, noreply, true, cancellationToken).AsTask();

    /// <summary>
    /// Deletes many keys with one pipelined request per server. True when every server holding
    /// one of the keys was reached (python-memcached's return value), whether or not the keys existed.
    /// </summary>
    public bool DeleteMulti(IEnumerable<string> keys, string keyPrefix = "", bool noreply = false)
        => DeleteMultiAsync(keys, keyPrefix, noreply, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="DeleteMulti"/>.</summary>
    public Task<bool> DeleteMultiAsync(IEnumerable<string> keys, string keyPrefix = "", bool noreply = false, CancellationToken cancellationToken = default)
        => DeleteMultiAsync(keys, keyPrefix, noreply, true, cancellationToken).AsTask();

    /// <summary>A key of a multi operation: its wire bytes and the caller's spelling.</summary>
    private readonly record struct MultiKey(byte[] Wire, string Original, int Index);

    /// <summary>Groups keys by the live server they map to; keys with no live server are reported separately.</summary>
    private async ValueTask<(Dictionary<ServerNode, List<MultiKey>> Groups, List<MultiKey> Unplaced)> GroupAsync(
        IEnumerable<string> keys, string keyPrefix, bool useAsync, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var groups = new Dictionary<ServerNode, List<MultiKey>>();
        var unplaced = new List<MultiKey>();
        int index = 0;
        foreach (var key in keys)
        {
            var wire = KeyEncoder.Encode(key, keyPrefix, _options);
            var mk = new MultiKey(wire, key, index++);
            var node = await LocateAsync(wire, useAsync, ct).ConfigureAwait(false);
            if (node is null) { unplaced.Add(mk); continue; }
            if (!groups.TryGetValue(node, out var list)) groups[node] = list = new List<MultiKey>();
            list.Add(mk);
        }
        return (groups, unplaced);
    }

    /// <summary>
    /// Phase one sends every server its batch; phase two reads each server's replies. A server
    /// that fails in either phase is marked dead and its keys are passed to <paramref name="onFailed"/>.
    /// </summary>
    private async ValueTask PipelineAsync(Dictionary<ServerNode, List<MultiKey>> groups, Action<CommandWriter, List<MultiKey>> write,
        Func<MemcacheConnection, List<MultiKey>, bool, CancellationToken, ValueTask> read, Action<List<MultiKey>> onFailed,
        bool noreply, bool useAsync, CancellationToken ct)
    {
        var sent = new List<(ServerNode Node, MemcacheConnection Conn, List<MultiKey> Keys)>(groups.Count);
        try
        {
            foreach (var (node, keys) in groups)
            {
                var conn = await node.AcquireAsync(useAsync, ct).ConfigureAwait(false);
                if (conn is null) { onFailed(keys); continue; }
                try
                {
                    write(conn.Writer, keys);
                    await conn.SendAsync(noreply, useAsync, ct).ConfigureAwait(false);
                    sent.Add((node, conn, keys));
                }
                catch (Exception ex) when (IsServerFailure(ex, ct))
                {
                    node.MarkDead(ex.Message);
                    node.Release(conn, false);
                    onFailed(keys);
                }
            }
            for (int i = 0; i < sent.Count; i++)
            {
                var (node, conn, keys) = sent[i];
                bool reusable = false;
                try
                {
                    if (!noreply) await read(conn, keys, useAsync, ct).ConfigureAwait(false);
                    reusable = true;
                }
                catch (Exception ex) when (IsServerFailure(ex, ct))
                {
                    node.MarkDead(ex.Message);
                    onFailed(keys);
                }
                catch (MemcacheProtocolException ex)
                {
                    LogProtocol(node, ex);
                    onFailed(keys);
                }
                finally
                {
                    node.Release(conn, reusable);
                    sent[i] = default;
                }
            }
        }
        finally
        {
            // Only reached with entries left when the caller cancelled: close those connections.
            foreach (var s in sent) if (s.Conn is not null) s.Node.Release(s.Conn, false);
        }
    }

    private void LogProtocol(ServerNode node, MemcacheProtocolException ex)
        => Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_options.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            "memcached {Server}: {Message}", node.Endpoint, ex.Message);

    private async ValueTask<IDictionary<string, T>> GetMultiAsync<T>(IEnumerable<string> keys, string keyPrefix, bool useAsync, CancellationToken ct)
    {
        var (groups, _) = await GroupAsync(keys, keyPrefix, useAsync, ct).ConfigureAwait(false);
        var raw = new Dictionary<string, RawItem>(StringComparer.Ordinal);
        await PipelineAsync(groups, WriteGets, (conn, batch, a, t) => ReadGetsAsync(conn, batch, raw, a, t), static _ => { }, false, useAsync, ct)
            .ConfigureAwait(false);
        var result = new Dictionary<string, T>(raw.Count, StringComparer.Ordinal);
        foreach (var (k, item) in raw) result[k] = _codec.Decode<T>(item.Flags, item.Data);
        return result;
    }

    /// <summary>One or more <c>get</c> lines, each kept under <see cref="ProtocolLiterals.MaxGetLine"/> bytes.</summary>
    private static void WriteGets(CommandWriter w, List<MultiKey> keys)
    {
        int lineLength = 0;
        foreach (var k in keys)
        {
            if (lineLength > 0 && lineLength + 1 + k.Wire.Length > ProtocolLiterals.MaxGetLine)
            {
                w.Crlf();
                lineLength = 0;
            }
            if (lineLength == 0) { w.Raw(ProtocolLiterals.Get); lineLength = 3; }
            w.Space().Raw(k.Wire);
            lineLength += 1 + k.Wire.Length;
        }
        w.Crlf();
    }

    private static int CountGetLines(List<MultiKey> keys)
    {
        int lines = 0, lineLength = 0;
        foreach (var k in keys)
        {
            if (lineLength > 0 && lineLength + 1 + k.Wire.Length > ProtocolLiterals.MaxGetLine) lineLength = 0;
            if (lineLength == 0) { lines++; lineLength = 3; }
            lineLength += 1 + k.Wire.Length;
        }
        return lines;
    }

    private static async ValueTask ReadGetsAsync(MemcacheConnection conn, List<MultiKey> batch, Dictionary<string, RawItem> into, bool useAsync, CancellationToken ct)
    {
        var byWire = new Dictionary<string, string>(batch.Count, StringComparer.Ordinal);
        foreach (var k in batch) byWire[Encoding.UTF8.GetString(k.Wire)] = k.Original;
        int lines = CountGetLines(batch);
        for (int i = 0; i < lines; i++)
            await ReadValuesAsync(conn, useAsync, ct, (key, item) =>
            {
                if (byWire.TryGetValue(Encoding.UTF8.GetString(key), out var original)) into[original] = item;
            }).ConfigureAwait(false);
    }

    private async ValueTask<IReadOnlyList<string>> SetMultiAsync(IEnumerable<KeyValuePair<string, object>> values, TimeSpan expiry, string keyPrefix,
        bool noreply, bool useAsync, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        var notStored = new List<string>();
        var encoded = new List<(uint Flags, byte[] Data)>();
        var keys = new List<string>();
        var skip = new HashSet<int>();
        foreach (var (key, value) in values)
        {
            var e = _codec.Encode(value);
            if (_options.MaxValueLength != 0 && e.Data.Length > _options.MaxValueLength) skip.Add(keys.Count);
            keys.Add(key);
            encoded.Add(e);
        }
        var (groups, unplaced) = await GroupAsync(keys, keyPrefix, useAsync, ct).ConfigureAwait(false);
        var failed = new HashSet<int>(skip);
        foreach (var k in unplaced) failed.Add(k.Index);
        long exptime = Expiry.ToExptime(expiry);
        await PipelineAsync(groups,
            (w, batch) =>
            {
                foreach (var k in batch)
                {
                    if (skip.Contains(k.Index)) continue;
                    var (flags, data) = encoded[k.Index];
                    w.Raw("set "u8).Raw(k.Wire).Space().Number((ulong)flags).Space().Number(exptime).Space().Number((ulong)data.Length);
                    if (noreply) w.Raw(ProtocolLiterals.Noreply);
                    w.Crlf().Raw(data).Crlf();
                }
            },
            async (conn, batch, a, t) =>
            {
                foreach (var k in batch)
                {
                    if (skip.Contains(k.Index)) continue;
                    var line = await conn.ReadLineAsync(a, t).ConfigureAwait(false);
                    if (!ReplyParser.StoreResult(line.Span)) failed.Add(k.Index);
                }
            },
            batch => { foreach (var k in batch) failed.Add(k.Index); },
            noreply, useAsync, ct).ConfigureAwait(false);
        for (int i = 0; i < keys.Count; i++) if (failed.Contains(i)) notStored.Add(keys[i]);
        return notStored;
    }

    private async ValueTask<bool> DeleteMultiAsync(IEnumerable<string> keys, string keyPrefix, bool noreply, bool useAsync, CancellationToken ct)
    {
        var (groups, unplaced) = await GroupAsync(keys, keyPrefix, useAsync, ct).ConfigureAwait(false);
        bool ok = unplaced.Count == 0;
        await PipelineAsync(groups,
            (w, batch) =>
            {
                foreach (var k in batch)
                {
                    w.Raw(ProtocolLiterals.Delete).Space().Raw(k.Wire);
                    if (noreply) w.Raw(ProtocolLiterals.Noreply);
                    w.Crlf();
                }
            },
            async (conn, batch, a, t) =>
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    var line = await conn.ReadLineAsync(a, t).ConfigureAwait(false);
                    ReplyParser.FoundResult(line.Span, ProtocolLiterals.Deleted);
                }
            },
            _ => ok = false,
            noreply, useAsync, ct).ConfigureAwait(false);
        return ok;
    }
}
