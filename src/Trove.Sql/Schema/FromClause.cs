namespace Trove.Sql.Schema;

/// <summary>Something a SELECT reads from: a table, a join or an aliased subquery.</summary>
public abstract class FromClause
{
    internal abstract void CompileFrom(SqlCompiler c);
    /// <summary>Writes this FROM element's part of a structural cache key (uncacheable unless overridden).</summary>
    internal virtual void AppendKey(KeyBuilder k) => k.Uncacheable = true;
    /// <summary>The tables inside (a join's sides), for de-duplicating inferred FROM entries.</summary>
    internal virtual void Flatten(List<FromClause> into) => into.Add(this);
}

/// <summary><c>left [LEFT OUTER] JOIN right ON condition</c>.</summary>
public sealed class Join : FromClause
{
    internal Join(FromClause left, FromClause right, SqlExpression<bool> on, bool outer) { Left = left; Right = right; On = on; IsOuter = outer; }

    /// <summary>Left side.</summary>
    public FromClause Left { get; }
    /// <summary>Right side.</summary>
    public FromClause Right { get; }
    /// <summary>The ON condition.</summary>
    public SqlExpression<bool> On { get; }
    /// <summary>LEFT OUTER JOIN when true.</summary>
    public bool IsOuter { get; }

    internal override void CompileFrom(SqlCompiler c)
    {
        Left.CompileFrom(c);
        c.Sb.Append(IsOuter ? " LEFT OUTER JOIN " : " JOIN ");
        Right.CompileFrom(c);
        c.Sb.Append(" ON ");
        On.Compile(c);
    }

    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.Join); k.Add(IsOuter); Left.AppendKey(k); Right.AppendKey(k); On.AppendKey(k); }

    internal override void Flatten(List<FromClause> into) { into.Add(this); Left.Flatten(into); Right.Flatten(into); }
}

/// <summary>A SELECT in a FROM clause: <c>(SELECT …) AS name</c>; its columns are reached with <see cref="Column{T}"/>.</summary>
public sealed class Subquery : FromClause
{
    internal Subquery(Select select, string name) { Select = select; Name = name; }

    /// <summary>The inner select.</summary>
    public Select Select { get; }
    /// <summary>The alias.</summary>
    public string Name { get; }

    /// <summary>A column of the subquery by its result name (<c>alias.name</c>).</summary>
    public SqlExpression<T> Column<T>(string name) => new SubqueryColumn<T>(this, name, null);

    internal override void CompileFrom(SqlCompiler c)
    {
        c.Sb.Append('(');
        c.Nested(Select, correlate: false);
        c.Sb.Append(") AS ").Append(c.D.Quote(Name));
    }

    /// <summary>
    /// Keyed by its ordinal within the statement (one subquery used twice is rendered once in FROM, two equal ones
    /// twice), and by its structure the first time it is met.
    /// </summary>
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Subquery);
        k.Add(k.Anon(this, out bool first));
        if (!first) return;
        k.Str(Name);
        Select.AppendKey(k);
    }
}

internal sealed class SubqueryColumn<T>(Subquery sq, string name, Types.SqlType? type) : SqlExpression<T>
{
    public override Types.SqlType? Type => type;
    internal override string? DefaultName => name;
    internal override void Compile(SqlCompiler c) => c.Sb.Append(c.D.Quote(sq.Name)).Append('.').Append(c.D.Quote(name));
    internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.SubqueryColumn); k.Type(type); k.Str(name); sq.AppendKey(k); }
    internal override void CollectFroms(List<FromClause> froms) { if (!froms.Contains(sq)) froms.Add(sq); }
}
