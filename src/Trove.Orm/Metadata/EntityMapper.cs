using System.Collections.Frozen;
using System.ComponentModel;
using System.Data.Common;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Trove.Orm.Internal;

namespace Trove.Orm;

/// <summary>
/// Non-generic view of a mapped entity class: columns, key, and the generated per-column accessors used by the
/// unit of work and the query translator. One instance per entity class, created by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public abstract partial class EntityMapper
{
    private static int s_nextId;
    private FrozenDictionary<string, ColumnMap>? _byProperty;

    /// <summary>Creates the mapper; generated code passes the model description.</summary>
    protected EntityMapper(Type entityType, string tableName, ColumnMap[] columns)
    {
        EntityType = entityType;
        TableName = tableName;
        Columns = columns;
        Id = Interlocked.Increment(ref s_nextId) - 1;
        var keys = new List<int>();
        for (var i = 0; i < columns.Length; i++)
        {
            if (columns[i].PrimaryKey) keys.Add(i);
            if (columns[i].IsVersion) VersionColumn = i;
        }
        KeyColumns = [.. keys];
        AllColumns = columns.Length == 64 ? ulong.MaxValue : (1UL << columns.Length) - 1;
        MapperRegistry.Register(this);
    }

    /// <summary>The entity's CLR type.</summary>
    public Type EntityType { get; }
    /// <summary>Table name.</summary>
    public string TableName { get; }
    /// <summary>Columns in declaration order; SELECTs of the entity list them in this order.</summary>
    public IReadOnlyList<ColumnMap> Columns { get; }
    /// <summary>Indexes of the primary-key columns.</summary>
    public int[] KeyColumns { get; }
    /// <summary>Index of the version counter column, or -1.</summary>
    public int VersionColumn { get; } = -1;
    /// <summary>Mask with a bit for every column.</summary>
    public ulong AllColumns { get; }
    internal int Id { get; }

    /// <summary>Hybrid members: name → lambda whose first parameter is the entity.</summary>
    public virtual IReadOnlyDictionary<string, LambdaExpression> Hybrids => FrozenDictionary<string, LambdaExpression>.Empty;

    /// <summary>Finds a column by C# property name.</summary>
    public ColumnMap? FindByProperty(string propertyName)
    {
        _byProperty ??= Columns.ToFrozenDictionary(c => c.PropertyName, StringComparer.Ordinal);
        return _byProperty.GetValueOrDefault(propertyName);
    }

    /// <summary>Creates an empty instance (no tracking state).</summary>
    public abstract DeclarativeBase CreateObject();
    /// <summary>Assigns column <paramref name="column"/> from the reader, converting from the database form.</summary>
    public abstract void ReadColumn(DeclarativeBase entity, int column, DbDataReader reader, int ordinal);
    /// <summary>Reads column <paramref name="column"/>'s value from the reader as its CLR type (boxed).</summary>
    public abstract object? ReadValue(int column, DbDataReader reader, int ordinal);
    /// <summary>Value of a column in its database form (enums as names, etc.), for parameters.</summary>
    public abstract object? GetDbValue(DeclarativeBase entity, int column);
    /// <summary>Value of a column as its CLR type (boxed), for the in-memory evaluator.</summary>
    public abstract object? GetValue(DeclarativeBase entity, int column);
    /// <summary>Assigns a column from a CLR value (boxed; numeric values are converted).</summary>
    public abstract void SetValue(DeclarativeBase entity, int column, object? value);
    /// <summary>Converts a CLR value of the column to its database form.</summary>
    public abstract object? ToDbValue(int column, object? value);

    internal abstract InstanceState NewState(DeclarativeBase entity);
    /// <summary>Computes the identity key from the instance's key columns; false when a key column is unset.</summary>
    internal abstract bool TryComputeKey(InstanceState state);
    internal abstract IdentityMap NewIdentityMap();
    /// <summary>
    /// Orders persistent states by primary key (SQLAlchemy sorts the UPDATEs of a flush by key) when the keys
    /// compare (numbers, strings, tuples of them); otherwise, or when they already are in order, keeps the order.
    /// The sort is stable (equal keys keep their order).
    /// </summary>
    internal abstract void SortByKey(List<InstanceState> rows);
    /// <summary>Parses a user-supplied key (<c>Get(id)</c>) into the key type; boxed.</summary>
    internal abstract object NormalizeKey(object key);

    /// <summary>Materializes one row through the session's identity map (non-generic path).</summary>
    internal abstract DeclarativeBase LoadObject(Session? session, DbDataReader reader, int offset);

    /// <summary>
    /// Reads the reader's remaining rows (entity columns at ordinal 0) into <paramref name="list"/> until it holds
    /// <paramref name="maxRows"/>: one loop with the identity map looked up once, instead of a delegate call per row.
    /// </summary>
    internal abstract void LoadRows<TR>(DbDataReader reader, Session? session, List<TR> list, int maxRows);

    /// <summary>Reads all columns of one entity from consecutive ordinals starting at <paramref name="offset"/>.</summary>
    public abstract void Hydrate(DeclarativeBase entity, DbDataReader reader, int offset);

    /// <summary>Describes an instance for messages: <c>&lt;User Id=1&gt;</c>.</summary>
    public string Describe(InstanceState state)
    {
        var key = state.BoxedKey;
        if (key is null) return $"<{EntityType.Name} at 0x{System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(state.Entity):x8}>";
        var keyText = KeyColumns.Length == 1 ? $"{Columns[KeyColumns[0]].PropertyName}={key}" : key.ToString();
        return $"<{EntityType.Name} {keyText}>";
    }

    /// <summary>Ensures the instance has state (creating a transient-less state) and returns it.</summary>
    internal InstanceState StateOf(DeclarativeBase entity) => entity._troveState ?? NewState(entity);
}

