using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using static Trove.Sql.Drivers.Sqlite.SqliteNative;

namespace Trove.Sql.Drivers.Sqlite;

/// <summary>
/// A forward-only <see cref="DbDataReader"/> straight over a <see cref="SqliteStatement"/>: typed getters call
/// <c>sqlite3_column_*</c> on the current row and strings are decoded from SQLite's UTF-8 buffer. Conversions
/// follow Microsoft.Data.Sqlite's reader (NULL → <see cref="InvalidOperationException"/> from typed getters,
/// checked narrowing, TEXT dates and decimals parsed invariantly, REAL/INTEGER dates as Julian days), so the
/// ORM's generated materializers read the same values from either reader.
/// </summary>
/// <remarks>
/// One instance per prepared command, re-opened by each execution (nothing is allocated per execution). The
/// first row is stepped by the command (its errors are translated there); later steps translate through
/// <see cref="Translate"/>. Closing resets the statement, which ends its read transaction.
/// </remarks>
internal sealed unsafe class SqliteStatementReader : DbDataReader
{
    private readonly SqliteStatement _stmt;
    private readonly IntPtr _h;
    private readonly int _count;
    private bool _closed = true;
    private bool _pending;
    private bool _onRow;
    private bool _hasRows;
    // The current row's column values (sqlite3_column_value). Every sqlite3_column_* call takes and releases the
    // connection's mutex; the sqlite3_value_* calls on a fetched value do not. A result row is one run of
    // consecutive VDBE registers (OP_ResultRow P1..P1+N-1), so column i's value lies i registers after column
    // 0's: checked on the first row (every column's address against that layout), after which a row costs one
    // sqlite3_column_value call however many columns are read. Where the check fails, values are fetched and
    // cached per column and row. The values are SQLite's unprotected ones: valid until the next step, safe
    // because a connection is used by one thread at a time.
    private readonly IntPtr[] _values;
    private readonly int[] _valueRow;
    private nint _stride; // 0: not measured yet; -1: no fixed layout, per-column path
    private IntPtr _base;
    private int _baseRow;
    private int _row = 1;

    public SqliteStatementReader(SqliteStatement stmt)
    {
        _stmt = stmt; _h = stmt.Handle; _count = stmt.ColumnCount;
        _values = new IntPtr[_count];
        _valueRow = new int[_count];
    }

    /// <summary>Wraps errors of later steps (the owning command adds SQL and parameters).</summary>
    public Func<Exception, Exception>? Translate { get; set; }

    /// <summary>Opens the reader after the command stepped the first row (<paramref name="firstRc"/>).</summary>
    internal void Open(int firstRc)
    {
        _closed = false;
        _pending = true;
        _onRow = false;
        _row++;
        _hasRows = firstRc == RcRow;
        if (!_hasRows) _stmt.Reset();
    }

    public override bool Read()
    {
        if (_closed) throw new InvalidOperationException("Invalid attempt to call Read when the reader is closed.");
        if (_pending)
        {
            _pending = false;
            return _onRow = _hasRows;
        }
        if (!_onRow) return false;
        int rc;
        try { rc = _stmt.Step(); }
        catch (Exception e) when (Translate is not null)
        {
            _onRow = false;
            throw Translate(e);
        }
        if (rc == RcRow) { _row++; return true; }
        _onRow = false;
        _stmt.Reset();
        return false;
    }

    public override void Close()
    {
        if (_closed) return;
        _closed = true;
        _onRow = false;
        _pending = false;
        _stmt.Reset();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Close();
    }

    public override bool IsClosed => _closed;
    public override bool HasRows => _hasRows;
    public override int FieldCount => _count;
    public override int VisibleFieldCount => _count;
    public override int Depth => 0;
    public override int RecordsAffected => _stmt.Changes;
    public override bool NextResult() => false;

    public override object this[int ordinal] => GetValue(ordinal);
    public override object this[string name] => GetValue(GetOrdinal(name));

    public override string GetName(int ordinal)
    {
        if ((uint)ordinal >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, null);
        return _stmt.ColumnName(ordinal);
    }

    public override int GetOrdinal(string name)
    {
        for (var i = 0; i < _count; i++) if (string.Equals(_stmt.ColumnName(i), name, StringComparison.Ordinal)) return i;
        for (var i = 0; i < _count; i++) if (string.Equals(_stmt.ColumnName(i), name, StringComparison.OrdinalIgnoreCase)) return i;
        throw new ArgumentOutOfRangeException(nameof(name), name, null);
    }

