using System.Text;
using Trove.Orm.Internal;

namespace Trove.Orm.Querying;

/// <summary>Accumulates SQL text and its parameter values for one statement.</summary>
internal sealed class SqlWriter(OrmDialect dialect)
{
    public readonly StringBuilder Sb = new(256);
    public readonly List<object?> Args = new();
    public OrmDialect Dialect { get; } = dialect;

    public SqlWriter Append(string s) { Sb.Append(s); return this; }
    public SqlWriter Append(char c) { Sb.Append(c); return this; }

    public void Param(object? value)
    {
        Dialect.Placeholder(Sb, Args.Count);
        Args.Add(value);
    }

    public void Ident(string name) => Dialect.Quote(Sb, name);
}

/// <summary>
/// A SQL expression fragment. Precedence drives parenthesization: a child with lower precedence than its
/// parent operator is wrapped (OR 1 · AND 2 · NOT 3 · comparison 5 · additive 7 · multiplicative 8 · unary 9 · atom 10).
/// </summary>
internal abstract class SqlNode
{
    public virtual int Precedence => 10;
    public abstract void Render(SqlWriter w);

    public void RenderChild(SqlWriter w, SqlNode child, bool strict = false)
    {
        if (child.Precedence < Precedence || (strict && child.Precedence == Precedence))
        {
            w.Append('(');
            child.Render(w);
            w.Append(')');
        }
        else child.Render(w);
    }
}

internal sealed class ColumnNode(string? qualifier, string name) : SqlNode
{
    public string? Qualifier { get; } = qualifier;
    public string Name { get; } = name;

    public override void Render(SqlWriter w)
    {
        if (Qualifier is not null) { w.Ident(Qualifier); w.Append('.'); }
        w.Ident(Name);
    }
}

internal sealed class ParamNode(object? value) : SqlNode
{
    public object? Value { get; } = value;
    public override void Render(SqlWriter w) => w.Param(Value);
}

internal sealed class LiteralNode(string text) : SqlNode
{
    public string Text { get; } = text;
    public override void Render(SqlWriter w) => w.Append(Text);
}

internal sealed class BinaryNode(SqlNode left, string op, SqlNode right, int precedence) : SqlNode
{
    public SqlNode Left { get; } = left;
    public string Op { get; } = op;
    public SqlNode Right { get; } = right;
    public override int Precedence => precedence;

    public override void Render(SqlWriter w)
    {
        RenderChild(w, Left);
        w.Append(' ').Append(Op).Append(' ');
        // a right operand of equal precedence needs parentheses for non-associative operators (a - (b - c))
        RenderChild(w, Right, strict: Op is "-" or "/" or "%" or "=" or "!=" or "<" or ">" or "<=" or ">=");
    }
}

internal sealed class UnaryNode(string prefix, SqlNode operand, int precedence) : SqlNode
{
    public string Prefix { get; } = prefix;
    public SqlNode Operand { get; } = operand;
    public override int Precedence => precedence;

    public override void Render(SqlWriter w)
    {
        w.Append(Prefix);
        RenderChild(w, Operand, strict: Prefix == "-");
    }
}

internal sealed class PostfixNode(SqlNode operand, string suffix) : SqlNode
{
    public SqlNode Operand { get; } = operand;
    public string Suffix { get; } = suffix;
    public override int Precedence => 5;

    public override void Render(SqlWriter w)
    {
        RenderChild(w, Operand, strict: true);
        w.Append(Suffix);
    }
}

internal sealed class FuncNode(string name, IReadOnlyList<SqlNode> args) : SqlNode
{
    public string Name { get; } = name;
    public IReadOnlyList<SqlNode> Args { get; } = args;

    public override void Render(SqlWriter w)
    {
        w.Append(Name).Append('(');
        for (var i = 0; i < Args.Count; i++)
        {
            if (i > 0) w.Append(", ");
            Args[i].Render(w);
        }
        w.Append(')');
    }
}

/// <summary><c>count(*)</c>, <c>CURRENT_TIMESTAMP</c> and other fixed text.</summary>
internal sealed class RawNode(string text) : SqlNode
{
    public override void Render(SqlWriter w) => w.Append(text);
}

/// <summary>A predicate with a negated SQL spelling (NOT LIKE, NOT IN, NOT BETWEEN).</summary>
internal interface INegatable
{
    SqlNode Negated();
}

internal sealed class BetweenNode(SqlNode operand, SqlNode low, SqlNode high, bool negated = false) : SqlNode, INegatable
{
    public override int Precedence => 5;

    public SqlNode Negated() => new BetweenNode(operand, low, high, !negated);

    public override void Render(SqlWriter w)
    {
        RenderChild(w, operand, strict: true);
        w.Append(negated ? " NOT BETWEEN " : " BETWEEN ");
        RenderChild(w, low, strict: true);
        w.Append(" AND ");
        RenderChild(w, high, strict: true);
    }
}

internal sealed class InListNode(SqlNode operand, IReadOnlyList<SqlNode> items, bool negated) : SqlNode, INegatable
{
    public override int Precedence => 5;

    public SqlNode Negated() => new InListNode(operand, items, !negated);

    public override void Render(SqlWriter w)
    {
        if (items.Count == 0)
        {
            // an empty IN list matches nothing (NOT IN: everything), spelled portably
            w.Append(negated ? "1 = 1" : "1 != 1");
            return;
        }
        RenderChild(w, operand, strict: true);
        w.Append(negated ? " NOT IN (" : " IN (");
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) w.Append(", ");
            items[i].Render(w);
        }
        w.Append(')');
    }
}

internal sealed class InSelectNode(SqlNode operand, SelectModel select, bool negated) : SqlNode, INegatable
{
    public override int Precedence => 5;

    public SqlNode Negated() => new InSelectNode(operand, select, !negated);

    public override void Render(SqlWriter w)
    {
        RenderChild(w, operand, strict: true);
        w.Append(negated ? " NOT IN (" : " IN (");
        select.Render(w);
        w.Append(')');
    }
}

internal sealed class ExistsNode(SelectModel select) : SqlNode
{
    public override void Render(SqlWriter w)
    {
        w.Append("EXISTS (");
        select.Render(w);
        w.Append(')');
    }
}

internal sealed class ScalarSubqueryNode(SelectModel select) : SqlNode
{
    /// <summary>The subquery (a comparison with a many-to-one column rewrites it as EXISTS).</summary>
    public SelectModel Select { get; } = select;

    public override void Render(SqlWriter w)
    {
        w.Append('(');
        Select.Render(w);
        w.Append(')');
    }
}

internal sealed class CaseNode(SqlNode test, SqlNode ifTrue, SqlNode ifFalse) : SqlNode
{
    public override void Render(SqlWriter w)
    {
        w.Append("CASE WHEN ");
        test.Render(w);
        w.Append(" THEN ");
        ifTrue.Render(w);
        w.Append(" ELSE ");
        ifFalse.Render(w);
        w.Append(" END");
    }
}

/// <summary>A boolean column or value used as a predicate where the dialect needs a comparison.</summary>
internal sealed class OrderNode(SqlNode expr, bool descending) : SqlNode
{
    public SqlNode Expr { get; } = expr;
    public bool Descending { get; } = descending;

    public override void Render(SqlWriter w)
    {
        Expr.Render(w);
        if (Descending) w.Append(" DESC");
    }
}
