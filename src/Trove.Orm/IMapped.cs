namespace Trove.Orm;

/// <summary>
/// Implemented by generated code on every mapped entity: gives generic code (<c>Session.Query&lt;T&gt;()</c>,
/// <c>Get&lt;T&gt;</c>) its mapper without a lookup.
/// </summary>
public interface IMapped<TSelf> where TSelf : DeclarativeBase, IMapped<TSelf>
{
    /// <summary>The generated mapper of <typeparamref name="TSelf"/>.</summary>
    static abstract EntityMapper<TSelf> Mapper { get; }
}