    // ---- access to the current row

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check(int ordinal)
    {
        if (!_onRow || (uint)ordinal >= (uint)_count) ThrowBadAccess(ordinal);
    }

    private void ThrowBadAccess(int ordinal)
    {
        if ((uint)ordinal >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, null);
        throw new InvalidOperationException(_closed ? "Invalid attempt to read when the reader is closed." : "No data exists for the row/column.");
    }

    private static InvalidOperationException NullValue(int ordinal) =>
        new($"The data is NULL at ordinal {ordinal}. This method can't be called on NULL values. Check using IsDBNull before calling.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private IntPtr Value(int ordinal)
    {
        Check(ordinal);
        if (_stride > 0)
        {
            if (_baseRow != _row) { _base = sqlite3_column_value(_h, 0); _baseRow = _row; }
            return _base + ordinal * _stride;
        }
        return ValueSlow(ordinal);
    }

    private IntPtr ValueSlow(int ordinal)
    {
        if (_stride == 0)
        {
            var v0 = sqlite3_column_value(_h, 0);
            nint stride = _count == 1 ? 1 : sqlite3_column_value(_h, 1) - v0;
            for (var i = 2; i < _count && stride > 0; i++)
                if (sqlite3_column_value(_h, i) != v0 + i * stride) stride = -1;
            _stride = stride > 0 ? stride : -1;
            if (_stride > 0) { _base = v0; _baseRow = _row; return v0 + ordinal * stride; }
        }
        var values = _values;
        if (_valueRow[ordinal] != _row)
        {
            values[ordinal] = sqlite3_column_value(_h, ordinal);
            _valueRow[ordinal] = _row;
        }
        return values[ordinal];
    }

    private int SqliteType(int ordinal) => sqlite3_value_type(Value(ordinal));

    public override bool IsDBNull(int ordinal) => SqliteType(ordinal) == TypeNull;

    public override long GetInt64(int ordinal)
    {
        var value = Value(ordinal);
        long v = sqlite3_value_int64(value);
        // SQLite reads NULL as 0: only a zero needs the type check
        if (v == 0 && sqlite3_value_type(value) == TypeNull) throw NullValue(ordinal);
        return v;
    }

    public override int GetInt32(int ordinal) => checked((int)GetInt64(ordinal));
    public override short GetInt16(int ordinal) => checked((short)GetInt64(ordinal));
    public override byte GetByte(int ordinal) => checked((byte)GetInt64(ordinal));
    public override bool GetBoolean(int ordinal) => GetInt64(ordinal) != 0;

    public override double GetDouble(int ordinal)
    {
        var value = Value(ordinal);
        double v = sqlite3_value_double(value);
        if (v == 0 && sqlite3_value_type(value) == TypeNull) throw NullValue(ordinal);
        return v;
    }

    public override float GetFloat(int ordinal) => (float)GetDouble(ordinal);

    public override string GetString(int ordinal)
    {
        var value = Value(ordinal);
        byte* p = sqlite3_value_text(value);
        if (p == null)
        {
            if (sqlite3_value_type(value) == TypeNull) throw NullValue(ordinal);
            throw new OutOfMemoryException("SQLite could not convert the value to text");
        }
        int n = sqlite3_value_bytes(value);
        return n == 0 ? "" : Encoding.UTF8.GetString(p, n);
    }

    private byte[] GetBlob(int ordinal)
    {
        var value = Value(ordinal);
        // a text value read as a blob is its UTF-8 bytes, like sqlite3_column_blob returns them
        byte* p = sqlite3_value_blob(value);
        int n = sqlite3_value_bytes(value);
        return n == 0 ? [] : new ReadOnlySpan<byte>(p, n).ToArray();
    }

    public override char GetChar(int ordinal)
    {
        if (SqliteType(ordinal) == TypeText && GetString(ordinal) is { Length: 1 } s) return s[0];
        return checked((char)GetInt64(ordinal));
    }

    public override decimal GetDecimal(int ordinal) =>
        decimal.Parse(GetString(ordinal), NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);

    public override DateTime GetDateTime(int ordinal) => SqliteType(ordinal) is TypeFloat or TypeInteger
        ? FromJulianDay(GetDouble(ordinal))
        : DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    private DateTimeOffset GetDateTimeOffset(int ordinal) => SqliteType(ordinal) is TypeFloat or TypeInteger
        ? new DateTimeOffset(FromJulianDay(GetDouble(ordinal)))
        : DateTimeOffset.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    private DateOnly GetDateOnly(int ordinal) => SqliteType(ordinal) is TypeFloat or TypeInteger
        ? DateOnly.FromDateTime(FromJulianDay(GetDouble(ordinal)))
        : DateOnly.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    private TimeOnly GetTimeOnly(int ordinal) => TimeOnly.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    private TimeSpan GetTimeSpan(int ordinal) => SqliteType(ordinal) is TypeFloat or TypeInteger
        ? TimeSpan.FromDays(GetDouble(ordinal))
        : TimeSpan.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

    public override Guid GetGuid(int ordinal)
    {
        if (SqliteType(ordinal) != TypeBlob) return new Guid(GetString(ordinal));
        var bytes = GetBlob(ordinal);
        return bytes.Length == 16 ? new Guid(bytes) : new Guid(Encoding.UTF8.GetString(bytes));
    }

    // Julian day number (what SQLite's date functions use) → DateTime, to the millisecond;
    // 0001-01-01T00:00 is Julian day 1,721,425.5
    private static DateTime FromJulianDay(double jd)
    {
        var ms = Math.Floor(jd * 86_400_000.0 + 0.5) - 148_731_163_200_000.0;
        if (!(ms >= 0 && ms <= DateTime.MaxValue.Ticks / TimeSpan.TicksPerMillisecond))
            throw new ArgumentOutOfRangeException(nameof(jd), jd, "The Julian day is outside the range of DateTime");
        return new DateTime((long)ms * TimeSpan.TicksPerMillisecond);
    }

    public override object GetValue(int ordinal) => SqliteType(ordinal) switch
    {
        TypeInteger => sqlite3_value_int64(Value(ordinal)),
        TypeFloat => sqlite3_value_double(Value(ordinal)),
        TypeText => GetString(ordinal),
        TypeBlob => GetBlob(ordinal),
        _ => DBNull.Value,
    };

    public override int GetValues(object[] values)
    {
        int n = Math.Min(values.Length, _count);
        for (var i = 0; i < n; i++) values[i] = GetValue(i);
        return n;
    }

    public override T GetFieldValue<T>(int ordinal)
    {
        // value types first: the JIT keeps only the matching branch
        if (typeof(T) == typeof(long)) return (T)(object)GetInt64(ordinal);
        if (typeof(T) == typeof(int)) return (T)(object)GetInt32(ordinal);
        if (typeof(T) == typeof(bool)) return (T)(object)GetBoolean(ordinal);
        if (typeof(T) == typeof(double)) return (T)(object)GetDouble(ordinal);
        if (typeof(T) == typeof(short)) return (T)(object)GetInt16(ordinal);
        if (typeof(T) == typeof(byte)) return (T)(object)GetByte(ordinal);
        if (typeof(T) == typeof(float)) return (T)(object)GetFloat(ordinal);
        if (typeof(T) == typeof(decimal)) return (T)(object)GetDecimal(ordinal);
        if (typeof(T) == typeof(DateTime)) return (T)(object)GetDateTime(ordinal);
        if (typeof(T) == typeof(DateTimeOffset)) return (T)(object)GetDateTimeOffset(ordinal);
        if (typeof(T) == typeof(DateOnly)) return (T)(object)GetDateOnly(ordinal);
        if (typeof(T) == typeof(TimeOnly)) return (T)(object)GetTimeOnly(ordinal);
        if (typeof(T) == typeof(TimeSpan)) return (T)(object)GetTimeSpan(ordinal);
        if (typeof(T) == typeof(Guid)) return (T)(object)GetGuid(ordinal);
        if (typeof(T) == typeof(char)) return (T)(object)GetChar(ordinal);
        if (typeof(T) == typeof(sbyte)) return (T)(object)checked((sbyte)GetInt64(ordinal));
        if (typeof(T) == typeof(ushort)) return (T)(object)checked((ushort)GetInt64(ordinal));
        if (typeof(T) == typeof(uint)) return (T)(object)checked((uint)GetInt64(ordinal));
        if (typeof(T) == typeof(ulong)) return (T)(object)unchecked((ulong)GetInt64(ordinal));
        if (IsDBNull(ordinal))
        {
            // as Microsoft.Data.Sqlite: only DBNull and object can hold a NULL (nullable types included)
            if (default(T) is not null) throw new InvalidCastException($"The data is NULL at ordinal {ordinal}; {typeof(T).Name} cannot hold it.");
            if (typeof(T) == typeof(DBNull) || typeof(T) == typeof(object)) return (T)(object)DBNull.Value;
            throw NullValue(ordinal);
        }
        if (typeof(T) == typeof(string)) return (T)(object)GetString(ordinal);
        if (typeof(T) == typeof(byte[])) return (T)(object)GetBlob(ordinal);
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (type.IsEnum) type = Enum.GetUnderlyingType(type);
        object v = Type.GetTypeCode(type) switch
        {
            TypeCode.Int64 => GetInt64(ordinal),
            TypeCode.Int32 => GetInt32(ordinal),
            TypeCode.Int16 => GetInt16(ordinal),
            TypeCode.Byte => GetByte(ordinal),
            TypeCode.SByte => checked((sbyte)GetInt64(ordinal)),
            TypeCode.UInt16 => checked((ushort)GetInt64(ordinal)),
            TypeCode.UInt32 => checked((uint)GetInt64(ordinal)),
            TypeCode.UInt64 => unchecked((ulong)GetInt64(ordinal)),
            TypeCode.Boolean => GetBoolean(ordinal),
            TypeCode.Double => GetDouble(ordinal),
            TypeCode.Single => GetFloat(ordinal),
            TypeCode.Decimal => GetDecimal(ordinal),
            TypeCode.Char => GetChar(ordinal),
            TypeCode.DateTime => GetDateTime(ordinal),
            _ when type == typeof(DateTimeOffset) => GetDateTimeOffset(ordinal),
            _ when type == typeof(DateOnly) => GetDateOnly(ordinal),
            _ when type == typeof(TimeOnly) => GetTimeOnly(ordinal),
            _ when type == typeof(TimeSpan) => GetTimeSpan(ordinal),
            _ when type == typeof(Guid) => GetGuid(ordinal),
            _ => GetValue(ordinal),
        };
        return (T)v;
    }

    public override long GetBytes(int ordinal, long dataOffset, byte[]? buffer, int bufferOffset, int length)
    {
        var blob = GetBlob(ordinal);
        if (buffer is null) return blob.Length;
        var n = (int)Math.Max(0, Math.Min(length, blob.Length - dataOffset));
        if (n > 0) Array.Copy(blob, dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override long GetChars(int ordinal, long dataOffset, char[]? buffer, int bufferOffset, int length)
    {
        var s = GetString(ordinal);
        if (buffer is null) return s.Length;
        var n = (int)Math.Max(0, Math.Min(length, s.Length - dataOffset));
        if (n > 0) s.CopyTo((int)dataOffset, buffer, bufferOffset, n);
        return n;
    }

    public override string GetDataTypeName(int ordinal)
    {
        if ((uint)ordinal >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, null);
        if (_stmt.DeclaredType(ordinal) is { Length: > 0 } decl) return decl;
        return (_onRow ? sqlite3_column_type(_h, ordinal) : TypeNull) switch
        {
            TypeInteger => "INTEGER",
            TypeFloat => "REAL",
            TypeText => "TEXT",
            _ => "BLOB",
        };
    }

    [return: System.Diagnostics.CodeAnalysis.DynamicallyAccessedMembers(System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicFields | System.Diagnostics.CodeAnalysis.DynamicallyAccessedMemberTypes.PublicProperties)]
    public override Type GetFieldType(int ordinal)
    {
        if ((uint)ordinal >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, null);
        var t = _onRow ? sqlite3_column_type(_h, ordinal) : TypeNull;
        if (t == TypeNull) t = Affinity(_stmt.DeclaredType(ordinal));
        return t switch
        {
            TypeInteger => typeof(long),
            TypeFloat => typeof(double),
            TypeText => typeof(string),
            _ => typeof(byte[]),
        };
    }

    // SQLite's column affinity rules (datatype3 §3.1) on a declared type
    private static int Affinity(string? decl)
    {
        if (string.IsNullOrEmpty(decl)) return TypeBlob;
        var d = decl.ToUpperInvariant();
        if (d.Contains("INT", StringComparison.Ordinal)) return TypeInteger;
        if (d.Contains("CHAR", StringComparison.Ordinal) || d.Contains("CLOB", StringComparison.Ordinal) || d.Contains("TEXT", StringComparison.Ordinal)) return TypeText;
        if (d.Contains("BLOB", StringComparison.Ordinal)) return TypeBlob;
        if (d.Contains("REAL", StringComparison.Ordinal) || d.Contains("FLOA", StringComparison.Ordinal) || d.Contains("DOUB", StringComparison.Ordinal)) return TypeFloat;
        return TypeText;
    }

    public override IEnumerator GetEnumerator() => new DbEnumerator(this, closeReader: false);
}
