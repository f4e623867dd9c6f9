using System.Diagnostics.CodeAnalysis;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>A node of the SQL expression language (column, bound value, operator, function …).</summary>
public abstract class SqlExpression
{
    /// <summary>The C# type of the expression's value.</summary>
    public abstract Type ClrType { get; }

    /// <summary>The SQL type used to bind values compared with this expression and to read results.</summary>
    public virtual SqlType? Type => null;

    /// <summary>Binding strength for parenthesization (higher binds tighter).</summary>
    internal virtual int Precedence => Prec.Atom;

    /// <summary>The name a result column gets when nothing labels it.</summary>
    internal virtual string? DefaultName => null;

    internal abstract void Compile(SqlCompiler c);

    /// <summary>
    /// Writes this node's part of the structural cache key and extracts its bound values (see <see cref="KeyBuilder"/>).
    /// A node that does not override this makes its statement uncacheable (compiled fresh each time), never wrong.
    /// </summary>
    internal virtual void AppendKey(KeyBuilder k) => k.Uncacheable = true;

    /// <summary>Adds the tables this expression reads to <paramref name="froms"/> (for FROM inference).</summary>
    internal virtual void CollectFroms(List<FromClause> froms) { }

    /// <summary>The SQL of this expression on the SQLite dialect with placeholders (for debugging).</summary>
    public override string ToString()
    {
        var c = new SqlCompiler(Dialects.Dialect.Sqlite);
        Compile(c);
        return c.Sb.ToString();
    }

    /// <summary>Reference equality (operators build SQL instead).</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    /// <summary>Reference hash.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}

internal static class Prec
{
    public const int Or = 1, And = 2, Not = 3, Compare = 5, BitOp = 6, Concat = 7, Add = 7, Mul = 8, Unary = 9, Atom = 10;
}

/// <summary>How a binary operator renders.</summary>
internal enum BinOp { Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, And, Or, BitAnd, BitOr, Concat }

/// <summary>
/// A typed SQL expression. C# operators build SQL: <c>col == 5</c> is <c>col = @p0</c>; <c>a &amp; b</c> is AND for
/// booleans; <c>+</c> on strings is concatenation. Both <c>(expr, T)</c> and <c>(expr, expr)</c> overloads exist,
/// so <c>col == null</c> is ambiguous: use <see cref="IsNull"/>.
/// </summary>
public abstract class SqlExpression<T> : SqlExpression
{
    /// <inheritdoc/>
    public override Type ClrType => typeof(T);

    internal SqlExpression<T> BindValue(T value) => new BindParam<T>(value, Type);

    private static SqlExpression<bool> Cmp(SqlExpression<T> l, BinOp op, T r)
    {
        if (r is null) return op switch
        {
            BinOp.Eq => new IsNullExpr(l, false),
            BinOp.Ne => new IsNullExpr(l, true),
            _ => new BinaryExpr<bool>(l, op, l.BindValue(r)),
        };
        return new BinaryExpr<bool>(l, op, l.BindValue(r));
    }

