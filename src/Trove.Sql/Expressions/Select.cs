using Trove.Sql.Schema;

namespace Trove.Sql;

/// <summary>Row locking clause of a SELECT.</summary>
public enum LockMode
{
    /// <summary>No locking clause.</summary>
    None,
    /// <summary>FOR UPDATE.</summary>
    Update,
    /// <summary>FOR SHARE (MySQL: LOCK IN SHARE MODE).</summary>
    Share,
}

/// <summary>
/// An immutable SELECT: every builder method returns a new statement.
/// <c>Db.Select(users.Id, users.Name).Where(users.Id &gt; 5).OrderBy(users.Name.Desc()).Limit(10)</c>.
/// </summary>
public sealed class Select : Executable
{
    private SqlExpression[] _columns;
    private FromClause[] _froms = [];
    private SqlExpression<bool>? _where;
    private SqlExpression[] _groupBy = [];
    private SqlExpression<bool>? _having;
    private SqlExpression[] _orderBy = [];
    private int? _limit, _offset;
    private bool _distinct;
    private LockMode _lock;
    private bool _nowait, _skipLocked;
    private Table[] _lockOf = [];

    internal Select(SqlExpression[] columns) { _columns = columns; }

    internal IReadOnlyList<SqlExpression> ColumnList => _columns;
    internal override bool ReturnsRows => true;
    internal bool HasOrderOrLimit => _orderBy.Length > 0 || _limit != null || _offset != null;

    private Select With(Action<Select> change)
    {
        var s = (Select)MemberwiseClone();
        s.ClearCompiledCache();
        change(s);
        return s;
    }

    /// <summary>Adds explicit FROM entries.</summary>
    public Select SelectFrom(params FromClause[] froms) => With(s => s._froms = [.. _froms, .. froms]);
    /// <summary>Adds a WHERE condition; repeated calls are joined with AND.</summary>
    public Select Where(SqlExpression<bool> condition) => With(s => s._where = _where is null ? condition : new BoolList(" AND ", [_where, condition]));
    /// <summary>Adds several WHERE conditions joined with AND.</summary>
    public Select Where(params SqlExpression<bool>[] conditions) => conditions.Aggregate(this, (s, c) => s.Where(c));
    /// <summary>Replaces the column list.</summary>
    public Select WithColumns(params SqlExpression[] columns) => With(s => s._columns = columns);
    /// <summary>Adds columns to the select list.</summary>
    public Select AddColumns(params SqlExpression[] columns) => With(s => s._columns = [.. _columns, .. columns]);
    /// <summary>JOIN <paramref name="target"/> ON <paramref name="on"/>, onto the current FROM.</summary>
    public Select Join(FromClause target, SqlExpression<bool> on) => AddJoin(target, on, false);
    /// <summary>LEFT OUTER JOIN <paramref name="target"/> ON <paramref name="on"/>.</summary>
    public Select OuterJoin(FromClause target, SqlExpression<bool> on) => AddJoin(target, on, true);
    /// <summary>GROUP BY.</summary>
    public Select GroupBy(params SqlExpression[] columns) => With(s => s._groupBy = [.. _groupBy, .. columns]);
    /// <summary>HAVING; repeated calls AND.</summary>
    public Select Having(SqlExpression<bool> condition) => With(s => s._having = _having is null ? condition : new BoolList(" AND ", [_having, condition]));
    /// <summary>ORDER BY (use <c>col.Asc()</c>/<c>col.Desc()</c>).</summary>
    public Select OrderBy(params SqlExpression[] columns) => With(s => s._orderBy = [.. _orderBy, .. columns]);
    /// <summary>LIMIT (bound as a parameter).</summary>
    public Select Limit(int count) => With(s => s._limit = count);
    /// <summary>OFFSET (bound as a parameter).</summary>
    public Select Offset(int count) => With(s => s._offset = count);
    /// <summary>SELECT DISTINCT.</summary>
    public Select Distinct() => With(s => s._distinct = true);
    /// <summary>FOR UPDATE [OF …] [NOWAIT | SKIP LOCKED] (omitted where the dialect has no row locks).</summary>
    public Select ForUpdate(bool nowait = false, bool skipLocked = false, params Table[] of) =>
        With(s => { s._lock = LockMode.Update; s._nowait = nowait; s._skipLocked = skipLocked; s._lockOf = of; });
    /// <summary>FOR SHARE.</summary>
    public Select ForShare(bool nowait = false, bool skipLocked = false, params Table[] of) =>
        With(s => { s._lock = LockMode.Share; s._nowait = nowait; s._skipLocked = skipLocked; s._lockOf = of; });
    /// <summary>UNION.</summary>
    public CompoundSelect Union(params Select[] others) => new(CompoundKind.Union, [this, .. others]);
    /// <summary>UNION ALL.</summary>
    public CompoundSelect UnionAll(params Select[] others) => new(CompoundKind.UnionAll, [this, .. others]);
    /// <summary>INTERSECT.</summary>
    public CompoundSelect Intersect(params Select[] others) => new(CompoundKind.Intersect, [this, .. others]);
    /// <summary>EXCEPT.</summary>
    public CompoundSelect Except(params Select[] others) => new(CompoundKind.Except, [this, .. others]);
    /// <summary>This select in a FROM clause, as <c>(SELECT …) AS alias</c>.</summary>
    public Subquery Subquery(string alias) => new(this, alias);
    /// <summary>This select as a scalar value <c>(SELECT …)</c> (correlated with the enclosing query).</summary>
    public SqlExpression<T> Scalar<T>() => new ScalarSelect<T>(this);
    /// <summary><c>EXISTS (SELECT …)</c>.</summary>
    public SqlExpression<bool> Exists() => new ExistsExpr(this, false);

