using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client;

// incr and decr: 64-bit unsigned on the server; incr wraps, decr stops at 0.
public sealed partial class MemcacheClient
{
    /// <summary>
    /// Adds <paramref name="delta"/> to a decimal value and returns the new value; null when the
    /// key is missing, the server is unreachable, or noreply was asked. Throws
    /// <see cref="MemcacheValueException"/> when the stored value is not a number (python-memcached raises too).
    /// </summary>
    public ulong? Incr(string key, ulong delta = 1, bool noreply = false)
        => ArithmeticAsync(true, key, delta, noreply, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Incr"/>.</summary>
    public Task<ulong?> IncrAsync(string key, ulong delta = 1, bool noreply = false, CancellationToken cancellationToken = default)
        => ArithmeticAsync(true, key, delta, noreply, true, cancellationToken).AsTask();

    /// <summary>Subtracts <paramref name="delta"/> (stopping at 0) and returns the new value; null as for <see cref="Incr"/>.</summary>
    public ulong? Decr(string key, ulong delta = 1, bool noreply = false)
        => ArithmeticAsync(false, key, delta, noreply, false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="Decr"/>.</summary>
    public Task<ulong?> DecrAsync(string key, ulong delta = 1, bool noreply = false, CancellationToken cancellationToken = default)
        => ArithmeticAsync(false, key, delta, noreply, true, cancellationToken).AsTask();

    private readonly record struct ArithmeticRequest(bool Increment, byte[] Key, ulong Delta, bool Noreply);

    private async ValueTask<ulong?> ArithmeticAsync(bool increment, string key, ulong delta, bool noreply, bool useAsync, CancellationToken ct)
    {
        var keyBytes = KeyEncoder.Encode(key, "", _options);
        var (value, error) = await RunAsync(keyBytes, new ArithmeticRequest(increment, keyBytes, delta, noreply),
            static (c, r, a, t) => ArithmeticOnAsync(c, r, a, t), ((ulong?)null, (string?)null), useAsync, ct).ConfigureAwait(false);
        if (error is not null) throw new MemcacheValueException(error);
        return value;
    }

    private static async ValueTask<(ulong? Value, string? Error)> ArithmeticOnAsync(MemcacheConnection conn, ArithmeticRequest r, bool useAsync, CancellationToken ct)
    {
        conn.Writer.Raw(r.Increment ? ProtocolLiterals.Incr : ProtocolLiterals.Decr).Space().Raw(r.Key).Space().Number(r.Delta);
        if (r.Noreply) conn.Writer.Raw(ProtocolLiterals.Noreply);
        conn.Writer.Crlf();
        await conn.SendAsync(r.Noreply, useAsync, ct).ConfigureAwait(false);
        if (r.Noreply) return (null, null);
        var line = await conn.ReadLineAsync(useAsync, ct).ConfigureAwait(false);
        return ReplyParser.Arithmetic(line.Span);
    }
}
