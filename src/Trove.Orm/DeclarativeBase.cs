using System.ComponentModel;

namespace Trove.Orm;

/// <summary>
/// Root of a declarative model. A user writes <c>public abstract partial class Base : DeclarativeBase;</c> and
/// derives <c>partial</c> entity classes from it; the Trove.Orm source generator completes them (property bodies,
/// mapper, materializer, <c>Table</c>/<c>Columns</c>) and adds <c>Base.Metadata</c>.
/// </summary>
/// <remarks>
/// The two fields below are the only per-instance cost of mapping: a transient or untracked instance pays a null
/// check on every property access; a tracked instance keeps its loaded/modified bits in its <see cref="InstanceState"/>.
/// They are public to generated code only (hidden from IntelliSense).
/// </remarks>
public abstract class DeclarativeBase
{
    /// <summary>Tracking state; null while the instance is transient or untracked.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected internal InstanceState? _troveState;

    /// <summary>Bit i set = column i was assigned while the instance had no state (transient).</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected internal ulong _troveAssigned;
}
