namespace Trove.Amqp.Broker;

/// <summary>The x- arguments of queue.declare the broker implements, validated as RabbitMQ does.</summary>
public sealed class QueueArguments
{
    /// <summary>x-message-ttl in ms, or -1.</summary>
    public long MessageTtl { get; private init; } = -1;
    /// <summary>x-expires in ms, or -1.</summary>
    public long Expires { get; private init; } = -1;
    /// <summary>x-max-length, or -1.</summary>
    public long MaxLength { get; private init; } = -1;
    /// <summary>x-overflow reject-publish (true) or drop-head (false).</summary>
    public bool RejectPublish { get; private init; }
    /// <summary>x-dead-letter-exchange, or null.</summary>
    public string? DeadLetterExchange { get; private init; }
    /// <summary>x-dead-letter-routing-key, or null.</summary>
    public string? DeadLetterRoutingKey { get; private init; }

    /// <summary>Parses and validates; a bad value is 406 PRECONDITION_FAILED (channel).</summary>
    public static QueueArguments Parse(Dictionary<string, object?> args)
    {
        return new QueueArguments
        {
            MessageTtl = NonNegative(args, "x-message-ttl"),
            Expires = Positive(args, "x-expires"),
            MaxLength = NonNegative(args, "x-max-length"),
            RejectPublish = Overflow(args),
            DeadLetterExchange = Str(args, "x-dead-letter-exchange"),
            DeadLetterRoutingKey = Str(args, "x-dead-letter-routing-key"),
        };
    }

    private static long Int(Dictionary<string, object?> a, string key, out bool present)
    {
        present = a.TryGetValue(key, out var v);
        if (!present) return -1;
        return v switch
        {
            sbyte or byte or short or ushort or int or uint or long => Convert.ToInt64(v),
            _ => throw Bad(key, $"invalid arg '{key}' for queue: {{unacceptable_type,{TypeOf(v)}}}"),
        };
    }

    private static long NonNegative(Dictionary<string, object?> a, string key)
    {
        long v = Int(a, key, out bool present);
        if (present && v < 0) throw Bad(key, $"invalid arg '{key}' for queue: {{value_negative,{v}}}");
        return present ? v : -1;
    }

    private static long Positive(Dictionary<string, object?> a, string key)
    {
        long v = Int(a, key, out bool present);
        if (present && v <= 0) throw Bad(key, $"invalid arg '{key}' for queue: {{value_zero,{v}}}");
        return present ? v : -1;
    }

    private static bool Overflow(Dictionary<string, object?> a)
    {
        if (!a.TryGetValue("x-overflow", out var v)) return false;
        return v switch
        {
            "drop-head" => false,
            "reject-publish" or "reject-publish-dlx" => true,
            _ => throw Bad("x-overflow", $"invalid arg 'x-overflow' for queue: {v}"),
        };
    }

    private static string? Str(Dictionary<string, object?> a, string key)
    {
        if (!a.TryGetValue(key, out var v)) return null;
        return v as string ?? throw Bad(key, $"invalid arg '{key}' for queue: {{unacceptable_type,{TypeOf(v)}}}");
    }

    private static string TypeOf(object? v) => v switch { string => "longstr", bool => "bool", null => "void", _ => v.GetType().Name.ToLowerInvariant() };

    private static Framing.AmqpException Bad(string key, string text)
        => new(Framing.ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - " + text, false);
}
