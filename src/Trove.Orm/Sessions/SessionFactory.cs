using Trove.Orm.Internal;

namespace Trove.Orm;

/// <summary>
/// Creates sessions with shared options and binds (SQLAlchemy's sessionmaker). Thread-safe once configured.
/// </summary>
public sealed partial class SessionFactory
{
    private readonly Dictionary<Type, IDbSource> _binds = new();
    private IDbSource? _default;

    /// <summary>Options given to every session.</summary>
    public SessionOptions Options { get; }

    /// <summary>A factory without a default engine (bind entity classes with <c>Bind&lt;T&gt;(engine)</c>).</summary>
    public SessionFactory(SessionOptions? options = null) => Options = options ?? new SessionOptions();

    internal SessionFactory(IDbSource source, SessionOptions? options) : this(options) => _default = source;

    internal IDbSource? BindFor(Type entityType)
    {
        if (_binds.Count == 0) return null;
        for (var t = entityType; t is not null; t = t.BaseType)
            if (_binds.TryGetValue(t, out var s)) return s;
        return null;
    }

    internal SessionFactory BindSource(Type type, IDbSource source)
    {
        if (Options.TwoPhase && !source.SupportsTwoPhase)
            throw new NotSupportedException($"Two-phase commit is not supported by the '{source.Dialect.Name}' dialect; bind a PostgreSQL engine or set TwoPhase = false");
        _binds[type] = source;
        return this;
    }

    internal void SetDefault(IDbSource source) => _default = source;

    /// <summary>A new session.</summary>
    public Session Create() => new(this, _default, Options);
}
