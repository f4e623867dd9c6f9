namespace Trove.Redis.Commands;

/// <summary>Redis's fixed error replies (server.c createSharedObjects and the command files), without '-' and CRLF.</summary>
public static class Errors
{
    /// <summary>WRONGTYPE</summary>
    public static ReadOnlySpan<byte> WrongType => "WRONGTYPE Operation against a key holding the wrong kind of value"u8;
    /// <summary>ERR syntax error</summary>
    public static ReadOnlySpan<byte> Syntax => "ERR syntax error"u8;
    /// <summary>ERR value is not an integer or out of range</summary>
    public static ReadOnlySpan<byte> NotInteger => "ERR value is not an integer or out of range"u8;
    /// <summary>ERR value is not a valid float</summary>
    public static ReadOnlySpan<byte> NotFloat => "ERR value is not a valid float"u8;
    /// <summary>ERR increment or decrement would overflow</summary>
    public static ReadOnlySpan<byte> Overflow => "ERR increment or decrement would overflow"u8;
    /// <summary>ERR no such key</summary>
    public static ReadOnlySpan<byte> NoSuchKey => "ERR no such key"u8;
    /// <summary>ERR index out of range</summary>
    public static ReadOnlySpan<byte> IndexOutOfRange => "ERR index out of range"u8;
    /// <summary>ERR DB index is out of range</summary>
    public static ReadOnlySpan<byte> DbIndexOutOfRange => "ERR DB index is out of range"u8;
    /// <summary>ERR value is out of range, must be positive</summary>
    public static ReadOnlySpan<byte> MustBePositive => "ERR value is out of range, must be positive"u8;
    /// <summary>ERR invalid cursor</summary>
    public static ReadOnlySpan<byte> InvalidCursor => "ERR invalid cursor"u8;
    /// <summary>ERR string exceeds maximum allowed size (proto-max-bulk-len)</summary>
    public static ReadOnlySpan<byte> StringTooLong => "ERR string exceeds maximum allowed size (proto-max-bulk-len)"u8;
    /// <summary>ERR increment would produce NaN or Infinity</summary>
    public static ReadOnlySpan<byte> NaNOrInfinity => "ERR increment would produce NaN or Infinity"u8;
    /// <summary>ERR timeout is not a float or out of range</summary>
    public static ReadOnlySpan<byte> TimeoutNotFloat => "ERR timeout is not a float or out of range"u8;
    /// <summary>ERR timeout is negative</summary>
    public static ReadOnlySpan<byte> TimeoutNegative => "ERR timeout is negative"u8;
    /// <summary>NOAUTH</summary>
    public static ReadOnlySpan<byte> NoAuth => "NOAUTH Authentication required."u8;
    /// <summary>EXECABORT</summary>
    public static ReadOnlySpan<byte> ExecAbort => "EXECABORT Transaction discarded because of previous errors."u8;
    /// <summary>ERR bit offset is not an integer or out of range</summary>
    public static ReadOnlySpan<byte> BitOffset => "ERR bit offset is not an integer or out of range"u8;
    /// <summary>ERR bit is not an integer or out of range</summary>
    public static ReadOnlySpan<byte> BitValue => "ERR bit is not an integer or out of range"u8;
    /// <summary>ERR source and destination objects are the same</summary>
    public static ReadOnlySpan<byte> SameObject => "ERR source and destination objects are the same"u8;
}
