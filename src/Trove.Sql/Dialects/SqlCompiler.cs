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

    [ThreadStatic] private static SqlCompiler? t_cached;

    /// <summary>A compiler for this thread, reset (saves the buffers on every statement compiled).</summary>
    public static SqlCompiler Rent(Dialect d)
    {
        var c = t_cached;
        if (c == null) return new SqlCompiler(d);
        t_cached = null;
        c.D = d; c.Sb.Clear(); c.Params.Clear(); c._fromStack.Clear();
        c.QualifyColumns = true; c.InSelectList = false; c.HasReturning = false; c.Depth = 0; c.ResultTypes = null;
        c.PlanMode = false; c.Sites.Clear();
        return c;
    }

    public static void Return(SqlCompiler c)
    {
        if (c.Sb.Capacity <= 16 * 1024 && c.Params.Count <= 1024) { c.Sites.Clear(); t_cached = c; }
    }

    public Dialect D = dialect;
    public readonly StringBuilder Sb = new(512);
    public readonly List<BoundParameter> Params = new();
    public bool QualifyColumns = true;
    public bool InSelectList;
    public bool HasReturning;
    public int Depth;
    public SqlType?[]? ResultTypes;
    /// <summary>
    /// Compiling a plan for the cache: values come from the key walk, so each placeholder's site is recorded and
    /// client defaults are not evaluated here.
    /// </summary>
    public bool PlanMode;
    /// <summary>In plan mode: the (node, sub-index) that bound each placeholder, matched against the key walk's sites.</summary>
    public readonly List<(object? Site, int Sub)> Sites = new();

    /// <summary>Appends a placeholder bound to <paramref name="value"/>; <paramref name="site"/>/<paramref name="sub"/> name its source.</summary>
    public void Bind(object? value, SqlType? type, string? name, object site, int sub = 0, BindState state = BindState.Given)
    {
        Sb.Append(D.Placeholder(Params.Count));
        Params.Add(new BoundParameter(name, state == BindState.Required ? RequiredValue.Instance : value, type));
        if (PlanMode) Sites.Add((site, sub));
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
        bool joins = false;
        foreach (var f in froms) if (f is Join) { joins = true; break; }
        if (!joins) { _fromStack.Add(froms); return; } // the list is not modified afterwards
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
