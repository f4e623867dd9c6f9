using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Trove.Sql;

/// <summary>
/// One statement executed for many parameter sets in one round trip (<see cref="DbBatch"/>, which Npgsql supports
/// and Microsoft.Data.Sqlite does not): the ORM's flush uses it on PostgreSQL for the INSERT … RETURNING of rows
/// whose keys the server generates and for the UPDATEs of many rows, where SQLite has multi-row statements instead.
/// Each execution keeps its own result (a result set, a row count), in order, so no correlation of rows is needed.
/// </summary>
public sealed partial class Connection
{
    /// <summary>True when several statements can go to the server in one round trip (the driver has <see cref="DbBatch"/>).</summary>
    public bool SupportsBatch => !_mock && Pooled.Connection.CanCreateBatch;

    /// <summary>
    /// Runs <paramref name="cs"/> once per parameter set in one round trip and hands back the reader over their
    /// results: one result set per execution, in order (<see cref="DbDataReader.NextResult"/> between them). The
    /// caller disposes it before the next statement. <see cref="Engine.StatementExecuted"/> is raised once per
    /// execution with RowCount -1.
    /// </summary>
    public DbDataReader ExecuteBatchReader(CompiledStatement cs, IReadOnlyList<IReadOnlyDictionary<string, object?>?> sets)
    {
        long start = Stopwatch.GetTimestamp();
        var batch = BuildBatch(cs, sets);
        DbDataReader reader;
        try { reader = batch.ExecuteReader(); }
        catch (Exception e) when (BatchError(e, cs, sets) is { } t)
        {
            batch.Dispose();
            throw t;
        }
        catch
        {
            batch.Dispose();
            throw;
        }
        RaiseBatch(cs, sets, start, null);
        return new BatchReader(reader, batch, e => BatchError(e, cs, sets));
    }

    /// <summary>
    /// Runs <paramref name="cs"/> once per parameter set in one round trip; returns the rows each execution affected,
    /// in order (SQLAlchemy's executemany with its per-row count check).
    /// </summary>
    public int[] ExecuteBatchCounts(CompiledStatement cs, IReadOnlyList<IReadOnlyDictionary<string, object?>?> sets)
    {
        long start = Stopwatch.GetTimestamp();
        using var batch = BuildBatch(cs, sets);
        try { batch.ExecuteNonQuery(); }
        catch (Exception e) when (BatchError(e, cs, sets) is { } t) { throw t; }
        var counts = new int[sets.Count];
        for (int i = 0; i < counts.Length; i++) counts[i] = batch.BatchCommands[i].RecordsAffected;
        RaiseBatch(cs, sets, start, counts);
        return counts;
    }

    private DbBatch BuildBatch(CompiledStatement cs, IReadOnlyList<IReadOnlyDictionary<string, object?>?> sets)
    {
        if (!SupportsBatch) throw new NotSupportedException($"The {Dialect.Name} driver runs no batches; check SupportsBatch first");
        var batch = Pooled.Connection.CreateBatch();
        batch.Transaction = _dbTx;
        foreach (var set in sets)
        {
            var bc = batch.CreateBatchCommand();
            bc.CommandText = cs.Sql;
            var values = BindValues(cs, set);
            for (int i = 0; i < values.Length; i++) bc.Parameters.Add(Driver.CreateParameter(null!, cs.Dialect.Placeholder(i), values[i]));
            batch.BatchCommands.Add(bc);
        }
        // every execution has the same text: Npgsql's automatic preparation (on by default, NpgsqlDriver) prepares it on
        // the pooled connection, so the server parses and plans it once, not once per row (10,000 ORM INSERTs: 232 ms
        // unprepared, 115 ms prepared)
        return batch;
    }

    // the failing execution is not known from a batch error: the message carries the first parameter set
    private DatabaseException? BatchError(Exception e, CompiledStatement cs, IReadOnlyList<IReadOnlyDictionary<string, object?>?> sets) =>
        e is TroveSqlException ? null : Driver.Translate(e, cs.Sql, Engine.Options.HideParameters || sets.Count == 0 ? null : BindValues(cs, sets[0]));

