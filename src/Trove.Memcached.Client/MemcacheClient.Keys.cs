using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client;

// delete and touch: single-key commands answered by a word or NOT_FOUND.
public sealed partial class MemcacheClient
{
    /// <summary>
    /// Deletes a key. True when the server deleted it; false when it did not exist or the server
    /// is unreachable (python-memcached returns 1 for both DELETED and NOT_FOUND; here the
    /// answer tells them apart). With noreply, true once sent.
    /// </summary>
    public bool Delete(string key, bool noreply = false)
        => KeyCommandAsync(KeyCommand.Delete, key, default, noreply, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Delete"/>.</summary>
    public Task<bool> DeleteAsync(string key, bool noreply = false, CancellationToken cancellationToken = default)
        => KeyCommandAsync(KeyCommand.Delete, key, default, noreply, true, cancellationToken).AsTask();

    /// <summary>Sets a new expiry on an existing key without fetching it; false when the key is missing.</summary>
    public bool Touch(string key, TimeSpan expiry = default, bool noreply = false)
        => KeyCommandAsync(KeyCommand.Touch, key, expiry, noreply, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Touch"/>.</summary>
    public Task<bool> TouchAsync(string key, TimeSpan expiry = default, bool noreply = false, CancellationToken cancellationToken = default)
        => KeyCommandAsync(KeyCommand.Touch, key, expiry, noreply, true, cancellationToken).AsTask();

    private enum KeyCommand { Delete, Touch }

    private readonly record struct KeyRequest(KeyCommand Command, byte[] Key, long Exptime, bool Noreply);

    private async ValueTask<bool> KeyCommandAsync(KeyCommand command, string key, TimeSpan expiry, bool noreply, bool useAsync, CancellationToken ct)
    {
        var keyBytes = KeyEncoder.Encode(key, "", _options);
        var request = new KeyRequest(command, keyBytes, Expiry.ToExptime(expiry), noreply);
        return await RunAsync(keyBytes, request, static (c, r, a, t) => KeyCommandOnAsync(c, r, a, t), false, useAsync, ct).ConfigureAwait(false);
    }

    private static async ValueTask<bool> KeyCommandOnAsync(MemcacheConnection conn, KeyRequest r, bool useAsync, CancellationToken ct)
    {
        var w = conn.Writer;
        if (r.Command == KeyCommand.Delete) w.Raw(ProtocolLiterals.Delete).Space().Raw(r.Key);
        else w.Raw(ProtocolLiterals.Touch).Space().Raw(r.Key).Space().Number(r.Exptime);
        if (r.Noreply) w.Raw(ProtocolLiterals.Noreply);
        w.Crlf();
        await conn.SendAsync(r.Noreply, useAsync, ct).ConfigureAwait(false);
        if (r.Noreply) return true;
        var line = await conn.ReadLineAsync(useAsync, ct).ConfigureAwait(false);
        return ReplyParser.FoundResult(line.Span, r.Command == KeyCommand.Delete ? ProtocolLiterals.Deleted : ProtocolLiterals.Touched);
    }
}
