using Trove.Orm.Querying;

namespace Trove.Orm;

public sealed partial class Session
{
    /// <summary>A query over entity class <typeparamref name="T"/> (immutable and reusable).</summary>
    public Query<T> Query<T>() where T : DeclarativeBase, IMapped<T>
    {
        CheckUsable();
        return new Query<T>(this, new QueryNode { Op = QueryOp.Root, Mapper = T.Mapper });
    }
}

public sealed partial class Session
{
    /// <summary>Runs a Core statement in the session's transaction (after autoflush).</summary>
    public Trove.Sql.Result Execute(Trove.Sql.Executable statement, IReadOnlyDictionary<string, object?>? parameters = null)
    {
        Autoflush();
        var runner = Begin(RunnerFor(null));
        return runner.Connection.Execute(statement, parameters);
    }

    /// <summary>Async twin of <see cref="Execute"/>.</summary>
    public Task<Trove.Sql.Result> ExecuteAsync(Trove.Sql.Executable statement, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default)
    {
        Autoflush();
        var runner = Begin(RunnerFor(null));
        return runner.Connection.ExecuteAsync(statement, parameters, ct);
    }

    /// <summary>First column of the first row of a Core statement.</summary>
    public T? Scalar<T>(Trove.Sql.Executable statement, IReadOnlyDictionary<string, object?>? parameters = null) =>
        Execute(statement, parameters).Scalar<T>();

    /// <summary>Async twin of <see cref="Scalar{T}"/>.</summary>
    public async Task<T?> ScalarAsync<T>(Trove.Sql.Executable statement, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken ct = default) =>
        (await ExecuteAsync(statement, parameters, ct).ConfigureAwait(false)).Scalar<T>();
}