    private void RaiseBatch(CompiledStatement cs, IReadOnlyList<IReadOnlyDictionary<string, object?>?> sets, long start, int[]? counts)
    {
        if (!Engine.HasListeners) return;
        var elapsed = Stopwatch.GetElapsedTime(start);
        for (int i = 0; i < sets.Count; i++)
        {
            var values = BindValues(cs, sets[i]);
            var list = new KeyValuePair<string, object?>[values.Length];
            for (int j = 0; j < values.Length; j++) list[j] = new(cs.ParameterName(j) ?? cs.Dialect.Placeholder(j), values[j]);
            Engine.RaiseExecuted(this, cs, start, list, elapsed / sets.Count, counts?[i] ?? -1);
        }
    }

    /// <summary>
    /// The batch's reader, which disposes the batch with itself. A later execution's error reaches the client when
    /// the reader moves to its result, so moving translates it like an error of the first execution.
    /// </summary>
    private sealed class BatchReader(DbDataReader inner, DbBatch batch, Func<Exception, DatabaseException?> translate) : DbDataReader
    {
        public override bool Read()
        {
            try { return inner.Read(); }
            catch (Exception e) when (translate(e) is { } t) { throw t; }
        }

        public override bool NextResult()
        {
            try { return inner.NextResult(); }
            catch (Exception e) when (translate(e) is { } t) { throw t; }
        }

        public override int FieldCount => inner.FieldCount;
        public override bool HasRows => inner.HasRows;
        public override bool IsClosed => inner.IsClosed;
        public override int RecordsAffected => inner.RecordsAffected;
        public override int Depth => inner.Depth;
        public override object this[int ordinal] => inner[ordinal];
        public override object this[string name] => inner[name];
        public override bool GetBoolean(int ordinal) => inner.GetBoolean(ordinal);
        public override byte GetByte(int ordinal) => inner.GetByte(ordinal);
        public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length) => inner.GetBytes(ordinal, dataOffset, buffer, bufferOffset, length);
        public override char GetChar(int ordinal) => inner.GetChar(ordinal);
        public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length) => inner.GetChars(ordinal, dataOffset, buffer, bufferOffset, length);
        public override string GetDataTypeName(int ordinal) => inner.GetDataTypeName(ordinal);
        public override DateTime GetDateTime(int ordinal) => inner.GetDateTime(ordinal);
        public override decimal GetDecimal(int ordinal) => inner.GetDecimal(ordinal);
        public override double GetDouble(int ordinal) => inner.GetDouble(ordinal);
        [return: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields | DynamicallyAccessedMemberTypes.PublicProperties)]
        public override Type GetFieldType(int ordinal) => inner.GetFieldType(ordinal);
        public override float GetFloat(int ordinal) => inner.GetFloat(ordinal);
        public override Guid GetGuid(int ordinal) => inner.GetGuid(ordinal);
        public override short GetInt16(int ordinal) => inner.GetInt16(ordinal);
        public override int GetInt32(int ordinal) => inner.GetInt32(ordinal);
        public override long GetInt64(int ordinal) => inner.GetInt64(ordinal);
        public override string GetName(int ordinal) => inner.GetName(ordinal);
        public override int GetOrdinal(string name) => inner.GetOrdinal(name);
        public override string GetString(int ordinal) => inner.GetString(ordinal);
        public override object GetValue(int ordinal) => inner.GetValue(ordinal);
        public override int GetValues(object[] values) => inner.GetValues(values);
        public override bool IsDBNull(int ordinal) => inner.IsDBNull(ordinal);
        public override T GetFieldValue<T>(int ordinal) => inner.GetFieldValue<T>(ordinal);
        public override System.Collections.IEnumerator GetEnumerator() => ((System.Collections.IEnumerable)inner).GetEnumerator();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                batch.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
