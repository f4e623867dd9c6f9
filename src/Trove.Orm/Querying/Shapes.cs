using System.Linq.Expressions;
using System.Reflection;

namespace Trove.Orm.Querying;

/// <summary>
/// What a LINQ element stands for in SQL: an entity row, a scalar SQL expression, an anonymous object of shapes,
/// a group, or a client value. Lambdas are translated against shapes bound to their parameters.
/// </summary>
internal abstract class Shape(Type type)
{
    public Type Type { get; } = type;
}

internal sealed class EntityShape(FromItem from, EntityMapper mapper) : Shape(mapper.EntityType)
{
    public FromItem From { get; } = from;
    public EntityMapper Mapper { get; } = mapper;

    public ColumnNode Column(ColumnMap c) => new(From.Qualifier, c.Name);
}

internal sealed class ScalarShape(SqlNode node, Type type, EntityMapper? mapper = null, int column = -1) : Shape(type)
{
    public SqlNode Node { get; } = node;
    /// <summary>The mapped column this scalar is, when it is one (for value conversion of enums).</summary>
    public EntityMapper? Mapper { get; } = mapper;
    public int ColumnIndex { get; } = column;
}

/// <summary>A <c>new { … }</c> / <c>new T { … }</c> whose members are shapes.</summary>
internal sealed class NewShape(Expression construction, Shape[] arguments, MemberInfo?[] members) : Shape(construction.Type)
{
    /// <summary>The original NewExpression or MemberInitExpression.</summary>
    public Expression Construction { get; } = construction;
    public Shape[] Arguments { get; } = arguments;
    public MemberInfo?[] Members { get; } = members;

    public Shape? Find(MemberInfo member)
    {
        for (var i = 0; i < Members.Length; i++)
        {
            var m = Members[i];
            if (m is null) continue;
            if (m == member || m.Name == member.Name && m.DeclaringType == member.DeclaringType) return Arguments[i];
            // anonymous types expose constructor arguments through get_X methods in NewExpression.Members
            if (m is MethodInfo mi && mi.Name == "get_" + member.Name) return Arguments[i];
        }
        return null;
    }
}

internal sealed class GroupingShape(Shape key, Shape element, Type type) : Shape(type)
{
    public Shape Key { get; } = key;
    public Shape Element { get; } = element;
}

/// <summary>A value computed on the client (constant or captured variable).</summary>
internal sealed class ValueShape(object? value, Type type) : Shape(type)
{
    public object? Value { get; } = value;
}
