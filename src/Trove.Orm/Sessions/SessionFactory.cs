using Trove.Orm.Internal;
using Trove.Sql;

namespace Trove.Orm;

/// <summary>
/// Creates sessions with shared options and binds (SQLAlchemy's sessionmaker). Thread-safe once configured.
/// </summary>
public sealed partial class SessionFactory
{
    private readonly Dictionary<Type, DbBind> _binds = new();
    private DbBind? _default;

    /// <summary>Options given to every session.</summary>
    public SessionOptions Options { get; }

    /// <summary>A factory without a default engine (bind entity classes with <c>Bind&lt;T&gt;(engine)</c>).</summary>
    public SessionFactory(SessionOptions? options = null) => Options = options ?? new SessionOptions();

    /// <summary>A factory whose sessions use <paramref name="engine"/> (SQLAlchemy's <c>sessionmaker(bind=engine)</c>).</summary>
    public SessionFactory(Engine engine, SessionOptions? options = null) : this(options)
    {
        ArgumentNullException.ThrowIfNull(engine);
        if (Options.TwoPhase && !engine.Dialect.SupportsTwoPhase)
            throw new NotSupportedException($"Two-phase commit is not supported by the '{engine.Dialect.Name}' dialect; use a PostgreSQL engine or set TwoPhase = false");
        _default = new DbBind(engine);
    }

    /// <summary>
    /// Sends statements for <typeparamref name="T"/> (and classes derived from it) to <paramref name="engine"/>.
    /// With <see cref="SessionOptions.TwoPhase"/>, an engine without two-phase support throws at once.
    /// </summary>
    public SessionFactory Bind<T>(Engine engine) where T : DeclarativeBase
    {
        ArgumentNullException.ThrowIfNull(engine);
        return BindSource(typeof(T), new DbBind(engine));
    }

    /// <summary>The only engine bound, when all binds share one (lets Core statements run without a default bind).</summary>
    internal DbBind? SingleBind => _binds.Values.Select(b => b.Engine).Distinct().Count() == 1 ? _binds.Values.First() : null;

    internal DbBind? BindFor(Type entityType)
    {
        if (_binds.Count == 0) return null;
        for (var t = entityType; t is not null; t = t.BaseType)
            if (_binds.TryGetValue(t, out var s)) return s;
        return null;
    }

    internal SessionFactory BindSource(Type type, DbBind source)
    {
        if (Options.TwoPhase && !source.SupportsTwoPhase)
            throw new NotSupportedException($"Two-phase commit is not supported by the '{source.Engine.Dialect.Name}' dialect; bind a PostgreSQL engine or set TwoPhase = false");
        _binds[type] = source;
        return this;
    }

    /// <summary>A new session.</summary>
    public Session Create() => new(this, _default, Options);
}
