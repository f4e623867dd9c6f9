using System.Text;
using Trove.Memcached.Client.Connections;
using Trove.Memcached.Client.Protocol;

namespace Trove.Memcached.Client;

// flush_all and stats: sent to every reachable server in list order.
public sealed partial class MemcacheClient
{
    /// <summary>
    /// Empties every reachable server (python-memcached's <c>flush_all</c>). True when each of
    /// them answered OK; unreachable servers are skipped and make the result false.
    /// </summary>
    public bool FlushAll() => FlushAllAsync(false, default).GetAwaiter().GetResult();

    /// <summary>Asynchronous <see cref="FlushAll()"/>.</summary>
    public Task<bool> FlushAllAsync(CancellationToken cancellationToken = default) => FlushAllAsync(true, cancellationToken).AsTask();

    /// <summary>
    /// The <c>stats</c> of every reachable server (python-memcached's <c>get_stats</c>);
    /// <paramref name="arguments"/> selects a sub-command such as <c>"items"</c> or <c>"settings"</c>.
    /// </summary>
    public IReadOnlyList<MemcacheServerStats> Stats(string? arguments = null) => StatsAsync(arguments, false, default).GetAwaiter().GetResult();

    /// <summary>The general <c>stats</c> of every reachable server.</summary>
    public IReadOnlyList<MemcacheServerStats> Stats() => Stats(null);

    /// <summary>Asynchronous <see cref="Stats(string)"/>.</summary>
    public Task<IReadOnlyList<MemcacheServerStats>> StatsAsync(string? arguments = null, CancellationToken cancellationToken = default)
        => StatsAsync(arguments, true, cancellationToken).AsTask();

    private async ValueTask<bool> FlushAllAsync(bool useAsync, CancellationToken ct)
    {
        bool all = true;
        foreach (var node in _nodes)
        {
            bool ok = await RunOnAsync(node, 0, static async (conn, _, a, t) =>
            {
                conn.Writer.Raw(ProtocolLiterals.FlushAll).Crlf();
                await conn.SendAsync(false, a, t).ConfigureAwait(false);
                var line = await conn.ReadLineAsync(a, t).ConfigureAwait(false);
                if (!line.Span.SequenceEqual(ProtocolLiterals.Ok)) throw ReplyParser.Unexpected(line.Span);
                return true;
            }, false, useAsync, ct).ConfigureAwait(false);
            all &= ok;
        }
        return all;
    }

    private async ValueTask<IReadOnlyList<MemcacheServerStats>> StatsAsync(string? arguments, bool useAsync, CancellationToken ct)
    {
        var args = string.IsNullOrWhiteSpace(arguments) ? null : Encoding.ASCII.GetBytes(arguments.Trim());
        var result = new List<MemcacheServerStats>();
        foreach (var node in _nodes)
        {
            var values = await RunOnAsync(node, args, static async (conn, a0, a, t) =>
            {
                conn.Writer.Raw(ProtocolLiterals.Stats);
                if (a0 is not null) conn.Writer.Space().Raw(a0);
                conn.Writer.Crlf();
                await conn.SendAsync(false, a, t).ConfigureAwait(false);
                var values = new Dictionary<string, string>(StringComparer.Ordinal);
                while (true)
                {
                    var line = await conn.ReadLineAsync(a, t).ConfigureAwait(false);
                    var span = line.Span;
                    if (span.SequenceEqual(ProtocolLiterals.End)) return values;
                    if (!span.StartsWith(ProtocolLiterals.Stat)) throw ReplyParser.Unexpected(span);
                    span = span[ProtocolLiterals.Stat.Length..];
                    int sp = span.IndexOf((byte)' ');
                    if (sp < 0) values[Encoding.ASCII.GetString(span)] = "";
                    else values[Encoding.ASCII.GetString(span[..sp])] = Encoding.UTF8.GetString(span[(sp + 1)..]);
                }
            }, (Dictionary<string, string>?)null, useAsync, ct).ConfigureAwait(false);
            if (values is not null) result.Add(new MemcacheServerStats(node.Endpoint.StatsName, values));
        }
        return result;
    }
}
