using System.ComponentModel;

namespace Trove.Orm.Internal;

/// <summary>Static access to the mapper of <typeparamref name="T"/> through its <see cref="IMapped{TSelf}"/> implementation.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MapperOf<T> where T : DeclarativeBase, IMapped<T>
{
    /// <summary>The mapper.</summary>
    public static EntityMapper<T> Get() => T.Mapper;
}
