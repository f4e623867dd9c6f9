using System.Runtime.CompilerServices;
using Trove.Orm.Internal;

namespace Trove.Orm;

public sealed partial class Session
{
    private object?[] _args = new object?[16];
    private bool _flushing;

    /// <summary>
    /// Writes pending changes: INSERTs (per table, tables ordered so referenced tables come first, rows in add
    /// order), UPDATEs of changed columns only, then DELETEs in reverse table order. A table's UPDATEs go before its
    /// INSERTs when they wait for no row still to be inserted (SQLAlchemy's save_obj order). On failure the transaction is
    /// rolled back and the session needs <see cref="Rollback"/> (inside <see cref="BeginNested"/>: the savepoint
    /// is rolled back instead).
    /// </summary>
    public void Flush()
    {
        CheckUsable();
        if (_new.Count == 0 && _dirty.Count == 0 && _deleted.Count == 0 && !HasRelationWork) return;
        var inserted = new List<InstanceState>(_new.Count);
        var deleted = new List<InstanceState>(_deleted.Count);
        _flushing = true;
        try
        {
            PrepareRelationships();
            var order = FlushOrder();
            foreach (var mapper in order)
            {
                if (UpdatesFirst(mapper))
                {
                    BeforeUpdates(mapper);
                    UpdateAll(mapper);
                }
                InsertAll(mapper, inserted);
            }
            BeforeUpdates();
            // per table in dependency order; rows in key order, equal SET lists on one prepared command
            if (_dirty.Count > 0)
                foreach (var mapper in DependencySort(_dirty.Select(d => d.Mapper).Distinct())) UpdateAll(mapper);
            FlushLinkRows();
            BeforeDeletes(order);
            for (var i = order.Count - 1; i >= 0; i--) DeleteAll(order[i], deleted);
        }
        catch (Exception e)
        {
            // undo in-memory effects of the statements that did run: their rows are gone with the rollback
            foreach (var s in inserted)
            {
                MapFor(s.Mapper).Remove(s);
                s.HasIdentity = false;
                s.Status = InstanceStatus.Pending;
                s.CompareOnSet = false;
                if (!_new.Contains(s)) _new.Add(s);
            }
            foreach (var s in deleted)
            {
                s.Status = InstanceStatus.Deleted;
                s.DeletedInFlush = false;
                MapFor(s.Mapper).Add(s);
            }
            OnFlushFailed(e);
            throw;
        }
        finally { _flushing = false; }
        _new.Clear();
        foreach (var s in _dirty) s.InDirty = false;
        _dirty.Clear();
        _deleted.Clear();
        foreach (var s in inserted) TrackInserted(s);
        foreach (var s in deleted) TrackDeleted(s);
    }

    /// <summary>Mappers with pending work, ordered so that a table comes after the tables it references (ties: by name).</summary>
    [MethodImpl(RowLoop.Optimize)]
    private List<EntityMapper> FlushOrder()
    {
        var set = new HashSet<EntityMapper>();
        foreach (var s in _new) set.Add(s.Mapper);
        foreach (var s in _dirty) set.Add(s.Mapper);
        foreach (var s in _deleted) set.Add(s.Mapper);
        return DependencySort(set);
    }

    internal static List<EntityMapper> DependencySort(IEnumerable<EntityMapper> mappers)
    {
        var list = mappers.OrderBy(m => m.TableName, StringComparer.Ordinal).ToList();
        var byTable = new Dictionary<string, EntityMapper>();
        foreach (var m in list) byTable.TryAdd(m.TableName, m);
        var result = new List<EntityMapper>(list.Count);
        var done = new HashSet<EntityMapper>();
        var visiting = new HashSet<EntityMapper>();
        void Visit(EntityMapper m)
        {
            if (done.Contains(m) || !visiting.Add(m)) return;
            foreach (var c in m.Columns)
                if (c.ForeignTable is not null && byTable.TryGetValue(c.ForeignTable, out var dep) && !ReferenceEquals(dep, m)) Visit(dep);
            visiting.Remove(m);
            done.Add(m);
            result.Add(m);
        }
        foreach (var m in list) Visit(m);
        return result;
    }

