using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>A bound parameter: always rendered as a placeholder, never spliced into the SQL text.</summary>
internal sealed class BindParam<T>(T value, SqlType? type, string? name = null) : SqlExpression<T>
{
    public T Value { get; } = value;
    public string? Name { get; } = name;
    public override SqlType? Type { get; } = type;
    internal override void Compile(SqlCompiler c) => c.Bind(Value, Type, Name, this);
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Bind); k.Type(Type); k.Str(Name); k.Value(Value, this); }
}

/// <summary>A named parameter without a value: execution must supply it.</summary>
internal sealed class RequiredParam<T>(string name, SqlType? type) : SqlExpression<T>
{
    public override SqlType? Type { get; } = type;
    internal override void Compile(SqlCompiler c) => c.Bind(null, Type, name, this, 0, BindState.Required);
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Required); k.Type(Type); k.Str(name); k.Value(RequiredValue.Instance, this); }
}

/// <summary>Raw SQL text used as an expression (<c>*</c>, keywords); never carries user values.</summary>
internal sealed class LiteralExpr<T>(string sql, int precedence = Prec.Atom) : SqlExpression<T>
{
    internal override int Precedence => precedence;
    internal override void Compile(SqlCompiler c) => c.Sb.Append(sql);
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Literal); k.Add(precedence); k.Str(sql); }
}

/// <summary>An unqualified column by name (<c>Db.Column&lt;T&gt;("x")</c>).</summary>
internal sealed class NamedColumn<T>(string name, SqlType? type) : SqlExpression<T>
{
    public override SqlType? Type { get; } = type;
    internal override string? DefaultName => name;
    internal override void Compile(SqlCompiler c) => c.Sb.Append(c.D.Quote(name));
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Named); k.Type(Type); k.Str(name); }
}

internal sealed class BinaryExpr<T>(SqlExpression left, BinOp op, SqlExpression right, SqlType? type = null) : SqlExpression<T>, INegatable
{
    public override SqlType? Type { get; } = type;
    internal SqlExpression Left => left;
    internal SqlExpression Right => right;
    internal BinOp Op => op;
    internal override int Precedence => op switch
    {
        BinOp.Or => Prec.Or,
        BinOp.And => Prec.And,
        BinOp.Eq or BinOp.Ne or BinOp.Lt or BinOp.Le or BinOp.Gt or BinOp.Ge => Prec.Compare,
        BinOp.BitAnd or BinOp.BitOr => Prec.BitOp,
        BinOp.Add or BinOp.Sub or BinOp.Concat => Prec.Add,
        _ => Prec.Mul,
    };

    public SqlExpression Negate() => op switch
    {
        BinOp.Eq => new BinaryExpr<bool>(left, BinOp.Ne, right),
        BinOp.Ne => new BinaryExpr<bool>(left, BinOp.Eq, right),
        BinOp.Lt => new BinaryExpr<bool>(left, BinOp.Ge, right),
        BinOp.Ge => new BinaryExpr<bool>(left, BinOp.Lt, right),
        BinOp.Gt => new BinaryExpr<bool>(left, BinOp.Le, right),
        BinOp.Le => new BinaryExpr<bool>(left, BinOp.Gt, right),
        _ => new UnaryExpr<bool>("NOT ", this, Prec.Not, null),
    };

    internal override void Compile(SqlCompiler c)
    {
        int p = Precedence;
        // Associative chains (a AND b AND c, a + b + c) need no parentheses on the right either.
        bool assoc = op is BinOp.And or BinOp.Or or BinOp.Add or BinOp.Mul or BinOp.Concat;
        c.Expr(left, p, false);
        c.Sb.Append(c.D.OperatorText(op));
        c.Expr(right, p, !assoc);
    }

    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Binary); k.Add((long)op); k.Type(Type); left.AppendKey(k); right.AppendKey(k); }

    internal override void CollectFroms(List<FromClause> froms) { left.CollectFroms(froms); right.CollectFroms(froms); }
}

internal sealed class UnaryExpr<T>(string prefix, SqlExpression operand, int precedence, SqlType? type) : SqlExpression<T>
{
    public override SqlType? Type { get; } = type;
    internal override int Precedence => precedence;
    internal override void Compile(SqlCompiler c) { c.Sb.Append(prefix); c.Expr(operand, precedence, true); }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Unary); k.Str(prefix); k.Add(precedence); k.Type(Type); operand.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) => operand.CollectFroms(froms);
}

