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

    private protected void AppendReturningKey(KeyBuilder k) => k.Nodes(_returning);

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

    /// <summary>
    /// Splits a multi-row INSERT into consecutive INSERTs of whole rows so none binds more than
    /// <paramref name="maxParameters"/> values (the dialect's <c>MaxParameters</c>); RETURNING is kept on each.
    /// A statement that fits (or is not multi-row) is returned alone.
    /// </summary>
    public IReadOnlyList<Insert> Split(int maxParameters)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxParameters, 1);
        if (_rows is null || _rows.Length <= 1) return [this];
        var cols = RowColumns();
        int fixedCount = 0;
        foreach (var r in _returning) fixedCount += CountBinds(r);
        var chunks = new List<Insert>();
        int start = 0, used = fixedCount;
        for (int r = 0; r < _rows.Length; r++)
        {
            int n = 0;
            foreach (var col in cols)
                n += _rows[r].TryGetValue(col.Name, out var v) && v is SqlExpression e ? CountBinds(e) : 1;
            if (r > start && used + n > maxParameters)
            {
                chunks.Add(Slice(start, r));
                start = r; used = fixedCount;
            }
            used += n;
        }
        if (start == 0) return [this];
        chunks.Add(Slice(start, _rows.Length));
        return chunks;
    }

    /// <summary>True for a multi-row INSERT (the only kind <see cref="Split"/> can divide).</summary>
    internal bool IsMultiRow => _rows is { Length: > 1 };

    private Insert Slice(int from, int to) => With(s => s._rows = _rows![from..to]);

    private static int CountBinds(SqlExpression e)
    {
        var k = new KeyBuilder { D = Dialects.Dialect.Sqlite };
        e.AppendKey(k);
        return k.BindCount;
    }

    /// <summary>The columns of a multi-row INSERT: the first row's keys, then columns with client defaults it lacks.</summary>
    private List<IColumn> RowColumns()
    {
        var cols = new List<IColumn>();
        foreach (var k in _rows![0].Keys) cols.Add(Table.C[k]);
        foreach (var col in Table.C)
            if (col.Default != null && !_rows[0].ContainsKey(col.Name)) cols.Add(col);
        return cols;
    }

    /// <summary>The single-row VALUES list: given values, then client defaults of the other columns (value null).</summary>
    private List<(IColumn Column, SqlExpression? Value)> SingleRowValues()
    {
        var values = new List<(IColumn Column, SqlExpression? Value)>(_values.Length + 2);
        foreach (var v in _values) values.Add(v);
        foreach (var col in Table.C)
        {
            if (col.Default == null) continue;
            bool given = false;
            foreach (var v in _values) if (v.Column.Name == col.Name) { given = true; break; }
            if (!given) values.Add((col, null));
        }
        return values;
    }

    // Client defaults are evaluated here, per execution, so a cached plan never freezes a default's value.
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Insert);
        k.Add(Table.KeyId);
        AppendReturningKey(k);
        if (_from != null)
        {
            k.Add(1);
            k.Add(_fromColumns!.Length);
            foreach (var name in _fromColumns) k.Str(name);
            _from.AppendKey(k);
        }
        else if (_rows != null)
        {
            if (_rows.Length == 0) { k.Uncacheable = true; return; }
            var cols = RowColumns();
            int first = _rows[0].Count;
            k.Add(2); k.Add(_rows.Length); k.Add(cols.Count); k.Add(first);
            foreach (var col in cols) col.Expression.AppendKey(k);
            for (int r = 0; r < _rows.Length; r++)
                for (int i = 0; i < cols.Count; i++)
                {
                    var col = cols[i];
                    if (_rows[r].TryGetValue(col.Name, out var v))
                    {
                        if (v is SqlExpression e) { k.Add(1); e.AppendKey(k); }
                        else { k.Add(2); k.UniqueValue(v, this, r * cols.Count + i); }
                    }
                    else if (i < first) throw new InvalidOperationException($"Row {r} of the INSERT has no value for '{col.Name}'");
                    else { k.Add(3); k.UniqueValue(col.EvaluateDefault(), this, r * cols.Count + i); }
                }
        }
        else
        {
            var values = SingleRowValues();
            k.Add(3); k.Add(values.Count);
            for (int i = 0; i < values.Count; i++)
            {
                values[i].Column.Expression.AppendKey(k);
                if (values[i].Value is { } e) e.AppendKey(k);
                else { k.Add(0); k.UniqueValue(values[i].Column.EvaluateDefault(), this, i); }
            }
        }
    }

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
            var cols = RowColumns();
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
                        : c.PlanMode ? null : col.EvaluateDefault();
                    if (v is SqlExpression e) e.Compile(c); else c.Bind(v, col.SqlType, col.Name, this, r * cols.Count + i);
                }
                sb.Append(')');
            }
        }
        else
        {
            var values = SingleRowValues();
            if (values.Count == 0) sb.Append(d.EmptyInsert);
            else
            {
                sb.Append(" (");
                for (int i = 0; i < values.Count; i++) { if (i > 0) sb.Append(", "); sb.Append(d.Quote(values[i].Column.Name)); }
                sb.Append(") VALUES (");
                c.QualifyColumns = false;
                for (int i = 0; i < values.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    var (col, e) = values[i];
                    if (e != null) e.Compile(c);
                    else c.Bind(c.PlanMode ? null : col.EvaluateDefault(), col.SqlType, col.Name, this, i);
                }
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

    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Update);
        k.Add(Table.KeyId);
        k.Add(_set.Length);
        foreach (var (col, value) in _set) { col.Expression.AppendKey(k); value.AppendKey(k); }
        k.Node(_where);
        AppendReturningKey(k);
    }

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

    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Delete);
        k.Add(Table.KeyId);
        k.Node(_where);
        AppendReturningKey(k);
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
