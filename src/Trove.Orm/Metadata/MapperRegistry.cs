using System.Collections.Concurrent;

namespace Trove.Orm;

/// <summary>
/// Type → mapper lookup for the query translator (member access on a joined entity type). Mappers register
/// themselves when generated code creates them; generated module initializers touch every mapper, so no type
/// scanning is needed (AOT-safe).
/// </summary>
public static class MapperRegistry
{
    private static readonly ConcurrentDictionary<Type, EntityMapper> s_byType = new();

    internal static void Register(EntityMapper mapper) => s_byType[mapper.EntityType] = mapper;

    /// <summary>The mapper of <paramref name="type"/>, or null when it is not a mapped entity.</summary>
    public static EntityMapper? Find(Type type) => s_byType.GetValueOrDefault(type);

    /// <summary>The mapper of the table named <paramref name="table"/>, or null.</summary>
    internal static EntityMapper? ByTable(string table) => s_byType.Values.FirstOrDefault(m => m.TableName == table);
}
