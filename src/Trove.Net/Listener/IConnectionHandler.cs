namespace Trove.Net;

/// <summary>
/// The protocol layer's entry point. Called once per accepted connection; the connection is closed
/// when the returned task completes. Implementations read <see cref="TroveConnection.Input"/> and
/// write <see cref="TroveConnection.Output"/>, and never touch the socket.
/// </summary>
public interface IConnectionHandler
{
    /// <summary>Serves one connection until the client leaves, the protocol closes it, or shutdown.</summary>
    Task OnConnectedAsync(TroveConnection connection);
}
