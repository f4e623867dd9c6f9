using System.Diagnostics.CodeAnalysis;

namespace Trove.Amqp.Framing;

/// <summary>
/// A protocol error: the spec's reply code and text, the method that caused it, and whether it closes
/// the channel (soft error) or the whole connection (hard error).
/// </summary>
public sealed class AmqpException(ushort code, string text, bool connectionLevel, ushort classId = 0, ushort methodId = 0)
    : Exception(text)
{
    /// <summary>Reply code (ReplyCode constants).</summary>
    public ushort Code { get; } = code;
    /// <summary>Reply text sent to the client.</summary>
    public string Text { get; } = text;
    /// <summary>True for connection errors (connection.close), false for channel errors (channel.close).</summary>
    public bool ConnectionLevel { get; } = connectionLevel;
    /// <summary>Class of the failing method, 0 if none.</summary>
    public ushort ClassId { get; set; } = classId;
    /// <summary>Method of the failing method, 0 if none.</summary>
    public ushort MethodId { get; set; } = methodId;

    /// <summary>Throws a channel error.</summary>
    [DoesNotReturn]
    public static void Channel(ushort code, string text) => throw new AmqpException(code, text, false);

    /// <summary>Throws a connection error.</summary>
    [DoesNotReturn]
    public static void Connection(ushort code, string text) => throw new AmqpException(code, text, true);
}

/// <summary>AMQP 0-9-1 reply codes (spec section 1.9, "constants").</summary>
public static class ReplyCode
{
    /// <summary>Success.</summary>
    public const ushort ReplySuccess = 200;
    /// <summary>Soft: message too large (unused).</summary>
    public const ushort ContentTooLarge = 311;
    /// <summary>Soft: mandatory/immediate message unroutable.</summary>
    public const ushort NoRoute = 312;
    /// <summary>Soft: no consumers (immediate).</summary>
    public const ushort NoConsumers = 313;
    /// <summary>Hard: operator closed the connection.</summary>
    public const ushort ConnectionForced = 320;
    /// <summary>Hard: bad vhost path.</summary>
    public const ushort InvalidPath = 402;
    /// <summary>Soft: access refused.</summary>
    public const ushort AccessRefused = 403;
    /// <summary>Soft: entity not found.</summary>
    public const ushort NotFound = 404;
    /// <summary>Soft: exclusive resource held by another connection.</summary>
    public const ushort ResourceLocked = 405;
    /// <summary>Soft: precondition failed (mismatched redeclare, if-unused...).</summary>
    public const ushort PreconditionFailed = 406;
    /// <summary>Hard: malformed frame.</summary>
    public const ushort FrameError = 501;
    /// <summary>Hard: bad field values in a method.</summary>
    public const ushort SyntaxError = 502;
    /// <summary>Hard: method not valid in this state.</summary>
    public const ushort CommandInvalid = 503;
    /// <summary>Hard: channel not open, or opened twice.</summary>
    public const ushort ChannelError = 504;
    /// <summary>Hard: frame type not expected now.</summary>
    public const ushort UnexpectedFrame = 505;
    /// <summary>Hard: server resource exhausted.</summary>
    public const ushort ResourceError = 506;
    /// <summary>Hard: not allowed (vhost access, channel-max...).</summary>
    public const ushort NotAllowed = 530;
    /// <summary>Hard: method not implemented.</summary>
    public const ushort NotImplemented = 540;
    /// <summary>Hard: internal error.</summary>
    public const ushort InternalError = 541;
}
