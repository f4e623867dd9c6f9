using System.Text.Json.Serialization.Metadata;

namespace Trove.Sql.Types;

/// <summary>The generic SQL types of SQLAlchemy's <c>sqlalchemy.types</c>; each dialect renders them in DDL.</summary>
public enum TypeKind
{
    /// <summary>INTEGER (<c>int</c>).</summary>
    Integer,
    /// <summary>BIGINT (<c>long</c>).</summary>
    BigInteger,
    /// <summary>SMALLINT (<c>short</c>).</summary>
    SmallInteger,
    /// <summary>BOOLEAN (<c>bool</c>).</summary>
    Boolean,
    /// <summary>FLOAT (<c>double</c>).</summary>
    Float,
    /// <summary>REAL (<c>float</c>).</summary>
    Real,
    /// <summary>NUMERIC(p, s) (<c>decimal</c>).</summary>
    Numeric,
    /// <summary>VARCHAR(n) (<c>string</c>).</summary>
    String,
    /// <summary>CHAR(n).</summary>
    Char,
    /// <summary>VARCHAR that always holds Unicode.</summary>
    Unicode,
    /// <summary>TEXT.</summary>
    Text,
    /// <summary>TEXT that always holds Unicode.</summary>
    UnicodeText,
    /// <summary>DATE (<c>DateOnly</c>).</summary>
    Date,
    /// <summary>DATETIME / TIMESTAMP (<c>DateTime</c>, or <c>DateTimeOffset</c> with a time zone).</summary>
    DateTime,
    /// <summary>TIME (<c>TimeOnly</c>).</summary>
    Time,
    /// <summary>INTERVAL on PostgreSQL, BIGINT microseconds elsewhere (<c>TimeSpan</c>).</summary>
    Interval,
    /// <summary>A C# enum stored by member name.</summary>
    Enum,
    /// <summary>BLOB / BYTEA (<c>byte[]</c>).</summary>
    LargeBinary,
    /// <summary>A value serialized as JSON with System.Text.Json, stored as BLOB / BYTEA.</summary>
    Json,
    /// <summary>UUID on PostgreSQL, CHAR(36) elsewhere (<c>Guid</c>).</summary>
    Uuid,
}

/// <summary>
/// A column's SQL type: its kind plus length, precision, collation and the conversions between
/// the C# value and what the driver stores (enum names, interval microseconds, JSON bytes).
/// Immutable; create with <see cref="SqlTypes"/>.
/// </summary>
public class SqlType
{
    /// <summary>Creates a type of the given kind.</summary>
    public SqlType(TypeKind kind) { Kind = kind; }

    /// <summary>The generic kind.</summary>
    public TypeKind Kind { get; }
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> s_bySignature = new(StringComparer.Ordinal);
    private long _keyId;

    /// <summary>
    /// The type's part of structural cache keys: equal for equal settings (so <c>SqlTypes.String(10)</c> written
    /// twice, or a CAST type built per call, still hits the cache), unique per instance for types whose conversions
    /// are not described by their settings (subclasses other than enums).
    /// </summary>
    internal long KeyId
    {
        get
        {
            long id = Volatile.Read(ref _keyId);
            if (id != 0) return id;
            var sig = Signature();
            id = sig is null ? KeyIds.Next() : s_bySignature.GetOrAdd(sig, static _ => KeyIds.Next());
            long prev = Interlocked.CompareExchange(ref _keyId, id, 0);
            return prev != 0 ? prev : id;
        }
    }

    /// <summary>A description of every setting that affects SQL text or value conversion; null: key by identity.</summary>
    private protected virtual string? Signature() => GetType() == typeof(SqlType) ? BaseSignature() : null;

    private protected string BaseSignature() => string.Join('\u0001', Kind, Length, Precision, Scale, Collation, Timezone, CreateConstraint,
        NativeEnum, EnumName, string.Join('\u0002', EnumLabels));
    /// <summary>Length for strings and binaries (null: unbounded).</summary>
    public int? Length { get; init; }
    /// <summary>Numeric precision.</summary>
    public int? Precision { get; init; }
    /// <summary>Numeric scale (values read back are rounded to it).</summary>
    public int? Scale { get; init; }
    /// <summary>String collation rendered as COLLATE.</summary>
    public string? Collation { get; init; }
    /// <summary>DateTime with time zone (TIMESTAMP WITH TIME ZONE on PostgreSQL).</summary>
    public bool Timezone { get; init; }
    /// <summary>Boolean/Enum: render a CHECK constraint on dialects without a native type.</summary>
    public bool CreateConstraint { get; init; } = true;
    /// <summary>Enum: use the database's native enum type (PostgreSQL CREATE TYPE) when it has one; off by default (VARCHAR + CHECK).</summary>
    public bool NativeEnum { get; init; }
    /// <summary>Enum: the database type name (PostgreSQL) and CHECK constraint name.</summary>
    public string? EnumName { get; init; }
    /// <summary>Enum: the stored names, in declaration order.</summary>
    public IReadOnlyList<string> EnumLabels { get; init; } = [];

