using System.Data.Common;
using System.Diagnostics;

namespace Trove.Sql;

public sealed partial class Connection
{
    /// <summary>Gets a (cached) command for the SQL and binds the values: parameters are never part of the text.</summary>
    private DbCommand Prepare(CompiledStatement cs, IReadOnlyDictionary<string, object?>? overrides, out bool cached)
    {
        var pooled = Pooled;
        var cmd = pooled.GetCommand(cs.Sql, out cached);
        cmd.Transaction = _dbTx;
        var values = cs.Values;
        var names = cs.Plan.Names;
        var types = cs.Plan.Types;
        var coll = cmd.Parameters;
        var dialect = cs.Dialect;
        var driver = Driver;
        if (cached && coll.Count != values.Length) { coll.Clear(); cached = false; }
        for (int i = 0; i < values.Length; i++)
        {
            object? v = values[i];
            if (overrides != null && names[i] is string name && overrides.TryGetValue(name, out var ov)) v = ov;
            if (v is RequiredValue) throw new ArgumentException($"A value is required for bind parameter '{names[i]}'");
            v = dialect.ToDriverValue(v, types[i]);
            if (cached) driver.SetParameterValue(coll[i], v);
            else coll.Add(driver.CreateParameter(cmd, dialect.Placeholder(i), v));
        }
        return cmd;
    }

    private void Release(CompiledStatement cs, DbCommand cmd, bool cached)
    {
        if (_pooled == null) { cmd.Dispose(); return; }
        _ = cached;
        _pooled.ReturnCommand(cs.Sql, cmd);
    }

    private DatabaseException? Translate(Exception e, CompiledStatement cs, DbCommand cmd)
    {
        // a failed statement was still sent: listeners see it (RowCount -1), as SQLAlchemy's before_cursor_execute
        // log shows the failing INSERT before its ROLLBACK
        Raise(cs, cmd, Stopwatch.GetTimestamp(), -1);
        if (e is TroveSqlException) return null;
        var ps = Engine.Options.HideParameters ? null : ParameterValues(cmd);
        return Engine.Driver?.Translate(e, cs.Sql, ps);
    }

    private static object?[] ParameterValues(DbCommand cmd)
    {
        var r = new object?[cmd.Parameters.Count];
        for (int i = 0; i < r.Length; i++) { var v = cmd.Parameters[i].Value; r[i] = v is DBNull ? null : v; }
        return r;
    }

    private void Raise(CompiledStatement cs, DbCommand cmd, long start, int rows)
    {
        if (!Engine.HasListeners) return;
        var elapsed = Stopwatch.GetElapsedTime(start);
        var list = new KeyValuePair<string, object?>[cmd.Parameters.Count];
        for (int i = 0; i < list.Length; i++)
        {
            var v = cmd.Parameters[i].Value;
            list[i] = new(cs.ParameterCount > i && cs.ParameterName(i) is string n ? n : cs.Dialect.Placeholder(i), v is DBNull ? null : v);
        }
        Engine.RaiseExecuted(this, cs, start, list, elapsed, rows);
    }

    private static Result Buffer(DbDataReader reader, CompiledStatement cs)
    {
        int fields = reader.FieldCount;
        if (fields == 0)
        {
            while (reader.NextResult()) { }
            return new Result(null, new List<Row>(), reader.RecordsAffected, false);
        }
        var names = new string[fields];
        for (int i = 0; i < fields; i++) names[i] = reader.GetName(i);
        var schema = new RowSchema(names);
        var types = cs.ResultTypes;
        var rows = new List<Row>();
        while (reader.Read())
        {
            var values = new object?[fields];
            try { reader.GetValues(values!); }
            catch (InvalidCastException)
            {
                // A type the driver cannot box (e.g. a PostgreSQL enum it has not mapped): read its text form.
                for (int i = 0; i < fields; i++)
                {
                    try { values[i] = reader.GetValue(i); }
                    catch (InvalidCastException) { values[i] = reader.GetFieldValue<string>(i); }
                }
            }
            for (int i = 0; i < fields; i++)
            {
                var v = values[i];
                if (v is DBNull) values[i] = null;
                else if (types != null && i < types.Count && types[i] is { } t) values[i] = t.FromDb(v);
            }
            rows.Add(new Row(schema, values));
        }
        int affected = reader.RecordsAffected;
        return new Result(schema, rows, cs.ReturnsRows && affected <= 0 ? rows.Count : affected, true);
    }
}
