using System.Globalization;
using System.Text;

namespace Trove.Redis.Commands;

/// <summary>
/// Command names and words used when a command is written to the log as another command (a
/// served blocking pop as the plain pop it did), allocated once.
/// </summary>
internal static class Propagation
{
    public static readonly byte[] LPop = "LPOP"u8.ToArray();
    public static readonly byte[] RPop = "RPOP"u8.ToArray();
    public static readonly byte[] LMove = "LMOVE"u8.ToArray();
    public static readonly byte[] Left = "LEFT"u8.ToArray();
    public static readonly byte[] Right = "RIGHT"u8.ToArray();
    public static readonly byte[] ZPopMin = "ZPOPMIN"u8.ToArray();
    public static readonly byte[] ZPopMax = "ZPOPMAX"u8.ToArray();
    public static readonly byte[] Set = "SET"u8.ToArray();
    public static readonly byte[] PxAt = "PXAT"u8.ToArray();
    public static readonly byte[] PExpireAt = "PEXPIREAT"u8.ToArray();
    public static readonly byte[] Persist = "PERSIST"u8.ToArray();
    public static readonly byte[] SRem = "SREM"u8.ToArray();

    /// <summary>LPOP or RPOP.</summary>
    public static byte[] Pop(bool left) => left ? LPop : RPop;

    /// <summary>LEFT or RIGHT.</summary>
    public static byte[] Side(bool left) => left ? Left : Right;

    /// <summary>ZPOPMAX or ZPOPMIN.</summary>
    public static byte[] ZPop(bool max) => max ? ZPopMax : ZPopMin;

    /// <summary>A count argument.</summary>
    public static byte[] Number(long n) => Encoding.ASCII.GetBytes(n.ToString(CultureInfo.InvariantCulture));
}
