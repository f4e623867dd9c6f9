using System.Runtime.InteropServices;

namespace Trove.Sql.Drivers.Sqlite;

/// <summary>
/// The few sqlite3 entry points the direct statement path calls, bound to the same <c>e_sqlite3</c> library that
/// SQLitePCLRaw (and so Microsoft.Data.Sqlite) loads: one copy of SQLite per process, so a <c>sqlite3*</c> from a
/// <see cref="Microsoft.Data.Sqlite.SqliteConnection"/> is valid here. Handles are raw pointers; their owners keep
/// the SafeHandles alive (<see cref="SqliteStatement"/>).
/// </summary>
/// <remarks>
/// Column getters and scalar binds are marked <see cref="SuppressGCTransitionAttribute"/>: they run in a few
/// nanoseconds, never block and never call back into managed code, and the GC mode switch of an ordinary P/Invoke
/// would cost more than the call. <c>step</c>, <c>reset</c>, <c>prepare</c> and <c>finalize</c> may take locks,
/// run the VM or do I/O, so they keep the transition.
/// </remarks>
internal static unsafe partial class SqliteNative
{
    private const string Lib = "e_sqlite3";

    public const int RcOk = 0, RcBusy = 5, RcLocked = 6, RcRow = 100, RcDone = 101;
    public const int TypeInteger = 1, TypeFloat = 2, TypeText = 3, TypeBlob = 4, TypeNull = 5;
    public const uint PreparePersistent = 0x01;
    /// <summary>SQLITE_TRANSIENT: SQLite copies bound text and blobs before the bind call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    [LibraryImport(Lib)] public static partial int sqlite3_prepare_v3(IntPtr db, byte* sql, int nByte, uint flags, IntPtr* stmt, byte** tail);
    [LibraryImport(Lib)] public static partial int sqlite3_finalize(IntPtr stmt);
    [LibraryImport(Lib)] public static partial int sqlite3_step(IntPtr stmt);
    [LibraryImport(Lib)] public static partial int sqlite3_reset(IntPtr stmt);
    [LibraryImport(Lib)] public static partial int sqlite3_stmt_readonly(IntPtr stmt);
    [LibraryImport(Lib)] public static partial int sqlite3_clear_bindings(IntPtr stmt);
    [LibraryImport(Lib)] public static partial int sqlite3_bind_parameter_count(IntPtr stmt);
    [LibraryImport(Lib)] public static partial int sqlite3_bind_parameter_index(IntPtr stmt, byte* name);
    [LibraryImport(Lib)] public static partial IntPtr sqlite3_next_stmt(IntPtr db, IntPtr stmt);
    [LibraryImport(Lib)] public static partial byte* sqlite3_column_name(IntPtr stmt, int i);
    [LibraryImport(Lib)] public static partial byte* sqlite3_column_decltype(IntPtr stmt, int i);
    [LibraryImport(Lib)] public static partial int sqlite3_column_count(IntPtr stmt);

    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_changes(IntPtr db);
    [LibraryImport(Lib), SuppressGCTransition] public static partial long sqlite3_last_insert_rowid(IntPtr db);
    [LibraryImport(Lib)] public static partial int sqlite3_table_column_metadata(IntPtr db, byte* dbName, byte* table, byte* column,
        byte** dataType, byte** collSeq, int* notNull, int* primaryKey, int* autoinc);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_bind_int64(IntPtr stmt, int i, long value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_bind_double(IntPtr stmt, int i, double value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_bind_null(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_bind_zeroblob(IntPtr stmt, int i, int n);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_bind_text(IntPtr stmt, int i, byte* text, int n, IntPtr destructor);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_bind_blob(IntPtr stmt, int i, byte* data, int n, IntPtr destructor);

    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_column_type(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial long sqlite3_column_int64(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial double sqlite3_column_double(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial byte* sqlite3_column_text(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial byte* sqlite3_column_blob(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_column_bytes(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial IntPtr sqlite3_column_value(IntPtr stmt, int i);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_value_type(IntPtr value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial long sqlite3_value_int64(IntPtr value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial double sqlite3_value_double(IntPtr value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial byte* sqlite3_value_text(IntPtr value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial byte* sqlite3_value_blob(IntPtr value);
    [LibraryImport(Lib), SuppressGCTransition] public static partial int sqlite3_value_bytes(IntPtr value);

    /// <summary>A NUL-terminated UTF-8 string from SQLite (null pointer → null).</summary>
    public static string? Utf8z(byte* p) => p == null ? null : Marshal.PtrToStringUTF8((IntPtr)p);
}