    private Select AddJoin(FromClause target, SqlExpression<bool> on, bool outer)
    {
        FromClause left;
        FromClause[] rest;
        if (_froms.Length > 0) { left = _froms[^1]; rest = _froms[..^1]; }
        else
        {
            var inferred = new List<FromClause>();
            foreach (var c in _columns) c.CollectFroms(inferred);
            if (inferred.Count == 0) throw new InvalidOperationException("Join needs a left side: select a column of a table or call SelectFrom first");
            left = inferred[0]; rest = [];
        }
        var j = new Join(left, target, on, outer);
        return With(s => s._froms = [.. rest, j]);
    }

    internal List<FromClause> ComputeFroms(SqlCompiler c, bool correlate)
    {
        List<FromClause>? covered = null;
        if (_froms.Length > 0) { covered = new List<FromClause>(); foreach (var f in _froms) f.Flatten(covered); }
        var inferred = new List<FromClause>(2);
        foreach (var col in _columns) col.CollectFroms(inferred);
        _where?.CollectFroms(inferred);
        if (covered == null && !correlate) return inferred; // the common case: FROM is exactly the tables used
        var result = new List<FromClause>(_froms.Length + inferred.Count);
        foreach (var f in inferred)
        {
            if (covered != null && covered.Contains(f)) continue;
            if (correlate && c.IsEnclosingFrom(f)) continue;
            result.Add(f);
        }
        result.AddRange(_froms);
        if (result.Count == 0 && correlate)
        {
            // Everything correlated away: keep the inferred tables (SQLAlchemy would refuse; a FROM is more useful).
            foreach (var f in inferred) if (covered == null || !covered.Contains(f)) result.Add(f);
        }
        return result;
    }

    internal override void CompileStatement(SqlCompiler c) => CompileSelect(c, correlate: false);

    // The computed FROM list and correlation follow from what is keyed here and from the enclosing statement's key.
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Select);
        k.Add((_distinct ? 1L : 0L) | ((long)_lock << 1) | (_nowait ? 8L : 0L) | (_skipLocked ? 16L : 0L));
        k.Nodes(_columns);
        k.Add(_froms.Length);
        foreach (var f in _froms) f.AppendKey(k);
        k.Node(_where);
        k.Nodes(_groupBy);
        k.Node(_having);
        k.Nodes(_orderBy);
        // LIMIT/OFFSET are bound: their presence is structure, their numbers are values.
        if (_limit is int l) k.Value(l, this, 0); else k.Add(0);
        if (_offset is int o) k.Value(o, this, 1); else k.Add(0);
        k.Add(_lockOf.Length);
        foreach (var t in _lockOf) k.Add(t.KeyId);
    }

    internal void CompileSelect(SqlCompiler c, bool correlate)
    {
        var froms = ComputeFroms(c, correlate);
        var sb = c.Sb;
        bool top = c.Depth == 0;
        sb.Append(_distinct ? "SELECT DISTINCT " : "SELECT ");
        c.PushFroms(froms);
        bool oldList = c.InSelectList;
        c.InSelectList = true;
        if (top) c.ResultTypes = new Types.SqlType?[_columns.Length];
        for (int i = 0; i < _columns.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            _columns[i].Compile(c);
            if (top) c.ResultTypes![i] = _columns[i].Type;
        }
        c.InSelectList = oldList;
        if (froms.Count > 0)
        {
            sb.Append(" FROM ");
            for (int i = 0; i < froms.Count; i++)
            {
                if (i > 0) sb.Append(", ");
                froms[i].CompileFrom(c);
            }
        }
        else sb.Append(c.D.EmptyFrom);
        if (_where is not null) { sb.Append(" WHERE "); _where.Compile(c); }
        if (_groupBy.Length > 0) { sb.Append(" GROUP BY "); c.List(_groupBy); }
        if (_having is not null) { sb.Append(" HAVING "); _having.Compile(c); }
        if (_orderBy.Length > 0) { sb.Append(" ORDER BY "); c.List(_orderBy); }
        c.D.RenderLimitOffset(c, _limit, _offset, this);
        if (_lock != LockMode.None) c.D.RenderLock(c, _lock, _nowait, _skipLocked, _lockOf);
        c.PopFroms();
    }
}

