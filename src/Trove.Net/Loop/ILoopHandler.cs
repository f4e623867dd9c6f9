namespace Trove.Net;

// The synchronous event-loop transport (Linux x86-64; a pipe-based fallback elsewhere).
//
// How a protocol server uses it:
//  1. Implement ILoopHandler and pass it to `new TcpServer(options, loopHandler, log)`.
//     Open is called once per accepted connection and returns that connection's ILoopSession.
//  2. ILoopSession.OnInput(input, output) runs on the connection's loop thread with ALL the bytes
//     received and not yet consumed (one contiguous span). Process every complete request it holds,
//     write the replies into `output` (a LoopOutput: GetSpan/Advance or Write), and return how many
//     bytes were consumed. Unconsumed bytes (an incomplete request) are kept and passed again, with
//     more appended, at the next call. Never block, never keep `input` or `output` after returning.
//     Stop taking requests once `output.IsFull` (OutputPauseThreshold bytes written) and return what
//     was consumed: the transport passes the rest again as soon as the client has taken the replies
//     (without that check one read of small requests could produce unbounded output).
//     After OnInput the transport sends the output in one send; if the client does not take it all,
//     the rest waits for EPOLLOUT, and while more than TcpServerOptions.OutputPauseThreshold bytes
//     wait, the connection's input is not read (a client that never reads cannot grow memory).
//     Input that the session leaves unconsumed beyond TcpServerOptions.MaxInputBuffer closes the
//     connection: a session that needs a large request whole must say so through that option.
//  3. Closing: LoopContext.CloseAfterSend() (send what was written, half-close, drain what the
//     client still sends for a moment so the close is not a reset, then close);
//     TroveConnection.Abort() (any thread) closes at once. ILoopSession.OnClosed runs once, on the
//     loop thread, whichever side ended the connection; the session must release its resources there.
//  4. Blocking commands (BLPOP, a subscriber waiting for messages, ...): a session that cannot reply
//     yet calls LoopContext.Park() inside OnInput and returns the bytes consumed so far (the blocked
//     command included). While parked, OnInput is not called; bytes that arrive are kept (up to
//     TcpServerOptions.InputPauseThreshold, then the socket is not read). Any thread may then call
//     LoopContext.Wake(): the loop thread calls ILoopSession.OnWake(output), where the session
//     writes what it has to say (the popped element, queued pub/sub messages, a timeout reply) and
//     calls LoopContext.Unpark() if it can serve requests again; the transport sends the output and,
//     if unparked, passes the kept input to OnInput. Wake may be called at any time (parked or not,
//     several times: wakes that arrive before OnWake runs are merged into one call), so the session
//     keeps what it must write in its own thread-safe state and drains it in OnWake. Wake after
//     the connection closed is ignored. Timeouts are the session's own (e.g. a Timer that calls Wake).
//  5. Threads: each loop thread owns its connections; OnInput/OnWake/OnClosed of one connection
//     never run concurrently and always run on the same thread. Different connections run on
//     different loop threads at once, so shared engine state needs the locking it needs today.
//     Connections are given to loops round-robin (TcpServerOptions.LoopThreads loops).

/// <summary>
/// A protocol server that serves requests synchronously on the transport's event-loop threads (see
/// the notes at the top of this file). Pass it to <see cref="TcpServer(TcpServerOptions, ILoopHandler, Microsoft.Extensions.Logging.ILogger?)"/>.
/// </summary>
public interface ILoopHandler
{
    /// <summary>Called on a loop thread for each accepted connection; returns its session.</summary>
    ILoopSession Open(LoopContext context);
}

/// <summary>One connection's protocol state, driven by its loop thread.</summary>
public interface ILoopSession
{
    /// <summary>
    /// Consumes the complete requests at the start of <paramref name="input"/>, writing replies to
    /// <paramref name="output"/>; returns the number of bytes consumed (0..input.Length).
    /// </summary>
    int OnInput(ReadOnlySpan<byte> input, LoopOutput output);

    /// <summary>Called after <see cref="LoopContext.Wake"/>; writes whatever the session has queued.</summary>
    void OnWake(LoopOutput output);

    /// <summary>Called once when the connection has ended, whoever ended it.</summary>
    void OnClosed();
}

/// <summary>
/// The transport's side of one connection, given to <see cref="ILoopHandler.Open"/>. Members other
/// than <see cref="Wake"/> and <see cref="Connection"/> must be called from the connection's loop
/// thread (inside OnInput or OnWake).
/// </summary>
public abstract class LoopContext
{
    private protected LoopContext() { }

    /// <summary>The connection (ids, addresses, counters, Abort).</summary>
    public abstract TroveConnection Connection { get; }

    /// <summary>Stop passing input to OnInput until <see cref="Unpark"/>.</summary>
    public abstract void Park();

    /// <summary>Resume passing input to OnInput (the kept input is passed after the current call).</summary>
    public abstract void Unpark();

    /// <summary>True while parked.</summary>
    public abstract bool IsParked { get; }

    /// <summary>Any thread: have the loop call <see cref="ILoopSession.OnWake"/> soon.</summary>
    public abstract void Wake();

    /// <summary>Send what has been written, then close (a graceful close; no more input is processed).</summary>
    public abstract void CloseAfterSend();
}
