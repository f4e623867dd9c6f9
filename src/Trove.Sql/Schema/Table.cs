namespace Trove.Sql.Schema;

/// <summary>Something given to a <see cref="Table"/> constructor: a column or a table-level constraint/index.</summary>
public interface ITableElement;

/// <summary>A table-level constraint.</summary>
public abstract class Constraint : ITableElement
{
    /// <summary>Constraint name (null: unnamed, the database names it).</summary>
    public string? Name { get; init; }
}

/// <summary>UNIQUE (columns…).</summary>
public sealed class UniqueConstraint(params string[] columns) : Constraint
{
    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;
}

/// <summary>PRIMARY KEY (columns…) declared at table level (composite keys).</summary>
public sealed class PrimaryKeyConstraint(params string[] columns) : Constraint
{
    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;
}

/// <summary>CHECK (sql). The SQL is schema text written by the developer, never a user value.</summary>
public sealed class CheckConstraint(string sql) : Constraint
{
    /// <summary>The condition.</summary>
    public string Sql { get; } = sql;
}

/// <summary>FOREIGN KEY (columns…) REFERENCES table (columns…) [ON DELETE …] [ON UPDATE …].</summary>
public sealed class ForeignKeyConstraint(string[] columns, string referredTable, string[] referredColumns) : Constraint
{
    /// <summary>Local columns.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;
    /// <summary>Referenced table name.</summary>
    public string ReferredTable { get; } = referredTable;
    /// <summary>Referenced columns.</summary>
    public IReadOnlyList<string> ReferredColumns { get; } = referredColumns;
    /// <summary>ON DELETE action.</summary>
    public ReferentialAction OnDelete { get; init; }
    /// <summary>ON UPDATE action.</summary>
    public ReferentialAction OnUpdate { get; init; }
    /// <summary>
    /// Added by <c>ALTER TABLE … ADD CONSTRAINT</c> after every table exists and dropped first (SQLAlchemy's
    /// <c>use_alter=True</c>); inline on dialects without that ALTER (SQLite).
    /// </summary>
    public bool UseAlter { get; init; }
}

/// <summary>
/// One foreign key of a table, whether declared on a column (<c>foreignKey: "t.c"</c>) or as a
/// <see cref="ForeignKeyConstraint"/>: <paramref name="Source"/> is that column or constraint.
/// </summary>
internal sealed record ForeignKeyDef(Table Table, ITableElement Source, string? Name, IReadOnlyList<string> Columns, string ReferredTable,
    IReadOnlyList<string> ReferredColumns, ReferentialAction OnDelete, ReferentialAction OnUpdate, bool UseAlter)
{
    /// <summary>
    /// The declared name, else SQLAlchemy's documented convention <c>fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s</c>
    /// (SQLAlchemy itself leaves it unnamed and then cannot DROP CONSTRAINT it).
    /// </summary>
    public string EffectiveName => Name ?? $"fk_{Table.Name}_{Columns[0]}_{ReferredTable}";

    /// <summary>The same foreign key is the same declaration (the column lists are rebuilt per enumeration).</summary>
    public bool Equals(ForeignKeyDef? other) => other is not null && ReferenceEquals(Source, other.Source);

    /// <inheritdoc/>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Source);
}

/// <summary>CREATE [UNIQUE] INDEX name ON table (columns…).</summary>
public sealed class Index(string name, params string[] columns) : ITableElement
{
    /// <summary>Index name.</summary>
    public string Name { get; } = name;
    /// <summary>Column names.</summary>
    public IReadOnlyList<string> Columns { get; } = columns;
    /// <summary>UNIQUE index.</summary>
    public bool Unique { get; init; }
    /// <summary>The table it belongs to.</summary>
    public Table? Table { get; internal set; }
}

/// <summary>The columns of a table, by position and by name.</summary>
public sealed class ColumnCollection : IReadOnlyList<IColumn>
{
    private readonly List<IColumn> _list = new();
    private readonly Dictionary<string, IColumn> _byName = new(StringComparer.Ordinal);
    private readonly Table _table;

    internal ColumnCollection(Table table) { _table = table; }

    internal void Add(IColumn c)
    {
        if (!_byName.TryAdd(c.Name, c)) throw new ArgumentException($"Duplicate column '{c.Name}' in table '{_table.Name}'");
        _list.Add(c);
    }

    /// <summary>The column named <paramref name="name"/>; <see cref="KeyNotFoundException"/> when there is none.</summary>
    public IColumn this[string name] => _byName.TryGetValue(name, out var c) ? c
        : throw new KeyNotFoundException($"Table '{_table.Name}' has no column '{name}'");

    /// <summary>The column at <paramref name="index"/>.</summary>
    public IColumn this[int index] => _list[index];

