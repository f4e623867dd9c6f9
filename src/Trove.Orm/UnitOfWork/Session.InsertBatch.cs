using System.Numerics;
using System.Runtime.CompilerServices;
using Trove.Orm.Internal;

namespace Trove.Orm;

/// <summary>
/// Multi-row INSERTs for large flushes (orm.md §5, flush batching): a run of at least <see cref="BatchThreshold"/>
/// pending rows of one table with the same column set is written <c>INSERT … VALUES (…), (…), …</c> in chunks of
/// up to <see cref="MaxRowsPerInsert"/> rows (Microsoft.Data.Sqlite binds parameters by name, a cost that grows with
/// the square of their number, so chunks stay small; at most <see cref="MaxParameters"/> parameters), one execution
/// per chunk instead of one per row. Smaller flushes keep one statement per row, which is what SQLAlchemy 1.4 emits
/// and what the statement-sequence tests compare.
/// </summary>
/// <remarks>
/// Autoincrement keys come back through RETURNING on SQLite only, where the rowids of one statement are assigned in
/// VALUES order (each new row gets one more than the largest rowid): the returned keys are sorted and given to the
/// rows in order, so the unspecified order of RETURNING's output does not matter. Elsewhere rows that need a
/// generated key keep the per-row statement; on PostgreSQL those statements travel many to a round trip
/// (Session.RoundTrips.cs). Tables with a relationship to themselves keep per-row statements
/// too: a child's foreign key may come from a parent inserted just before it in the same table.
/// </remarks>
public sealed partial class Session
{
    internal const int BatchThreshold = 16;
    internal const int MaxRowsPerInsert = 32;
    private const int MaxParameters = 900;

    private static bool CanBatch(EntityMapper mapper)
    {
        foreach (var r in mapper.Relationships)
            if (ReferenceEquals(r.Resolved().Target, mapper)) return false;
        return true;
    }

    /// <summary>
    /// The autoincrement key a multi-row INSERT can back-fill, or -1: SQLite, one integral key column that is the
    /// table's rowid (checked through the direct statement path when it is in use).
    /// </summary>
    private static int BatchKeyColumn(EntityMapper mapper, DbRunner runner, ulong mask, ulong needKey)
    {
        var d = runner.Dialect;
        if (d.Name != "sqlite" || mapper.KeyColumns.Length != 1 || BitOperations.PopCount(needKey) != 1) return -1;
        var k = mapper.KeyColumns[0];
        if (needKey != 1UL << k) return -1;
        var t = Nullable.GetUnderlyingType(mapper.Columns[k].ClrType) ?? mapper.Columns[k].ClrType;
        if (t != typeof(long) && t != typeof(int) && t != typeof(short)) return -1;
        var plain = Statements.Insert(mapper, d, mask, false);
        if (runner.Command(plain) is { HasLastInsertRowId: true } pc && !pc.IsRowIdColumn(mapper.TableName, mapper.Columns[k].Name)) return -1;
        return k;
    }

