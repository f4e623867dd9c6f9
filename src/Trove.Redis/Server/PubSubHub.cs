using System.Buffers;
using Trove.Redis.Commands;
using Trove.Redis.Engine;
using Trove.Redis.Resp;

namespace Trove.Redis.Server;

/// <summary>
/// Channels and patterns with their subscribers. Guarded by the keyspace lock (PUBLISH runs as a
/// command under it). A message is encoded once per protocol version and queued to each
/// subscriber's session (<see cref="RespSession.EnqueuePush"/>), which writes it from its own task.
/// </summary>
public sealed class PubSubHub
{
    private readonly Dictionary<byte[], List<RespSession>> _channels = new(ByteKeyComparer.Instance);
    private readonly Dictionary<byte[], List<RespSession>> _patterns = new(ByteKeyComparer.Instance);
    private readonly Dictionary<RespSession, (HashSet<byte[]> Channels, HashSet<byte[]> Patterns)> _bySession = new();

    /// <summary>Channels with at least one subscriber.</summary>
    public int ChannelCount => _channels.Count;

    /// <summary>Patterns with at least one subscriber (PUBSUB NUMPAT).</summary>
    public int PatternCount => _patterns.Count;

    private (HashSet<byte[]> Channels, HashSet<byte[]> Patterns) StateOf(RespSession s)
    {
        if (!_bySession.TryGetValue(s, out var st))
        {
            st = (new HashSet<byte[]>(ByteKeyComparer.Instance), new HashSet<byte[]>(ByteKeyComparer.Instance));
            _bySession[s] = st;
        }
        return st;
    }

    /// <summary>Channels and patterns a session is subscribed to.</summary>
    public (int Channels, int Patterns) CountsOf(RespSession s)
        => _bySession.TryGetValue(s, out var st) ? (st.Channels.Count, st.Patterns.Count) : (0, 0);

    /// <summary>Subscribes; returns the session's subscription count after it.</summary>
    public int Subscribe(RespSession s, byte[] channel, bool pattern)
    {
        var st = StateOf(s);
        var set = pattern ? st.Patterns : st.Channels;
        if (set.Add(channel))
        {
            var map = pattern ? _patterns : _channels;
            if (!map.TryGetValue(channel, out var list)) map[channel] = list = new List<RespSession>();
            list.Add(s);
        }
        return st.Channels.Count + st.Patterns.Count;
    }

    /// <summary>Unsubscribes; returns the session's subscription count after it.</summary>
    public int Unsubscribe(RespSession s, byte[] channel, bool pattern)
    {
        if (!_bySession.TryGetValue(s, out var st)) return 0;
        var set = pattern ? st.Patterns : st.Channels;
        if (set.Remove(channel))
        {
            var map = pattern ? _patterns : _channels;
            if (map.TryGetValue(channel, out var list))
            {
                list.Remove(s);
                if (list.Count == 0) map.Remove(channel);
            }
        }
        int n = st.Channels.Count + st.Patterns.Count;
        if (n == 0) _bySession.Remove(s);
        return n;
    }

    /// <summary>The channels or patterns of a session (for UNSUBSCRIBE with no arguments).</summary>
    public List<byte[]> SubscriptionsOf(RespSession s, bool pattern)
        => _bySession.TryGetValue(s, out var st) ? (pattern ? st.Patterns : st.Channels).ToList() : new List<byte[]>();

    /// <summary>Drops every subscription of a closing session.</summary>
    public void UnsubscribeAll(RespSession s)
    {
        foreach (var c in SubscriptionsOf(s, false)) Unsubscribe(s, c, false);
        foreach (var p in SubscriptionsOf(s, true)) Unsubscribe(s, p, true);
    }

    /// <summary>Delivers a message; returns the number of clients that received it.</summary>
    public int Publish(byte[] channel, ReadOnlySpan<byte> message)
    {
        int receivers = 0;
        byte[]? m2 = null, m3 = null;
        if (_channels.TryGetValue(channel, out var subs))
        {
            foreach (var s in subs.ToArray())
            {
                var msg = s.Writer.Resp3 ? (m3 ??= Encode(3, "message"u8, default, channel, message))
                                         : (m2 ??= Encode(2, "message"u8, default, channel, message));
                s.EnqueuePush(msg);
                receivers++;
            }
        }
        if (_patterns.Count > 0)
        {
            foreach (var (pattern, list) in _patterns.ToArray())
            {
                if (!Glob.Match(pattern, channel)) continue;
                byte[]? p2 = null, p3 = null;
                foreach (var s in list.ToArray())
                {
                    var msg = s.Writer.Resp3 ? (p3 ??= Encode(3, "pmessage"u8, pattern, channel, message))
                                             : (p2 ??= Encode(2, "pmessage"u8, pattern, channel, message));
                    s.EnqueuePush(msg);
                    receivers++;
                }
            }
        }
        return receivers;
    }

    private static byte[] Encode(int protocol, ReadOnlySpan<byte> kind, ReadOnlySpan<byte> pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        var buf = new ArrayBufferWriter<byte>(64 + channel.Length + message.Length + pattern.Length);
        var w = new RespWriter(buf) { Protocol = protocol };
        bool p = !pattern.IsEmpty || kind.SequenceEqual("pmessage"u8);
        w.WritePushHeader(p ? 4 : 3);
        w.WriteBulk(kind);
        if (p) w.WriteBulk(pattern);
        w.WriteBulk(channel);
        w.WriteBulk(message);
        w.Commit();
        return buf.WrittenSpan.ToArray();
    }

    /// <summary>Active channels matching an optional pattern (PUBSUB CHANNELS).</summary>
    public List<byte[]> Channels(ReadOnlySpan<byte> pattern)
    {
        var r = new List<byte[]>();
        foreach (var c in _channels.Keys)
            if (pattern.IsEmpty || Glob.Match(pattern, c)) r.Add(c);
        return r;
    }

    /// <summary>Subscribers of a channel (PUBSUB NUMSUB).</summary>
    public int NumSub(byte[] channel) => _channels.TryGetValue(channel, out var l) ? l.Count : 0;
}
