using Trove.Sql;

namespace Trove.Orm.Linq;

/// <summary>
/// <c>Db.Function&lt;T&gt;(name, args)</c> inside query lambdas, where the arguments are CLR values and mapped
/// members (Core's overload takes SQL expressions). Translated to <c>name(args)</c>; never called at run time.
/// </summary>
public static class DbFunctions
{
    extension(Db)
    {
        /// <summary>Any SQL function by name, for use inside LINQ lambdas (<c>Db.Function&lt;string&gt;("md5", u.Username)</c>).</summary>
        public static T Function<T>(string name, params object?[] args) =>
            throw new InvalidOperationException($"Db.Function(\"{name}\", …) only has meaning inside a query lambda, where it becomes SQL; it cannot run in memory");
    }
}
