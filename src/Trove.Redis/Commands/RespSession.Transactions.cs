using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>MULTI EXEC DISCARD WATCH UNWATCH (multi.c semantics).</summary>
public sealed partial class RespSession
{
    private List<(CommandDef Def, byte[][] Args)>? _multi;
    private bool _multiError;
    private readonly List<(int Db, byte[] Key, bool ExpiredAtWatch)> _watched = new();
    private bool _watchDirty;

    private static void RegisterTransactionCommands(CommandTable t)
    {
        const F Tx = F.NoScript | F.Loading | F.Stale | F.Fast | F.NoMulti;
        t.Add(RespCommand.MULTI, 1, Tx, 0, 0, 0, static s => s.Multi(), "transactions", "Starts a transaction.");
        t.Add(RespCommand.EXEC, 1, F.NoScript | F.Loading | F.Stale | F.SkipMonitor | F.NoMulti, 0, 0, 0, static s => s.Exec(), "transactions", "Executes all commands in a transaction.");
        t.Add(RespCommand.DISCARD, 1, Tx, 0, 0, 0, static s => s.Discard(), "transactions", "Discards a transaction.");
        t.Add(RespCommand.WATCH, -2, Tx, 1, -1, 1, static s => s.Watch(), "transactions", "Monitors changes to keys to determine the execution of a transaction.");
        t.Add(RespCommand.UNWATCH, 1, Tx & ~F.NoMulti, 0, 0, 0, static s => { s.UnwatchAll(); s.Writer.WriteOk(); }, "transactions", "Forgets about watched keys of a transaction.");
    }

    /// <summary>True between MULTI and EXEC/DISCARD.</summary>
    public bool InMulti => _multi is not null;

    /// <inheritdoc />
    public void OnWatchedKeyTouched() => _watchDirty = true;

    /// <summary>An error while queuing (unknown command, arity) makes EXEC fail with EXECABORT.</summary>
    private void FlagTransaction()
    {
        if (_multi is not null) _multiError = true;
    }

    private void Multi()
    {
        if (_multi is not null) { Writer.WriteError("ERR MULTI calls can not be nested"); return; }
        _multi = new List<(CommandDef, byte[][])>();
        _multiError = false;
        Writer.WriteOk();
    }

    private void Discard()
    {
        if (_multi is null) { Writer.WriteError("ERR DISCARD without MULTI"); return; }
        _multi = null;
        UnwatchAll();
        Writer.WriteOk();
    }

    private void Exec()
    {
        if (_multi is null) { Writer.WriteError("ERR EXEC without MULTI"); return; }
        var queued = _multi;
        _multi = null;
        if (_multiError)
        {
            UnwatchAll();
            Writer.WriteError(Errors.ExecAbort);
            return;
        }
        if (_watchDirty || AnyWatchedKeyExpired())
        {
            UnwatchAll();
            Writer.WriteNullArray();
            return;
        }
        UnwatchAll();
        Writer.WriteArrayHeader(queued.Count);
        InExec = true;
        try
        {
            foreach (var (def, args) in queued)
            {
                Args.Load(args);
                Call(def);
            }
        }
        finally
        {
            InExec = false;
        }
    }

    private bool AnyWatchedKeyExpired()
    {
        long now = Keyspace.Now();
        foreach (var (db, key, expiredAtWatch) in _watched)
        {
            if (expiredAtWatch) continue;
            var table = Keyspace[db].Table;
            int slot = table.Find(key);
            if (slot >= 0 && table.ExpireAt(slot) != 0 && table.ExpireAt(slot) <= now) return true;
        }
        return false;
    }

    private void Watch()
    {
        if (_multi is not null) { Writer.WriteError("ERR WATCH inside MULTI is not allowed"); return; }
        long now = Keyspace.Now();
        for (int i = 1; i < Args.Count; i++)
        {
            bool dup = false;
            foreach (var w in _watched)
                if (w.Db == Db.Index && Args[i].SequenceEqual(w.Key)) { dup = true; break; }
            if (dup) continue;
            var key = Args.ToArray(i);
            int slot = Db.Table.Find(key);
            bool expired = slot >= 0 && Db.Table.ExpireAt(slot) != 0 && Db.Table.ExpireAt(slot) <= now;
            _watched.Add((Db.Index, key, expired));
            Keyspace.Watches.Watch(Db.Index, key, this);
        }
        Writer.WriteOk();
    }

    private void UnwatchAll()
    {
        foreach (var (db, key, _) in _watched) Keyspace.Watches.Unwatch(db, key, this);
        _watched.Clear();
        _watchDirty = false;
    }
}