    private Span<object?> Args(int n)
    {
        if (_args.Length < n) _args = new object?[Math.Max(n, _args.Length * 2)];
        return _args.AsSpan(0, n);
    }

    [MethodImpl(RowLoop.Optimize)]
    private void InsertAll(EntityMapper mapper, List<InstanceState> inserted)
    {
        DbRunner? runner = null;
        var cols = mapper.Columns;
        ulong always = 0, defaults = 0, autoinc = 0, serverDefaults = 0;
        foreach (var c in cols)
        {
            if (c.AlwaysInsert) always |= c.Bit;
            if (c.HasDefault) defaults |= c.Bit;
            if (c.Autoincrement) autoinc |= c.Bit;
            if (c.ServerDefault is not null) serverDefaults |= c.Bit;
        }
        var version = mapper.VersionColumn;
        var pending = 0;
        foreach (var s in _new)
            if (ReferenceEquals(s.Mapper, mapper) && s.Status == InstanceStatus.Pending) pending++;
        if (pending == 0) return;
        if (pending >= BatchThreshold && CanBatch(mapper))
        {
            InsertBatched(mapper, Begin(RunnerFor(mapper)), inserted, always, defaults, autoinc, serverDefaults);
            return;
        }
        var rowIdKey = RowIdKeyCandidate(mapper);
        Trove.Sql.PreparedCommand? cmd = null;
        string? sql = null;
        ulong cmdMask = 0;
        var cmdReturning = false;
        var cmdRowId = -1;
        foreach (var s in _new)
        {
            if (!ReferenceEquals(s.Mapper, mapper) || s.Status != InstanceStatus.Pending) continue;
            runner ??= Begin(RunnerFor(mapper));
            BeforeInsert(s);
            var entity = s.Entity;
            var assigned = s.Modified;
            var fill = FillDefaults(s, defaults, version);
            var mask = (assigned | always | fill) & mapper.AllColumns;
            var needKey = autoinc & ~assigned;
            mask &= ~needKey;
            var returning = needKey != 0;
            // consecutive rows usually share a column set: keep that statement's prepared command at hand
            if (cmd is null || mask != cmdMask || returning != cmdReturning)
            {
                sql = null;
                cmdRowId = -1;
                if (returning && rowIdKey >= 0 && needKey == 1UL << rowIdKey && runner.Dialect.Name == "sqlite")
                {
                    // the key is the table's rowid: a plain INSERT and sqlite3_last_insert_rowid (SQLAlchemy's
                    // cursor.lastrowid) cost a fraction of INSERT … RETURNING, which SQLite runs through an
                    // ephemeral table per execution
                    var plain = Statements.Insert(mapper, runner.Dialect, mask, false);
                    if (runner.Command(plain) is { HasLastInsertRowId: true } pc && pc.IsRowIdColumn(mapper.TableName, cols[rowIdKey].Name))
                    {
                        sql = plain; cmd = pc; cmdRowId = rowIdKey;
                    }
                }
                if (sql is null)
                {
                    sql = Statements.Insert(mapper, runner.Dialect, mask, returning);
                    cmd = runner.Command(sql);
                }
                cmdMask = mask;
                cmdReturning = returning;
            }
            s.Loading = true;
            try
            {
                if (cmd is not null && !cmd.IsBusy)
                {
                    var k = 0;
                    for (var i = 0; i < cols.Count; i++)
                        if ((mask & (1UL << i)) != 0) cmd.Set(k++, mapper.GetDbValue(entity, i));
                    if (cmdRowId >= 0)
                    {
                        cmd.ExecuteNonQuery();
                        mapper.SetValue(entity, cmdRowId, cmd.LastInsertRowId);
                    }
                    else if (returning) ReadKeys(mapper, entity, needKey, cmd.ExecuteReader());
                    else cmd.ExecuteNonQuery();
                }
                else if (returning)
                {
                    var withReturning = Statements.Insert(mapper, runner.Dialect, mask, true);
                    ReadKeys(mapper, entity, needKey, runner.ExecuteReader(withReturning, InsertArgs(mapper, entity, mask)));
                }
                else runner.ExecuteNonQuery(sql!, InsertArgs(mapper, entity, mask));
            }
            finally { s.Loading = false; }
            MarkInserted(s, serverDefaults & ~mask, inserted);
        }
    }

