namespace Trove.Amqp.Broker;

/// <summary>Exchange types this broker knows (RabbitMQ's built-in four).</summary>
public enum ExchangeType
{
    /// <summary>routing key equals binding key</summary>
    Direct,
    /// <summary>every binding</summary>
    Fanout,
    /// <summary>dot-separated words with * and #</summary>
    Topic,
    /// <summary>header match, x-match all/any</summary>
    Headers,
}

/// <summary>A binding from an exchange to a queue or to another exchange.</summary>
public sealed class Binding(string routingKey, Dictionary<string, object?> arguments, byte[] rawArguments, AmqpQueue? queue, Exchange? exchange)
{
    /// <summary>Binding key.</summary>
    public string RoutingKey { get; } = routingKey;
    /// <summary>Decoded arguments (headers exchange reads them).</summary>
    public Dictionary<string, object?> Arguments { get; } = arguments;
    /// <summary>Wire-encoded arguments (binding identity, storage).</summary>
    public byte[] RawArguments { get; } = rawArguments;
    /// <summary>Destination queue, or null for an exchange-to-exchange binding.</summary>
    public AmqpQueue? Queue { get; } = queue;
    /// <summary>Destination exchange, or null.</summary>
    public Exchange? Destination { get; } = exchange;
    /// <summary>Pre-split topic pattern.</summary>
    internal string[]? TopicWords { get; set; }

    /// <summary>Same destination, key and arguments.</summary>
    public bool SameAs(string key, byte[] rawArgs, AmqpQueue? q, Exchange? x)
        => RoutingKey == key && Queue == q && Destination == x && RawArguments.AsSpan().SequenceEqual(rawArgs);
}

/// <summary>
/// An exchange: the routing table of one type. Routing collects destination queues into a set, so
/// a queue reached by two bindings (or two paths through exchange-to-exchange bindings) gets one copy.
/// Not thread-safe: the broker calls it under the vhost lock.
/// </summary>
public sealed class Exchange(string name, ExchangeType type, bool durable, bool autoDelete, bool @internal, byte[] arguments)
{
    /// <summary>Name ("" for the default exchange).</summary>
    public string Name { get; } = name;
    /// <summary>Type.</summary>
    public ExchangeType Type { get; } = type;
    /// <summary>Survives a restart.</summary>
    public bool Durable { get; } = durable;
    /// <summary>Deleted when its last binding (as source) goes.</summary>
    public bool AutoDelete { get; } = autoDelete;
    /// <summary>Clients may not publish to it.</summary>
    public bool Internal { get; } = @internal;
    /// <summary>Wire-encoded declare arguments.</summary>
    public byte[] Arguments { get; } = arguments;
    /// <summary>Bindings with this exchange as source.</summary>
    public List<Binding> Bindings { get; } = new();
    /// <summary>Exact-key index for direct exchanges.</summary>
    private readonly Dictionary<string, List<Binding>> _direct = new(StringComparer.Ordinal);

    /// <summary>The spec name of a type.</summary>
    public static string TypeName(ExchangeType t) => t switch
    {
        ExchangeType.Direct => "direct", ExchangeType.Fanout => "fanout", ExchangeType.Topic => "topic", _ => "headers",
    };

    /// <summary>Parses a type name; false for unknown types.</summary>
    public static bool TryParseType(string s, out ExchangeType t)
    {
        switch (s)
        {
            case "direct": t = ExchangeType.Direct; return true;
            case "fanout": t = ExchangeType.Fanout; return true;
            case "topic": t = ExchangeType.Topic; return true;
            case "headers": t = ExchangeType.Headers; return true;
            default: t = default; return false;
        }
    }

    /// <summary>Adds a binding; false when an identical one exists.</summary>
    public bool AddBinding(Binding b)
    {
        foreach (var existing in Bindings)
            if (existing.SameAs(b.RoutingKey, b.RawArguments, b.Queue, b.Destination)) return false;
        if (Type == ExchangeType.Topic) b.TopicWords = b.RoutingKey.Split('.');
        Bindings.Add(b);
        if (Type == ExchangeType.Direct)
        {
            if (!_direct.TryGetValue(b.RoutingKey, out var list)) _direct[b.RoutingKey] = list = new();
            list.Add(b);
        }
        return true;
    }