    [MethodImpl(RowLoop.Optimize)]
    private void InsertBatched(EntityMapper mapper, DbRunner runner, List<InstanceState> inserted,
        ulong always, ulong defaults, ulong autoinc, ulong serverDefaults)
    {
        var cols = mapper.Columns;
        var version = mapper.VersionColumn;
        // plan every row first: foreign keys from parents (tables inserted earlier), defaults, column set
        var rows = new List<(InstanceState State, ulong Mask, ulong NeedKey)>();
        foreach (var s in _new)
        {
            if (!ReferenceEquals(s.Mapper, mapper) || s.Status != InstanceStatus.Pending) continue;
            BeforeInsert(s);
            var assigned = s.Modified;
            var fill = FillDefaults(s, defaults, version);
            var needKey = autoinc & ~assigned;
            rows.Add((s, (assigned | always | fill) & mapper.AllColumns & ~needKey, needKey));
        }
        for (var start = 0; start < rows.Count;)
        {
            var (_, mask, needKey) = rows[start];
            var end = start + 1;
            while (end < rows.Count && rows[end].Mask == mask && rows[end].NeedKey == needKey) end++;
            var keyColumn = needKey == 0 || end - start < BatchThreshold ? -1 : BatchKeyColumn(mapper, runner, mask, needKey);
            if (needKey != 0 && keyColumn < 0 && end - start >= BatchThreshold && runner.CanBatch)
            {
                for (var c = start; c < end; c += MaxBatchStatements)
                    InsertRoundTrip(mapper, runner, rows, c, Math.Min(MaxBatchStatements, end - c), mask, needKey, serverDefaults, inserted);
                start = end;
                continue;
            }
            var perRow = BitOperations.PopCount(mask);
            var chunk = mask == 0 || end - start < BatchThreshold || (needKey != 0 && keyColumn < 0)
                ? 1
                : Math.Max(1, Math.Min(MaxRowsPerInsert, MaxParameters / perRow));
            for (var c = start; c < end;)
            {
                var n = Math.Min(chunk, end - c);
                InsertChunk(mapper, runner, rows, c, n, mask, needKey, keyColumn, serverDefaults, inserted);
                c += n;
            }
            start = end;
        }
    }

    private void InsertChunk(EntityMapper mapper, DbRunner runner, List<(InstanceState State, ulong Mask, ulong NeedKey)> rows,
        int start, int n, ulong mask, ulong needKey, int keyColumn, ulong serverDefaults, List<InstanceState> inserted)
    {
        var cols = mapper.Columns;
        var returning = needKey != 0;
        var sql = n == 1 ? Statements.Insert(mapper, runner.Dialect, mask, returning) : Statements.InsertRows(mapper, runner.Dialect, mask, returning, n);
        var perRow = BitOperations.PopCount(mask);
        var cmd = runner.Command(sql);
        var args = cmd is null ? Args(perRow * n) : default;
        var k = 0;
        for (var j = start; j < start + n; j++)
        {
            var s = rows[j].State;
            s.Loading = true;
            try
            {
                BindColumns(mapper, s.Entity, mask, cmd, args, ref k);
            }
            finally { s.Loading = false; }
        }
        if (!returning)
        {
            if (cmd is not null) cmd.ExecuteNonQuery();
            else runner.ExecuteNonQuery(sql, args);
        }
        else if (n == 1)
        {
            var s = rows[start].State;
            s.Loading = true;
            try { ReadKeys(mapper, s.Entity, needKey, cmd is not null ? cmd.ExecuteReader() : runner.ExecuteReader(sql, args)); }
            finally { s.Loading = false; }
        }
        else
        {
            var keys = new long[n];
            var got = 0;
            using (var r = cmd is not null ? cmd.ExecuteReader() : runner.ExecuteReader(sql, args))
            {
                while (r.Read())
                {
                    if (got == n) throw new InvalidOperationException($"INSERT of {n} rows into '{mapper.TableName}' returned more keys than rows");
                    keys[got++] = r.GetInt64(0);
                }
            }
            if (got != n) throw new InvalidOperationException($"INSERT of {n} rows into '{mapper.TableName}' returned {got} keys");
            Array.Sort(keys);
            for (var j = 0; j < n; j++)
            {
                var s = rows[start + j].State;
                s.Loading = true;
                try { mapper.SetValue(s.Entity, keyColumn, keys[j]); }
                finally { s.Loading = false; }
            }
        }
        for (var j = start; j < start + n; j++)
        {
            MarkInserted(rows[j].State, serverDefaults & ~mask, inserted);
        }
    }