internal sealed class BoolList(string op, SqlExpression[] items) : SqlExpression<bool>
{
    internal override int Precedence => op == " AND " ? Prec.And : Prec.Or;
    internal override void Compile(SqlCompiler c)
    {
        if (items.Length == 0) { c.Sb.Append(op == " AND " ? "1 = 1" : "1 != 1"); return; }
        for (int i = 0; i < items.Length; i++)
        {
            if (i > 0) c.Sb.Append(op);
            c.Expr(items[i], Precedence, false);
        }
    }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.BoolList); k.Add(op == " AND "); k.Nodes(items); }
    internal override void CollectFroms(List<FromClause> froms) { foreach (var i in items) i.CollectFroms(froms); }
}

internal sealed class IsNullExpr(SqlExpression operand, bool not) : SqlExpression<bool>, INegatable
{
    internal override int Precedence => Prec.Compare;
    public SqlExpression Negate() => new IsNullExpr(operand, !not);
    internal override void Compile(SqlCompiler c) { c.Expr(operand, Prec.Compare, false); c.Sb.Append(not ? " IS NOT NULL" : " IS NULL"); }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.IsNull); k.Add(not); operand.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) => operand.CollectFroms(froms);
}

internal sealed class InExpr(SqlExpression left, SqlExpression[]? values, Select? subquery, bool not) : SqlExpression<bool>, INegatable
{
    internal override int Precedence => Prec.Compare;
    public SqlExpression Negate() => new InExpr(left, values, subquery, !not);
    internal override void Compile(SqlCompiler c)
    {
        if (values is { Length: 0 })
        {
            // SQLAlchemy's empty IN: always false (NOT IN: always true), still well-formed SQL.
            c.Sb.Append(not ? "1 = 1" : "1 != 1");
            return;
        }
        c.Expr(left, Prec.Compare, false);
        c.Sb.Append(not ? " NOT IN (" : " IN (");
        if (subquery != null) c.Nested(subquery);
        else
            for (int i = 0; i < values!.Length; i++)
            {
                if (i > 0) c.Sb.Append(", ");
                values[i].Compile(c);
            }
        c.Sb.Append(')');
    }

    // The list's length is part of the shape: IN (@p0, @p1) and IN (@p0, @p1, @p2) are different plans.
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.In); k.Add(not);
        left.AppendKey(k);
        if (values != null) k.Nodes(values); else k.Add(-1);
        if (subquery != null) subquery.AppendKey(k); else k.Add(0);
    }
    internal override void CollectFroms(List<FromClause> froms) => left.CollectFroms(froms);
}

internal sealed class LikeExpr(SqlExpression left, SqlExpression pattern, char? escape, bool ilike, bool not) : SqlExpression<bool>, INegatable
{
    internal override int Precedence => Prec.Compare;
    public SqlExpression Negate() => new LikeExpr(left, pattern, escape, ilike, !not);
    internal override void Compile(SqlCompiler c)
    {
        bool native = ilike && c.D.SupportsILike;
        if (ilike && !native) { c.Sb.Append("lower("); left.Compile(c); c.Sb.Append(')'); }
        else c.Expr(left, Prec.Compare, false);
        c.Sb.Append(not ? " NOT" : "").Append(native ? " ILIKE " : " LIKE ");
        if (ilike && !native) { c.Sb.Append("lower("); pattern.Compile(c); c.Sb.Append(')'); }
        else c.Expr(pattern, Prec.Compare, true);
        if (escape is char e)
        {
            // The escape character is a fixed literal chosen by the caller, not a user value.
            c.Sb.Append(" ESCAPE '").Append(e == '\'' ? "''" : e.ToString()).Append('\'');
        }
    }
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Like); k.Add(escape is char e ? e : -1); k.Add(ilike); k.Add(not);
        left.AppendKey(k); pattern.AppendKey(k);
    }
    internal override void CollectFroms(List<FromClause> froms) => left.CollectFroms(froms);
}

internal sealed class BetweenExpr(SqlExpression operand, SqlExpression low, SqlExpression high, bool not) : SqlExpression<bool>, INegatable
{
    internal override int Precedence => Prec.Compare;
    public SqlExpression Negate() => new BetweenExpr(operand, low, high, !not);
    internal override void Compile(SqlCompiler c)
    {
        c.Expr(operand, Prec.Compare, false);
        c.Sb.Append(not ? " NOT BETWEEN " : " BETWEEN ");
        c.Expr(low, Prec.Compare, true);
        c.Sb.Append(" AND ");
        c.Expr(high, Prec.Compare, true);
    }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Between); k.Add(not); operand.AppendKey(k); low.AppendKey(k); high.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) { operand.CollectFroms(froms); low.CollectFroms(froms); high.CollectFroms(froms); }
}

internal sealed class OrderExpr(SqlExpression operand, bool desc, NullsOrder nulls) : SqlExpression<object>
{
    internal override void Compile(SqlCompiler c)
    {
        c.Expr(operand, Prec.Compare, false);
        c.Sb.Append(desc ? " DESC" : " ASC");
        if (nulls == NullsOrder.First) c.Sb.Append(" NULLS FIRST");
        else if (nulls == NullsOrder.Last) c.Sb.Append(" NULLS LAST");
    }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Order); k.Add(desc); k.Add((long)nulls); operand.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) => operand.CollectFroms(froms);
}

