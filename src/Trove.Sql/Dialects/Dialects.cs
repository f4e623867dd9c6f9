using System.Text;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Dialects;

/// <summary>SQLite (Microsoft.Data.Sqlite; bundled SQLite 3.50 has RETURNING and NULLS FIRST/LAST).</summary>
public sealed class SqliteDialect : Dialect
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "add","after","all","alter","analyze","and","as","asc","attach","autoincrement","before","begin","between","by","cascade",
        "case","cast","check","collate","column","commit","conflict","constraint","create","cross","current_date","current_time",
        "current_timestamp","database","default","deferrable","deferred","delete","desc","detach","distinct","drop","each","else",
        "end","escape","except","exclusive","exists","explain","false","fail","for","foreign","from","full","glob","group","having",
        "if","ignore","immediate","in","index","indexed","initially","inner","insert","instead","intersect","into","is","isnull",
        "join","key","left","like","limit","match","natural","not","notnull","null","of","offset","on","or","order","outer","plan",
        "pragma","primary","query","raise","references","reindex","rename","replace","restrict","right","rollback","row","select",
        "set","table","temp","temporary","then","to","transaction","trigger","true","union","unique","update","using","vacuum",
        "values","view","virtual","when","where",
    };

    /// <inheritdoc/>
    public override string Name => "sqlite";
    /// <inheritdoc/>
    public override string DefaultDriver => "microsoftdata";
    /// <inheritdoc/>
    public override int MaxParameters => 32766;
    /// <inheritdoc/>
    public override bool SupportsAlter => false;
    /// <inheritdoc/>
    protected override HashSet<string> ReservedWords => Reserved;

    internal override void RenderLimitOffset(SqlCompiler c, int? limit, int? offset, object site)
    {
        if (limit is null && offset is int o0) { c.Sb.Append(" LIMIT -1 OFFSET "); c.Bind(o0, null, null, site, 1); return; }
        base.RenderLimitOffset(c, limit, offset, site);
    }

    /// <inheritdoc/>
    public override string TypeName(SqlType t, IColumn? col = null)
    {
        if (col != null && col.IsAutoincrement) return "INTEGER"; // INTEGER PRIMARY KEY = rowid alias
        return t.Kind switch
        {
            TypeKind.Integer => "INTEGER",
            TypeKind.BigInteger => "BIGINT",
            TypeKind.SmallInteger => "SMALLINT",
            TypeKind.Boolean => "INTEGER",
            TypeKind.Float => "FLOAT",
            TypeKind.Real => "REAL",
            TypeKind.Numeric => Numeric(t),
            TypeKind.String or TypeKind.Unicode => t.Length is int n ? $"VARCHAR({n})" : "VARCHAR",
            TypeKind.Char => $"CHAR({t.Length ?? 1})",
            TypeKind.Text or TypeKind.UnicodeText => "TEXT",
            TypeKind.Date => "DATE",
            TypeKind.DateTime => "DATETIME",
            TypeKind.Time => "TIME",
            TypeKind.Interval => "BIGINT",
            TypeKind.Enum => $"VARCHAR({t.Length})",
            TypeKind.LargeBinary or TypeKind.Json => "BLOB",
            TypeKind.Uuid => "CHAR(32)",
            _ => "VARCHAR",
        };
    }

    internal static string Numeric(SqlType t) => t.Precision is int p ? (t.Scale is int s ? $"NUMERIC({p}, {s})" : $"NUMERIC({p})") : "NUMERIC";

    /// <inheritdoc/>
    public override object? ToDriverValue(object? value, SqlType? type)
    {
        // Guids as 32 hex digits, like SQLAlchemy's Uuid on SQLite.
        if (value is Guid g) return g.ToString("N");
        return base.ToDriverValue(value, type);
    }

    /// <inheritdoc/>
    public override string HasTableSql => "SELECT name FROM sqlite_master WHERE type = 'table' AND name = @p0";
}

