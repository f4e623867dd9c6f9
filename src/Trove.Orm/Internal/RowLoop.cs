using System.Runtime.CompilerServices;

namespace Trove.Orm.Internal;

/// <summary>
/// The JIT option for methods that run once per query or flush but loop over every row inside (load, flush,
/// expire, sort). Under tiered compilation such a method stays at tier 0 until it has been called 30 times and then
/// only reaches optimized code through on-stack replacement after about a thousand iterations of each call, so the
/// first dozens of queries or commits an application runs spend most of their row work in unoptimized code (measured
/// on the update benchmark: 2.5 ms median tiered against 1.8 ms optimized). Such methods are compiled optimized on
/// first call instead; they lose dynamic PGO, which matters little for loops whose calls are already typed.
/// </summary>
internal static class RowLoop
{
    /// <summary>Use as <c>[MethodImpl(RowLoop.Optimize)]</c>.</summary>
    public const MethodImplOptions Optimize = MethodImplOptions.AggressiveOptimization;
}
