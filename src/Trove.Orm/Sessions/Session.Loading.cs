using Trove.Orm.Internal;

namespace Trove.Orm;

public sealed partial class Session
{
    /// <summary>Reloads every column in <see cref="InstanceState.Unloaded"/> with one SELECT by primary key.</summary>
    internal void LoadUnloaded(InstanceState s)
    {
        CheckUsable();
        var mapper = s.Mapper;
        var mask = s.Unloaded & mapper.AllColumns;
        if (mask == 0) return;
        if (s.Status == InstanceStatus.Pending) { s.Unloaded = 0; return; }
        if (mask == mapper.AllColumns && mapper.HasJoinedDefaults && !_flushing)
        {
            // a wholly expired instance reloads with its joined relationships in the same SELECT (SQLAlchemy's load_on_ident)
            var values = new object?[mapper.KeyColumns.Length];
            StateKeyArgs(s, values);
            if (mapper.QueryByKey(this, values) is null || (s.Unloaded & mask) != 0) throw RowGone(s);
            return;
        }
        Autoflush();
        var runner = Begin(RunnerFor(mapper));
        var sql = Statements.SelectByKey(mapper, runner.Dialect, mask);
        var args = Args(mapper.KeyColumns.Length);
        StateKeyArgs(s, args);
        s.Loading = true;
        try
        {
            using var r = runner.ExecuteReader(sql, args);
            if (!r.Read()) throw RowGone(s);
            var ord = 0;
            for (var i = 0; i < mapper.Columns.Count; i++)
                if ((mask & (1UL << i)) != 0) mapper.ReadColumn(s.Entity, i, r, ord++);
        }
        finally { s.Loading = false; }
        s.Unloaded &= ~mask;
    }

    /// <summary>
    /// The instance with primary key <paramref name="key"/> (a value, or an <c>object[]</c> / value tuple for a
    /// composite key): from the identity map without SQL when present, else by SELECT; null when no row exists.
    /// </summary>
    public T? Get<T>(object key) where T : DeclarativeBase, IMapped<T>
    {
        CheckUsable();
        var mapper = T.Mapper;
        var norm = mapper.NormalizeKey(key);
        var map = MapFor(mapper);
        var found = map.Find(norm);
        if (found is not null)
        {
            if (found.Status == InstanceStatus.Deleted) return null;
            if (found.Unloaded != 0) LoadUnloaded(found);
            return (T)found.Entity;
        }
        if (mapper.HasJoinedDefaults)
        {
            var dbKey = new object?[mapper.KeyColumns.Length];
            KeyArgs(mapper, norm, dbKey);
            return QueryByKey(mapper, dbKey);
        }
        Autoflush();
        var runner = Begin(RunnerFor(mapper));
        var sql = Statements.SelectByKey(mapper, runner.Dialect, mapper.AllColumns);
        var args = Args(mapper.KeyColumns.Length);
        KeyArgs(mapper, norm, args);
        using var r = runner.ExecuteReader(sql, args);
        return r.Read() ? mapper.Load(this, r, 0) : null;
    }

