namespace Trove.Memcached.Client.Protocol;

/// <summary>Command names and reply words of the memcached text protocol (protocol.txt).</summary>
internal static class ProtocolLiterals
{
    public static ReadOnlySpan<byte> Get => "get"u8;
    public static ReadOnlySpan<byte> Gets => "gets"u8;
    public static ReadOnlySpan<byte> Delete => "delete"u8;
    public static ReadOnlySpan<byte> Touch => "touch"u8;
    public static ReadOnlySpan<byte> Incr => "incr"u8;
    public static ReadOnlySpan<byte> Decr => "decr"u8;
    public static ReadOnlySpan<byte> FlushAll => "flush_all"u8;
    public static ReadOnlySpan<byte> Stats => "stats"u8;
    public static ReadOnlySpan<byte> Noreply => " noreply"u8;

    /// <summary>
    /// Sent after every noreply command: its VERSION line marks where the (absent) replies end, so
    /// an error a server sends despite noreply cannot be mistaken for the next command's reply.
    /// </summary>
    public static ReadOnlySpan<byte> Sentinel => "version\r\n"u8;

    public static ReadOnlySpan<byte> Value => "VALUE "u8;
    public static ReadOnlySpan<byte> End => "END"u8;
    public static ReadOnlySpan<byte> Stored => "STORED"u8;
    public static ReadOnlySpan<byte> NotStored => "NOT_STORED"u8;
    public static ReadOnlySpan<byte> Exists => "EXISTS"u8;
    public static ReadOnlySpan<byte> NotFound => "NOT_FOUND"u8;
    public static ReadOnlySpan<byte> Deleted => "DELETED"u8;
    public static ReadOnlySpan<byte> Touched => "TOUCHED"u8;
    public static ReadOnlySpan<byte> Ok => "OK"u8;
    public static ReadOnlySpan<byte> Stat => "STAT "u8;
    public static ReadOnlySpan<byte> Version => "VERSION "u8;
    public static ReadOnlySpan<byte> Error => "ERROR"u8;
    public static ReadOnlySpan<byte> ClientError => "CLIENT_ERROR"u8;
    public static ReadOnlySpan<byte> ServerError => "SERVER_ERROR"u8;

    /// <summary>Longest <c>get</c> line the client sends; longer key lists are split into several pipelined gets.</summary>
    public const int MaxGetLine = 2000;

    /// <summary>Longest reply line accepted (VALUE lines carry a 250-byte key; STAT lines are short).</summary>
    public const int MaxReplyLine = 64 * 1024;
}
