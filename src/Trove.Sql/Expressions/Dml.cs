using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql;

/// <summary>Base of INSERT/UPDATE/DELETE: the target table and a RETURNING list.</summary>
public abstract class DmlStatement : Executable
{
    private protected SqlExpression[] _returning = [];

    private protected DmlStatement(Table table) { Table = table; }

    /// <summary>The target table.</summary>
    public Table Table { get; }

    internal override bool ReturnsRows => _returning.Length > 0;

    private protected void CompileReturning(SqlCompiler c)
    {
        if (_returning.Length == 0) return;
        if (!c.D.SupportsReturning) throw new NotSupportedException($"The {c.D.Name} dialect does not support RETURNING");
        c.Sb.Append(" RETURNING ");
        bool old = c.QualifyColumns, oldList = c.InSelectList;
        c.QualifyColumns = false; c.InSelectList = true;
        c.ResultTypes = new SqlType?[_returning.Length];
        for (int i = 0; i < _returning.Length; i++)
        {
            if (i > 0) c.Sb.Append(", ");
            _returning[i].Compile(c);
            c.ResultTypes[i] = _returning[i].Type;
        }
        c.QualifyColumns = old; c.InSelectList = oldList;
        c.HasReturning = true;
    }

    private protected static SqlExpression ValueFor(IColumn col, object? value) => value switch
    {
        SqlExpression e => e,
        _ => new BindParam<object?>(value, col.SqlType, col.Name),
    };
}

/// <summary>INSERT INTO table (…) VALUES (…)[, (…)…] [RETURNING …]; immutable.</summary>
public sealed class Insert : DmlStatement
{
    private (IColumn Column, SqlExpression Value)[] _values = [];
    private IReadOnlyDictionary<string, object?>[]? _rows;
    private Select? _from;
    private string[]? _fromColumns;

    internal Insert(Table table) : base(table) { }

    private Insert With(Action<Insert> change)
    {
        var s = (Insert)MemberwiseClone();
        s.ClearCompiledCache();
        change(s);
        return s;
    }

    /// <summary>Sets one column's value (bound as a parameter).</summary>
    public Insert Value<T>(Column<T> column, T value) => With(s => s._values = [.. _values, (column, new BindParam<T>(value, column.SqlType, column.Name))]);
    /// <summary>Sets one column to an expression.</summary>
    public Insert Value<T>(Column<T> column, SqlExpression<T> value) => With(s => s._values = [.. _values, (column, value)]);
    /// <summary>Sets column values by column name.</summary>
    public Insert Values(IReadOnlyDictionary<string, object?> row) =>
        With(s => s._values = [.. _values, .. row.Select(kv => (Table.C[kv.Key], ValueFor(Table.C[kv.Key], kv.Value)))]);
    /// <summary>Sets column values by column name.</summary>
    public Insert Values(params (string Column, object? Value)[] values) =>
        With(s => s._values = [.. _values, .. values.Select(kv => (Table.C[kv.Column], ValueFor(Table.C[kv.Column], kv.Value)))]);
    /// <summary>A multi-row INSERT: one VALUES tuple per row; every row must have the first row's keys.</summary>
    public Insert Values(IEnumerable<IReadOnlyDictionary<string, object?>> rows) => With(s => s._rows = rows.ToArray());
    /// <summary>INSERT INTO table (columns) SELECT ….</summary>
    public Insert FromSelect(string[] columns, Select select) => With(s => { s._from = select; s._fromColumns = columns; });
    /// <summary>RETURNING the given columns (SQLite ≥ 3.35, PostgreSQL).</summary>
    public Insert Returning(params SqlExpression[] columns) => With(s => s._returning = columns);

