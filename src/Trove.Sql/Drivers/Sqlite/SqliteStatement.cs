using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Data.Sqlite;
using static Trove.Sql.Drivers.Sqlite.SqliteNative;

namespace Trove.Sql.Drivers.Sqlite;

/// <summary>
/// One compiled <c>sqlite3_stmt</c> on an open <see cref="SqliteConnection"/>, bound by index and stepped
/// directly: what <see cref="PreparedCommand"/> runs on for SQLite instead of a <see cref="SqliteCommand"/>
/// (whose per-execution costs — parameter lookup by name, a reader object, a SafeHandle AddRef/Release around
/// every native call — dominate small statements and wide reads). Values are stored exactly as
/// Microsoft.Data.Sqlite's parameters store them, so both paths read and write the same data.
/// </summary>
/// <remarks>
/// Not thread-safe: used by one connection's owner. The statement holds a reference on the connection's
/// <c>sqlite3</c> SafeHandle, so the database stays open until the statement is finalized even if the
/// connection is closed first; <see cref="Dispose"/> finalizes it (the pooled connection disposes its statements
/// before it closes, so <c>sqlite3_close</c> finds none left).
/// </remarks>
internal sealed unsafe class SqliteStatement : IDisposable
{
    private readonly StatementHandle _handle;
    private readonly IntPtr _stmt;
    private readonly IntPtr _db;
    private readonly SqliteConnection _connection;
    private string[]? _names;

    private SqliteStatement(SqliteConnection connection, StatementHandle handle, string sql)
    {
        _connection = connection; _handle = handle; _stmt = handle.DangerousGetHandle(); _db = handle.Db;
        Sql = sql;
        ParameterCount = sqlite3_bind_parameter_count(_stmt);
        ColumnCount = sqlite3_column_count(_stmt);
        ReadOnly = sqlite3_stmt_readonly(_stmt) != 0;
    }

    /// <summary>The SQL text.</summary>
    public string Sql { get; }
    /// <summary>Number of <c>?</c>/<c>@name</c> parameters.</summary>
    public int ParameterCount { get; }
    /// <summary>Number of result columns.</summary>
    public int ColumnCount { get; }
    /// <summary>True when the statement does not write (its changes count is not reported).</summary>
    public bool ReadOnly { get; }
    internal IntPtr Handle => _stmt;
    internal IntPtr Db => _db;

