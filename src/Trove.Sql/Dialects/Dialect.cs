using System.Collections.Concurrent;
using System.Text;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Dialects;

/// <summary>
/// A SQL flavour: identifier quoting, placeholders, type names, LIMIT/locking syntax, DDL and capability flags.
/// Separate from the driver (ADO.NET) that runs it. Instances are shared and thread-safe.
/// </summary>
public abstract class Dialect
{
    private readonly ConcurrentDictionary<string, string> _quoted = new(StringComparer.Ordinal);
    private readonly string[] _placeholders;

    /// <summary>Initializes caches.</summary>
    protected Dialect()
    {
        CompiledCache = new StatementCache(this);
        _placeholders = new string[256];
        for (int i = 0; i < _placeholders.Length; i++) _placeholders[i] = MakePlaceholder(i);
    }

    /// <summary>The SQLite dialect (default for string rendering).</summary>
    public static Dialect Sqlite { get; } = new SqliteDialect();
    /// <summary>The PostgreSQL dialect.</summary>
    public static Dialect PostgreSql { get; } = new PostgreSqlDialect();
    /// <summary>The MySQL dialect (compile-only: no driver is built in).</summary>
    public static Dialect MySql { get; } = new MySqlDialect();

    /// <summary>The dialect for a URL's dialect name; <see cref="NoSuchDialectException"/> when unknown.</summary>
    public static Dialect Get(string name) => name.ToLowerInvariant() switch
    {
        "sqlite" => Sqlite,
        "postgresql" or "postgres" or "pgsql" => PostgreSql,
        "mysql" or "mariadb" => MySql,
        _ => throw new NoSuchDialectException(name),
    };

    /// <summary>Dialect name as in URLs and error messages (<c>sqlite</c>, <c>postgresql</c>, <c>mysql</c>).</summary>
    public abstract string Name { get; }
    /// <summary>The driver used when a URL names none.</summary>
    public abstract string DefaultDriver { get; }
    /// <summary>INSERT/UPDATE/DELETE … RETURNING.</summary>
    public virtual bool SupportsReturning => true;
    /// <summary>SAVEPOINT.</summary>
    public virtual bool SupportsSavepoints => true;
    /// <summary>PREPARE TRANSACTION / COMMIT PREPARED.</summary>
    public virtual bool SupportsTwoPhase => false;
    /// <summary>SELECT … FOR UPDATE.</summary>
    public virtual bool SupportsForUpdate => false;
    /// <summary>Native enum types.</summary>
    public virtual bool SupportsNativeEnum => false;
    /// <summary>INSERT … VALUES (…), (…).</summary>
    public virtual bool SupportsMultiRowInsert => true;
    /// <summary>Native BOOLEAN.</summary>
    public virtual bool SupportsNativeBoolean => false;
    /// <summary>Native INTERVAL.</summary>
    public virtual bool SupportsNativeInterval => false;
    /// <summary>ILIKE operator.</summary>
    public virtual bool SupportsILike => false;
    /// <summary>
    /// <c>ALTER TABLE … ADD CONSTRAINT</c> exists (SQLAlchemy's <c>supports_alter</c>): CreateAll defers foreign keys of
    /// cycles and use-alter ones to it. False on SQLite, where they stay inline.
    /// </summary>
    public virtual bool SupportsAlter => true;
    /// <summary>Most bound parameters in one statement.</summary>
    public abstract int MaxParameters { get; }
    /// <summary>The structural cache used by <see cref="Executable.Compile"/> (engines have their own, sized by their options).</summary>
    public StatementCache CompiledCache { get; }
    /// <summary>Bound of <see cref="CompiledCache"/> (default 500; 0 disables it).</summary>
    public int CompiledCacheSize { get => CompiledCache.Capacity; set => CompiledCache.Capacity = value; }

    /// <summary>Reserved words that must be quoted as identifiers (lower case).</summary>
    protected abstract HashSet<string> ReservedWords { get; }
    /// <summary>Identifier quote character.</summary>
    protected virtual char QuoteChar => '"';

