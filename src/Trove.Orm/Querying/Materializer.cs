using System.Data.Common;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Trove.Orm.Internal;

namespace Trove.Orm.Querying;

/// <summary>
/// Builds the row reader of a query shape. An entity element reads through the generated mapper (typed getters
/// by ordinal, identity map); projections read their leaves into a value array and build the result with a
/// lambda compiled once per query (interpreted where dynamic code is unavailable, i.e. Native AOT).
/// </summary>
internal static class Materializer
{
    public static Func<DbDataReader, Session?, T> Build<T>(Shape shape)
    {
        if (shape is EntityShape es) return new EntityRows<T>(es.Mapper).Read;
        if (shape is ScalarShape sc)
        {
            var reader = ScalarReader(sc, 0);
            return (r, _) => (T)reader(r)!;
        }
        var leaves = new List<Func<DbDataReader, Session?, object?>>();
        var values = Expression.Parameter(typeof(object[]), "v");
        var ordinal = 0;
        var body = Rebuild(shape, values, leaves, ref ordinal);
        var lambda = Expression.Lambda<Func<object?[], T>>(body, values);
        var build = lambda.Compile(preferInterpretation: !RuntimeFeature.IsDynamicCodeSupported);
        var leafArray = leaves.ToArray();
        return (r, s) =>
        {
            var v = new object?[leafArray.Length];
            for (var i = 0; i < v.Length; i++) v[i] = leafArray[i](r, s);
            return build(v);
        };
    }

    private static Expression Rebuild(Shape shape, ParameterExpression values, List<Func<DbDataReader, Session?, object?>> leaves, ref int ordinal)
    {
        switch (shape)
        {
            case EntityShape es:
            {
                var offset = ordinal;
                var mapper = es.Mapper;
                ordinal += mapper.Columns.Count;
                var nullCheck = mapper.KeyColumns[0] + offset;
                leaves.Add((r, s) => r.IsDBNull(nullCheck) ? null : mapper.LoadObject(s, r, offset));
                return Leaf(values, leaves.Count - 1, shape.Type);
            }
            case ScalarShape sc:
            {
                var read = ScalarReader(sc, ordinal++);
                leaves.Add((r, _) => read(r));
                return Leaf(values, leaves.Count - 1, shape.Type);
            }
            case ValueShape v:
                return Expression.Constant(v.Value, v.Type);
            case NewShape ns:
            {
                var args = new Expression[ns.Arguments.Length];
                for (var i = 0; i < args.Length; i++) args[i] = Rebuild(ns.Arguments[i], values, leaves, ref ordinal);
                if (ns.Construction is NewExpression ne)
                {
                    var fixedArgs = args.Select((a, i) => Fit(a, ne.Arguments[i].Type)).ToArray();
                    return Expression.New(ne.Constructor!, fixedArgs);
                }
                var mi = (MemberInitExpression)ns.Construction;
                var bindings = mi.Bindings.Select((b, i) => (MemberBinding)Expression.Bind(b.Member, Fit(args[i], ((MemberAssignment)b).Expression.Type)));
                return Expression.MemberInit(mi.NewExpression, bindings);
            }
            default:
                throw Translator.Unsupported("this projection");
        }
    }

    /// <summary>
    /// Whole-result reading: when a row reader is an entity's (its target is an <see cref="EntityRows{T}"/>),
    /// the mapper's loop reads every row; otherwise one delegate call per row.
    /// </summary>
    [MethodImpl(RowLoop.Optimize)]
    public static void ReadAll<T>(DbDataReader r, Session? s, Func<DbDataReader, Session?, T> read, List<T> list, int maxRows)
    {
        if (read.Target is EntityRows<T> rows)
        {
            rows.Mapper.LoadRows(r, s, list, maxRows);
            return;
        }
        while (list.Count < maxRows && r.Read()) list.Add(read(r, s));
    }

    private static Expression Fit(Expression e, Type t) => e.Type == t ? e : Expression.Convert(e, t);

    private static Expression Leaf(ParameterExpression values, int index, Type type) =>
        Expression.Convert(Expression.ArrayIndex(values, Expression.Constant(index)), type);

    /// <summary>Reads one scalar column as <paramref name="sc"/>'s CLR type (enum columns through their mapper).</summary>
    public static Func<DbDataReader, object?> ScalarReader(ScalarShape sc, int ordinal)
    {
        var type = sc.Type;
        if (sc.Mapper is { } m && sc.ColumnIndex >= 0)
        {
            var col = sc.ColumnIndex;
            return r => r.IsDBNull(ordinal) ? DefaultOf(type) : ConvertTo(m.ReadValue(col, r, ordinal), type);
        }
        return r => r.IsDBNull(ordinal) ? DefaultOf(type) : ConvertTo(r.GetValue(ordinal), type);
    }

    /// <summary>default(T) for the value types a column or aggregate can have (NULL read into a non-nullable slot).</summary>
    private static object? DefaultOf(Type t)
    {
        if (!t.IsValueType || Nullable.GetUnderlyingType(t) is not null) return null;
        if (t == typeof(int)) return 0;
        if (t == typeof(long)) return 0L;
        if (t == typeof(short)) return (short)0;
        if (t == typeof(double)) return 0d;
        if (t == typeof(float)) return 0f;
        if (t == typeof(decimal)) return 0m;
        if (t == typeof(bool)) return false;
        if (t == typeof(byte)) return (byte)0;
        if (t.IsEnum) return Enum.ToObject(t, 0);
        throw new InvalidCastException($"NULL cannot be read as the non-nullable type {t.Name}; make it nullable");
    }

    /// <summary>Converts a driver value to <paramref name="type"/> (numeric width, bool from integer, enums, dates).</summary>
    public static object? ConvertTo(object? value, Type type)
    {
        if (value is null || value is DBNull) return DefaultOf(type);
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t.IsInstanceOfType(value)) return value;
        if (t == typeof(object)) return value;
        if (t.IsEnum) return value is string s ? Enum.Parse(t, s) : Enum.ToObject(t, value);
        if (t == typeof(bool)) return Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0;
        if (t == typeof(DateTime) && value is string ds) return DateTime.Parse(ds, CultureInfo.InvariantCulture);
        if (t == typeof(DateOnly)) return value is DateTime d ? DateOnly.FromDateTime(d) : DateOnly.Parse((string)value, CultureInfo.InvariantCulture);
        if (t == typeof(Guid)) return value is string gs ? Guid.Parse(gs) : new Guid((byte[])value);
        if (t == typeof(decimal) && value is double dd) return (decimal)dd;
        return Convert.ChangeType(value, t, CultureInfo.InvariantCulture);
    }
}

/// <summary>The row reader of an entity query: one row by <see cref="Read"/>, all rows by the mapper's loop.</summary>
internal sealed class EntityRows<T>(EntityMapper mapper)
{
    public EntityMapper Mapper { get; } = mapper;

    public T Read(DbDataReader r, Session? s) => (T)(object)Mapper.LoadObject(s, r, 0);
}