    /// <summary>Converts a C# value to what the driver binds (enum → name, TimeSpan → µs where not native …).</summary>
    public virtual object? ToDb(object? value, bool nativeInterval) => value switch
    {
        null => null,
        TimeSpan ts when !nativeInterval => ts.Ticks / 10,
        bool b when !nativeInterval => b ? 1L : 0L,
        _ => value,
    };

    /// <summary>Converts a value read from the driver back to the column's C# value.</summary>
    public virtual object? FromDb(object? raw)
    {
        if (raw is null || raw is DBNull) return null;
        switch (Kind)
        {
            case TypeKind.Interval when raw is long us: return TimeSpan.FromTicks(us * 10);
            case TypeKind.Boolean when raw is long l: return l != 0;
            case TypeKind.Numeric when Scale is int s:
                return Math.Round(raw switch { decimal d => d, double db => (decimal)db, string str => decimal.Parse(str, System.Globalization.CultureInfo.InvariantCulture), _ => Convert.ToDecimal(raw, System.Globalization.CultureInfo.InvariantCulture) }, s, MidpointRounding.AwayFromZero);
            default: return raw;
        }
    }
}

/// <summary>A C# enum stored by name (<see cref="TypeKind.Enum"/>); names are overridable per member.</summary>
public sealed class EnumSqlType : SqlType
{
    private readonly Dictionary<string, string> _toName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, object> _fromName = new(StringComparer.Ordinal);

    /// <summary>Creates the type for <paramref name="enumType"/>; <paramref name="names"/> maps member names to stored names.</summary>
    public EnumSqlType(Type enumType, IReadOnlyDictionary<string, string>? names = null, string? name = null) : base(TypeKind.Enum)
    {
        EnumType = Nullable.GetUnderlyingType(enumType) ?? enumType;
        var labels = new List<string>();
        foreach (var member in System.Enum.GetNames(EnumType))
        {
            var n = names != null && names.TryGetValue(member, out var o) ? o : member;
            _toName[member] = n; _fromName[n] = System.Enum.Parse(EnumType, member); labels.Add(n);
        }
        EnumLabels = labels;
        EnumName = name ?? EnumType.Name.ToLowerInvariant();
        Length = labels.Count == 0 ? 1 : labels.Max(l => l.Length);
    }

    /// <summary>The C# enum type.</summary>
    public Type EnumType { get; }

    // Member i of the enum is stored as label i, so the labels and the enum type describe the conversion.
    private protected override string? Signature() => BaseSignature() + "\u0001" + EnumType.AssemblyQualifiedName;

    /// <inheritdoc/>
    public override object? ToDb(object? value, bool nativeInterval) => value switch
    {
        null => null,
        System.Enum e => _toName.TryGetValue(e.ToString(), out var n) ? n : e.ToString(),
        _ => value,
    };

    /// <inheritdoc/>
    public override object? FromDb(object? raw)
    {
        if (raw is null || raw is DBNull) return null;
        if (raw is string s)
            return _fromName.TryGetValue(s, out var e) ? e
                : throw new InvalidCastException($"'{s}' is not among the defined enum values. Enum name: {EnumName}. Possible values: {string.Join(", ", EnumLabels)}");
        return raw;
    }
}

/// <summary>A value serialized as JSON (UTF-8 bytes) with a source-generated <see cref="JsonTypeInfo{T}"/>.</summary>
public sealed class JsonSqlType<T> : SqlType
{
    private readonly JsonTypeInfo<T> _info;
    internal JsonSqlType(JsonTypeInfo<T> info) : base(TypeKind.Json) { _info = info; }

    /// <inheritdoc/>
    public override object? ToDb(object? value, bool nativeInterval) =>
        value is null ? null : value is byte[] b ? b : System.Text.Json.JsonSerializer.SerializeToUtf8Bytes((T)value, _info);

    /// <inheritdoc/>
    public override object? FromDb(object? raw) => raw switch
    {
        null or DBNull => null,
        byte[] b => System.Text.Json.JsonSerializer.Deserialize(b, _info),
        string s => System.Text.Json.JsonSerializer.Deserialize(s, _info),
        _ => raw,
    };
}