/// <summary>Typed mapper of <typeparamref name="T"/>; the generator derives its mapper from the keyed subclass.</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public abstract class EntityMapper<T> : EntityMapper where T : DeclarativeBase
{
    /// <summary>Creates the mapper.</summary>
    protected EntityMapper(string tableName, ColumnMap[] columns) : base(typeof(T), tableName, columns) { }

    /// <summary>Creates an empty instance.</summary>
    public abstract T Create();
    /// <inheritdoc />
    public sealed override DeclarativeBase CreateObject() => Create();

    /// <summary>Materializes one entity row (all columns at <paramref name="offset"/>…) through the session's identity map.</summary>
    internal abstract T Load(Session? session, DbDataReader reader, int offset);

    internal sealed override DeclarativeBase LoadObject(Session? session, DbDataReader reader, int offset) => Load(session, reader, offset);

    internal sealed override DeclarativeBase? QueryByKey(Session session, object?[] dbKey) => session.QueryByKey(this, dbKey);
}

/// <summary>Mapper with a typed identity key (single column: the column type; composite: a value tuple).</summary>
[EditorBrowsable(EditorBrowsableState.Advanced)]
public abstract class EntityMapper<T, TKey> : EntityMapper<T> where T : DeclarativeBase where TKey : notnull
{
    /// <summary>Creates the mapper.</summary>
    protected EntityMapper(string tableName, ColumnMap[] columns) : base(tableName, columns) { }

    /// <summary>Reads the key from a row whose entity columns start at <paramref name="offset"/>.</summary>
    public abstract TKey ReadKey(DbDataReader reader, int offset);
    /// <summary>
    /// <see cref="EntityMapper.Hydrate"/> with the key already read by <see cref="ReadKey"/>: the key columns are
    /// assigned from <paramref name="key"/> instead of being read again (one driver call less per row).
    /// </summary>
    public abstract void Hydrate(DeclarativeBase entity, TKey key, DbDataReader reader, int offset);
    /// <summary>Key of an instance from its fields; false when a key column was never set.</summary>
    public abstract bool TryGetKey(T entity, out TKey key);
    /// <summary>Converts a boxed user key (<c>Get(id)</c>) to <typeparamref name="TKey"/>.</summary>
    public abstract TKey ConvertKey(object key);

