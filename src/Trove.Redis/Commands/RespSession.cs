using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Trove.Redis.Engine;
using Trove.Redis.Resp;
using Trove.Redis.Server;

namespace Trove.Redis.Commands;

/// <summary>
/// One client connection: reads commands, runs them against the engine, writes replies.
/// Split by command family into partial files (<c>RespSession.Strings.cs</c>, <c>.Keys.cs</c>, ...);
/// see <see cref="CommandTable"/> for how a family registers its commands.
/// <para>
/// Flow per read: parse every complete command in the received bytes and execute them under one
/// acquisition of <see cref="Keyspace.Sync"/>, then flush the replies once. A batch stops early
/// when a command blocks (BLPOP), when the client is to be closed, or when more than
/// <see cref="OutputHighWater"/> bytes of replies are waiting, so a client that does not read its
/// replies is held by the output pipe's backpressure instead of growing server memory.
/// </para>
/// </summary>
public sealed partial class RespSession : IKeyWatcher
{
    private static readonly CommandTable s_table = BuildTable();

    /// <summary>Pending reply bytes at which a batch pauses to flush.</summary>
    public const int OutputHighWater = 256 * 1024;

    /// <summary>Client query buffer limit (client-query-buffer-limit, 1 GB).</summary>
    public const long QueryBufferLimit = 1L << 30;

    private readonly RedisServer _server;
    private readonly RespParser _parser = new();
    private readonly Trove.Net.TroveConnection? _connection;
    private byte[] _carry = Array.Empty<byte>();
    private int _carryLen;
    private bool _carryReady;
    private bool _stalled;
    private bool _closing;
    private PendingBlock? _blocked;

    private static CommandTable BuildTable()
    {
        var t = new CommandTable();
        RegisterConnectionCommands(t);
        RegisterServerCommands(t);
        RegisterKeyCommands(t);
        RegisterStringCommands(t);
        RegisterBitCommands(t);
        RegisterTransactionCommands(t);
        RegisterPubSubCommands(t);
        RegisterHashCommands(t);
        RegisterListCommands(t);
        RegisterSetCommands(t);
        RegisterSortedSetCommands(t);
        return t;
    }

    /// <summary>Hashes family hook (RespSession.Hashes.cs).</summary>
    static partial void RegisterHashCommands(CommandTable t);
    /// <summary>Lists family hook (RespSession.Lists.cs).</summary>
    static partial void RegisterListCommands(CommandTable t);
    /// <summary>Sets family hook (RespSession.Sets.cs).</summary>
    static partial void RegisterSetCommands(CommandTable t);
    /// <summary>Sorted sets family hook (RespSession.SortedSets.cs).</summary>
    static partial void RegisterSortedSetCommands(CommandTable t);

    /// <summary>The command table shared by all sessions.</summary>
    public static CommandTable Commands => s_table;

    /// <summary>A session writing to <paramref name="output"/> (a socket's pipe, or an in-memory one in tests).</summary>
    public RespSession(RedisServer server, PipeWriter output, Trove.Net.TroveConnection? connection = null)
    {
        _server = server;
        _connection = connection;
        Output = output;
        Writer = new RespWriter(output);
        Db = server.Keyspace[0];
        Id = connection?.Id ?? Interlocked.Increment(ref s_localIds) + (1L << 40);
        _parser.MaxBulkLength = server.Config.ProtoMaxBulkLen;
        _authenticated = server.Config.RequirePass is null;
        _parser.Authenticated = _authenticated;
        CreatedTicks = Environment.TickCount64;
    }

    private static long s_localIds;

    /// <summary>CLIENT ID.</summary>
    public long Id { get; }

    /// <summary>The arguments of the command being run (0 = its name).</summary>
    public ParseState Args { get; } = new();

    /// <summary>Where replies go.</summary>
    public RespWriter Writer { get; }

    /// <summary>The connection's output pipe.</summary>
    public PipeWriter Output { get; }

    /// <summary>The selected database.</summary>
    public Database Db { get; private set; }

    /// <summary>The engine.</summary>
    public Keyspace Keyspace => _server.Keyspace;

    /// <summary>The server.</summary>
    public RedisServer Server => _server;

    /// <summary>The command being run.</summary>
    public CommandDef? Current { get; private set; }