/// <summary>Factories for the generic types (SQLAlchemy's <c>Integer</c>, <c>String(32)</c>, <c>Numeric(10, 2)</c> …).</summary>
public static class SqlTypes
{
    /// <summary>INTEGER.</summary>
    public static SqlType Integer { get; } = new(TypeKind.Integer);
    /// <summary>BIGINT.</summary>
    public static SqlType BigInteger { get; } = new(TypeKind.BigInteger);
    /// <summary>SMALLINT.</summary>
    public static SqlType SmallInteger { get; } = new(TypeKind.SmallInteger);
    /// <summary>FLOAT (double).</summary>
    public static SqlType Float { get; } = new(TypeKind.Float);
    /// <summary>REAL (single).</summary>
    public static SqlType Real { get; } = new(TypeKind.Real);
    /// <summary>DATE.</summary>
    public static SqlType Date { get; } = new(TypeKind.Date);
    /// <summary>TIME.</summary>
    public static SqlType Time { get; } = new(TypeKind.Time);
    /// <summary>INTERVAL.</summary>
    public static SqlType Interval { get; } = new(TypeKind.Interval);
    /// <summary>TEXT.</summary>
    public static SqlType Text { get; } = new(TypeKind.Text);
    /// <summary>UNICODE TEXT.</summary>
    public static SqlType UnicodeText { get; } = new(TypeKind.UnicodeText);
    /// <summary>UUID.</summary>
    public static SqlType Uuid { get; } = new(TypeKind.Uuid);

    /// <summary>BOOLEAN; <paramref name="createConstraint"/> adds CHECK (x IN (0, 1)) where there is no native type.</summary>
    public static SqlType Boolean(bool createConstraint = true) => new(TypeKind.Boolean) { CreateConstraint = createConstraint };
    /// <summary>NUMERIC(precision, scale).</summary>
    public static SqlType Numeric(int? precision = null, int? scale = null) => new(TypeKind.Numeric) { Precision = precision, Scale = scale };
    /// <summary>VARCHAR(length) with an optional collation.</summary>
    public static SqlType String(int? length = null, string? collation = null) => new(TypeKind.String) { Length = length, Collation = collation };
    /// <summary>CHAR(length).</summary>
    public static SqlType Char(int length) => new(TypeKind.Char) { Length = length };
    /// <summary>Unicode VARCHAR(length).</summary>
    public static SqlType Unicode(int? length = null, string? collation = null) => new(TypeKind.Unicode) { Length = length, Collation = collation };
    /// <summary>DATETIME / TIMESTAMP [WITH TIME ZONE].</summary>
    public static SqlType DateTime(bool timezone = false) => new(TypeKind.DateTime) { Timezone = timezone };
    /// <summary>BLOB / BYTEA with an optional length.</summary>
    public static SqlType LargeBinary(int? length = null) => new(TypeKind.LargeBinary) { Length = length };
    /// <summary>A C# enum stored by name; <paramref name="names"/> overrides stored names per member.</summary>
    public static EnumSqlType Enum<TEnum>(IReadOnlyDictionary<TEnum, string>? names = null, string? name = null, bool nativeEnum = false, bool createConstraint = true)
        where TEnum : struct, System.Enum
        => new(typeof(TEnum), names?.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value), name) { NativeEnum = nativeEnum, CreateConstraint = createConstraint };
    /// <summary>A JSON-serialized value stored as bytes.</summary>
    public static JsonSqlType<T> Json<T>(JsonTypeInfo<T> typeInfo) => new(typeInfo);

    /// <summary>The default SQL type for a CLR type (used when a column gives none).</summary>
    public static SqlType For(Type clr)
    {
        clr = Nullable.GetUnderlyingType(clr) ?? clr;
        if (clr == typeof(int)) return Integer;
        if (clr == typeof(long)) return BigInteger;
        if (clr == typeof(short) || clr == typeof(byte)) return SmallInteger;
        if (clr == typeof(bool)) return Boolean();
        if (clr == typeof(double)) return Float;
        if (clr == typeof(float)) return Real;
        if (clr == typeof(decimal)) return Numeric();
        if (clr == typeof(string)) return String();
        if (clr == typeof(DateOnly)) return Date;
        if (clr == typeof(System.DateTime)) return DateTime();
        if (clr == typeof(DateTimeOffset)) return DateTime(timezone: true);
        if (clr == typeof(TimeOnly)) return Time;
        if (clr == typeof(TimeSpan)) return Interval;
        if (clr == typeof(byte[])) return LargeBinary();
        if (clr == typeof(Guid)) return Uuid;
        if (clr == typeof(object)) return new SqlType(TypeKind.String);
        if (clr.IsEnum) return new EnumSqlType(clr);
        return new SqlType(TypeKind.String);
    }
}
