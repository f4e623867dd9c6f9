using Trove.Redis.Commands;

namespace Trove.Redis.Tests.Infrastructure;

/// <summary>
/// A fact that needs every data-type family (hash, list, set, sorted set) registered; reported as
/// skipped, not passed, on a branch where a family is not merged yet.
/// </summary>
public sealed class NeedsAllTypesFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a family is missing.</summary>
    public NeedsAllTypesFactAttribute()
    {
        foreach (var probe in new[] { "hset", "lpush", "sadd", "zadd", "blpop" })
            if (RespSession.Commands.Find(probe) is null) { Skip = $"'{probe}' is not registered: its family is not merged into this branch"; return; }
    }
}

/// <summary>A fact that needs an installed program; reported as skipped when it is missing.</summary>
public sealed class NeedsProgramFactAttribute : FactAttribute
{
    /// <summary>Skips unless <paramref name="path"/> exists.</summary>
    public NeedsProgramFactAttribute(string path)
    {
        if (!File.Exists(path)) Skip = path + " is not installed";
    }
}