    /// <summary>A row just INSERTed: persistent, in the identity map, with the omitted server-default columns unloaded.</summary>
    private void MarkInserted(InstanceState s, ulong unknownServerDefaults, List<InstanceState> inserted)
    {
        s.Mapper.TryComputeKey(s);
        s.Status = InstanceStatus.Persistent;
        s.CompareOnSet = true;
        s.Modified = 0;
        // server defaults of omitted columns are unknown here: load them on first access
        s.Unloaded |= unknownServerDefaults;
        MapFor(s.Mapper).Add(s);
        inserted.Add(s);
    }

    /// <summary>
    /// The column that can take its new value from SQLite's last_insert_rowid: the only primary key column, an
    /// autoincrementing integer (whether the table really uses it as its rowid is asked of SQLite); -1 otherwise.
    /// </summary>
    private static int RowIdKeyCandidate(EntityMapper mapper)
    {
        var key = -1;
        foreach (var c in mapper.Columns)
        {
            if (!c.PrimaryKey) continue;
            if (key >= 0) return -1;
            var t = Nullable.GetUnderlyingType(c.ClrType) ?? c.ClrType;
            if (!c.Autoincrement || (t != typeof(long) && t != typeof(int) && t != typeof(short))) return -1;
            key = c.Index;
        }
        return key;
    }

    /// <summary>
    /// A default fills a never-assigned column (and a version counter starts at 1): written into the instance so it
    /// reads as what was stored. Returns the columns filled.
    /// </summary>
    private static ulong FillDefaults(InstanceState s, ulong defaults, int version)
    {
        var mapper = s.Mapper;
        var cols = mapper.Columns;
        var fill = defaults & ~s.Modified;
        if (version >= 0 && (s.Modified & (1UL << version)) == 0) fill |= 1UL << version;
        if (fill == 0) return 0;
        s.Loading = true;
        try
        {
            for (var i = 0; i < cols.Count; i++)
                if ((fill & (1UL << i)) != 0) mapper.SetValue(s.Entity, i, i == version ? 1 : cols[i].Default);
        }
        finally { s.Loading = false; }
        return fill;
    }

    private Span<object?> InsertArgs(EntityMapper mapper, DeclarativeBase entity, ulong mask)
    {
        var args = Args(System.Numerics.BitOperations.PopCount(mask));
        var k = 0;
        for (var i = 0; i < mapper.Columns.Count; i++)
            if ((mask & (1UL << i)) != 0) args[k++] = mapper.GetDbValue(entity, i);
        return args;
    }

    private static void ReadKeys(EntityMapper mapper, DeclarativeBase entity, ulong needKey, System.Data.Common.DbDataReader reader)
    {
        using var r = reader;
        ReadKeyRow(mapper, entity, needKey, r);
    }

    /// <summary>Reads the generated columns of <paramref name="needKey"/> from the reader's current result (its first row).</summary>
    private static void ReadKeyRow(EntityMapper mapper, DeclarativeBase entity, ulong needKey, System.Data.Common.DbDataReader r)
    {
        if (!r.Read()) return;
        var ord = 0;
        for (var i = 0; i < mapper.Columns.Count; i++)
            if ((needKey & (1UL << i)) != 0) mapper.ReadColumn(entity, i, r, ord++);
    }