    /// <summary>Async twin of <see cref="Get{T}"/>.</summary>
    public Task<T?> GetAsync<T>(object key, CancellationToken ct = default) where T : DeclarativeBase, IMapped<T>
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(Get<T>(key));
    }

    /// <summary>The database values of a persistent instance's key columns, read without triggering its reload.</summary>
    private static void StateKeyArgs(InstanceState s, Span<object?> args)
    {
        var mapper = s.Mapper;
        var was = s.Loading;
        s.Loading = true;
        try { for (var k = 0; k < mapper.KeyColumns.Length; k++) args[k] = mapper.GetDbValue(s.Entity, mapper.KeyColumns[k]); }
        finally { s.Loading = was; }
    }

    private static ObjectDeletedException RowGone(InstanceState s) =>
        new($"Instance '{s.Mapper.Describe(s)}' has been deleted, or its row is otherwise not present.");

    private static void KeyArgs(EntityMapper mapper, object key, Span<object?> args)
    {
        if (mapper.KeyColumns.Length == 1)
        {
            args[0] = mapper.ToDbValue(mapper.KeyColumns[0], key);
            return;
        }
        if (key is System.Runtime.CompilerServices.ITuple t)
            for (var i = 0; i < mapper.KeyColumns.Length; i++) args[i] = mapper.ToDbValue(mapper.KeyColumns[i], t[i]);
    }

    /// <summary>
    /// Copies the state of <paramref name="instance"/> onto the session's instance with the same key (from the
    /// identity map or loaded by SELECT) and returns that one; when no row exists a new pending instance is added.
    /// The given instance itself is not attached.
    /// </summary>
    public T Merge<T>(T instance) where T : DeclarativeBase
    {
        CheckUsable();
        var mapper = MapperOf(instance);
        var src = instance._troveState;
        if (src is not null && ReferenceEquals(src.Session, this)) return instance;
        if (MergedAlready(instance) is { } done) return (T)done;
        var assigned = src is null ? instance._troveAssigned : (mapper.AllColumns & ~src.Unloaded);
        var tmp = src ?? mapper.NewState(instance);
        var keyKnown = true;
        foreach (var ki in mapper.KeyColumns)
            if ((assigned & (1UL << ki)) == 0 && src is null) keyKnown = false;
        InstanceState? target = null;
        if (keyKnown)
        {
            var wasLoading = tmp.Loading;
            tmp.Loading = true;
            bool hasKey;
            try { hasKey = mapper.TryComputeKey(tmp); }
            finally { tmp.Loading = wasLoading; }
            if (hasKey)
            {
                var key = tmp.BoxedKey!;
                if (src is null) { tmp.HasIdentity = false; }
                var found = MapFor(mapper).Find(key);
                if (found is not null)
                {
                    target = found;
                    // as SQLAlchemy: an expired instance of the identity map is loaded before the copy
                    if (found.Unloaded != 0 && found.Status == InstanceStatus.Persistent) LoadUnloaded(found);
                }
                else
                {
                    Autoflush();
                    var runner = Begin(RunnerFor(mapper));
                    var sql = Statements.SelectByKey(mapper, runner.Dialect, mapper.AllColumns);
                    var args = Args(mapper.KeyColumns.Length);
                    KeyArgs(mapper, key, args);
                    using var r = runner.ExecuteReader(sql, args);
                    if (r.Read()) target = mapper.LoadObject(this, r, 0)._troveState;
                }
            }
        }
        if (target is null)
        {
            var fresh = mapper.CreateObject();
            CopyColumns(mapper, instance, src, fresh, assigned);
            Add(fresh);
            MergeRelationships(instance, fresh);
            return (T)(object)fresh;
        }
        CopyColumns(mapper, instance, src, target.Entity, assigned & ~KeyMask(mapper));
        MergeRelationships(instance, target.Entity);
        return (T)(object)target.Entity;
    }

    private static ulong KeyMask(EntityMapper m)
    {
        ulong b = 0;
        foreach (var k in m.KeyColumns) b |= 1UL << k;
        return b;
    }

    private static void CopyColumns(EntityMapper mapper, DeclarativeBase from, InstanceState? fromState, DeclarativeBase to, ulong mask)
    {
        if (fromState is not null) fromState.Loading = true;
        try
        {
            for (var i = 0; i < mapper.Columns.Count; i++)
            {
                if ((mask & (1UL << i)) == 0) continue;
                mapper.SetValue(to, i, mapper.GetValue(from, i));
            }
        }
        finally { if (fromState is not null) fromState.Loading = false; }
    }

    /// <summary>Async twin of <see cref="Merge{T}"/>.</summary>
    public Task<T> MergeAsync<T>(T instance, CancellationToken ct = default) where T : DeclarativeBase
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(Merge(instance));
    }
}