internal interface ILabeled { string Name { get; } SqlExpression Inner { get; } }

internal sealed class LabelExpr<T>(SqlExpression<T> inner, string name) : SqlExpression<T>, ILabeled
{
    public string Name => name;
    public SqlExpression Inner => inner;
    public override SqlType? Type => inner.Type;
    internal override string? DefaultName => name;
    internal override void Compile(SqlCompiler c)
    {
        if (c.InSelectList) { c.Expr(inner, Prec.Compare, false); c.Sb.Append(" AS ").Append(c.D.Quote(name)); }
        else c.Sb.Append(c.D.Quote(name));
    }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Label); k.Str(name); inner.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) => inner.CollectFroms(froms);
}

internal sealed class CastExpr<T>(SqlExpression operand, SqlType type) : SqlExpression<T>
{
    public override SqlType? Type => type;
    internal override void Compile(SqlCompiler c)
    {
        c.Sb.Append("CAST(");
        operand.Compile(c);
        c.Sb.Append(" AS ").Append(c.D.CastTypeName(type)).Append(')');
    }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Cast); k.Type(type); operand.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) => operand.CollectFroms(froms);
}

internal sealed class CollateExpr<T>(SqlExpression<T> operand, string collation) : SqlExpression<T>
{
    public override SqlType? Type => operand.Type;
    internal override int Precedence => Prec.Unary;
    internal override void Compile(SqlCompiler c) { c.Expr(operand, Prec.Unary, false); c.Sb.Append(" COLLATE ").Append(c.D.Quote(collation)); }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Collate); k.Str(collation); operand.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) => operand.CollectFroms(froms);
}

internal sealed class FuncExpr<T>(string name, SqlExpression[] args, SqlType? type, bool bare = false) : SqlExpression<T>
{
    public override SqlType? Type { get; } = type;
    internal override string? DefaultName => name;
    internal override void Compile(SqlCompiler c)
    {
        c.Sb.Append(name);
        if (bare) return;
        c.Sb.Append('(');
        for (int i = 0; i < args.Length; i++)
        {
            if (i > 0) c.Sb.Append(", ");
            args[i].Compile(c);
        }
        c.Sb.Append(')');
    }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Func); k.Str(name); k.Add(bare); k.Type(Type); k.Nodes(args); }
    internal override void CollectFroms(List<FromClause> froms) { foreach (var a in args) a.CollectFroms(froms); }
}

internal sealed class CaseExpr<T>(IReadOnlyList<(SqlExpression<bool> When, SqlExpression<T> Then)> whens, SqlExpression<T>? @else) : SqlExpression<T>
{
    public override SqlType? Type => whens.Count > 0 ? whens[0].Then.Type : null;
    internal override void Compile(SqlCompiler c)
    {
        c.Sb.Append("CASE");
        foreach (var (w, t) in whens)
        {
            c.Sb.Append(" WHEN ");
            w.Compile(c);
            c.Sb.Append(" THEN ");
            t.Compile(c);
        }
        if (@else is not null) { c.Sb.Append(" ELSE "); @else.Compile(c); }
        c.Sb.Append(" END");
    }
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Case); k.Add(whens.Count);
        foreach (var (w, t) in whens) { w.AppendKey(k); t.AppendKey(k); }
        k.Node(@else);
    }
    internal override void CollectFroms(List<FromClause> froms)
    {
        foreach (var (w, t) in whens) { w.CollectFroms(froms); t.CollectFroms(froms); }
        @else?.CollectFroms(froms);
    }
}

/// <summary>A SELECT used as a value: <c>(SELECT …)</c>, correlated with the enclosing query's tables.</summary>
internal sealed class ScalarSelect<T>(Select select) : SqlExpression<T>
{
    public override SqlType? Type => select.ColumnList.Count > 0 ? select.ColumnList[0].Type : null;
    internal override void Compile(SqlCompiler c) { c.Sb.Append('('); c.Nested(select); c.Sb.Append(')'); }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.ScalarSelect); select.AppendKey(k); }
}

internal sealed class ExistsExpr(Select select, bool not) : SqlExpression<bool>, INegatable
{
    public SqlExpression Negate() => new ExistsExpr(select, !not);
    internal override void Compile(SqlCompiler c) { c.Sb.Append(not ? "NOT (EXISTS (" : "EXISTS ("); c.Nested(select); c.Sb.Append(not ? "))" : ")"); }
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Exists); k.Add(not); select.AppendKey(k); }
}
