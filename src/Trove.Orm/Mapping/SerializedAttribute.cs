namespace Trove.Orm.Mapping;

/// <summary>
/// Stores the property as JSON in a binary column (SQLAlchemy's <c>PickleType</c>): serialized with
/// System.Text.Json through <paramref name="context"/>, a source-generated <c>JsonSerializerContext</c> that lists
/// the property's type (<c>[JsonSerializable(typeof(Prefs))]</c>), so no reflection is needed (trimming/AOT-safe).
/// Changes inside the object are not tracked: assigning the property (even the same object) marks it changed.
/// </summary>
/// <param name="context">The <c>JsonSerializerContext</c> type; it must have the generated static <c>Default</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = false)]
public sealed class SerializedAttribute(Type context) : Attribute
{
    /// <summary>The JsonSerializerContext type.</summary>
    public Type Context { get; } = context;
}