    /// <summary>The typed column named <paramref name="name"/>.</summary>
    public Column<T> Get<T>(string name) => this[name] as Column<T>
        ?? throw new InvalidCastException($"Column '{_table.Name}.{name}' is {this[name].ClrType.Name}, not {typeof(T).Name}");

    /// <summary>True when a column of that name exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);
    /// <inheritdoc/>
    public int Count => _list.Count;
    /// <inheritdoc/>
    public IEnumerator<IColumn> GetEnumerator() => _list.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A table: <c>new Table("user", metadata, new Column&lt;int&gt;("user_id", primaryKey: true), …)</c>.
/// Registered in its <see cref="MetaData"/>; columns are expressions for the SQL builder.
/// </summary>
public sealed class Table : FromClause
{
    private readonly List<Constraint> _constraints = new();
    private readonly List<Index> _indexes = new();
    private Tuple<Dialects.Dialect, string>? _quoted; // one object, so readers on other threads never see a torn pair

    /// <summary>Defines a table in <paramref name="metadata"/> (replacing nothing: names are unique per MetaData).</summary>
    public Table(string name, MetaData metadata, params ITableElement[] elements)
    {
        Name = name; MetaData = metadata; C = new ColumnCollection(this);
        foreach (var e in elements) Append(e);
        metadata.Add(this);
    }

    private Table(Table of, string alias)
    {
        Name = of.Name; MetaData = of.MetaData; AliasName = alias; AliasOf = of; C = new ColumnCollection(this);
        foreach (var col in of.C) C.Add(CopyColumn(col));
    }

    private IColumn CopyColumn(IColumn col) => col switch
    {
        IColumnCopy cc => cc.CopyFor(this),
        _ => throw new NotSupportedException(),
    };

    /// <summary>Table name.</summary>
    public string Name { get; }
    /// <summary>Owning metadata.</summary>
    public MetaData MetaData { get; }
    /// <summary>Columns by name: <c>table.C["user_id"]</c>.</summary>
    public ColumnCollection C { get; }
    /// <summary>Columns in declaration order.</summary>
    public IReadOnlyList<IColumn> Columns => C;
    /// <summary>Table-level constraints.</summary>
    public IReadOnlyList<Constraint> Constraints => _constraints;
    /// <summary>Indexes (explicit ones and those of <c>index: true</c> columns).</summary>
    public IReadOnlyList<Index> Indexes => _indexes;
    /// <summary>The alias name when this is <c>table AS alias</c>.</summary>
    public string? AliasName { get; }
    /// <summary>The aliased table when this is an alias.</summary>
    public Table? AliasOf { get; }

    /// <summary>Primary key columns in order.</summary>
    public IReadOnlyList<IColumn> PrimaryKey
    {
        get
        {
            var pk = _constraints.OfType<PrimaryKeyConstraint>().FirstOrDefault();
            if (pk != null) return pk.Columns.Select(n => C[n]).ToArray();
            return C.Where(c => c.PrimaryKey).ToArray();
        }
    }

    /// <summary>Adds a column, constraint or index.</summary>
    public void Append(ITableElement e)
    {
        switch (e)
        {
            case IColumn col:
                if (col is IColumnCopy cc) cc.Attach(this);
                C.Add(col);
                if (col.Index || (col.Unique && col.Index))
                    _indexes.Add(new Index($"ix_{Name}_{col.Name}", col.Name) { Unique = col.Unique, Table = this });
                break;
            case Index ix: ix.Table = this; _indexes.Add(ix); break;
            case Constraint c: _constraints.Add(c); break;
        }
    }

    /// <summary><c>table AS alias</c>, with its own column objects.</summary>
    public Table Alias(string alias) => new(AliasOf ?? this, alias);

    /// <summary>The tables this one references by foreign key (for CREATE order).</summary>
    public IEnumerable<string> ReferencedTables()
    {
        foreach (var c in C) if (c.ForeignKey is string fk) yield return fk[..fk.LastIndexOf('.')];
        foreach (var f in _constraints.OfType<ForeignKeyConstraint>()) yield return f.ReferredTable;
    }

    /// <summary>Every foreign key: table-level constraints first, then column ones (the CREATE TABLE order).</summary>
    internal IEnumerable<ForeignKeyDef> ForeignKeyDefs()
    {
        foreach (var f in _constraints.OfType<ForeignKeyConstraint>())
            yield return new(this, f, f.Name, f.Columns, f.ReferredTable, f.ReferredColumns, f.OnDelete, f.OnUpdate, f.UseAlter);
        foreach (var c in C)
            if (c.ForeignKey is string target)
            {
                int dot = target.LastIndexOf('.');
                yield return new(this, c, null, [c.Name], target[..dot], [target[(dot + 1)..]], c.OnDelete, c.OnUpdate, c.ForeignKeyUseAlter);
            }
    }

