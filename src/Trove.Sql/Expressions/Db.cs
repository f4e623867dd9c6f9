using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>Factories of the Core expression language (SQLAlchemy's <c>select</c>, <c>insert</c>, <c>text</c>, <c>and_</c> …).</summary>
public static class Db
{
    /// <summary>SELECT the given columns/expressions.</summary>
    public static Select Select(params SqlExpression[] columns) => new(columns);
    /// <summary>SELECT every column of <paramref name="table"/> FROM it.</summary>
    public static Select Select(Table table) => new Select(table.C.Select(c => c.Expression).ToArray()).SelectFrom(table);
    /// <summary>INSERT INTO <paramref name="table"/>.</summary>
    public static Insert Insert(Table table) => new(table);
    /// <summary>UPDATE <paramref name="table"/>.</summary>
    public static Update Update(Table table) => new(table);
    /// <summary>DELETE FROM <paramref name="table"/>.</summary>
    public static Delete Delete(Table table) => new(table);
    /// <summary>Textual SQL; interpolation holes are bound parameters, never spliced into the text.</summary>
    public static TextClause Text(ref TextInterpolationHandler sql) => sql.Build();
    /// <summary>Textual SQL taken as is; <c>:name</c> markers are parameters. Never build this string from user input.</summary>
    public static TextClause Text(string sql) => TextClause.Parse(sql);
    /// <summary>Conditions joined with AND.</summary>
    public static SqlExpression<bool> And(params SqlExpression<bool>[] conditions) => conditions.Length == 1 ? conditions[0] : new BoolList(" AND ", conditions);
    /// <summary>Conditions joined with OR.</summary>
    public static SqlExpression<bool> Or(params SqlExpression<bool>[] conditions) => conditions.Length == 1 ? conditions[0] : new BoolList(" OR ", conditions);
    /// <summary>NOT condition.</summary>
    public static SqlExpression<bool> Not(SqlExpression<bool> condition) => !condition;
    /// <summary>EXISTS (SELECT …).</summary>
    public static SqlExpression<bool> Exists(Select select) => select.Exists();
    /// <summary>A column by name, unqualified (for text-like queries and ORDER BY over unions).</summary>
    public static SqlExpression<T> Column<T>(string name, SqlType? type = null) => new NamedColumn<T>(name, type);
    /// <summary>A named parameter (SQLAlchemy's <c>bindparam</c>) whose value must be supplied at execution.</summary>
    public static SqlExpression<T> Param<T>(string name) => new RequiredParam<T>(name, null);
    /// <summary>A named parameter with a default value; execution may override it by name.</summary>
    public static SqlExpression<T> Param<T>(string name, T value, SqlType? type = null) => new BindParam<T>(value, type, name);
    /// <summary>An anonymous bound value.</summary>
    public static SqlExpression<T> Value<T>(T value, SqlType? type = null) => new BindParam<T>(value, type);
    /// <summary>UNION of selects.</summary>
    public static CompoundSelect Union(params Select[] selects) => new(CompoundKind.Union, selects);
    /// <summary>UNION ALL of selects.</summary>
    public static CompoundSelect UnionAll(params Select[] selects) => new(CompoundKind.UnionAll, selects);
    /// <summary>CASE WHEN … THEN … [ELSE …] END.</summary>
    public static SqlExpression<T> Case<T>(IEnumerable<(SqlExpression<bool> When, SqlExpression<T> Then)> whens, SqlExpression<T>? @else = null) => new CaseExpr<T>(whens.ToArray(), @else);
    /// <summary>CASE WHEN … THEN value … [ELSE value] END with bound values.</summary>
    public static SqlExpression<T> Case<T>(IEnumerable<(SqlExpression<bool> When, T Then)> whens, T @else) =>
        new CaseExpr<T>(whens.Select(w => (w.When, (SqlExpression<T>)new BindParam<T>(w.Then, null))).ToArray(), new BindParam<T>(@else, null));
    /// <summary>CAST(expr AS type).</summary>
    public static SqlExpression<T> Cast<T>(SqlExpression expr, SqlType? type = null) => new CastExpr<T>(expr, type ?? SqlTypes.For(typeof(T)));
    /// <summary>Any SQL function: <c>Db.Function&lt;string&gt;("md5", col)</c>.</summary>
    public static SqlExpression<T> Function<T>(string name, params SqlExpression[] args) => Func.Call<T>(name, args);
    /// <summary>SQL NULL as a typed expression.</summary>
    public static SqlExpression<T> Null<T>() => new LiteralExpr<T>("NULL");
}

/// <summary>SQL functions (SQLAlchemy's <c>func</c>): <c>Func.Count()</c>, <c>Func.Max(col)</c>, <c>Func.Call&lt;T&gt;("md5", col)</c>.</summary>
public static class Func
{
    /// <summary>count(*).</summary>
    public static SqlExpression<long> Count() => new FuncExpr<long>("count", [new LiteralExpr<object>("*")], SqlTypes.BigInteger);
    /// <summary>count(expr).</summary>
    public static SqlExpression<long> Count(SqlExpression expr) => new FuncExpr<long>("count", [expr], SqlTypes.BigInteger);
    /// <summary>max(expr).</summary>
    public static SqlExpression<T> Max<T>(SqlExpression<T> expr) => new FuncExpr<T>("max", [expr], expr.Type);
    /// <summary>min(expr).</summary>
    public static SqlExpression<T> Min<T>(SqlExpression<T> expr) => new FuncExpr<T>("min", [expr], expr.Type);
    /// <summary>sum(expr).</summary>
    public static SqlExpression<T> Sum<T>(SqlExpression<T> expr) => new FuncExpr<T>("sum", [expr], expr.Type);
    /// <summary>avg(expr) (a double).</summary>
    public static SqlExpression<double> Avg<T>(SqlExpression<T> expr) => new FuncExpr<double>("avg", [expr], SqlTypes.Float);
    /// <summary>abs(expr).</summary>
    public static SqlExpression<T> Abs<T>(SqlExpression<T> expr) => new FuncExpr<T>("abs", [expr], expr.Type);
    /// <summary>trim(expr).</summary>
    public static SqlExpression<string> Trim(SqlExpression<string> expr) => new FuncExpr<string>("trim", [expr], expr.Type);
    /// <summary>trim(@value).</summary>
    public static SqlExpression<string> Trim(string value) => new FuncExpr<string>("trim", [new BindParam<string>(value, null)], null);
    /// <summary>lower(expr).</summary>
    public static SqlExpression<string> Lower(SqlExpression<string> expr) => new FuncExpr<string>("lower", [expr], expr.Type);
    /// <summary>upper(expr).</summary>
    public static SqlExpression<string> Upper(SqlExpression<string> expr) => new FuncExpr<string>("upper", [expr], expr.Type);
    /// <summary>coalesce(a, b, …).</summary>
    public static SqlExpression<T> Coalesce<T>(params SqlExpression<T>[] exprs) => new FuncExpr<T>("coalesce", exprs, exprs.Length > 0 ? exprs[0].Type : null);
    /// <summary>CURRENT_TIMESTAMP.</summary>
    public static SqlExpression<DateTime> CurrentTimestamp() => new FuncExpr<DateTime>("CURRENT_TIMESTAMP", [], SqlTypes.DateTime(), bare: true);
    /// <summary>Any function by name; arguments that are not expressions are bound as parameters.</summary>
    public static SqlExpression<T> Call<T>(string name, params object?[] args) =>
        new FuncExpr<T>(name, args.Select(a => a as SqlExpression ?? new BindParam<object?>(a, null)).ToArray(), null);
}
