using System.Collections.Frozen;
using System.Text;

namespace Trove.Orm.Internal;

/// <summary>
/// The SQL spelling rules the ORM's statement writer needs from a dialect: identifier quoting, placeholders and
/// capability flags. Derived from the Core dialect's name so ORM SQL matches Core SQL.
/// </summary>
internal sealed class OrmDialect
{
    private static readonly FrozenSet<string> s_common = new[]
    {
        "all", "and", "as", "asc", "between", "by", "case", "check", "column", "constraint", "create", "cross", "default",
        "delete", "desc", "distinct", "drop", "else", "end", "exists", "foreign", "from", "full", "group", "having", "in",
        "index", "inner", "insert", "into", "is", "join", "key", "left", "like", "limit", "not", "null", "of", "offset",
        "on", "or", "order", "outer", "primary", "references", "right", "select", "set", "table", "then", "to", "union",
        "unique", "update", "using", "values", "when", "where", "with",
    }.ToFrozenSet();

    private static readonly FrozenSet<string> s_pg = new[] { "user", "analyse", "analyze", "current_user", "session_user", "only", "window", "both", "leading", "trailing", "array", "fetch", "grant", "returning", "placing", "symmetric" }.ToFrozenSet();

    public static readonly OrmDialect Sqlite = new("sqlite", supportsForUpdate: false);
    public static readonly OrmDialect PostgreSql = new("postgresql", supportsForUpdate: true);
    public static readonly OrmDialect MySql = new("mysql", supportsForUpdate: true);

    private OrmDialect(string name, bool supportsForUpdate)
    {
        Name = name;
        SupportsForUpdate = supportsForUpdate;
    }

    public string Name { get; }
    public bool IsPostgres => Name == "postgresql";
    public bool IsMySql => Name == "mysql";
    public bool SupportsForUpdate { get; }
    public bool SupportsReturning => !IsMySql;
    public bool SupportsSavepoints => true;

    public static OrmDialect For(string dialectName) => dialectName switch
    {
        "postgresql" or "postgres" => PostgreSql,
        "mysql" => MySql,
        _ => Sqlite,
    };

    public bool NeedsQuote(string ident)
    {
        if (ident.Length == 0) return true;
        if (s_common.Contains(ident) || (IsPostgres && s_pg.Contains(ident))) return true;
        if (!(char.IsAsciiLetterLower(ident[0]) || ident[0] == '_')) return true;
        foreach (var ch in ident)
            if (!(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_')) return true;
        return false;
    }

    public void Quote(StringBuilder sb, string ident)
    {
        if (!NeedsQuote(ident)) { sb.Append(ident); return; }
        var q = IsMySql ? '`' : '"';
        sb.Append(q).Append(ident.Replace(q.ToString(), new string(q, 2))).Append(q);
    }

    public string Quote(string ident)
    {
        if (!NeedsQuote(ident)) return ident;
        var sb = new StringBuilder();
        Quote(sb, ident);
        return sb.ToString();
    }

    public static string ParameterName(int index) => index < s_names.Length ? s_names[index] : "p" + index;
    private static readonly string[] s_names = Enumerable.Range(0, 64).Select(i => "p" + i).ToArray();

    public void Placeholder(StringBuilder sb, int index) => sb.Append(':').Append(ParameterName(index));
}
