namespace Trove.Redis.Engine;

/// <summary>A client that WATCHes keys: told once when any of them changes.</summary>
public interface IKeyWatcher
{
    /// <summary>A watched key was modified, deleted, expired or flushed: the next EXEC must fail.</summary>
    void OnWatchedKeyTouched();
}

/// <summary>
/// Who watches which key (Redis's watched_keys): a map per database from key to watchers, so a
/// write costs one failed lookup when nobody watches (and nothing when no WATCH is active at all).
/// Guarded by <see cref="Keyspace.Sync"/>.
/// </summary>
public sealed class WatchRegistry
{
    private readonly Keyspace _owner;
    private readonly Dictionary<byte[], List<IKeyWatcher>>[] _byDb;
    private int _total;

    internal WatchRegistry(Keyspace owner)
    {
        _owner = owner;
        _byDb = new Dictionary<byte[], List<IKeyWatcher>>[owner.DatabaseCount];
    }

    private Dictionary<byte[], List<IKeyWatcher>> Map(int db)
        => _byDb[db] ??= new Dictionary<byte[], List<IKeyWatcher>>(ByteKeyComparer.Instance);

    /// <summary>Starts watching a key.</summary>
    public void Watch(int db, ReadOnlySpan<byte> key, IKeyWatcher watcher)
    {
        var map = Map(db).GetAlternateLookup<ReadOnlySpan<byte>>();
        if (!map.TryGetValue(key, out var list))
        {
            list = new List<IKeyWatcher>(1);
            map[key] = list;
        }
        if (!list.Contains(watcher))
        {
            list.Add(watcher);
            _total++;
        }
    }

    /// <summary>Stops watching a key.</summary>
    public void Unwatch(int db, byte[] key, IKeyWatcher watcher)
    {
        var map = Map(db);
        if (!map.TryGetValue(key, out var list)) return;
        if (list.Remove(watcher)) _total--;
        if (list.Count == 0) map.Remove(key);
    }

    /// <summary>Tells every watcher of a key that it changed.</summary>
    public void Touch(int db, ReadOnlySpan<byte> key)
    {
        if (_total == 0) return;
        var map = _byDb[db];
        if (map is null || map.Count == 0) return;
        if (map.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(key, out var list))
            foreach (var w in list) w.OnWatchedKeyTouched();
    }

    /// <summary>FLUSHDB/SWAPDB: tells watchers of every key that exists in <paramref name="db"/>.</summary>
    public void TouchAll(Database db)
    {
        if (_total == 0) return;
        var map = _byDb[db.Index];
        if (map is null) return;
        foreach (var (key, list) in map)
            if (db.Table.Find(key) >= 0)
                foreach (var w in list) w.OnWatchedKeyTouched();
    }
}