    /// <summary>SQL <c>=</c> (IS NULL for a null value).</summary>
    public static SqlExpression<bool> operator ==(SqlExpression<T> l, T r) => Cmp(l, BinOp.Eq, r);
    /// <summary>SQL <c>!=</c> (IS NOT NULL for a null value).</summary>
    public static SqlExpression<bool> operator !=(SqlExpression<T> l, T r) => Cmp(l, BinOp.Ne, r);
    /// <summary>SQL <c>&lt;</c>.</summary>
    public static SqlExpression<bool> operator <(SqlExpression<T> l, T r) => Cmp(l, BinOp.Lt, r);
    /// <summary>SQL <c>&gt;</c>.</summary>
    public static SqlExpression<bool> operator >(SqlExpression<T> l, T r) => Cmp(l, BinOp.Gt, r);
    /// <summary>SQL <c>&lt;=</c>.</summary>
    public static SqlExpression<bool> operator <=(SqlExpression<T> l, T r) => Cmp(l, BinOp.Le, r);
    /// <summary>SQL <c>&gt;=</c>.</summary>
    public static SqlExpression<bool> operator >=(SqlExpression<T> l, T r) => Cmp(l, BinOp.Ge, r);
    /// <summary>SQL <c>=</c> with the value on the left.</summary>
    public static SqlExpression<bool> operator ==(T l, SqlExpression<T> r) => Cmp(r, BinOp.Eq, l);
    /// <summary>SQL <c>!=</c> with the value on the left.</summary>
    public static SqlExpression<bool> operator !=(T l, SqlExpression<T> r) => Cmp(r, BinOp.Ne, l);
    /// <summary>SQL <c>&lt;</c> with the value on the left.</summary>
    public static SqlExpression<bool> operator <(T l, SqlExpression<T> r) => Cmp(r, BinOp.Gt, l);
    /// <summary>SQL <c>&gt;</c> with the value on the left.</summary>
    public static SqlExpression<bool> operator >(T l, SqlExpression<T> r) => Cmp(r, BinOp.Lt, l);
    /// <summary>SQL <c>&lt;=</c> with the value on the left.</summary>
    public static SqlExpression<bool> operator <=(T l, SqlExpression<T> r) => Cmp(r, BinOp.Ge, l);
    /// <summary>SQL <c>&gt;=</c> with the value on the left.</summary>
    public static SqlExpression<bool> operator >=(T l, SqlExpression<T> r) => Cmp(r, BinOp.Le, l);

