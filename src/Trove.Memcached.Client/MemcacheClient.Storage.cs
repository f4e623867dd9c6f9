using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client;

// Storage commands: set, add, replace, append, prepend, cas (protocol.txt "Storage commands").
public sealed partial class MemcacheClient
{
    /// <summary>Stores a value unconditionally. True when the server answered STORED (always true with noreply once sent).</summary>
    public bool Set(string key, object value, TimeSpan expiry = default, bool noreply = false)
        => StoreAsync(StoreCommand.Set, key, value, expiry, noreply, null, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Set"/>.</summary>
    public Task<bool> SetAsync(string key, object value, TimeSpan expiry = default, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Set, key, value, expiry, noreply, null, true, cancellationToken).AsTask();

    /// <summary>Stores a value only if the key does not exist yet; false when it does.</summary>
    public bool Add(string key, object value, TimeSpan expiry = default, bool noreply = false)
        => StoreAsync(StoreCommand.Add, key, value, expiry, noreply, null, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Add"/>.</summary>
    public Task<bool> AddAsync(string key, object value, TimeSpan expiry = default, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Add, key, value, expiry, noreply, null, true, cancellationToken).AsTask();

    /// <summary>Stores a value only if the key exists; false when it does not.</summary>
    public bool Replace(string key, object value, TimeSpan expiry = default, bool noreply = false)
        => StoreAsync(StoreCommand.Replace, key, value, expiry, noreply, null, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Replace"/>.</summary>
    public Task<bool> ReplaceAsync(string key, object value, TimeSpan expiry = default, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Replace, key, value, expiry, noreply, null, true, cancellationToken).AsTask();

    /// <summary>Appends bytes to an existing value (its flags stay as they were); false when the key does not exist.</summary>
    public bool Append(string key, object value, bool noreply = false)
        => StoreAsync(StoreCommand.Append, key, value, default, noreply, null, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Append"/>.</summary>
    public Task<bool> AppendAsync(string key, object value, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Append, key, value, default, noreply, null, true, cancellationToken).AsTask();

    /// <summary>Prepends bytes to an existing value (its flags stay as they were); false when the key does not exist.</summary>
    public bool Prepend(string key, object value, bool noreply = false)
        => StoreAsync(StoreCommand.Prepend, key, value, default, noreply, null, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Prepend"/>.</summary>
    public Task<bool> PrependAsync(string key, object value, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Prepend, key, value, default, noreply, null, true, cancellationToken).AsTask();

    /// <summary>
    /// Check-and-set with the cas unique remembered by the last <see cref="Gets"/> of this key
    /// (python-memcached with <c>cache_cas=True</c>): false when the item changed since (EXISTS)
    /// or vanished (NOT_FOUND). With no remembered unique it is a plain <see cref="Set"/>, as in python-memcached.
    /// </summary>
    public bool Cas(string key, object value, TimeSpan expiry = default, bool noreply = false)
        => StoreAsync(StoreCommand.Cas, key, value, expiry, noreply, null, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Cas(string, object, TimeSpan, bool)"/>.</summary>
    public Task<bool> CasAsync(string key, object value, TimeSpan expiry = default, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Cas, key, value, expiry, noreply, null, true, cancellationToken).AsTask();

    /// <summary>Check-and-set with an explicit cas unique (from <see cref="TryGetCasUnique"/> or another client).</summary>
    public bool Cas(string key, object value, ulong casUnique, TimeSpan expiry = default, bool noreply = false)
        => StoreAsync(StoreCommand.Cas, key, value, expiry, noreply, casUnique, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Cas(string, object, ulong, TimeSpan, bool)"/>.</summary>
    public Task<bool> CasAsync(string key, object value, ulong casUnique, TimeSpan expiry = default, bool noreply = false, CancellationToken cancellationToken = default)
        => StoreAsync(StoreCommand.Cas, key, value, expiry, noreply, casUnique, true, cancellationToken).AsTask();

    /// <summary>The cas unique remembered for a key by the last <see cref="Gets"/>, if any.</summary>
    public bool TryGetCasUnique(string key, out ulong casUnique) => _casIds.TryGetValue(key, out casUnique);

    private enum StoreCommand { Set, Add, Replace, Append, Prepend, Cas }

    private readonly record struct StoreRequest(StoreCommand Command, byte[] Key, uint Flags, byte[] Data, long Exptime, ulong CasUnique, bool Noreply);

    private async ValueTask<bool> StoreAsync(StoreCommand command, string key, object value, TimeSpan expiry, bool noreply,
        ulong? casUnique, bool useAsync, CancellationToken ct)
    {
        var keyBytes = KeyEncoder.Encode(key, "", _options);
        ulong cas = 0;
        if (command == StoreCommand.Cas)
        {
            if (casUnique is { } explicitCas) cas = explicitCas;
            else if (!_casIds.TryGetValue(key, out cas)) command = StoreCommand.Set;
        }
        var (flags, data) = _codec.Encode(value);
        // python-memcached silently refuses values over the server's item size.
        if (_options.MaxValueLength != 0 && data.Length > _options.MaxValueLength) return false;
        var request = new StoreRequest(command, keyBytes, flags, data, Expiry.ToExptime(expiry), cas, noreply);
        return await RunAsync(keyBytes, request, static (c, r, a, t) => StoreOnAsync(c, r, a, t), false, useAsync, ct).ConfigureAwait(false);
    }

    private static async ValueTask<bool> StoreOnAsync(MemcacheConnection conn, StoreRequest r, bool useAsync, CancellationToken ct)
    {
        WriteStore(conn.Writer, r);
        await conn.SendAsync(r.Noreply, useAsync, ct).ConfigureAwait(false);
        if (r.Noreply) return true;
        var line = await conn.ReadLineAsync(useAsync, ct).ConfigureAwait(false);
        return ReplyParser.StoreResult(line.Span);
    }

    private static void WriteStore(CommandWriter w, in StoreRequest r)
    {
        w.Raw(r.Command switch
        {
            StoreCommand.Set => "set "u8,
            StoreCommand.Add => "add "u8,
            StoreCommand.Replace => "replace "u8,
            StoreCommand.Append => "append "u8,
            StoreCommand.Prepend => "prepend "u8,
            _ => "cas "u8,
        });
        w.Raw(r.Key).Space().Number((ulong)r.Flags).Space().Number(r.Exptime).Space().Number((ulong)r.Data.Length);
        if (r.Command == StoreCommand.Cas) w.Space().Number(r.CasUnique);
        if (r.Noreply) w.Raw(ProtocolLiterals.Noreply);
        w.Crlf().Raw(r.Data).Crlf();
    }
}