    internal override void CompileStatement(SqlCompiler c)
    {
        var sb = c.Sb;
        var d = c.D;
        sb.Append("INSERT INTO ").Append(Table.QuotedName(d));
        bool oldQ = c.QualifyColumns;
        if (_from != null)
        {
            sb.Append(" (");
            for (int i = 0; i < _fromColumns!.Length; i++) { if (i > 0) sb.Append(", "); sb.Append(d.Quote(Table.C[_fromColumns[i]].Name)); }
            sb.Append(") ");
            c.Depth++; _from.CompileSelect(c, false); c.Depth--;
        }
        else if (_rows != null)
        {
            if (_rows.Length == 0) throw new InvalidOperationException("INSERT with an empty list of rows");
            var cols = new List<IColumn>();
            foreach (var k in _rows[0].Keys) cols.Add(Table.C[k]);
            foreach (var col in Table.C)
                if (col.Default != null && !_rows[0].ContainsKey(col.Name)) cols.Add(col);
            sb.Append(" (");
            for (int i = 0; i < cols.Count; i++) { if (i > 0) sb.Append(", "); sb.Append(d.Quote(cols[i].Name)); }
            sb.Append(") VALUES ");
            for (int r = 0; r < _rows.Length; r++)
            {
                if (r > 0) sb.Append(", ");
                sb.Append('(');
                for (int i = 0; i < cols.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    var col = cols[i];
                    object? v = _rows[r].TryGetValue(col.Name, out var given) ? given
                        : i < _rows[0].Count ? throw new InvalidOperationException($"Row {r} of the INSERT has no value for '{col.Name}'")
                        : col.EvaluateDefault();
                    if (v is SqlExpression e) e.Compile(c); else c.Bind(v, col.SqlType, col.Name);
                }
                sb.Append(')');
            }
        }
        else
        {
            var values = new List<(IColumn Column, SqlExpression Value)>(_values);
            foreach (var col in Table.C)
                if (col.Default != null && !values.Exists(v => v.Column.Name == col.Name))
                    values.Add((col, new BindParam<object?>(col.EvaluateDefault(), col.SqlType, col.Name)));
            if (values.Count == 0) sb.Append(d.EmptyInsert);
            else
            {
                sb.Append(" (");
                for (int i = 0; i < values.Count; i++) { if (i > 0) sb.Append(", "); sb.Append(d.Quote(values[i].Column.Name)); }
                sb.Append(") VALUES (");
                c.QualifyColumns = false;
                for (int i = 0; i < values.Count; i++) { if (i > 0) sb.Append(", "); values[i].Value.Compile(c); }
                c.QualifyColumns = oldQ;
                sb.Append(')');
            }
        }
        CompileReturning(c);
    }
}

/// <summary>UPDATE table SET … [WHERE …] [RETURNING …]; immutable.</summary>
public sealed class Update : DmlStatement
{
    private (IColumn Column, SqlExpression Value)[] _set = [];
    private SqlExpression<bool>? _where;

    internal Update(Table table) : base(table) { }

    private Update With(Action<Update> change)
    {
        var s = (Update)MemberwiseClone();
        s.ClearCompiledCache();
        change(s);
        return s;
    }

    /// <summary>SET column = value (bound).</summary>
    public Update Set<T>(Column<T> column, T value) => With(s => s._set = [.. _set, (column, new BindParam<T>(value, column.SqlType, column.Name))]);
    /// <summary>SET column = expression (e.g. <c>t.N + 1</c>).</summary>
    public Update Set<T>(Column<T> column, SqlExpression<T> value) => With(s => s._set = [.. _set, (column, value)]);
    /// <summary>SET by column name.</summary>
    public Update Values(IReadOnlyDictionary<string, object?> values) =>
        With(s => s._set = [.. _set, .. values.Select(kv => (Table.C[kv.Key], ValueFor(Table.C[kv.Key], kv.Value)))]);
    /// <summary>WHERE; repeated calls AND.</summary>
    public Update Where(SqlExpression<bool> condition) => With(s => s._where = _where is null ? condition : new BoolList(" AND ", [_where, condition]));
    /// <summary>RETURNING the given columns.</summary>
    public Update Returning(params SqlExpression[] columns) => With(s => s._returning = columns);

    internal override void CompileStatement(SqlCompiler c)
    {
        if (_set.Length == 0) throw new InvalidOperationException("UPDATE without SET values");
        var sb = c.Sb;
        sb.Append("UPDATE ").Append(Table.QuotedName(c.D)).Append(" SET ");
        c.PushFroms([Table]);
        for (int i = 0; i < _set.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(c.D.Quote(_set[i].Column.Name)).Append('=');
            _set[i].Value.Compile(c);
        }
        if (_where is not null) { sb.Append(" WHERE "); _where.Compile(c); }
        c.PopFroms();
        CompileReturning(c);
    }
}

/// <summary>DELETE FROM table [WHERE …] [RETURNING …]; immutable.</summary>
public sealed class Delete : DmlStatement
{
    private SqlExpression<bool>? _where;

    internal Delete(Table table) : base(table) { }

    /// <summary>WHERE; repeated calls AND.</summary>
    public Delete Where(SqlExpression<bool> condition)
    {
        var s = (Delete)MemberwiseClone();
        s.ClearCompiledCache();
        s._where = _where is null ? condition : new BoolList(" AND ", [_where, condition]);
        return s;
    }

    /// <summary>RETURNING the given columns.</summary>
    public Delete Returning(params SqlExpression[] columns)
    {
        var s = (Delete)MemberwiseClone();
        s.ClearCompiledCache();
        s._returning = columns;
        return s;
    }

    internal override void CompileStatement(SqlCompiler c)
    {
        c.Sb.Append("DELETE FROM ").Append(Table.QuotedName(c.D));
        c.PushFroms([Table]);
        if (_where is not null) { c.Sb.Append(" WHERE "); _where.Compile(c); }
        c.PopFroms();
        CompileReturning(c);
    }
}