    /// <summary>SQL <c>=</c> between expressions.</summary>
    public static SqlExpression<bool> operator ==(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<bool>(l, BinOp.Eq, r);
    /// <summary>SQL <c>!=</c> between expressions.</summary>
    public static SqlExpression<bool> operator !=(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<bool>(l, BinOp.Ne, r);
    /// <summary>SQL <c>&lt;</c> between expressions.</summary>
    public static SqlExpression<bool> operator <(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<bool>(l, BinOp.Lt, r);
    /// <summary>SQL <c>&gt;</c> between expressions.</summary>
    public static SqlExpression<bool> operator >(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<bool>(l, BinOp.Gt, r);
    /// <summary>SQL <c>&lt;=</c> between expressions.</summary>
    public static SqlExpression<bool> operator <=(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<bool>(l, BinOp.Le, r);
    /// <summary>SQL <c>&gt;=</c> between expressions.</summary>
    public static SqlExpression<bool> operator >=(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<bool>(l, BinOp.Ge, r);

    private static BinOp AddOp => typeof(T) == typeof(string) ? BinOp.Concat : BinOp.Add;
    /// <summary>SQL <c>+</c> (<c>||</c> for strings).</summary>
    public static SqlExpression<T> operator +(SqlExpression<T> l, T r) => new BinaryExpr<T>(l, AddOp, l.BindValue(r), l.Type);
    /// <summary>SQL <c>+</c> (<c>||</c> for strings).</summary>
    public static SqlExpression<T> operator +(T l, SqlExpression<T> r) => new BinaryExpr<T>(r.BindValue(l), AddOp, r, r.Type);
    /// <summary>SQL <c>+</c> (<c>||</c> for strings).</summary>
    public static SqlExpression<T> operator +(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<T>(l, AddOp, r, l.Type);
    /// <summary>SQL <c>-</c>.</summary>
    public static SqlExpression<T> operator -(SqlExpression<T> l, T r) => new BinaryExpr<T>(l, BinOp.Sub, l.BindValue(r), l.Type);
    /// <summary>SQL <c>-</c>.</summary>
    public static SqlExpression<T> operator -(T l, SqlExpression<T> r) => new BinaryExpr<T>(r.BindValue(l), BinOp.Sub, r, r.Type);
    /// <summary>SQL <c>-</c>.</summary>
    public static SqlExpression<T> operator -(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<T>(l, BinOp.Sub, r, l.Type);
    /// <summary>SQL <c>*</c>.</summary>
    public static SqlExpression<T> operator *(SqlExpression<T> l, T r) => new BinaryExpr<T>(l, BinOp.Mul, l.BindValue(r), l.Type);
    /// <summary>SQL <c>*</c>.</summary>
    public static SqlExpression<T> operator *(T l, SqlExpression<T> r) => new BinaryExpr<T>(r.BindValue(l), BinOp.Mul, r, r.Type);
    /// <summary>SQL <c>*</c>.</summary>
    public static SqlExpression<T> operator *(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<T>(l, BinOp.Mul, r, l.Type);
    /// <summary>SQL <c>/</c>.</summary>
    public static SqlExpression<T> operator /(SqlExpression<T> l, T r) => new BinaryExpr<T>(l, BinOp.Div, l.BindValue(r), l.Type);
    /// <summary>SQL <c>/</c>.</summary>
    public static SqlExpression<T> operator /(T l, SqlExpression<T> r) => new BinaryExpr<T>(r.BindValue(l), BinOp.Div, r, r.Type);
    /// <summary>SQL <c>/</c>.</summary>
    public static SqlExpression<T> operator /(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<T>(l, BinOp.Div, r, l.Type);
    /// <summary>SQL <c>%</c>.</summary>
    public static SqlExpression<T> operator %(SqlExpression<T> l, T r) => new BinaryExpr<T>(l, BinOp.Mod, l.BindValue(r), l.Type);
    /// <summary>SQL <c>%</c>.</summary>
    public static SqlExpression<T> operator %(SqlExpression<T> l, SqlExpression<T> r) => new BinaryExpr<T>(l, BinOp.Mod, r, l.Type);
    /// <summary>Unary minus.</summary>
    public static SqlExpression<T> operator -(SqlExpression<T> e) => new UnaryExpr<T>("-", e, Prec.Unary, e.Type);

    /// <summary>AND for booleans, bitwise <c>&amp;</c> otherwise.</summary>
    public static SqlExpression<T> operator &(SqlExpression<T> l, SqlExpression<T> r) =>
        new BinaryExpr<T>(l, typeof(T) == typeof(bool) ? BinOp.And : BinOp.BitAnd, r, l.Type);
    /// <summary>OR for booleans, bitwise <c>|</c> otherwise.</summary>
    public static SqlExpression<T> operator |(SqlExpression<T> l, SqlExpression<T> r) =>
        new BinaryExpr<T>(l, typeof(T) == typeof(bool) ? BinOp.Or : BinOp.BitOr, r, l.Type);
    /// <summary>NOT for booleans.</summary>
    public static SqlExpression<T> operator !(SqlExpression<T> e) => e is INegatable n ? (SqlExpression<T>)n.Negate() : new UnaryExpr<T>("NOT ", e, Prec.Not, e.Type);
    /// <summary>Bitwise NOT.</summary>
    public static SqlExpression<T> operator ~(SqlExpression<T> e) => new UnaryExpr<T>("~", e, Prec.Unary, e.Type);

    /// <summary>Reference equality.</summary>
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    /// <summary>Reference hash.</summary>
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    /// <summary><c>expr IN (@p0, @p1, …)</c>, one bound parameter per element.</summary>
    public SqlExpression<bool> In(IEnumerable<T> values) => new InExpr(this, values.Select(v => (SqlExpression)BindValue(v)).ToArray(), null, false);
    /// <summary><c>expr IN (@p0, …)</c>.</summary>
    public SqlExpression<bool> In(params T[] values) => In((IEnumerable<T>)values);
    /// <summary><c>expr IN (SELECT …)</c>.</summary>
    public SqlExpression<bool> In(Select subquery) => new InExpr(this, null, subquery, false);
    /// <summary><c>expr NOT IN (…)</c>.</summary>
    public SqlExpression<bool> NotIn(IEnumerable<T> values) => new InExpr(this, values.Select(v => (SqlExpression)BindValue(v)).ToArray(), null, true);
    /// <summary><c>expr NOT IN (SELECT …)</c>.</summary>
    public SqlExpression<bool> NotIn(Select subquery) => new InExpr(this, null, subquery, true);
    /// <summary><c>expr LIKE @p</c>, optionally with an ESCAPE character.</summary>
    public SqlExpression<bool> Like(string pattern, char? escape = null) => new LikeExpr(this, new BindParam<string>(pattern, null), escape, false, false);
    /// <summary><c>expr NOT LIKE @p</c>.</summary>
    public SqlExpression<bool> NotLike(string pattern, char? escape = null) => new LikeExpr(this, new BindParam<string>(pattern, null), escape, false, true);
    /// <summary>Case-insensitive LIKE (ILIKE on PostgreSQL, lower() LIKE lower() elsewhere).</summary>
    public SqlExpression<bool> ILike(string pattern, char? escape = null) => new LikeExpr(this, new BindParam<string>(pattern, null), escape, true, false);
    /// <summary>LIKE 'prefix%' with <c>%</c>, <c>_</c> and <c>/</c> in the prefix escaped (SQLAlchemy's autoescape).</summary>
    public SqlExpression<bool> StartsWith(string prefix) => new LikeExpr(this, new BindParam<string>(EscapeLike(prefix) + "%", null), '/', false, false);
    /// <summary>LIKE '%suffix' with wildcards in the suffix escaped.</summary>
    public SqlExpression<bool> EndsWith(string suffix) => new LikeExpr(this, new BindParam<string>("%" + EscapeLike(suffix), null), '/', false, false);
    /// <summary>LIKE '%part%' with wildcards in the part escaped.</summary>
    public SqlExpression<bool> Contains(string part) => new LikeExpr(this, new BindParam<string>("%" + EscapeLike(part) + "%", null), '/', false, false);
    /// <summary><c>expr BETWEEN @a AND @b</c>.</summary>
    public SqlExpression<bool> Between(T low, T high) => new BetweenExpr(this, BindValue(low), BindValue(high), false);
    /// <summary><c>expr NOT BETWEEN @a AND @b</c>.</summary>
    public SqlExpression<bool> NotBetween(T low, T high) => new BetweenExpr(this, BindValue(low), BindValue(high), true);
    /// <summary><c>expr IS NULL</c>.</summary>
    public SqlExpression<bool> IsNull() => new IsNullExpr(this, false);
    /// <summary><c>expr IS NOT NULL</c>.</summary>
    public SqlExpression<bool> IsNotNull() => new IsNullExpr(this, true);
    /// <summary>ORDER BY … ASC.</summary>
    public SqlExpression Asc(NullsOrder nulls = NullsOrder.Default) => new OrderExpr(this, false, nulls);
    /// <summary>ORDER BY … DESC.</summary>
    public SqlExpression Desc(NullsOrder nulls = NullsOrder.Default) => new OrderExpr(this, true, nulls);
    /// <summary><c>expr AS name</c> in a select list.</summary>
    public SqlExpression<T> Label(string name) => new LabelExpr<T>(this, name);
    /// <summary><c>CAST(expr AS type)</c>.</summary>
    public SqlExpression<TOut> Cast<TOut>(SqlType? type = null) => new CastExpr<TOut>(this, type ?? SqlTypes.For(typeof(TOut)));
    /// <summary>DISTINCT expr (inside aggregates: <c>count(DISTINCT x)</c>).</summary>
    public SqlExpression<T> Distinct() => new UnaryExpr<T>("DISTINCT ", this, Prec.Unary, Type);
    /// <summary>A collation applied to the expression.</summary>
    public SqlExpression<T> Collate(string collation) => new CollateExpr<T>(this, collation);

    internal static string EscapeLike(string s) => s.Replace("/", "//").Replace("%", "/%").Replace("_", "/_");
}

/// <summary>NULLS FIRST / NULLS LAST in ORDER BY.</summary>
public enum NullsOrder
{
    /// <summary>The database's default.</summary>
    Default,
    /// <summary>NULLS FIRST.</summary>
    First,
    /// <summary>NULLS LAST.</summary>
    Last,
}

internal interface INegatable { SqlExpression Negate(); }
