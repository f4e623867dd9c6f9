namespace Trove.Redis.Engine;

/// <summary>
/// A client waiting for one of <see cref="Keys"/> in <see cref="Db"/> (BLPOP, BLMOVE, BZPOPMIN...).
/// <para>
/// <b>Contract</b> (for the list and sorted-set commands): the command handler, under the lock,
/// first tries to serve itself; if it cannot, it creates a subclass of this holding what it needs,
/// calls <see cref="BlockingRegistry.Block"/>, and the session awaits <see cref="Completion"/>
/// outside the lock with its timeout. When a write makes a key ready, the registry calls
/// <see cref="TryServe"/> under the lock on the clients blocked on that key in the order they
/// blocked; a client that serves itself stores its reply data in its own fields and returns true,
/// and the registry then removes it from every queue and completes <see cref="Completion"/>.
/// On timeout the session calls <see cref="BlockingRegistry.Unblock"/> under the lock and checks
/// <see cref="IsServed"/> (a serve may have won the race).
/// </para>
/// </summary>
public abstract class BlockedClient
{
    /// <summary>Creates a blocked client waiting on <paramref name="keys"/> of <paramref name="db"/>.</summary>
    protected BlockedClient(Database db, byte[][] keys)
    {
        Db = db;
        Keys = keys;
    }

    /// <summary>The database the keys are in.</summary>
    public Database Db { get; }

    /// <summary>The keys waited on.</summary>
    public byte[][] Keys { get; }

    /// <summary>True once served (set by the registry, under the lock).</summary>
    public bool IsServed { get; internal set; }

    /// <summary>Completed (with true) when served; continuations run asynchronously.</summary>
    public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Called under the lock when <paramref name="key"/> may hold data: take it (pop, move...),
    /// remember the reply, and return true; return false to stay blocked (e.g. the key is now
    /// empty or of another type).
    /// </summary>
    public abstract bool TryServe(byte[] key);

    /// <summary>
    /// After a successful <see cref="TryServe"/>: the non-blocking command that makes the same
    /// change (LPOP key, LMOVE src dst LEFT RIGHT, ZPOPMIN key count...), which the registry hands
    /// to the write log, as Redis propagates a served blocked client.
    /// </summary>
    public abstract ReadOnlyMemory<byte>[] PropagatedCommand();
}

/// <summary>
/// Blocked clients per (database, key) in FIFO order, and the set of keys made ready by the
/// current command. Sessions call <see cref="ServeReadyKeys"/> after each top-level command
/// (after EXEC as a whole for a transaction), as Redis's handleClientsBlockedOnKeys.
/// Guarded by <see cref="Keyspace.Sync"/>.
/// </summary>
public sealed class BlockingRegistry
{
    private readonly Keyspace _owner;
    private readonly Dictionary<(int Db, byte[] Key), LinkedList<BlockedClient>> _waiting = new(new DbKeyComparer());
    private readonly Dictionary<BlockedClient, List<(LinkedList<BlockedClient>, LinkedListNode<BlockedClient>)>> _nodes = new();
    private List<(Database Db, byte[] Key)> _ready = new();
    private readonly HashSet<(int Db, byte[] Key)> _readySet = new(new DbKeyComparer());

    internal BlockingRegistry(Keyspace owner) => _owner = owner;

    /// <summary>Clients blocked now (INFO blocked_clients).</summary>
    public int BlockedCount => _nodes.Count;

    /// <summary>True when a write made some waited-on key ready.</summary>
    public bool HasReadyKeys => _ready.Count > 0;

    /// <summary>Registers a client as waiting on its keys.</summary>
    public void Block(BlockedClient client)
    {
        var nodes = new List<(LinkedList<BlockedClient>, LinkedListNode<BlockedClient>)>(client.Keys.Length);
        foreach (var key in client.Keys)
        {
            if (!_waiting.TryGetValue((client.Db.Index, key), out var queue))
            {
                queue = new LinkedList<BlockedClient>();
                _waiting[(client.Db.Index, key)] = queue;
            }
            nodes.Add((queue, queue.AddLast(client)));
        }
        _nodes[client] = nodes;
    }

    /// <summary>Removes a client from every queue (timeout, disconnect, served).</summary>
    public void Unblock(BlockedClient client)
    {
        if (!_nodes.Remove(client, out var nodes)) return;
        for (int i = 0; i < nodes.Count; i++)
        {
            var (queue, node) = nodes[i];
            if (node.List is not null) queue.Remove(node);
            if (queue.Count == 0) _waiting.Remove((client.Db.Index, client.Keys[i]));
        }
    }

    /// <summary>A key of <paramref name="db"/> may now satisfy a waiter (cheap when nobody waits).</summary>
    public void SignalReady(Database db, ReadOnlySpan<byte> key)
    {
        if (_waiting.Count == 0) return;
        var k = key.ToArray();
        if (!_waiting.ContainsKey((db.Index, k))) return;
        if (_readySet.Add((db.Index, k))) _ready.Add((db, k));
    }

    /// <summary>
    /// Serves blocked clients of every ready key, first blocked first served, until each key can
    /// serve no more; keys made ready while serving (BLMOVE's destination) are handled too.
    /// </summary>
    public void ServeReadyKeys()
    {
        while (_ready.Count > 0)
        {
            var batch = _ready;
            _ready = new List<(Database, byte[])>();
            _readySet.Clear();
            foreach (var (db, key) in batch)
            {
                while (_waiting.TryGetValue((db.Index, key), out var queue) && queue.First is { } first)
                {
                    var client = first.Value;
                    if (!client.TryServe(key)) break;
                    client.IsServed = true;
                    _owner.WriteLog?.Append(client.Db.Index, client.PropagatedCommand());
                    Unblock(client);
                    client.Completion.TrySetResult(true);
                }
            }
        }
    }

    private sealed class DbKeyComparer : IEqualityComparer<(int Db, byte[] Key)>
    {
        public bool Equals((int Db, byte[] Key) x, (int Db, byte[] Key) y) => x.Db == y.Db && x.Key.AsSpan().SequenceEqual(y.Key);
        public int GetHashCode((int Db, byte[] Key) obj) => KeyTable.HashOf(obj.Key) ^ obj.Db;
    }
}
