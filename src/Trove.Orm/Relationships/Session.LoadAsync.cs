using System.Linq.Expressions;
using Trove.Orm.Querying;

namespace Trove.Orm;

public sealed partial class Session
{
    /// <summary>
    /// Loads a relationship of <paramref name="entity"/> now (orm.md D7: property access cannot await, so async code
    /// loads what it will touch first); an already loaded relationship is left as it is.
    /// </summary>
    public Task LoadAsync<T, TProperty>(T entity, Expression<Func<T, TProperty>> navigation, CancellationToken ct = default) where T : DeclarativeBase
    {
        ArgumentNullException.ThrowIfNull(entity);
        ct.ThrowIfCancellationRequested();
        var name = Translator.StripConvert(navigation.Body) is MemberExpression { Expression: ParameterExpression } me
            ? me.Member.Name
            : throw new ArgumentException($"LoadAsync expects a relationship property of the lambda's parameter, not '{navigation.Body}'", nameof(navigation));
        var mapper = MapperOf(entity);
        var rel = Array.Find(mapper.Relationships, r => r.Name == name)
            ?? throw new ArgumentException($"'{mapper.EntityType.Name}.{name}' is not a relationship", nameof(navigation));
        var s = entity._troveState;
        if (s is not null && (s.RelLoaded & rel.Bit) == 0) s.LoadRelationship(rel.Index);
        return Task.CompletedTask;
    }
}
