namespace Trove.Memcached.Client.Protocol;

/// <summary>
/// A reply the client did not expect (an <c>ERROR</c>, <c>CLIENT_ERROR</c> or <c>SERVER_ERROR</c>
/// line, or a malformed line). The server is alive, but the connection is discarded because the
/// client cannot be sure where the next reply starts.
/// </summary>
internal sealed class MemcacheProtocolException : Exception
{
    public MemcacheProtocolException(string message) : base(message) { }
}