/// <summary>Kind of compound select.</summary>
public enum CompoundKind
{
    /// <summary>UNION.</summary>
    Union,
    /// <summary>UNION ALL.</summary>
    UnionAll,
    /// <summary>INTERSECT.</summary>
    Intersect,
    /// <summary>EXCEPT.</summary>
    Except,
}

/// <summary><c>SELECT … UNION [ALL] SELECT …</c> with an optional ORDER BY / LIMIT over the whole.</summary>
public sealed class CompoundSelect : Executable
{
    private readonly CompoundKind _kind;
    private readonly Select[] _selects;
    private SqlExpression[] _orderBy = [];
    private int? _limit, _offset;

    internal CompoundSelect(CompoundKind kind, Select[] selects) { _kind = kind; _selects = selects; }

    internal override bool ReturnsRows => true;

    private CompoundSelect With(Action<CompoundSelect> change)
    {
        var s = new CompoundSelect(_kind, _selects) { _orderBy = _orderBy, _limit = _limit, _offset = _offset };
        change(s);
        return s;
    }

    /// <summary>ORDER BY over the combined rows (name columns with <c>Db.Column</c> or labels).</summary>
    public CompoundSelect OrderBy(params SqlExpression[] columns) => With(s => s._orderBy = [.. _orderBy, .. columns]);
    /// <summary>LIMIT over the combined rows.</summary>
    public CompoundSelect Limit(int count) => With(s => s._limit = count);
    /// <summary>OFFSET over the combined rows.</summary>
    public CompoundSelect Offset(int count) => With(s => s._offset = count);
    /// <summary>This compound select in a FROM clause.</summary>
    public Subquery Subquery(string alias) => new(Db.Select(new LiteralExpr<object>("*")).SelectFrom(new CompoundFrom(this)), alias);

    internal override void CompileStatement(SqlCompiler c)
    {
        var sb = c.Sb;
        string op = _kind switch { CompoundKind.Union => " UNION ", CompoundKind.UnionAll => " UNION ALL ", CompoundKind.Intersect => " INTERSECT ", _ => " EXCEPT " };
        for (int i = 0; i < _selects.Length; i++)
        {
            if (i > 0) sb.Append(op);
            var s = _selects[i];
            if (s.HasOrderOrLimit)
            {
                // SQLite does not allow a parenthesized SELECT in a compound; a subquery works everywhere, and
                // PostgreSQL (before 16) and MySQL need it named.
                sb.Append("SELECT * FROM (");
                c.Depth++; s.CompileSelect(c, false); c.Depth--;
                sb.Append(") AS anon_").Append(i + 1);
            }
            else
            {
                if (i > 0) c.Depth++;
                s.CompileSelect(c, false);
                if (i > 0) c.Depth--;
            }
        }
        bool old = c.QualifyColumns;
        c.QualifyColumns = false;
        if (_orderBy.Length > 0) { sb.Append(" ORDER BY "); c.List(_orderBy); }
        c.QualifyColumns = old;
        c.D.RenderLimitOffset(c, _limit, _offset, this);
    }

    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Compound);
        k.Add((long)_kind);
        k.Add(_selects.Length);
        foreach (var s in _selects) s.AppendKey(k);
        k.Nodes(_orderBy);
        if (_limit is int l) k.Value(l, this, 0); else k.Add(0);
        if (_offset is int o) k.Value(o, this, 1); else k.Add(0);
    }

    private sealed class CompoundFrom(CompoundSelect inner) : FromClause
    {
        internal override void CompileFrom(SqlCompiler c) { c.Sb.Append('('); c.Depth++; inner.CompileStatement(c); c.Depth--; c.Sb.Append(") AS anon_1"); }
        internal override void AppendKey(KeyBuilder k) { k.Kind(KeyKind.CompoundFrom); inner.AppendKey(k); }
    }
}