    /// <summary>Removes bindings matching the predicate; returns them.</summary>
    public List<Binding> RemoveBindings(Predicate<Binding> match)
    {
        var removed = Bindings.FindAll(match);
        foreach (var b in removed)
        {
            Bindings.Remove(b);
            if (Type == ExchangeType.Direct && _direct.TryGetValue(b.RoutingKey, out var list))
            {
                list.Remove(b);
                if (list.Count == 0) _direct.Remove(b.RoutingKey);
            }
        }
        return removed;
    }

    /// <summary>
    /// Adds the queues this message reaches to <paramref name="queues"/>, following
    /// exchange-to-exchange bindings once per exchange (<paramref name="visited"/> breaks cycles).
    /// </summary>
    public void Route(string routingKey, Func<Dictionary<string, object?>?> headers, HashSet<AmqpQueue> queues, HashSet<Exchange>? visited)
    {
        if (Type == ExchangeType.Direct)
        {
            if (_direct.TryGetValue(routingKey, out var list))
                foreach (var b in list) Deliver(b, routingKey, headers, queues, ref visited);
            return;
        }
        foreach (var b in Bindings)
        {
            bool match = Type switch
            {
                ExchangeType.Fanout => true,
                ExchangeType.Topic => TopicMatcher.Matches(b.TopicWords!, routingKey),
                _ => HeadersMatch(b.Arguments, headers()),
            };
            if (match) Deliver(b, routingKey, headers, queues, ref visited);
        }
    }

    private void Deliver(Binding b, string routingKey, Func<Dictionary<string, object?>?> headers, HashSet<AmqpQueue> queues, ref HashSet<Exchange>? visited)
    {
        if (b.Queue is not null) { queues.Add(b.Queue); return; }
        visited ??= new HashSet<Exchange> { this };
        if (visited.Add(b.Destination!)) b.Destination!.Route(routingKey, headers, queues, visited);
    }

    /// <summary>
    /// Headers exchange rule: x-match "all" (default) needs every non-x- binding argument present
    /// with an equal value (a void argument only needs the key); "any" needs one.
    /// </summary>
    internal static bool HeadersMatch(Dictionary<string, object?> args, Dictionary<string, object?>? headers)
    {
        bool any = args.TryGetValue("x-match", out var xm) && xm is string s && (s == "any" || s == "any-with-x");
        bool withX = xm is string s2 && s2.EndsWith("-with-x", StringComparison.Ordinal);
        foreach (var (k, v) in args)
        {
            if (k.StartsWith("x-", StringComparison.Ordinal) && !withX) continue;
            if (k == "x-match") continue;
            bool ok = headers is not null && headers.TryGetValue(k, out var hv) && (v is null || ValueEquals(v, hv));
            if (any && ok) return true;
            if (!any && !ok) return false;
        }
        return !any;
    }

    private static bool ValueEquals(object a, object? b)
    {
        if (b is null) return false;
        if (a is string sa) return b is string sb ? sa == sb : b is byte[] bb && System.Text.Encoding.UTF8.GetString(bb) == sa;
        if (IsInteger(a) && IsInteger(b)) return Convert.ToInt64(a) == Convert.ToInt64(b);
        return a.Equals(b);
    }

    private static bool IsInteger(object o) => o is sbyte or byte or short or ushort or int or uint or long;
}

/// <summary>Topic matching: words split by '.', '*' is exactly one word, '#' zero or more.</summary>
public static class TopicMatcher
{
    /// <summary>True when <paramref name="routingKey"/> matches the split pattern.</summary>
    public static bool Matches(string[] pattern, string routingKey)
    {
        var words = routingKey.Split('.');
        return Match(pattern, 0, words, 0);
    }

    /// <summary>True when <paramref name="routingKey"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string routingKey) => Matches(pattern.Split('.'), routingKey);

    private static bool Match(string[] p, int pi, string[] w, int wi)
    {
        while (true)
        {
            if (pi == p.Length) return wi == w.Length;
            if (p[pi] == "#")
            {
                // '#' takes zero words, or one word and stays.
                if (Match(p, pi + 1, w, wi)) return true;
                if (wi == w.Length) return false;
                wi++;
                continue;
            }
            if (wi == w.Length) return false;
            if (p[pi] != "*" && p[pi] != w[wi]) return false;
            pi++; wi++;
        }
    }
}
