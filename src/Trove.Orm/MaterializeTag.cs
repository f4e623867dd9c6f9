using System.ComponentModel;

namespace Trove.Orm;

/// <summary>
/// Selects the constructor the generator adds for materialization (it sets required members and runs field
/// initializers only, so user constructors with side effects are not called for loaded rows).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct MaterializeTag;
