using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Hashing;
using Trove.Memcached.Client.Protocol;
using Trove.Memcached.Client.Serialization;

namespace Trove.Memcached.Client;

/// <summary>
/// A memcached client for a list of weighted servers, with the operations and the behaviour of
/// python-memcached (<c>memcache.Client</c>): the same key placement, the same value flags, and
/// failures reported as misses (null, false) rather than exceptions, with the failed server left
/// out for <see cref="MemcacheClientOptions.DeadRetry"/>. Thread-safe; share one instance.
/// Every operation has a synchronous form and an asynchronous twin taking a CancellationToken.
/// </summary>
public sealed partial class MemcacheClient : IDisposable
{
    private readonly MemcacheClientOptions _options;
    private readonly ServerNode[] _nodes;
    private readonly IServerLocator _locator;
    private readonly ValueCodec _codec;
    private readonly ConcurrentDictionary<string, ulong> _casIds = new(StringComparer.Ordinal);

    /// <summary>A client for python-memcached server strings (<c>"host:port"</c>), each of weight 1.</summary>
    public MemcacheClient(params string[] servers)
        : this(Build(o => { foreach (var s in servers) o.AddServer(s); }))
    {
    }

    /// <summary>A client for (server, weight) pairs, like python-memcached's <c>[("host:port", 2), ...]</c>.</summary>
    public MemcacheClient(IEnumerable<(string Server, int Weight)> servers)
        : this(Build(o => { foreach (var (s, w) in servers) o.AddServer(s, w); }))
    {
    }

    /// <summary>A client configured by <paramref name="options"/> (the options are not copied; do not change them afterwards).</summary>
    public MemcacheClient(MemcacheClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _nodes = options.Servers.Select(s => new ServerNode(s, options)).ToArray();
        _locator = options.Distribution == ServerDistribution.Ketama
            ? new KetamaLocator(options.Servers)
            : new PythonMemcachedLocator(options.Servers);
        _codec = new ValueCodec(options.JsonOptions, options.MinCompressLength);
    }

    private static MemcacheClientOptions Build(Action<MemcacheClientOptions> fill)
    {
        var o = new MemcacheClientOptions();
        fill(o);
        return o;
    }

    /// <summary>The servers, in the order given.</summary>
    public IReadOnlyList<MemcacheServerEndpoint> Servers => _options.Servers;

    /// <summary>
    /// The server a key is stored on now: the locator's choice, skipping servers that are dead or
    /// cannot be connected to (python-memcached's <c>_get_server</c>). Null when none is reachable.
    /// </summary>
    public MemcacheServerEndpoint? GetServerForKey(string key)
        => LocateAsync(KeyEncoder.Encode(key, "", _options), false, default).GetAwaiter().GetResult()?.Endpoint;

    /// <summary>Forgets every remembered cas unique (python-memcached's <c>reset_cas</c>).</summary>
    public void ResetCas() => _casIds.Clear();

    /// <summary>Puts every server back in rotation at once (python-memcached's <c>forget_dead_hosts</c>).</summary>
    public void ForgetDeadHosts()
    {
        foreach (var n in _nodes) n.Revive();
    }

    /// <summary>Closes every pooled connection.</summary>
    public void Dispose()
    {
        foreach (var n in _nodes) n.Dispose();
    }

    /// <summary>
    /// The live server for a key: python-memcached probes the chosen server (connecting if it has
    /// no connection) and, when it is dead, rehashes and tries again. Probing opens a connection
    /// and parks it in the pool, where the operation picks it up.
    /// </summary>
    private async ValueTask<ServerNode?> LocateAsync(byte[] key, bool useAsync, CancellationToken ct)
    {
        int attempts = _locator.MaxAttempts;
        if (attempts == 0) return null;
        int state = _locator.Start(key);
        for (int i = 0; i < attempts; i++)
        {
            var node = _nodes[_locator.ServerAt(state)];
            if (await node.EnsureReachableAsync(useAsync, ct).ConfigureAwait(false)) return node;
            state = _locator.Next(state, i);
        }
        return null;
    }

    /// <summary>
    /// Runs one single-key operation: finds the server, takes a connection, runs
    /// <paramref name="op"/>. A network failure marks the server dead and yields
    /// <paramref name="onFailure"/>, an unexpected reply discards the connection and yields it too;
    /// cancellation by the caller is the only exception that escapes.
    /// </summary>
    private async ValueTask<TResult> RunAsync<TState, TResult>(byte[] key, TState state,
        Func<MemcacheConnection, TState, bool, CancellationToken, ValueTask<TResult>> op, TResult onFailure,
        bool useAsync, CancellationToken ct)
    {
        var node = await LocateAsync(key, useAsync, ct).ConfigureAwait(false);
        if (node is null) return onFailure;
        return await RunOnAsync(node, state, op, onFailure, useAsync, ct).ConfigureAwait(false);
    }

    private async ValueTask<TResult> RunOnAsync<TState, TResult>(ServerNode node, TState state,
        Func<MemcacheConnection, TState, bool, CancellationToken, ValueTask<TResult>> op, TResult onFailure,
        bool useAsync, CancellationToken ct)
    {
        var conn = await node.AcquireAsync(useAsync, ct).ConfigureAwait(false);
        if (conn is null) return onFailure;
        bool reusable = false;
        try
        {
            var result = await op(conn, state, useAsync, ct).ConfigureAwait(false);
            reusable = true;
            return result;
        }
        catch (Exception ex) when (IsServerFailure(ex, ct))
        {
            node.MarkDead(ex.Message);
            return onFailure;
        }
        catch (MemcacheProtocolException ex)
        {
            _options.Logger?.LogWarning("memcached {Server}: {Message}", node.Endpoint, ex.Message);
            return onFailure;
        }
        finally
        {
            node.Release(conn, reusable);
        }
    }

    private static bool IsServerFailure(Exception ex, CancellationToken ct)
        => ex is SocketException or IOException or TimeoutException or ObjectDisposedException
           || (ex is OperationCanceledException && !ct.IsCancellationRequested);
}