    /// <summary>The placeholder for parameter <paramref name="index"/> (0-based).</summary>
    public string Placeholder(int index) => index < _placeholders.Length ? _placeholders[index] : MakePlaceholder(index);
    /// <summary>Builds a placeholder.</summary>
    protected virtual string MakePlaceholder(int index) => "@p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Quotes an identifier when it is reserved, has upper case or non-identifier characters.</summary>
    public string Quote(string ident)
    {
        if (_quoted.TryGetValue(ident, out var q)) return q;
        bool needs = ident.Length == 0 || ReservedWords.Contains(ident) || !(char.IsAsciiLetterLower(ident[0]) || ident[0] == '_');
        foreach (var ch in ident)
            if (!(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_' || ch == '$')) { needs = true; break; }
        q = needs ? QuoteChar + ident.Replace(QuoteChar.ToString(), new string(QuoteChar, 2)) + QuoteChar : ident;
        _quoted.TryAdd(ident, q);
        return q;
    }

    internal virtual string OperatorText(BinOp op) => op switch
    {
        BinOp.Eq => " = ", BinOp.Ne => " != ", BinOp.Lt => " < ", BinOp.Le => " <= ", BinOp.Gt => " > ", BinOp.Ge => " >= ",
        BinOp.Add => " + ", BinOp.Sub => " - ", BinOp.Mul => " * ", BinOp.Div => " / ", BinOp.Mod => " % ",
        BinOp.And => " AND ", BinOp.Or => " OR ", BinOp.BitAnd => " & ", BinOp.BitOr => " | ", BinOp.Concat => " || ",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    internal virtual string EmptyFrom => "";
    internal virtual string EmptyInsert => " DEFAULT VALUES";

    /// <summary>LIMIT/OFFSET, bound as parameters; <paramref name="site"/> is the statement (sub 0 limit, 1 offset).</summary>
    internal virtual void RenderLimitOffset(SqlCompiler c, int? limit, int? offset, object site)
    {
        if (limit is int l) { c.Sb.Append(" LIMIT "); c.Bind(l, null, null, site, 0); }
        if (offset is int o) { c.Sb.Append(" OFFSET "); c.Bind(o, null, null, site, 1); }
    }

    internal virtual void RenderLock(SqlCompiler c, LockMode mode, bool nowait, bool skipLocked, Table[] of) { }

    /// <summary>Number of entries in <see cref="CompiledCache"/>.</summary>
    public int CompiledCacheCount => CompiledCache.Count;

    /// <summary>Converts a parameter value for the driver (type conversions such as enum names and intervals).</summary>
    public virtual object? ToDriverValue(object? value, SqlType? type)
    {
        if (value is RequiredValue) throw new ArgumentException("A value is required for a bound parameter");
        if (type != null) return type.ToDb(value, SupportsNativeInterval);
        return value switch
        {
            Enum e => e.ToString(),
            TimeSpan ts when !SupportsNativeInterval => ts.Ticks / 10,
            _ => value,
        };
    }

    // ---- DDL ----

    /// <summary>The DDL type name of a column.</summary>
    public abstract string TypeName(SqlType type, IColumn? column = null);

    /// <summary>The type name used in CAST.</summary>
    public virtual string CastTypeName(SqlType type) => TypeName(type);

    /// <summary>CREATE TABLE text (SQLAlchemy's layout: one column per line).</summary>
    public virtual string CreateTableSql(Table t) => CreateTableSql(t, null);

    /// <summary>
    /// CREATE TABLE text without the foreign keys declared by the elements in <paramref name="deferred"/> (columns or
    /// <see cref="ForeignKeyConstraint"/>s), which <see cref="MetaData.CreateAll"/> adds afterwards by ALTER TABLE.
    /// </summary>
    public virtual string CreateTableSql(Table t, IReadOnlySet<ITableElement>? deferred)
    {
        var items = new List<string>();
        var checks = new List<string>();
        foreach (var col in t.C)
        {
            var sb = new StringBuilder();
            sb.Append(Quote(col.Name)).Append(' ').Append(TypeName(col.SqlType, col));
            if (col.SqlType.Collation is string coll) sb.Append(" COLLATE ").Append(Quote(coll));
            RenderColumnExtras(sb, col);
            if (col.ServerDefaultSql != null) sb.Append(" DEFAULT ").Append(col.ServerDefaultSql);
            else if (col.ServerDefault != null) sb.Append(" DEFAULT ").Append(StringLiteral(col.ServerDefault));
            if (!col.Nullable) sb.Append(" NOT NULL");
            items.Add(sb.ToString());
            if (ColumnCheck(col) is string ck) checks.Add(ck);
        }
        var pk = t.PrimaryKey;
        if (pk.Count > 0 && !PrimaryKeyInline(t)) items.Add("PRIMARY KEY (" + string.Join(", ", pk.Select(c => Quote(c.Name))) + ")");
        foreach (var col in t.C)
            if (col.Unique && !col.Index) items.Add("UNIQUE (" + Quote(col.Name) + ")");
        foreach (var c in t.Constraints)
        {
            string prefix = c.Name is null ? "" : "CONSTRAINT " + Quote(c.Name) + " ";
            switch (c)
            {
                case UniqueConstraint u: items.Add(prefix + "UNIQUE (" + string.Join(", ", u.Columns.Select(Quote)) + ")"); break;
                case CheckConstraint ck: items.Add(prefix + "CHECK (" + ck.Sql + ")"); break;
                case ForeignKeyConstraint fk when deferred?.Contains(fk) != true:
                    items.Add(prefix + "FOREIGN KEY(" + string.Join(", ", fk.Columns.Select(Quote)) + ") REFERENCES " + Quote(fk.ReferredTable)
                        + " (" + string.Join(", ", fk.ReferredColumns.Select(Quote)) + ")" + Actions(fk.OnDelete, fk.OnUpdate));
                    break;
            }
        }
        foreach (var col in t.C)
            if (col.ForeignKey is string target && deferred?.Contains(col) != true)
            {
                int dot = target.LastIndexOf('.');
                items.Add("FOREIGN KEY(" + Quote(col.Name) + ") REFERENCES " + Quote(target[..dot]) + " (" + Quote(target[(dot + 1)..]) + ")" + Actions(col.OnDelete, col.OnUpdate));
            }
        items.AddRange(checks);
        return "CREATE TABLE " + Quote(t.Name) + " (\n\t" + string.Join(", \n\t", items) + "\n)";
    }

    /// <summary>
    /// <c>ALTER TABLE t ADD CONSTRAINT name FOREIGN KEY(…) REFERENCES …</c> (SQLAlchemy's AddConstraint; the name is
    /// needed to drop it again).
    /// </summary>
    internal virtual string AddForeignKeySql(ForeignKeyDef fk) =>
        "ALTER TABLE " + Quote(fk.Table.Name) + " ADD CONSTRAINT " + Quote(fk.EffectiveName) + " FOREIGN KEY(" + string.Join(", ", fk.Columns.Select(Quote))
        + ") REFERENCES " + Quote(fk.ReferredTable) + " (" + string.Join(", ", fk.ReferredColumns.Select(Quote)) + ")" + Actions(fk.OnDelete, fk.OnUpdate);

    /// <summary><c>ALTER TABLE t DROP CONSTRAINT name</c>.</summary>
    internal virtual string DropForeignKeySql(ForeignKeyDef fk) => "ALTER TABLE " + Quote(fk.Table.Name) + " DROP CONSTRAINT " + Quote(fk.EffectiveName);

    /// <summary>True when the dialect put the primary key inline on the column.</summary>
    protected virtual bool PrimaryKeyInline(Table t) => false;

    /// <summary>Dialect-specific column clauses (identity …).</summary>
    protected virtual void RenderColumnExtras(StringBuilder sb, IColumn col) { }

    /// <summary>CHECK constraint emulating Boolean/Enum where there is no native type.</summary>
    protected virtual string? ColumnCheck(IColumn col)
    {
        var t = col.SqlType;
        if (t.Kind == TypeKind.Boolean && !SupportsNativeBoolean && t.CreateConstraint)
            return "CHECK (" + Quote(col.Name) + " IN (0, 1))";
        if (t.Kind == TypeKind.Enum && t.CreateConstraint && !(SupportsNativeEnum && t.NativeEnum))
            return "CHECK (" + Quote(col.Name) + " IN (" + string.Join(", ", t.EnumLabels.Select(StringLiteral)) + "))";
        return null;
    }

    private static string Actions(ReferentialAction onDelete, ReferentialAction onUpdate)
    {
        static string A(ReferentialAction a) => a switch
        {
            ReferentialAction.Cascade => "CASCADE", ReferentialAction.SetNull => "SET NULL",
            ReferentialAction.SetDefault => "SET DEFAULT", ReferentialAction.Restrict => "RESTRICT", _ => "",
        };
        var s = "";
        if (onDelete != ReferentialAction.NoAction) s += " ON DELETE " + A(onDelete);
        if (onUpdate != ReferentialAction.NoAction) s += " ON UPDATE " + A(onUpdate);
        return s;
    }

    /// <summary>A SQL string literal (quotes doubled). Used only for schema text written by the developer.</summary>
    public static string StringLiteral(string s) => "'" + s.Replace("'", "''") + "'";

    /// <summary>CREATE [UNIQUE] INDEX.</summary>
    public virtual string CreateIndexSql(Schema.Index ix) =>
        (ix.Unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") + Quote(ix.Name) + " ON " + Quote(ix.Table!.Name) + " (" + string.Join(", ", ix.Columns.Select(Quote)) + ")";

    /// <summary>DROP TABLE.</summary>
    public virtual string DropTableSql(Table t) => "DROP TABLE " + Quote(t.Name);

    /// <summary>A query with one parameter (the table name) returning a row when the table exists.</summary>
    public abstract string HasTableSql { get; }

    /// <summary>Statements creating types the table needs (PostgreSQL enums), given existing type names.</summary>
    public virtual IEnumerable<string> CreateTypesSql(Table t) => [];
    /// <summary>Statements dropping those types.</summary>
    public virtual IEnumerable<string> DropTypesSql(Table t) => [];
}
