using System.Text;
using Trove.Sql.Dialects;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql;

internal enum BindState { Given, Required }

/// <summary>Marks a parameter whose value must be supplied at execution (a <c>:name</c> in text, <c>Db.Param(name)</c>).</summary>
internal sealed class RequiredValue
{
    public static readonly RequiredValue Instance = new();
    public override string ToString() => "<required>";
}

/// <summary>
/// One compilation of a statement: SQL text into <see cref="Sb"/>, bound values into <see cref="Params"/> in
/// placeholder order. Not thread-safe; one per Compile call.
/// </summary>
internal sealed class SqlCompiler(Dialect dialect)
{
    private readonly List<List<FromClause>> _fromStack = new();

    public readonly Dialect D = dialect;
    public readonly StringBuilder Sb = new(512);
    public readonly List<BoundParameter> Params = new();
    public bool QualifyColumns = true;
    public bool InSelectList;
    public bool HasReturning;
    public int Depth;
    public SqlType?[]? ResultTypes;

    public void Bind(object? value, SqlType? type, string? name, BindState state = BindState.Given)
    {
        Sb.Append(D.Placeholder(Params.Count));
        Params.Add(new BoundParameter(name, state == BindState.Required ? RequiredValue.Instance : value, type));
    }

    /// <summary>Compiles <paramref name="e"/> as an operand of an operator of precedence <paramref name="parent"/>.</summary>
    public void Expr(SqlExpression e, int parent, bool strict)
    {
        int p = e.Precedence;
        bool paren = p < parent || (strict && p == parent && p != Prec.Atom);
        if (paren) Sb.Append('(');
        bool old = InSelectList;
        InSelectList = false;
        e.Compile(this);
        InSelectList = old;
        if (paren) Sb.Append(')');
    }

    public void List(SqlExpression[] items)
    {
        for (int i = 0; i < items.Length; i++)
        {
            if (i > 0) Sb.Append(", ");
            items[i].Compile(this);
        }
    }

    /// <summary>A SELECT inside another statement; its tables correlate with the enclosing FROM unless told not to.</summary>
    public void Nested(Select s, bool correlate = true)
    {
        Depth++;
        bool old = InSelectList, oldQ = QualifyColumns;
        InSelectList = false; QualifyColumns = true;
        s.CompileSelect(this, correlate);
        InSelectList = old; QualifyColumns = oldQ;
        Depth--;
    }

    public void PushFroms(List<FromClause> froms)
    {
        var flat = new List<FromClause>();
        foreach (var f in froms) f.Flatten(flat);
        _fromStack.Add(flat);
    }

    public void PopFroms() => _fromStack.RemoveAt(_fromStack.Count - 1);

    /// <summary>True when <paramref name="f"/> is in the FROM of an enclosing statement (not the current one).</summary>
    public bool IsEnclosingFrom(FromClause f)
    {
        foreach (var level in _fromStack)
            if (level.Contains(f)) return true;
        return false;
    }
}