    /// <summary>
    /// UPDATEs of one table's changed instances in primary-key order (SQLAlchemy sorts persistent states by key);
    /// consecutive rows with the same SET columns run on one prepared command (SQLAlchemy's executemany).
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    private void UpdateAll(EntityMapper mapper)
    {
        List<InstanceState>? rows = null;
        foreach (var s in _dirty)
            if (ReferenceEquals(s.Mapper, mapper) && s.Modified != 0 && s.Status == InstanceStatus.Persistent) (rows ??= []).Add(s);
        if (rows is null) return;
        if (rows.Count > 1) mapper.SortByKey(rows);
        var runner = Begin(RunnerFor(mapper));
        var version = mapper.VersionColumn;
        if (version < 0 && rows.Count >= BatchThreshold)
        {
            if (runner.Dialect.Name == "sqlite") rows = UpdateBatched(mapper, runner, rows);
            else if (runner.CanBatch) rows = UpdateRoundTrips(mapper, runner, rows);
        }
        var cols = mapper.Columns;
        Trove.Sql.PreparedCommand? cmd = null;
        string? sql = null;
        ulong cmdMask = 0;
        foreach (var s in rows)
        {
            var entity = s.Entity;
            // the WHERE needs the current version (and key) of an expired instance: load them first
            if (version >= 0 && (s.Unloaded & (1UL << version)) != 0) LoadUnloaded(s);
            var mask = s.Modified;
            object? oldVersion = null;
            s.Loading = true;
            try
            {
                if (version >= 0)
                {
                    oldVersion = mapper.GetValue(entity, version);
                    mask |= 1UL << version;
                }
                if (sql is null || mask != cmdMask)
                {
                    sql = Statements.Update(mapper, runner.Dialect, mask);
                    cmd = runner.Command(sql);
                    cmdMask = mask;
                }
                var n = System.Numerics.BitOperations.PopCount(mask) + mapper.KeyColumns.Length + (version >= 0 ? 1 : 0);
                var args = Args(n);
                var k = 0;
                for (var i = 0; i < cols.Count; i++)
                {
                    if ((mask & (1UL << i)) == 0) continue;
                    args[k++] = i == version ? Convert.ToInt64(oldVersion) + 1 : mapper.GetDbValue(entity, i);
                }
                foreach (var ki in mapper.KeyColumns) args[k++] = mapper.GetDbValue(entity, ki);
                if (version >= 0) args[k] = oldVersion;
                var matched = cmd is not null && !cmd.IsBusy
                    ? Internal.DbRunner.Bound(cmd, args).ExecuteNonQuery()
                    : runner.ExecuteNonQuery(sql, args);
                if (matched != 1)
                {
                    throw new StaleDataException(
                        $"UPDATE statement on table '{mapper.TableName}' expected to update 1 row(s); {matched} were matched.",
                        [entity], 1, matched);
                }
                if (version >= 0) mapper.SetValue(entity, version, Convert.ToInt64(oldVersion) + 1);
            }
            finally { s.Loading = false; }
            s.Modified = 0;
        }
    }

    [MethodImpl(RowLoop.Optimize)]
    private void DeleteAll(EntityMapper mapper, List<InstanceState> deleted)
    {
        foreach (var s in _deleted)
        {
            if (!ReferenceEquals(s.Mapper, mapper) || s.Status != InstanceStatus.Deleted || s.DeletedInFlush) continue;
            var runner = Begin(RunnerFor(mapper));
            var version = mapper.VersionColumn;
            var sql = Statements.Delete(mapper, runner.Dialect);
            var args = Args(mapper.KeyColumns.Length + (version >= 0 ? 1 : 0));
            s.Loading = true;
            try
            {
                var k = 0;
                foreach (var ki in mapper.KeyColumns) args[k++] = mapper.GetDbValue(s.Entity, ki);
                if (version >= 0) args[k] = mapper.GetValue(s.Entity, version);
            }
            finally { s.Loading = false; }
            var matched = runner.ExecuteNonQuery(sql, args);
            if (matched != 1 && version >= 0)
            {
                throw new StaleDataException(
                    $"DELETE statement on table '{mapper.TableName}' expected to delete 1 row(s); {matched} were matched.",
                    [s.Entity], 1, matched);
            }
            MapFor(mapper).Remove(s);
            s.DeletedInFlush = true;
            deleted.Add(s);
        }
    }
}