/// <summary>PostgreSQL through Npgsql: RETURNING, savepoints, two-phase commit, FOR UPDATE/SHARE, native enums.</summary>
public sealed class PostgreSqlDialect : Dialect
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "all","analyse","analyze","and","any","array","as","asc","asymmetric","both","case","cast","check","collate","column",
        "constraint","create","current_catalog","current_date","current_role","current_time","current_timestamp","current_user",
        "default","deferrable","desc","distinct","do","else","end","except","false","fetch","for","foreign","from","grant","group",
        "having","in","initially","intersect","into","lateral","leading","limit","localtime","localtimestamp","not","null","offset",
        "on","only","or","order","placing","primary","references","returning","select","session_user","some","symmetric","table",
        "then","to","trailing","true","union","unique","user","using","variadic","when","where","window","with","authorization",
        "between","binary","collation","concurrently","cross","current_schema","freeze","full","ilike","inner","is","isnull","join",
        "left","like","natural","notnull","outer","over","overlaps","right","similar","tablesample","verbose",
    };

    /// <inheritdoc/>
    public override string Name => "postgresql";
    /// <inheritdoc/>
    public override string DefaultDriver => "npgsql";
    /// <inheritdoc/>
    public override bool SupportsTwoPhase => true;
    /// <inheritdoc/>
    public override bool SupportsForUpdate => true;
    /// <inheritdoc/>
    public override bool SupportsNativeEnum => true;
    /// <inheritdoc/>
    public override bool SupportsNativeBoolean => true;
    /// <inheritdoc/>
    public override bool SupportsNativeInterval => true;
    /// <inheritdoc/>
    public override bool SupportsILike => true;
    /// <inheritdoc/>
    public override int MaxParameters => 65535;
    /// <inheritdoc/>
    protected override HashSet<string> ReservedWords => Reserved;
    /// <inheritdoc/>
    protected override string MakePlaceholder(int index) => "$" + (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal override void RenderLock(SqlCompiler c, LockMode mode, bool nowait, bool skipLocked, Table[] of)
    {
        c.Sb.Append(mode == LockMode.Share ? " FOR SHARE" : " FOR UPDATE");
        if (of.Length > 0) c.Sb.Append(" OF ").Append(string.Join(", ", of.Select(t => t.QuotedName(this))));
        if (nowait) c.Sb.Append(" NOWAIT");
        else if (skipLocked) c.Sb.Append(" SKIP LOCKED");
    }

    /// <inheritdoc/>
    public override string TypeName(SqlType t, IColumn? col = null) => t.Kind switch
    {
        TypeKind.Integer => "INTEGER",
        TypeKind.BigInteger => "BIGINT",
        TypeKind.SmallInteger => "SMALLINT",
        TypeKind.Boolean => "BOOLEAN",
        TypeKind.Float => "FLOAT",
        TypeKind.Real => "REAL",
        TypeKind.Numeric => SqliteDialect.Numeric(t),
        TypeKind.String or TypeKind.Unicode => t.Length is int n ? $"VARCHAR({n})" : "VARCHAR",
        TypeKind.Char => $"CHAR({t.Length ?? 1})",
        TypeKind.Text or TypeKind.UnicodeText => "TEXT",
        TypeKind.Date => "DATE",
        TypeKind.DateTime => t.Timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE",
        TypeKind.Time => "TIME WITHOUT TIME ZONE",
        TypeKind.Interval => "INTERVAL",
        TypeKind.Enum => t.NativeEnum ? Quote(t.EnumName!) : $"VARCHAR({t.Length})",
        TypeKind.LargeBinary or TypeKind.Json => "BYTEA",
        TypeKind.Uuid => "UUID",
        _ => "VARCHAR",
    };

    /// <inheritdoc/>
    protected override void RenderColumnExtras(StringBuilder sb, IColumn col)
    {
        if (col.IsAutoincrement) sb.Append(" GENERATED BY DEFAULT AS IDENTITY");
    }

    /// <inheritdoc/>
    public override object? ToDriverValue(object? value, SqlType? type)
    {
        var v = base.ToDriverValue(value, type);
        switch (v)
        {
            case DateTime dt when type is { Kind: TypeKind.DateTime, Timezone: true }:
                return dt.Kind == DateTimeKind.Utc ? dt : dt.ToUniversalTime();
            case DateTime dt when type is { Kind: TypeKind.DateTime } && dt.Kind != DateTimeKind.Unspecified:
                return DateTime.SpecifyKind(dt, DateTimeKind.Unspecified);
            case DateTimeOffset dto:
                return dto.ToUniversalTime();
            default:
                return v;
        }
    }

    /// <inheritdoc/>
    public override string HasTableSql => "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1";

    /// <inheritdoc/>
    public override IEnumerable<string> CreateTypesSql(Table t)
    {
        foreach (var name in NativeEnums(t, out var labels))
            yield return $"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = {StringLiteral(name)}) THEN CREATE TYPE {Quote(name)} AS ENUM ({string.Join(", ", labels[name].Select(StringLiteral))}); END IF; END $$";
    }

    /// <inheritdoc/>
    public override IEnumerable<string> DropTypesSql(Table t)
    {
        foreach (var name in NativeEnums(t, out _)) yield return $"DROP TYPE IF EXISTS {Quote(name)}";
    }

    private static List<string> NativeEnums(Table t, out Dictionary<string, IReadOnlyList<string>> labels)
    {
        labels = new();
        var names = new List<string>();
        foreach (var c in t.C)
            if (c.SqlType is { Kind: TypeKind.Enum, NativeEnum: true } et && labels.TryAdd(et.EnumName!, et.EnumLabels)) names.Add(et.EnumName!);
        return names;
    }
}

