using System.Text.RegularExpressions;
using Trove.Sql;

namespace Trove.Orm.Tests.Infrastructure;

/// <summary>
/// Records <see cref="Engine.StatementExecuted"/> and reduces each statement to a dialect-neutral summary
/// (<c>INSERT users</c>, <c>SELECT users</c>, <c>BEGIN</c>, <c>SAVEPOINT</c>…) to compare sequences with
/// sqlalchemy_reference.out.
/// </summary>
public sealed partial class StatementLog : IDisposable
{
    private readonly Engine[] _engines;
    public List<string> Sql { get; } = new();

    public StatementLog(params Engine[] engines)
    {
        _engines = engines;
        foreach (var e in engines) e.StatementExecuted += OnExecuted;
    }

    private void OnExecuted(object? sender, StatementExecutedEventArgs e)
    {
        lock (Sql) Sql.Add(e.Sql);
    }

    public void Clear()
    {
        lock (Sql) Sql.Clear();
    }

    /// <summary>Summaries of the statements so far (transaction control included).</summary>
    public List<string> Summary() => Sql.Select(Summarize).ToList();

    /// <summary>Summaries without BEGIN/COMMIT/ROLLBACK (SQLAlchemy's "BEGIN (implicit)" is not a statement).</summary>
    public List<string> Dml() => Summary().Where(s => s is not ("BEGIN" or "COMMIT" or "ROLLBACK")).ToList();

    /// <summary>Takes the recorded statements' summaries and clears the log.</summary>
    public List<string> Take(bool dmlOnly = true)
    {
        var r = dmlOnly ? Dml() : Summary();
        Clear();
        return r;
    }

    public static string Summarize(string sql)
    {
        var s = sql.TrimStart();
        var first = FirstWord().Match(s).Value.ToUpperInvariant();
        switch (first)
        {
            case "INSERT":
                return "INSERT " + Ident(After(s, "INTO"));
            case "UPDATE":
                return "UPDATE " + Ident(s[6..].TrimStart());
            case "DELETE":
                return "DELETE " + Ident(After(s, "FROM"));
            case "SELECT":
            {
                var from = TopLevelFrom(s);     // the SELECT's own FROM, not a scalar subquery's
                if (from.Length == 0) return "SELECT";
                // FROM (SELECT … FROM t) AS anon_1: summarized by the inner select's table, as count() is
                return from.StartsWith('(') ? Summarize(from[1..]) : "SELECT " + Ident(from);
            }
            case "CREATE" or "DROP":
            {
                // CREATE TABLE t, CREATE INDEX ix, CREATE UNIQUE INDEX ix, DROP TABLE t (IF [NOT] EXISTS skipped)
                var m = DdlRx().Match(s);
                return m.Success ? $"{first} {m.Groups[1].Value.ToUpperInvariant()} {Ident(m.Groups[2].Value)}" : first;
            }
            case "ROLLBACK" when s.Contains("SAVEPOINT", StringComparison.OrdinalIgnoreCase):
                return "ROLLBACK TO SAVEPOINT";
            case "RELEASE":
                return "RELEASE SAVEPOINT";
            case "PREPARE":
                return "PREPARE TRANSACTION";
            case "COMMIT" when s.Contains("PREPARED", StringComparison.OrdinalIgnoreCase):
                return "COMMIT PREPARED";
            default:
                return first;
        }
    }

    /// <summary>The text after the SELECT's own FROM (scalar subqueries in the column list are skipped).</summary>
    private static string TopLevelFrom(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '(') depth++;
            else if (ch == ')') depth--;
            else if (depth == 0 && (ch == 'F' || ch == 'f') && i + 4 <= s.Length && string.Compare(s, i, "FROM", 0, 4, StringComparison.OrdinalIgnoreCase) == 0
                     && (i == 0 || !char.IsLetterOrDigit(s[i - 1]) && s[i - 1] != '_') && (i + 4 == s.Length || !char.IsLetterOrDigit(s[i + 4]) && s[i + 4] != '_'))
                return s[(i + 4)..].TrimStart();
        }
        return "";
    }

    private static string After(string s, string keyword)
    {
        var m = Regex.Match(s, @"\b" + keyword + @"\b\s*", RegexOptions.IgnoreCase);
        return m.Success ? s[(m.Index + m.Length)..] : "";
    }

    private static string Ident(string s)
    {
        var m = IdentRx().Match(s);
        return m.Groups[1].Value.Length > 0 ? m.Groups[1].Value : m.Groups[2].Value;
    }

    [GeneratedRegex(@"^\w+\s+((?:UNIQUE\s+)?\w+)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(.*)", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex DdlRx();

    [GeneratedRegex(@"^\w+")]
    private static partial Regex FirstWord();

    [GeneratedRegex(@"^(?:""([^""]+)""|(\w+))")]
    private static partial Regex IdentRx();

    public void Dispose()
    {
        foreach (var e in _engines) e.StatementExecuted -= OnExecuted;
    }
}
