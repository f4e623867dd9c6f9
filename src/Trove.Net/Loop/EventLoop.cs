using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Trove.Net.Loop;

/// <summary>
/// One event-loop thread with its own epoll instance, in the manner of memcached's libevent worker
/// threads and redis's ae loop: level-triggered epoll over the connections it owns, one non-blocking
/// recv per readable event, the session's synchronous OnInput, one send of the replies. Other threads
/// talk to it only through <see cref="Post"/> (a queue plus an eventfd that wakes epoll_wait), so a
/// connection's state is touched by its loop thread alone and needs no locks.
/// Invariants: a connection is registered in this epoll set from its Add until its Close; the slot
/// index in each epoll event's data names the connection; the loop exits after Stop once every
/// connection is closed (or the shutdown grace has passed), closing the epoll fd and the eventfd.
/// </summary>
internal sealed unsafe class EventLoop
{
    private const ulong WakeToken = ulong.MaxValue;
    private const int MaxEvents = 256;
    /// <summary>Size of the shared receive buffer: a read batch larger than this takes another epoll round.</summary>
    internal const int ScratchSize = 64 * 1024;

    private readonly int _epfd;
    private readonly int _eventfd;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<Work> _queue = new();
    private readonly List<LoopConnection?> _slots = new();
    private readonly Stack<int> _free = new();
    private readonly List<LoopConnection> _lingering = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Native.EpollEvent[]? _events;
    private int _signaled;
    private readonly object _fdLock = new();
    private bool _fdsClosed;
    private int _live;
    private bool _stopping;
    private long _stopDeadline;

    /// <summary>Receive buffer shared by this loop's connections (input is processed before the next recv).</summary>
    internal readonly byte[] Scratch = GC.AllocateUninitializedArray<byte>(ScratchSize, pinned: true);

    /// <summary>Reply buffer shared by this loop's connections (sent, or copied aside, after each call).</summary>
    internal readonly LoopOutput Output;

    internal readonly TcpServer Server;
    internal readonly TcpServerOptions Options;
    internal readonly ILoopHandler Handler;
    internal readonly ILogger Log;

    private enum WorkKind { Add, Abort, Wake, Stop }

    private readonly record struct Work(WorkKind Kind, LoopConnection? Connection);

    public EventLoop(TcpServer server, ILoopHandler handler, ILogger log, int index)
    {
        Server = server;
        Options = server.Options;
        Handler = handler;
        Log = log;
        Output = new LoopOutput(Options.OutputPauseThreshold);
        _epfd = Native.epoll_create1(Native.EPOLL_CLOEXEC);
        if (_epfd < 0) throw new SocketException(Marshal.GetLastPInvokeError());
        _eventfd = Native.eventfd(0, Native.EFD_CLOEXEC | Native.EFD_NONBLOCK);
        if (_eventfd < 0)
        {
            int err = Marshal.GetLastPInvokeError();
            Native.close(_epfd);
            throw new SocketException(err);
        }
        var ev = new Native.EpollEvent { Events = Native.EPOLLIN, Data = WakeToken };
        if (Native.epoll_ctl(_epfd, Native.EPOLL_CTL_ADD, _eventfd, &ev) != 0)
        {
            int err = Marshal.GetLastPInvokeError();
            Native.close(_eventfd);
            Native.close(_epfd);
            throw new SocketException(err);
        }
        _thread = new Thread(Run) { IsBackground = true, Name = $"{Options.Name}-loop-{index}" };
    }

    /// <summary>Completes when the loop thread has ended and its fds are closed.</summary>
    public Task Exited => _exited.Task;

    public void Start() => _thread.Start();

    /// <summary>Hands an accepted socket to this loop (any thread).</summary>
    public void Add(Socket socket, TroveConnection connection)
    {
        var c = new LoopConnection(this, socket, connection);
        connection.Loop = c;
        Post(new Work(WorkKind.Add, c));
    }

    /// <summary>Closes the connection on its loop thread, dropping unsent output (any thread).</summary>
    public void Abort(LoopConnection c) => Post(new Work(WorkKind.Abort, c));

    /// <summary>Queues the connection's OnWake (any thread).</summary>
    public void Wake(LoopConnection c) => Post(new Work(WorkKind.Wake, c));

    /// <summary>Begins shutdown: close idle connections, let pending output go for up to the grace period.</summary>
    public void Stop() => Post(new Work(WorkKind.Stop, null));

    private void Post(Work w)
    {
        _queue.Enqueue(w);
        if (Interlocked.Exchange(ref _signaled, 1) != 0) return;
        // Under the lock so that the loop cannot close the eventfd in between: a write to a closed
        // fd number could land in whatever file or socket reused it.
        lock (_fdLock)
        {
            if (_fdsClosed)
            {
                // The loop has ended; nothing will run this work. Close what would otherwise leak.
                Volatile.Write(ref _signaled, 0);
                while (_queue.TryDequeue(out var late))
                    if (late.Kind == WorkKind.Add) late.Connection!.CloseUnregistered();
                return;
            }
            ulong one = 1;
            Native.write(_eventfd, &one, sizeof(ulong));
        }
    }