/// <summary>MySQL: compiles SQL (backticks, LIMIT offset, count) but has no built-in driver.</summary>
public sealed class MySqlDialect : Dialect
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "accessible","add","all","alter","analyze","and","as","asc","before","between","bigint","binary","blob","both","by","call",
        "cascade","case","change","char","character","check","collate","column","condition","constraint","continue","convert",
        "create","cross","current_date","current_time","current_timestamp","current_user","cursor","database","databases","default",
        "delete","desc","describe","distinct","div","double","drop","else","elseif","enclosed","escaped","exists","exit","explain",
        "false","fetch","float","for","force","foreign","from","fulltext","grant","group","having","if","ignore","in","index","inner",
        "insert","int","integer","interval","into","is","join","key","keys","kill","leading","leave","left","like","limit","lines",
        "load","lock","long","loop","match","mod","natural","not","null","numeric","on","option","or","order","outer","primary",
        "procedure","range","read","real","references","regexp","release","rename","repeat","replace","require","restrict","return",
        "revoke","right","rlike","schema","select","set","show","smallint","table","then","to","trailing","trigger","true","union",
        "unique","unlock","unsigned","update","usage","use","using","values","varchar","when","where","while","with","write","xor",
    };

    /// <inheritdoc/>
    public override string Name => "mysql";
    /// <inheritdoc/>
    public override string DefaultDriver => "mysqlconnector";
    /// <inheritdoc/>
    public override bool SupportsReturning => false;
    /// <inheritdoc/>
    public override bool SupportsTwoPhase => true;
    /// <inheritdoc/>
    public override bool SupportsForUpdate => true;
    /// <inheritdoc/>
    public override bool SupportsNativeEnum => true;
    /// <inheritdoc/>
    public override int MaxParameters => 65535;
    /// <summary>MySQL spells the drop of a foreign key <c>DROP FOREIGN KEY</c>.</summary>
    internal override string DropForeignKeySql(ForeignKeyDef fk) => "ALTER TABLE " + Quote(fk.Table.Name) + " DROP FOREIGN KEY " + Quote(fk.EffectiveName);
    /// <inheritdoc/>
    protected override HashSet<string> ReservedWords => Reserved;
    /// <inheritdoc/>
    protected override char QuoteChar => '`';
    internal override string EmptyInsert => " () VALUES ()";

    internal override string OperatorText(BinOp op) => op == BinOp.Concat ? " || " : base.OperatorText(op);

    internal override void RenderLimitOffset(SqlCompiler c, int? limit, int? offset, object site)
    {
        if (limit is null && offset is null) return;
        c.Sb.Append(" LIMIT ");
        if (offset is int o) { c.Bind(o, null, null, site, 1); c.Sb.Append(", "); }
        if (limit is int l) c.Bind(l, null, null, site, 0); else c.Sb.Append("18446744073709551615");
    }

    internal override void RenderLock(SqlCompiler c, LockMode mode, bool nowait, bool skipLocked, Table[] of)
    {
        c.Sb.Append(mode == LockMode.Share ? " LOCK IN SHARE MODE" : " FOR UPDATE");
        if (mode == LockMode.Update && nowait) c.Sb.Append(" NOWAIT");
        else if (mode == LockMode.Update && skipLocked) c.Sb.Append(" SKIP LOCKED");
    }

    /// <inheritdoc/>
    public override string TypeName(SqlType t, IColumn? col = null) => t.Kind switch
    {
        TypeKind.Integer => "INTEGER",
        TypeKind.BigInteger => "BIGINT",
        TypeKind.SmallInteger => "SMALLINT",
        TypeKind.Boolean => "BOOL",
        TypeKind.Float => "FLOAT",
        TypeKind.Real => "REAL",
        TypeKind.Numeric => SqliteDialect.Numeric(t),
        TypeKind.String or TypeKind.Unicode => $"VARCHAR({t.Length ?? 255})",
        TypeKind.Char => $"CHAR({t.Length ?? 1})",
        TypeKind.Text or TypeKind.UnicodeText => "TEXT",
        TypeKind.Date => "DATE",
        TypeKind.DateTime => "DATETIME",
        TypeKind.Time => "TIME",
        TypeKind.Interval => "BIGINT",
        TypeKind.Enum => "ENUM(" + string.Join(",", t.EnumLabels.Select(StringLiteral)) + ")",
        TypeKind.LargeBinary or TypeKind.Json => "BLOB",
        TypeKind.Uuid => "CHAR(32)",
        _ => "VARCHAR(255)",
    };

    /// <inheritdoc/>
    protected override void RenderColumnExtras(StringBuilder sb, IColumn col)
    {
        if (col.IsAutoincrement) sb.Append(" AUTO_INCREMENT");
    }

    /// <inheritdoc/>
    public override string HasTableSql => "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = @p0";
}
