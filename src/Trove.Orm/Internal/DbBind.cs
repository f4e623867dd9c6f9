using System.Collections.Concurrent;
using Trove.Sql;

namespace Trove.Orm.Internal;

/// <summary>
/// Where a session's statements for some entity classes go: an <see cref="Engine"/>, or an outer
/// <see cref="Connection"/> the session joins (and never closes or commits).
/// </summary>
internal sealed class DbBind
{
    // ORM statements are text with :pN markers compiled once per (dialect, text) into Core statements, so they
    // run through Core's command cache, value conversion, error translation and StatementExecuted event.
    private static readonly ConcurrentDictionary<(Trove.Sql.Dialects.Dialect, string), CompiledStatement> s_compiled = new();

    public DbBind(Engine engine)
    {
        Engine = engine;
        Dialect = OrmDialect.For(engine.Dialect.Name);
    }

    public DbBind(Connection connection) : this(connection.Engine) => External = connection;

    public Engine Engine { get; }
    public Connection? External { get; }
    public OrmDialect Dialect { get; }
    public object Key => (object?)External ?? Engine;
    public bool SupportsTwoPhase => Engine.Dialect.SupportsTwoPhase;

#pragma warning disable TRV0401 // the ORM's own statement text: values are always :pN parameters
    public CompiledStatement Compile(string sql) =>
        s_compiled.GetOrAdd((Engine.Dialect, sql), static k => Db.Text(k.Item2).Compile(k.Item1));
#pragma warning restore TRV0401
}