    private void Run()
    {
        // Kept in a field: a pointer alone would not keep the array alive, and epoll_wait would
        // write into whatever the GC put in its place.
        _events = GC.AllocateUninitializedArray<Native.EpollEvent>(MaxEvents, pinned: true);
        var p = (Native.EpollEvent*)Marshal.UnsafeAddrOfPinnedArrayElement(_events, 0);
        try
        {
            while (true)
            {
                int timeout = _lingering.Count > 0 || _stopping ? 100 : -1;
                int n = Native.epoll_wait(_epfd, p, MaxEvents, timeout);
                if (n < 0)
                {
                    int err = Marshal.GetLastPInvokeError();
                    if (err == Native.EINTR) continue;
                    Log.LogError("{Name}: epoll_wait failed: {Errno}", Options.Name, err);
                    break;
                }
                for (int i = 0; i < n; i++)
                {
                    ulong data = p[i].Data;
                    if (data == WakeToken)
                    {
                        // Read the eventfd before clearing the flag. The other order lost wake-ups:
                        // a Post between the clear and the read wrote the eventfd, the read
                        // consumed that write, and the flag stayed set, so no later Post ever
                        // wrote again and the loop slept through new connections and wakes.
                        ulong value;
                        Native.read(_eventfd, &value, sizeof(ulong));
                        Volatile.Write(ref _signaled, 0);
                        continue;
                    }
                    var c = (int)data < _slots.Count ? _slots[(int)data] : null;
                    if (c is null) continue;
                    c.OnEvents(p[i].Events);
                }
                if (!_queue.IsEmpty) RunQueue();
                if (_lingering.Count > 0) ExpireLingering();
                if (_stopping)
                {
                    if (_live == 0) break;
                    if (Environment.TickCount64 > _stopDeadline) CloseAll();
                    if (_live == 0) break;
                }
            }
        }
        catch (Exception ex)
        {
            Log.LogError(ex, "{Name}: event loop failed", Options.Name);
        }
        finally
        {
            CloseAll();
            // Connections queued but never added (Post after the last drain) are closed here too.
            lock (_fdLock)
            {
                _fdsClosed = true;
                Volatile.Write(ref _signaled, 0);
                while (_queue.TryDequeue(out var w))
                    if (w.Kind == WorkKind.Add) w.Connection!.CloseUnregistered();
                Native.close(_eventfd);
                Native.close(_epfd);
            }
            _exited.TrySetResult();
        }
    }

    private void RunQueue()
    {
        while (_queue.TryDequeue(out var w))
        {
            switch (w.Kind)
            {
                case WorkKind.Add:
                    if (_stopping) { w.Connection!.CloseUnregistered(); break; }
                    Register(w.Connection!);
                    break;
                case WorkKind.Abort: w.Connection!.Close(); break;
                case WorkKind.Wake: w.Connection!.RunWake(); break;
                case WorkKind.Stop:
                    if (_stopping) break;
                    _stopping = true;
                    _stopDeadline = Environment.TickCount64 + (long)Options.ShutdownGrace.TotalMilliseconds;
                    foreach (var c in _slots.ToArray()) c?.OnShutdown();
                    break;
            }
        }
    }

    private void Register(LoopConnection c)
    {
        int slot = _free.Count > 0 ? _free.Pop() : AddSlot();
        var ev = new Native.EpollEvent { Events = Native.EPOLLIN, Data = (ulong)slot };
        if (Native.epoll_ctl(_epfd, Native.EPOLL_CTL_ADD, c.Fd, &ev) != 0)
        {
            _free.Push(slot);
            c.CloseUnregistered();
            return;
        }
        _slots[slot] = c;
        _live++;
        c.Opened(slot, Native.EPOLLIN);
    }

    private int AddSlot()
    {
        _slots.Add(null);
        return _slots.Count - 1;
    }

    /// <summary>Changes the events the loop waits for on <paramref name="c"/>.</summary>
    internal void Modify(LoopConnection c, uint events)
    {
        var ev = new Native.EpollEvent { Events = events, Data = (ulong)c.Slot };
        Native.epoll_ctl(_epfd, Native.EPOLL_CTL_MOD, c.Fd, &ev);
    }

    /// <summary>Forgets <paramref name="c"/> (its Close calls this before closing the fd).</summary>
    internal void Unregister(LoopConnection c)
    {
        Native.epoll_ctl(_epfd, Native.EPOLL_CTL_DEL, c.Fd, null);
        _slots[c.Slot] = null;
        _free.Push(c.Slot);
        _live--;
        _lingering.Remove(c);
    }

    internal void AddLingering(LoopConnection c) => _lingering.Add(c);

    private void ExpireLingering()
    {
        long now = Environment.TickCount64;
        for (int i = _lingering.Count - 1; i >= 0; i--)
            if (i < _lingering.Count && now > _lingering[i].LingerDeadline) _lingering[i].Close();
    }

    private void CloseAll()
    {
        foreach (var c in _slots.ToArray()) c?.Close();
    }
}
