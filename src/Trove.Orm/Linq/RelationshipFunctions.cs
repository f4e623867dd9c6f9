namespace Trove.Orm.Linq;

/// <summary>Relationship predicates usable inside query lambdas.</summary>
public static class RelationshipFunctions
{
    /// <summary>
    /// The reference is set and matches <paramref name="predicate"/> (SQL: <c>EXISTS</c> over the referenced table;
    /// in memory: a plain test).
    /// </summary>
    public static bool Has<T>(this T? reference, Func<T, bool>? predicate = null) where T : DeclarativeBase =>
        reference is not null && (predicate is null || predicate(reference));
}