    internal override InstanceState NewState(DeclarativeBase entity) => new InstanceState<TKey>(this, entity);
    internal override IdentityMap NewIdentityMap() => new IdentityMap<TKey>();
    internal override object NormalizeKey(object key) => ConvertKey(key);

    [MethodImpl(RowLoop.Optimize)]
    internal override void SortByKey(List<InstanceState> rows)
    {
        var cmp = Comparer<TKey>.Default;
        try
        {
            var ordered = true;
            for (var i = 1; i < rows.Count && ordered; i++)
                ordered = cmp.Compare(((InstanceState<TKey>)rows[i - 1]).Key, ((InstanceState<TKey>)rows[i]).Key) <= 0;
            if (ordered) return;
            var keyed = new (TKey Key, int Index, InstanceState State)[rows.Count];
            for (var i = 0; i < keyed.Length; i++) keyed[i] = (((InstanceState<TKey>)rows[i]).Key, i, rows[i]);
            Array.Sort(keyed, (a, b) =>
            {
                var c = cmp.Compare(a.Key, b.Key);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            for (var i = 0; i < keyed.Length; i++) rows[i] = keyed[i].State;
        }
        // keys that do not compare (no IComparable): flush order stays add order
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
    }

    internal override bool TryComputeKey(InstanceState state)
    {
        var s = (InstanceState<TKey>)state;
        var was = s.Loading;
        s.Loading = true;
        try
        {
            if (!TryGetKey((T)s.Entity, out var key)) return false;
            s.Key = key;
            s.HasIdentity = true;
            return true;
        }
        finally { s.Loading = was; }
    }

    internal override T Load(Session? session, DbDataReader reader, int offset) =>
        session is null ? LoadUntracked(reader, offset) : LoadTracked(session, (IdentityMap<TKey>)session.MapFor(this), reader, offset);

    [MethodImpl(RowLoop.Optimize)]
    internal override void LoadRows<TR>(DbDataReader reader, Session? session, List<TR> list, int maxRows)
    {
        if (list is not List<T> typed)
        {
            while (list.Count < maxRows && reader.Read()) list.Add((TR)(object)Load(session, reader, 0));
            return;
        }
        if (session is null)
        {
            while (typed.Count < maxRows && reader.Read()) typed.Add(LoadUntracked(reader, 0));
            return;
        }
        var map = (IdentityMap<TKey>)session.MapFor(this);
        while (typed.Count < maxRows && reader.Read()) typed.Add(LoadTracked(session, map, reader, 0));
    }

    private T LoadUntracked(DbDataReader reader, int offset)
    {
        var e = Create();
        Hydrate(e, reader, offset);
        e._troveAssigned = 0;
        return e;
    }

    private T LoadTracked(Session session, IdentityMap<TKey> map, DbDataReader reader, int offset)
    {
        var key = ReadKey(reader, offset);
        if (map.TryGet(key, out var existing))
        {
            if (existing.Unloaded != 0 && existing.Status == InstanceStatus.Persistent)
            {
                // a query row refreshes the expired part of an instance it meets (SQLAlchemy does the same)
                var unloaded = existing.Unloaded;
                existing.Loading = true;
                try
                {
                    for (var i = 0; i < Columns.Count; i++)
                        if ((unloaded & (1UL << i)) != 0) ReadColumn(existing.Entity, i, reader, offset + i);
                }
                finally { existing.Loading = false; }
                existing.Unloaded = 0;
            }
            return (T)existing.Entity;
        }
        var entity = Create();
        Hydrate(entity, key, reader, offset);
        entity._troveAssigned = 0;
        var state = new InstanceState<TKey>(this, entity) { Key = key, HasIdentity = true, Status = InstanceStatus.Persistent, Session = session };
        entity._troveState = state;
        map.Add(key, state);
        return entity;
    }
}
