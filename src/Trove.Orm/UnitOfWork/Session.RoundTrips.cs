using System.Numerics;
using System.Runtime.CompilerServices;
using Trove.Orm.Internal;

namespace Trove.Orm;

/// <summary>
/// Large flushes on a driver that batches (PostgreSQL through Npgsql): where SQLite gets multi-row statements, the
/// rows that need a server-generated key and the UPDATEs of many rows keep SQLAlchemy's one statement per row, but
/// up to <see cref="MaxBatchStatements"/> of them travel in one round trip. Each execution has its own result, in
/// order, so every row reads its own key and every UPDATE's row count is checked without correlating rows; the
/// statements and parameters the session emits (and <c>StatementExecuted</c> reports) are the per-row ones.
/// </summary>
public sealed partial class Session
{
    internal const int MaxBatchStatements = 256;

    /// <summary>The INSERT … RETURNING of <paramref name="n"/> planned rows from <paramref name="start"/>, one round trip.</summary>
    [MethodImpl(RowLoop.Optimize)]
    private void InsertRoundTrip(EntityMapper mapper, DbRunner runner, List<(InstanceState State, ulong Mask, ulong NeedKey)> rows,
        int start, int n, ulong mask, ulong needKey, ulong serverDefaults, List<InstanceState> inserted)
    {
        var sql = Statements.Insert(mapper, runner.Dialect, mask, true);
        var values = new List<object?[]>(n);
        for (var j = start; j < start + n; j++)
        {
            var s = rows[j].State;
            s.Loading = true;
            try { values.Add(InsertArgs(mapper, s.Entity, mask).ToArray()); }
            finally { s.Loading = false; }
        }
        using (var r = runner.ExecuteReaderBatch(sql, values))
        {
            for (var j = start; j < start + n; j++)
            {
                if (j > start && !r.NextResult())
                    throw new InvalidOperationException($"A batch of {n} INSERTs into '{mapper.TableName}' returned {j - start} results");
                var s = rows[j].State;
                s.Loading = true;
                try { ReadKeyRow(mapper, s.Entity, needKey, r); }
                finally { s.Loading = false; }
            }
        }
        for (var j = start; j < start + n; j++) MarkInserted(rows[j].State, serverDefaults & ~mask, inserted);
    }

    /// <summary>
    /// No version counter: runs of at least <see cref="BatchThreshold"/> rows (in key order) with the same SET columns
    /// run their one-row UPDATEs in round trips of up to <see cref="MaxBatchStatements"/>; every execution must match
    /// one row (<see cref="StaleDataException"/> otherwise). Returns the rows left for one statement each.
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    private List<InstanceState> UpdateRoundTrips(EntityMapper mapper, DbRunner runner, List<InstanceState> rows)
    {
        var rest = new List<InstanceState>();
        var keys = mapper.KeyColumns;
        for (var at = 0; NextUpdateRun(rows, ref at, rest, out var start, out var end);)
        {
            var mask = rows[start].Modified;
            var sql = Statements.Update(mapper, runner.Dialect, mask);
            var perRow = BitOperations.PopCount(mask) + keys.Length;
            for (var c = start; c < end;)
            {
                var n = Math.Min(MaxBatchStatements, end - c);
                var values = new List<object?[]>(n);
                for (var j = c; j < c + n; j++)
                {
                    var s = rows[j];
                    var args = new object?[perRow];
                    var k = 0;
                    s.Loading = true;
                    try
                    {
                        BindColumns(mapper, s.Entity, mask, null, args, ref k);
                        foreach (var ki in keys) args[k++] = mapper.GetDbValue(s.Entity, ki);
                    }
                    finally { s.Loading = false; }
                    values.Add(args);
                }
                var counts = runner.ExecuteNonQueryBatch(sql, values);
                var matched = 0;
                var each = true;
                foreach (var m in counts)
                {
                    matched += m;
                    each &= m == 1;
                }
                Updated(mapper, rows, c, n, matched, each);
                c += n;
            }
        }
        return rest;
    }
}
