using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client;

// Single-key retrieval: get and gets.
public sealed partial class MemcacheClient
{
    /// <summary>
    /// The value of a key decoded by its flags (string, byte[], long, a JsonElement for JSON,
    /// <see cref="PickledValue"/> for a Python pickle), or null when missing or the server is unreachable.
    /// </summary>
    public object? Get(string key) => Decode<object>(FetchAsync(key, false, false, default).GetAwaiter().GetResult());

    /// <summary>Asynchronous <see cref="Get(string)"/>.</summary>
    public async Task<object?> GetAsync(string key, CancellationToken cancellationToken = default)
        => Decode<object>(await FetchAsync(key, false, true, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The value of a key as <typeparamref name="T"/> (strings, byte arrays and integers convert
    /// between each other as their bytes allow; other types are read from JSON), or default when missing.
    /// </summary>
    public T? Get<T>(string key) => Decode<T>(FetchAsync(key, false, false, default).GetAwaiter().GetResult());

    /// <summary>Asynchronous <see cref="Get{T}(string)"/>.</summary>
    public async Task<T?> GetAsync<T>(string key, CancellationToken cancellationToken = default)
        => Decode<T>(await FetchAsync(key, false, true, cancellationToken).ConfigureAwait(false));

    /// <summary>Like <see cref="Get{T}(string)"/>, but tells a missing key from a stored default value.</summary>
    public bool TryGet<T>(string key, out T value)
    {
        var item = FetchAsync(key, false, false, default).GetAwaiter().GetResult();
        value = item is null ? default! : _codec.Decode<T>(item.Flags, item.Data);
        return item is not null;
    }

    /// <summary>
    /// Like <see cref="Get(string)"/>, and remembers the item's cas unique for <see cref="Cas(string, object, TimeSpan, bool)"/>
    /// (when <see cref="MemcacheClientOptions.CacheCas"/> is on, the default).
    /// </summary>
    public object? Gets(string key) => Decode<object>(FetchAsync(key, true, false, default).GetAwaiter().GetResult());

    /// <summary>Asynchronous <see cref="Gets(string)"/>.</summary>
    public async Task<object?> GetsAsync(string key, CancellationToken cancellationToken = default)
        => Decode<object>(await FetchAsync(key, true, true, cancellationToken).ConfigureAwait(false));

    /// <summary><see cref="Gets(string)"/> decoded as <typeparamref name="T"/>.</summary>
    public T? Gets<T>(string key) => Decode<T>(FetchAsync(key, true, false, default).GetAwaiter().GetResult());

    /// <summary>Asynchronous <see cref="Gets{T}(string)"/>.</summary>
    public async Task<T?> GetsAsync<T>(string key, CancellationToken cancellationToken = default)
        => Decode<T>(await FetchAsync(key, true, true, cancellationToken).ConfigureAwait(false));

    private T? Decode<T>(RawItem? item) => item is null ? default : _codec.Decode<T>(item.Flags, item.Data);

    /// <summary>One item as the server sent it.</summary>
    internal sealed record RawItem(uint Flags, byte[] Data, ulong Cas);

    private readonly record struct FetchRequest(byte[] Key, bool WithCas);

    private async ValueTask<RawItem?> FetchAsync(string key, bool withCas, bool useAsync, CancellationToken ct)
    {
        var keyBytes = KeyEncoder.Encode(key, "", _options);
        var item = await RunAsync(keyBytes, new FetchRequest(keyBytes, withCas), static (c, r, a, t) => FetchOnAsync(c, r, a, t), null, useAsync, ct)
            .ConfigureAwait(false);
        if (withCas && item is not null && _options.CacheCas) _casIds[key] = item.Cas;
        return item;
    }

    private static async ValueTask<RawItem?> FetchOnAsync(MemcacheConnection conn, FetchRequest r, bool useAsync, CancellationToken ct)
    {
        conn.Writer.Raw(r.WithCas ? ProtocolLiterals.Gets : ProtocolLiterals.Get).Space().Raw(r.Key).Crlf();
        await conn.SendAsync(false, useAsync, ct).ConfigureAwait(false);
        RawItem? found = null;
        await ReadValuesAsync(conn, useAsync, ct, (key, item) =>
        {
            if (key.SequenceEqual(r.Key)) found = item;
        }).ConfigureAwait(false);
        return found;
    }

    /// <summary>Reads VALUE blocks up to END, handing each (key bytes, item) to <paramref name="onItem"/>.</summary>
    private static async ValueTask ReadValuesAsync(MemcacheConnection conn, bool useAsync, CancellationToken ct, ItemHandler onItem)
    {
        while (true)
        {
            var line = await conn.ReadLineAsync(useAsync, ct).ConfigureAwait(false);
            if (line.Span.SequenceEqual(ProtocolLiterals.End)) return;
            if (!line.Span.StartsWith(ProtocolLiterals.Value)) throw ReplyParser.Unexpected(line.Span);
            var (keyRange, flags, length, cas) = ReplyParser.ValueHeader(line.Span);
            // The line is only valid until the next read: copy the key out first.
            var key = line.Span[keyRange].ToArray();
            var data = await conn.ReadBlockAsync(length, useAsync, ct).ConfigureAwait(false);
            onItem(key, new RawItem(flags, data, cas));
        }
    }

    private delegate void ItemHandler(ReadOnlySpan<byte> key, RawItem item);
}