    /// <summary>
    /// Compiles <paramref name="sql"/> on <paramref name="connection"/>; null when it is not exactly one statement
    /// or does not compile (the caller then runs it through Microsoft.Data.Sqlite, which reports the error).
    /// </summary>
    public static SqliteStatement? TryPrepare(SqliteConnection connection, string sql)
    {
        var db = connection.Handle;
        if (db is null || db.IsInvalid) return null;
        var added = false;
        db.DangerousAddRef(ref added);
        IntPtr stmt = IntPtr.Zero;
        try
        {
            int max = Encoding.UTF8.GetMaxByteCount(sql.Length) + 1;
            byte[] buf = ArrayPool<byte>.Shared.Rent(max);
            try
            {
                int n = Encoding.UTF8.GetBytes(sql, buf);
                buf[n] = 0;
                fixed (byte* p = buf)
                {
                    byte* tail;
                    int rc = sqlite3_prepare_v3(db.DangerousGetHandle(), p, n + 1, PreparePersistent, &stmt, &tail);
                    if (rc != RcOk || stmt == IntPtr.Zero) { Finalize(stmt); return null; }
                    for (byte* t = tail; t < p + n; t++)
                        if (*t is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)';')) { Finalize(stmt); return null; }
                }
            }
            finally { ArrayPool<byte>.Shared.Return(buf); }
            var handle = new StatementHandle(db, stmt);
            added = false; // the handle releases the reference
            return new SqliteStatement(connection, handle, sql);
        }
        finally { if (added) db.DangerousRelease(); }

        static void Finalize(IntPtr s) { if (s != IntPtr.Zero) sqlite3_finalize(s); }
    }

    // ---- binding

    /// <summary>
    /// SQLite's 1-based parameter positions of the placeholders <paramref name="names"/> (0 where the SQL does not
    /// use one: its value is not bound, as Microsoft.Data.Sqlite ignores unused parameters). Computed once.
    /// </summary>
    public int[] Positions(int count, Func<int, string> names)
    {
        if (_positions is { } known && known.Length == count) return known;
        var r = new int[count];
        for (var k = 0; k < count; k++)
        {
            var name = Encoding.UTF8.GetBytes(names(k) + "\0");
            fixed (byte* p = name) r[k] = sqlite3_bind_parameter_index(_stmt, p);
        }
        return _positions = r;
    }

    private int[]? _positions;

    /// <summary>
    /// Binds a driver value the way Microsoft.Data.Sqlite's parameter with an inferred type would: integers and
    /// booleans as INTEGER, floating point as REAL (NaN refused), strings, chars, decimals, dates, times, spans and
    /// GUIDs as TEXT in its formats, byte arrays as BLOB, null/DBNull as NULL. <paramref name="i"/> is SQLite's
    /// 1-based position (0: not used by the SQL, nothing is bound).
    /// </summary>
    public void Bind(int i, object? value)
    {
        if (i == 0) return;
        int rc;
        switch (value)
        {
            case null or DBNull: rc = sqlite3_bind_null(_stmt, i); break;
            case long l: rc = sqlite3_bind_int64(_stmt, i, l); break;
            case int n: rc = sqlite3_bind_int64(_stmt, i, n); break;
            case string s: rc = BindText(i, s); break;
            case double d: rc = BindDouble(i, d); break;
            case bool b: rc = sqlite3_bind_int64(_stmt, i, b ? 1 : 0); break;
            case byte[] bytes: rc = BindBlob(i, bytes); break;
            default: rc = BindOther(i, value); break;
        }
        if (rc != RcOk) throw Error(rc);
    }

    private int BindOther(int i, object value)
    {
        var type = value.GetType();
        if (type.IsEnum) value = Convert.ChangeType(value, Enum.GetUnderlyingType(type), CultureInfo.InvariantCulture);
        return value switch
        {
            short v => sqlite3_bind_int64(_stmt, i, v),
            byte v => sqlite3_bind_int64(_stmt, i, v),
            sbyte v => sqlite3_bind_int64(_stmt, i, v),
            ushort v => sqlite3_bind_int64(_stmt, i, v),
            uint v => sqlite3_bind_int64(_stmt, i, v),
            ulong v => sqlite3_bind_int64(_stmt, i, unchecked((long)v)),
            long v => sqlite3_bind_int64(_stmt, i, v),
            int v => sqlite3_bind_int64(_stmt, i, v),
            float v => BindDouble(i, v),
            char c => BindText(i, new string(c, 1)),
            decimal m => BindText(i, m.ToString("0.0###########################", CultureInfo.InvariantCulture)),
            DateTime dt => BindText(i, dt.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture)),
            DateTimeOffset dto => BindText(i, dto.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz", CultureInfo.InvariantCulture)),
            DateOnly d => BindText(i, d.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture)),
            TimeOnly t => BindText(i, t.Ticks % TimeSpan.TicksPerSecond == 0
                ? t.ToString(@"HH\:mm\:ss", CultureInfo.InvariantCulture)
                : t.ToString(@"HH\:mm\:ss\.fffffff", CultureInfo.InvariantCulture)),
            TimeSpan ts => BindText(i, ts.ToString("c", CultureInfo.InvariantCulture)),
            Guid g => BindText(i, g.ToString().ToUpperInvariant()),
            _ => throw new InvalidOperationException($"No mapping exists from object type {type.FullName} to a known managed provider native type."),
        };
    }

    private int BindDouble(int i, double d) =>
        double.IsNaN(d) ? throw new InvalidOperationException("Cannot store 'NaN' values.") : sqlite3_bind_double(_stmt, i, d);

    private int BindText(int i, string s)
    {
        if (s.Length == 0)
        {
            byte empty = 0;
            return sqlite3_bind_text(_stmt, i, &empty, 0, Transient);
        }
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max <= 512)
        {
            byte* buf = stackalloc byte[max];
            int n = Encoding.UTF8.GetBytes(s, new Span<byte>(buf, max));
            return sqlite3_bind_text(_stmt, i, buf, n, Transient);
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int n = Encoding.UTF8.GetBytes(s, rented);
            fixed (byte* p = rented) return sqlite3_bind_text(_stmt, i, p, n, Transient);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    private int BindBlob(int i, byte[] bytes)
    {
        // a null pointer would bind NULL: an empty array is a zero-length blob
        if (bytes.Length == 0) return sqlite3_bind_zeroblob(_stmt, i, 0);
        fixed (byte* p = bytes) return sqlite3_bind_blob(_stmt, i, p, bytes.Length, Transient);
    }

    // ---- execution

    /// <summary>
    /// Steps once from the start; on SQLITE_BUSY/LOCKED resets and retries for up to the connection's default
    /// timeout (Microsoft.Data.Sqlite's behaviour). Returns ROW or DONE; throws <see cref="SqliteException"/>.
    /// </summary>
    public int StepFirst()
    {
        int rc = sqlite3_step(_stmt);
        if (rc is RcRow or RcDone) return rc;
        if (rc is RcBusy or RcLocked)
        {
            var timeout = _connection.DefaultTimeout * 1000L;
            var started = Stopwatch.GetTimestamp();
            while (rc is RcBusy or RcLocked)
            {
                if (timeout > 0 && Stopwatch.GetElapsedTime(started).TotalMilliseconds >= timeout) break;
                sqlite3_reset(_stmt);
                Thread.Sleep(150);
                rc = sqlite3_step(_stmt);
            }
            if (rc is RcRow or RcDone) return rc;
        }
        throw Failed(rc);
    }

    /// <summary>Steps to the next row: ROW or DONE; throws <see cref="SqliteException"/> (after a reset).</summary>
    public int Step()
    {
        int rc = sqlite3_step(_stmt);
        if (rc is RcRow or RcDone) return rc;
        throw Failed(rc);
    }

    // the message is read before the reset so that it is the failing step's
    private Exception Failed(int rc)
    {
        var e = Error(rc);
        sqlite3_reset(_stmt);
        return e;
    }

    /// <summary>Drops the bound values (SQLite keeps copies of bound text and blobs until rebound or cleared).</summary>
    public void ClearBindings() => sqlite3_clear_bindings(_stmt);

    /// <summary>Ends the current execution (releases its read/write locks); bindings are kept.</summary>
    public void Reset() => sqlite3_reset(_stmt);

    /// <summary>Rows changed by the last completed execution; -1 for a read-only statement.</summary>
    public int Changes => ReadOnly ? -1 : sqlite3_changes(_db);

    /// <summary>The rowid of the connection's most recent successful INSERT.</summary>
    public long LastInsertRowId => sqlite3_last_insert_rowid(_db);

    /// <summary>
    /// True when <paramref name="table"/>.<paramref name="column"/> is an alias of the table's rowid: declared
    /// exactly <c>INTEGER</c>, part of the primary key, and the table has a rowid (not WITHOUT ROWID). The caller
    /// knows the primary key has this one column.
    /// </summary>
    public bool IsRowIdAlias(string table, string column)
    {
        var t = Encoding.UTF8.GetBytes(table + "\0");
        var c = Encoding.UTF8.GetBytes(column + "\0");
        var rowid = "rowid\0"u8;
        fixed (byte* pt = t, pc = c, pr = rowid)
        {
            byte* type, coll;
            int notNull, pk, autoinc;
            if (sqlite3_table_column_metadata(_db, null, pt, pc, &type, &coll, &notNull, &pk, &autoinc) != RcOk || pk == 0) return false;
            if (!string.Equals(Utf8z(type), "INTEGER", StringComparison.OrdinalIgnoreCase)) return false;
            return sqlite3_table_column_metadata(_db, null, pt, pr, &type, &coll, &notNull, &pk, &autoinc) == RcOk;
        }
    }

    /// <summary>The column's name (cached).</summary>
    public string ColumnName(int ordinal)
    {
        _names ??= new string[ColumnCount];
        return _names[ordinal] ??= Utf8z(sqlite3_column_name(_stmt, ordinal)) ?? "";
    }

    /// <summary>The column's declared type, or null for an expression.</summary>
    public string? DeclaredType(int ordinal) => Utf8z(sqlite3_column_decltype(_stmt, ordinal));

    /// <summary>The error of <paramref name="rc"/> as Microsoft.Data.Sqlite reports it (message, extended code).</summary>
    public Exception Error(int rc)
    {
        try { SqliteException.ThrowExceptionForRC(rc, _connection.Handle); }
        catch (SqliteException e) { return e; }
        return new SqliteException($"SQLite Error {rc}.", rc, rc);
    }

    /// <summary>Finalizes the statement.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>Owns the <c>sqlite3_stmt</c> and one reference on the database handle (released after finalize).</summary>
    private sealed class StatementHandle : SafeHandle
    {
        private readonly SafeHandle _db;

        public StatementHandle(SafeHandle db, IntPtr stmt) : base(IntPtr.Zero, ownsHandle: true)
        {
            _db = db; Db = db.DangerousGetHandle(); SetHandle(stmt);
        }

        public IntPtr Db { get; }
        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            sqlite3_finalize(handle);
            _db.DangerousRelease();
            return true;
        }
    }
}