    internal string QuotedName(Dialects.Dialect d)
    {
        var cached = _quoted;
        if (cached != null && ReferenceEquals(cached.Item1, d)) return cached.Item2;
        var q = d.Quote(AliasName ?? Name);
        _quoted = Tuple.Create(d, q);
        return q;
    }

    /// <summary>Identity for structural cache keys (an alias is its own table).</summary>
    internal long KeyId { get; } = KeyIds.Next();

    /// <summary>
    /// A table by identity; an alias by its table and name (aliases are often built per query, and two alias objects
    /// of one name render the same SQL).
    /// </summary>
    internal override void AppendKey(KeyBuilder k)
    {
        if (AliasOf is null) { k.Kind(KeyKind.Table); k.Add(KeyId); return; }
        k.Kind(KeyKind.TableAlias); k.Add(AliasOf.KeyId); k.Str(AliasName);
    }

    internal override void CompileFrom(SqlCompiler c)
    {
        if (AliasName != null) c.Sb.Append(c.D.Quote(Name)).Append(" AS ").Append(c.D.Quote(AliasName));
        else c.Sb.Append(QuotedName(c.D));
    }

    /// <summary>CREATE TABLE (and its indexes); with <paramref name="checkFirst"/> only when it does not exist.</summary>
    public void Create(Engine engine, bool checkFirst = false) => Ddl.CreateTables(engine, [this], checkFirst);
    /// <summary>DROP TABLE; with <paramref name="checkFirst"/> only when it exists.</summary>
    public void Drop(Engine engine, bool checkFirst = false) => Ddl.DropTables(engine, [this], checkFirst);
    /// <summary>Async <see cref="Create"/>.</summary>
    public Task CreateAsync(Engine engine, bool checkFirst = false, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); Create(engine, checkFirst); return Task.CompletedTask; }
    /// <summary>Async <see cref="Drop"/>.</summary>
    public Task DropAsync(Engine engine, bool checkFirst = false, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); Drop(engine, checkFirst); return Task.CompletedTask; }

    /// <summary>The table name.</summary>
    public override string ToString() => AliasName is null ? Name : $"{Name} AS {AliasName}";
}

internal interface IColumnCopy { IColumn CopyFor(Table t); void Attach(Table t); }

/// <summary>A collection of tables (SQLAlchemy's <c>MetaData</c>): create and drop them in dependency order.</summary>
public sealed class MetaData
{
    private readonly Dictionary<string, Table> _tables = new(StringComparer.Ordinal);
    private readonly List<Table> _ordered = new();

    /// <summary>Tables by name.</summary>
    public IReadOnlyDictionary<string, Table> Tables => _tables;

    internal void Add(Table t)
    {
        if (!_tables.TryAdd(t.Name, t)) throw new ArgumentException($"Table '{t.Name}' is already defined for this MetaData instance.");
        _ordered.Add(t);
    }

    /// <summary>
    /// Tables ordered so every table comes after the tables it references: level by level (first every table that
    /// references nothing left, in declaration order, then the next level), as SQLAlchemy's create_all orders them, so
    /// DDL comes out in the reference's sequence. Keys inside a cycle or marked use-alter do not order the tables.
    /// </summary>
    public IReadOnlyList<Table> SortedTables => DdlPlan.For(_ordered, null).Tables;

    /// <summary>
    /// CREATE every table (parents first); <paramref name="checkFirst"/> skips existing ones. Foreign keys marked
    /// use-alter, and those closing a cycle between tables, are added by <c>ALTER TABLE … ADD CONSTRAINT</c> once the
    /// tables exist (inline on SQLite, which has no such ALTER).
    /// </summary>
    public void CreateAll(Engine engine, bool checkFirst = true)
    {
        var plan = DdlPlan.For(_ordered, engine.Dialect);
        Ddl.CreateTables(engine, plan.Tables, checkFirst, plan.Altered);
    }

    /// <summary>
    /// DROP every table (children first); <paramref name="checkFirst"/> skips missing ones. The constraints
    /// <see cref="CreateAll"/> added by ALTER are dropped first (<c>ALTER TABLE … DROP CONSTRAINT</c>).
    /// </summary>
    public void DropAll(Engine engine, bool checkFirst = true)
    {
        var plan = DdlPlan.For(_ordered, engine.Dialect);
        Ddl.DropTables(engine, plan.Tables.Reverse().ToArray(), checkFirst, plan.Altered);
    }
    /// <summary>Async <see cref="CreateAll"/>.</summary>
    public Task CreateAllAsync(Engine engine, bool checkFirst = true, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); CreateAll(engine, checkFirst); return Task.CompletedTask; }
    /// <summary>Async <see cref="DropAll"/>.</summary>
    public Task DropAllAsync(Engine engine, bool checkFirst = true, CancellationToken ct = default) { ct.ThrowIfCancellationRequested(); DropAll(engine, checkFirst); return Task.CompletedTask; }
}