    /// <summary>
    /// SQLite, no version counter: runs of at least <see cref="BatchThreshold"/> rows (in key order) with the same
    /// SET columns become <c>UPDATE t SET c = v.columnN … FROM (VALUES (key…, value…), …) AS v WHERE t.key = v.column1</c>
    /// in chunks, one execution per chunk; the rows a chunk matched must be as many as it holds (SQLAlchemy's
    /// executemany row-count check). Returns the rows left for one statement each.
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    private List<InstanceState> UpdateBatched(EntityMapper mapper, DbRunner runner, List<InstanceState> rows)
    {
        var rest = new List<InstanceState>();
        var keys = mapper.KeyColumns;
        for (var at = 0; NextUpdateRun(rows, ref at, rest, out var start, out var end);)
        {
            var mask = rows[start].Modified;
            var perRow = keys.Length + BitOperations.PopCount(mask);
            var chunk = Math.Max(1, Math.Min(MaxRowsPerInsert, MaxParameters / perRow));
            for (var c = start; c < end;)
            {
                var n = Math.Min(chunk, end - c);
                if (n < 2)
                {
                    rest.Add(rows[c++]);
                    continue;
                }
                var sql = Statements.UpdateRows(mapper, runner.Dialect, mask, n);
                var cmd = runner.Command(sql);
                var args = cmd is null ? Args(perRow * n) : default;
                var k = 0;
                for (var j = c; j < c + n; j++)
                {
                    var s = rows[j];
                    s.Loading = true;
                    try
                    {
                        foreach (var ki in keys)
                        {
                            var v = mapper.GetDbValue(s.Entity, ki);
                            if (cmd is not null) cmd.Set(k++, v);
                            else args[k++] = v;
                        }
                        BindColumns(mapper, s.Entity, mask, cmd, args, ref k);
                    }
                    finally { s.Loading = false; }
                }
                var matched = cmd is not null ? cmd.ExecuteNonQuery() : runner.ExecuteNonQuery(sql, args);
                Updated(mapper, rows, c, n, matched, matched == n);
                c += n;
            }
        }
        return rest;
    }

    /// <summary>
    /// The next run, from <paramref name="at"/>, of at least <see cref="BatchThreshold"/> dirty rows with the same SET
    /// columns (rows are in key order); the shorter runs passed on the way go to <paramref name="rest"/>, which keeps
    /// one statement per row. False when no rows are left.
    /// </summary>
    private static bool NextUpdateRun(List<InstanceState> rows, ref int at, List<InstanceState> rest, out int start, out int end)
    {
        while (at < rows.Count)
        {
            start = at;
            var mask = rows[start].Modified;
            end = start + 1;
            while (end < rows.Count && rows[end].Modified == mask) end++;
            at = end;
            if (end - start >= BatchThreshold) return true;
            for (var i = start; i < end; i++) rest.Add(rows[i]);
        }
        start = end = at;
        return false;
    }

    /// <summary>
    /// The <paramref name="n"/> rows from <paramref name="c"/> were written: clean when every one matched, else the
    /// flush stops with SQLAlchemy's row-count error.
    /// </summary>
    private static void Updated(EntityMapper mapper, List<InstanceState> rows, int c, int n, int matched, bool allMatched)
    {
        if (!allMatched)
        {
            var entities = new List<object>(n);
            for (var j = c; j < c + n; j++) entities.Add(rows[j].Entity);
            throw new StaleDataException(
                $"UPDATE statement on table '{mapper.TableName}' expected to update {n} row(s); {matched} were matched.",
                entities, n, matched);
        }
        for (var j = c; j < c + n; j++) rows[j].Modified = 0;
    }

    /// <summary>Binds the columns of <paramref name="mask"/> of one row at position <paramref name="k"/> onwards (on the prepared command, else into <paramref name="args"/>).</summary>
    private static void BindColumns(EntityMapper mapper, DeclarativeBase entity, ulong mask, Trove.Sql.PreparedCommand? cmd, Span<object?> args, ref int k)
    {
        var n = mapper.Columns.Count;
        for (var i = 0; i < n; i++)
        {
            if ((mask & (1UL << i)) == 0) continue;
            var v = mapper.GetDbValue(entity, i);
            if (cmd is not null) cmd.Set(k++, v);
            else args[k++] = v;
        }
    }
}