    /// <summary>True while EXEC runs queued commands: blocking commands must not block then.</summary>
    public bool InExec { get => _inExec || _loading; private set => _inExec = value; }

    private bool _inExec;
    private bool _loading;

    /// <summary>CLIENT SETNAME.</summary>
    public string? Name { get; set; }

    /// <summary>Environment.TickCount64 at creation (CLIENT LIST age).</summary>
    public long CreatedTicks { get; }

    /// <summary>Name of the last command run (CLIENT LIST cmd=).</summary>
    public string LastCommand { get; private set; } = "NULL";

    /// <summary>Records <paramref name="changes"/> changes to the keyspace (server.dirty; drives the write log).</summary>
    public void Dirty(long changes = 1) => Keyspace.Dirty += changes;

    /// <summary>Runs the session until the client leaves or is closed.</summary>
    public async Task RunAsync(PipeReader input, CancellationToken stop)
    {
        _server.Register(this);
        _input = input;
        try
        {
            while (!_closing)
            {
                if (!_pushes.IsEmpty) await DrainPushesAsync().ConfigureAwait(false);
                if (_closing) break;
                if (_carryReady && _carryLen > 0)
                {
                    ProcessCarry();
                    await AfterBatchAsync(stop).ConfigureAwait(false);
                    continue;
                }
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) { break; }
                if (result.IsCanceled)
                {
                    input.AdvanceTo(result.Buffer.Start);
                    continue;
                }
                var buffer = result.Buffer;
                if (buffer.IsEmpty && result.IsCompleted) break;
                _stalled = false;
                if (_carryLen == 0 && buffer.IsSingleSegment)
                {
                    int consumed = ProcessBuffer(buffer.First);
                    var at = buffer.GetPosition(consumed);
                    if (!_stalled && buffer.Length - consumed > 64 * 1024)
                    {
                        // A large partial command (a big bulk): move it out of the pipe so the
                        // pipe's pause threshold cannot stall the read that would complete it.
                        AppendCarry(buffer.Slice(at));
                        input.AdvanceTo(buffer.End);
                    }
                    else input.AdvanceTo(at, _stalled ? at : buffer.End);
                }
                else
                {
                    if (_carryLen + buffer.Length > QueryBufferLimit)
                    {
                        input.AdvanceTo(buffer.End);
                        _server.Log("closing client that reached max query buffer length");
                        break;
                    }
                    AppendCarry(buffer);
                    input.AdvanceTo(buffer.End);
                    ProcessCarry();
                }
                if (result.IsCompleted && !_stalled) _closing = true;
                await AfterBatchAsync(stop).ConfigureAwait(false);
            }
            Writer.Commit();
            await Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException) { }
        catch (IOException) { }
        finally
        {
            lock (Keyspace.Sync) Cleanup();
            _server.Unregister(this);
        }
    }

    private PipeReader? _input;

    private void AppendCarry(ReadOnlySequence<byte> buffer)
    {
        long need = _carryLen + buffer.Length;
        if (need > _carry.Length)
        {
            long size = Math.Max(need, Math.Max(4096, _carry.Length * 2L));
            if (_parser.NeedBytes > size) size = _parser.NeedBytes;
            var bigger = new byte[Math.Min(size, Array.MaxLength)];
            _carry.AsSpan(0, _carryLen).CopyTo(bigger);
            _carry = bigger;
        }
        buffer.CopyTo(_carry.AsSpan(_carryLen));
        _carryLen = (int)need;
    }

    private void ProcessCarry()
    {
        _stalled = false;
        int consumed = ProcessBuffer(new ReadOnlyMemory<byte>(_carry, 0, _carryLen));
        int rest = _carryLen - consumed;
        if (rest > 0 && consumed > 0) Buffer.BlockCopy(_carry, consumed, _carry, 0, rest);
        _carryLen = rest;
        // Bytes left over after a stall are complete commands to run before reading again;
        // otherwise they are a partial command waiting for more input.
        _carryReady = _stalled && rest > 0;
        if (rest == 0 && _carry.Length > 1 << 20) _carry = Array.Empty<byte>();
    }

    /// <summary>Parses and runs every complete command in <paramref name="memory"/>; returns the bytes consumed.</summary>
    private int ProcessBuffer(ReadOnlyMemory<byte> memory)
    {
        int pos = 0;
        lock (Keyspace.Sync)
        {
            Keyspace.RefreshClock();
            while (true)
            {
                int start = pos;
                var status = _parser.TryParse(memory, ref pos, Args);
                if (status == ParseStatus.NeedMore) { pos = start; break; }
                if (status == ParseStatus.Error)
                {
                    Writer.WriteError(_parser.Error!);
                    _closing = true;
                    _stalled = true;
                    break;
                }
                if (Args.Count == 0) continue;
                Execute();
                // The event loop bounds output per call (LoopOutput.IsFull): stop there and it passes
                // the rest of the input again once the client has taken the replies.
                if (_closing || _blocked is not null || Writer.Pending > (_loop is null ? OutputHighWater : LoopOutputLimit - 1))
                {
                    _stalled = true;
                    break;
                }
            }
            // Before the replies go out: an acknowledged write is in the log.
            Keyspace.WriteLog?.Flush();
        }
        return pos;
    }

    /// <summary>Runs the command in <see cref="Args"/> (lock held): lookup, arity, auth, MULTI queueing.</summary>
    internal void Execute()
    {
        _connection?.CountCommands();
        _server.CommandsProcessed++;
        // Clients repeat commands (a pipeline of SETs): try the last one before the table.
        var def = _lastDef;
        if (def is null || !ParseState.EqualsUpper(Args[0], def.UpperName))
        {
            def = s_table.Find(Args[0]);
            if (def is not null) _lastDef = def;
        }
        if (def is null)
        {
            FlagTransaction();
            WriteUnknownCommand();
            return;
        }
        if (!def.ArityOk(Args.Count))
        {
            FlagTransaction();
            WriteArityError(def.Name);
            return;
        }
        if (!_authenticated && (def.Flags & CommandFlags.NoAuth) == 0)
        {
            FlagTransaction();
            Writer.WriteError(Errors.NoAuth);
            return;
        }
        if (IsSubscriberResp2 && (def.Flags & CommandFlags.AllowedInPubSub) == 0)
        {
            Writer.WriteError($"ERR Can't execute '{def.Name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
            return;
        }
        if (_multi is not null && (def.Flags & CommandFlags.NoMulti) == 0)
        {
            _multi.Add((def, Args.CopyAll()));
            Writer.WriteRaw("+QUEUED\r\n"u8);
            return;
        }
        Call(def);
        if (Keyspace.Blocking.HasReadyKeys) Keyspace.Blocking.ServeReadyKeys();
    }

    /// <summary>Calls a handler, then records the command for the write log when it changed the keyspace.</summary>
    private void Call(CommandDef def)
    {
        long dirty = Keyspace.Dirty;
        Current = def;
        LastCommand = def.Subcommands.Count > 0 && Args.Count > 1 ? def.Name + "|" + Args.GetString(1).ToLowerInvariant() : def.Name;
        def.Calls++;
        def.Handler(this);
        // EXEC logs its queued commands one by one through this same path.
        if (Keyspace.Dirty != dirty && (def.Flags & CommandFlags.NoMulti) == 0 && Keyspace.WriteLog is { } log)
        {
            if (_propagate is { } rewritten) log.Append(Db.Index, rewritten);
            else log.Append(Db.Index, Args);
        }
        _propagate = null;
    }

    private ReadOnlyMemory<byte>[]? _propagate;
    private CommandDef? _lastDef;

    /// <summary>
    /// Records <paramref name="args"/> in the write log instead of the command as the client sent
    /// it (Redis's rewriteClientCommandVector): a blocking pop served at once is logged as the
    /// pop it did (BLPOP as LPOP), so replaying the log never blocks and does the same change.
    /// </summary>
    internal void Propagate(params ReadOnlyMemory<byte>[] args) => _propagate = args;

    /// <summary>
    /// Logs a relative or absolute expiry set on the key at <paramref name="keyArg"/> as
    /// PEXPIREAT key ms, as Redis does, so a replay later sets the same deadline.
    /// </summary>
    private void PropagateExpireAt(int keyArg, long at)
    {
        if (Keyspace.WriteLog is not null) Propagate(Propagation.PExpireAt, Args.Memory(keyArg), Propagation.Number(at));
    }

    private void WriteUnknownCommand()
    {
        var sb = new System.Text.StringBuilder("ERR unknown command '");
        sb.Append(Truncate(Args.GetString(0))).Append("', with args beginning with: ");
        for (int i = 1; i < Args.Count && sb.Length < 1024; i++) sb.Append('\'').Append(Truncate(Args.GetString(i))).Append("' ");
        Writer.WriteError(sb.ToString());
    }

    private static string Truncate(string s) => s.Length > 128 ? s[..128] : s;

    /// <summary>ERR wrong number of arguments for '&lt;name&gt;' command.</summary>
    public void WriteArityError(string name) => Writer.WriteError($"ERR wrong number of arguments for '{name}' command");

    /// <summary>The WRONGTYPE reply.</summary>
    public void WriteWrongType() => Writer.WriteError(Errors.WrongType);

    /// <summary>ERR syntax error.</summary>
    public void WriteSyntaxError() => Writer.WriteError(Errors.Syntax);

    /// <summary>ERR value is not an integer or out of range.</summary>
    public void WriteNotInteger() => Writer.WriteError(Errors.NotInteger);

    /// <summary>Ends the connection after the replies written so far (QUIT, CLIENT KILL, limits).</summary>
    public void Close() => _closing = true;

    /// <summary>
    /// Parses a blocking timeout in seconds (fractions allowed) at argument <paramref name="i"/>
    /// into milliseconds, 0 meaning forever; writes Redis's error and returns false when invalid.
    /// </summary>
    public bool TryGetTimeout(int i, out long milliseconds)
    {
        milliseconds = 0;
        if (!Args.TryGetDouble(i, out double secs) || double.IsInfinity(secs))
        {
            Writer.WriteError(Errors.TimeoutNotFloat);
            return false;
        }
        if (secs < 0)
        {
            Writer.WriteError(Errors.TimeoutNegative);
            return false;
        }
        double ms = Math.Ceiling(secs * 1000);
        if (ms > long.MaxValue / 2) { Writer.WriteError(Errors.TimeoutNotFloat); return false; }
        milliseconds = (long)ms;
        return true;
    }

    /// <summary>
    /// Blocks this client (call from a handler, lock held, after trying to serve at once; never
    /// when <see cref="InExec"/>): registers <paramref name="client"/> and stops reading further
    /// commands. When served, <paramref name="writeReply"/> writes the reply; on timeout
    /// (<paramref name="timeoutMs"/>, 0 = forever) the null array is sent, or the null bulk when
    /// <paramref name="nullBulkOnTimeout"/>.
    /// </summary>
    public void Block(BlockedClient client, long timeoutMs, Action<RespWriter> writeReply, bool nullBulkOnTimeout = false)
    {
        Keyspace.Blocking.Block(client);
        _blocked = new PendingBlock(client, timeoutMs, writeReply, nullBulkOnTimeout, null);
    }

    /// <summary>
    /// Blocks this client on nothing until <paramref name="timeoutMs"/> passes (0 = forever), then
    /// writes <paramref name="writeTimeout"/>: WAIT for replicas that this server never has.
    /// </summary>
    public void BlockUntilTimeout(long timeoutMs, Action<RespWriter> writeTimeout)
    {
        var client = new NothingWaiter(Db);
        Keyspace.Blocking.Block(client);
        _blocked = new PendingBlock(client, timeoutMs, static _ => { }, false, writeTimeout);
    }

    private sealed class NothingWaiter(Database db) : BlockedClient(db, [])
    {
        public override bool TryServe(byte[] key) => false;
        public override ReadOnlyMemory<byte>[] PropagatedCommand() => [];
    }

    private sealed record PendingBlock(BlockedClient Client, long TimeoutMs, Action<RespWriter> WriteReply, bool NullBulk, Action<RespWriter>? WriteTimeout);

    /// <summary>The reply of a blocked client whose time ran out.</summary>
    private void WriteTimedOut(PendingBlock b)
    {
        if (b.WriteTimeout is { } write) write(Writer);
        else if (b.NullBulk) Writer.WriteNull();
        else Writer.WriteNullArray();
    }

    private async Task AfterBatchAsync(CancellationToken stop)
    {
        Writer.Commit();
        var flush = await Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        if (flush.IsCompleted) { _closing = true; return; }
        if (_blocked is not { } b) return;
        var closed = _connection?.Closed ?? CancellationToken.None;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(closed, stop);
        try
        {
            var wait = b.Client.Completion.Task;
            if (b.TimeoutMs > 0) await wait.WaitAsync(TimeSpan.FromMilliseconds(b.TimeoutMs), linked.Token).ConfigureAwait(false);
            else await wait.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (TimeoutException) { }
        catch (OperationCanceledException) { }
        lock (Keyspace.Sync)
        {
            _blocked = null;
            if (b.Client.IsServed) b.WriteReply(Writer);
            else
            {
                Keyspace.Blocking.Unblock(b.Client);
                if (closed.IsCancellationRequested || stop.IsCancellationRequested) { _closing = true; return; }
                WriteTimedOut(b);
            }
        }
        Writer.Commit();
        await Output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        // Commands pipelined behind the blocking one are still in the carry or the pipe.
        _carryReady = _carryLen > 0;
    }

    private void Cleanup()
    {
        if (_blocked is { } b) Keyspace.Blocking.Unblock(b.Client);
        _blocked = null;
        UnwatchAll();
        _multi = null;
        _server.PubSub.UnsubscribeAll(this);
    }

    /// <summary>Switches the database (SELECT, and the state the write log replays).</summary>
    internal void SelectDb(int index) => Db = Keyspace[index];

    // --- Pub/Sub delivery (from other sessions' threads) -------------------------------------

    private readonly ConcurrentQueue<byte[]> _pushes = new();
    private long _pushBytes;
    private long _softLimitSince;

    /// <summary>Bytes queued for this client (PUBLISH) or written and not yet sent (INFO/CLIENT LIST omem).</summary>
    public long PendingPushBytes => Interlocked.Read(ref _pushBytes) + TransportPending;

    /// <summary>
    /// Queues a pushed message (already encoded for this client's protocol) and wakes the session.
    /// Enforces client-output-buffer-limit pubsub: over the hard limit, or over the soft limit for
    /// longer than its seconds, the client is disconnected (Redis frees such a client).
    /// </summary>
    internal void EnqueuePush(byte[] message)
    {
        long total = Interlocked.Add(ref _pushBytes, message.Length) + TransportPending;
        var cfg = _server.Config;
        long now = Environment.TickCount64;
        if (cfg.PubSubHardLimit > 0 && total > cfg.PubSubHardLimit) { Kill("output buffer hard limit"); return; }
        if (cfg.PubSubSoftLimit > 0 && total > cfg.PubSubSoftLimit)
        {
            if (_softLimitSince == 0) _softLimitSince = now;
            else if (now - _softLimitSince > cfg.PubSubSoftSeconds * 1000L) { Kill("output buffer soft limit"); return; }
        }
        else _softLimitSince = 0;
        _pushes.Enqueue(message);
        if (Interlocked.Exchange(ref _wakePending, 1) != 0) return;
        if (_loop is not null) _loop.Wake();
        // Wake the subscriber's read loop from the thread pool, not inline: the pipe would run the
        // subscriber's continuation on this (publishing) thread, inside the publisher's command.
        else ThreadPool.UnsafeQueueUserWorkItem(static s => s._input?.CancelPendingRead(), this, preferLocal: false);
    }

    private int _wakePending;

    private async Task DrainPushesAsync()
    {
        Volatile.Write(ref _wakePending, 0);
        while (_pushes.TryDequeue(out var msg))
        {
            Writer.WriteRaw(msg);
            Interlocked.Add(ref _pushBytes, -msg.Length);
            if (Writer.Pending > OutputHighWater)
            {
                Writer.Commit();
                var r = await Output.FlushAsync().ConfigureAwait(false);
                if (r.IsCompleted) { _closing = true; return; }
            }
        }
        Writer.Commit();
        var f = await Output.FlushAsync().ConfigureAwait(false);
        if (f.IsCompleted) _closing = true;
    }

    /// <summary>Disconnects this client at once (CLIENT KILL, output limits).</summary>
    public void Kill(string reason)
    {
        _server.Log($"closing client id={Id}: {reason}");
        _closing = true;
        _pushes.Clear();
        if (_connection is not null) _connection.Abort();
        else _input?.CancelPendingRead();
    }
}
