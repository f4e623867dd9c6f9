using System.Runtime.CompilerServices;

namespace Trove.Orm.Relationships;

/// <summary>
/// <c>SingleParent = true</c>: an instance may be the target of a relationship from one owner at a time
/// (SQLAlchemy's <c>single_parent=True</c>, whose "has parent" flags this mirrors).
/// </summary>
/// <remarks>
/// Only a direct assignment or append is checked, as in SQLAlchemy: a change arriving through the reverse side
/// (a backref) moves the flag without a check. Instances loaded from the database carry no flag, so the first
/// assignment to one of them always succeeds. Only relationships declared with SingleParent pay for this.
/// </remarks>
internal static class SingleParent
{
    /// <summary>Per target instance: the single-parent relationships through which some owner currently holds it.</summary>
    private static readonly ConditionalWeakTable<DeclarativeBase, List<RelationshipMap>> s_held = new();

    /// <summary>Throws when <paramref name="target"/> already has an owner through <paramref name="rel"/>.</summary>
    internal static void Check(RelationshipMap rel, DeclarativeBase target)
    {
        if (IsHeld(rel, target))
        {
            throw new InvalidOperationException(
                $"Instance {target} is already associated with an instance of {rel.Owner.EntityType.Name} via its {rel} attribute, " +
                "and is only allowed a single parent (the relationship is declared with SingleParent = true); remove it from its current owner first");
        }
    }

    /// <summary>Whether some owner holds <paramref name="target"/> through <paramref name="rel"/> (flag-based: see the remarks).</summary>
    internal static bool IsHeld(RelationshipMap rel, DeclarativeBase target) => s_held.TryGetValue(target, out var rels) && rels.Contains(rel);

    /// <summary>Records that <paramref name="target"/> is now (or no longer) held through <paramref name="rel"/>.</summary>
    internal static void Set(RelationshipMap rel, DeclarativeBase target, bool held)
    {
        if (held)
        {
            var rels = s_held.GetOrCreateValue(target);
            if (!rels.Contains(rel)) rels.Add(rel);
        }
        else if (s_held.TryGetValue(target, out var rels))
        {
            rels.Remove(rel);
        }
    }
}
