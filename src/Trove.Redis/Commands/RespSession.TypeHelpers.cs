using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;
using Trove.Redis.Resp;

namespace Trove.Redis.Commands;

/// <summary>Lookups, option parsing and reply shapes shared by the hash, list, set and sorted-set families.</summary>
public sealed partial class RespSession
{
    private static ReadOnlySpan<byte> ErrOutOfRange => "ERR value is out of range"u8;

    /// <summary>
    /// Looks up argument <paramref name="keyArg"/> expecting a <typeparamref name="T"/>; writes
    /// WRONGTYPE and returns false when the key holds another type. <paramref name="value"/> is null when missing.
    /// </summary>
    private bool TryLookup<T>(int keyArg, out T? value) where T : class
    {
        if (Db.TryGet(Args[keyArg], out value) == LookupStatus.WrongType)
        {
            WriteWrongType();
            return false;
        }
        return true;
    }

    /// <summary>Looks up a key by bytes expecting a <typeparamref name="T"/>; WRONGTYPE as <see cref="TryLookup{T}(int, out T)"/>.</summary>
    private bool TryLookup<T>(ReadOnlySpan<byte> key, out T? value) where T : class
    {
        if (Db.TryGet(key, out value) == LookupStatus.WrongType)
        {
            WriteWrongType();
            return false;
        }
        return true;
    }

    /// <summary>
    /// After an in-place change of the collection at <paramref name="key"/>: deletes it when it
    /// became empty (Redis never keeps empty collections), otherwise tells WATCH; counts the changes.
    /// </summary>
    private void AfterWrite(ReadOnlySpan<byte> key, int remaining, long changes)
    {
        if (changes <= 0) return;
        if (remaining == 0) Db.Delete(key);
        else Db.SignalModified(key);
        Dirty(changes);
    }

    /// <summary>Replaces <paramref name="key"/> with <paramref name="value"/>, or deletes it when <paramref name="count"/> is 0 (the *STORE commands).</summary>
    private void StoreOrDelete(ReadOnlySpan<byte> key, RedisObject value, int count)
    {
        if (count == 0)
        {
            if (Db.Delete(key)) Dirty();
            return;
        }
        Db.Set(key, value);
        Dirty();
    }

    /// <summary>Parses a SCAN cursor as Redis's strtoul does; writes "ERR invalid cursor" when it is not one.</summary>
    private bool TryParseCursor(int arg, out long cursor)
    {
        cursor = 0;
        var s = Args[arg];
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && s[0] is (byte)'-' or (byte)'+') { negative = s[0] == '-'; i = 1; }
        if (i == s.Length) { Writer.WriteError(Errors.InvalidCursor); return false; }
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9 || v > (ulong.MaxValue - d) / 10) { Writer.WriteError(Errors.InvalidCursor); return false; }
            v = v * 10 + d;
        }
        if (negative) v = 0 - v;
        cursor = v > long.MaxValue ? 0 : (long)v; // a cursor Trove never handed out restarts the scan
        return true;
    }

    /// <summary>Parses HSCAN/SSCAN/ZSCAN's MATCH and COUNT options from <paramref name="first"/> on.</summary>
    private bool TryParseScanOptions(int first, out byte[]? pattern, out int count)
    {
        pattern = null;
        count = 10;
        for (int i = first; i < Args.Count; i++)
        {
            int left = Args.Count - i;
            if (Args.Is(i, "COUNT"u8) && left >= 2)
            {
                if (!Args.TryGetLong(i + 1, out long c)) { WriteNotInteger(); return false; }
                if (c < 1) { WriteSyntaxError(); return false; }
                count = (int)Math.Min(c, int.MaxValue);
                i++;
            }
            else if (Args.Is(i, "MATCH"u8) && left >= 2)
            {
                pattern = Args.ToArray(i + 1);
                i++;
            }
            else
            {
                WriteSyntaxError();
                return false;
            }
        }
        // "*" matches everything: skip the matcher.
        if (pattern is [(byte)'*']) pattern = null;
        return true;
    }

    private void WriteScanReply(long cursor, List<byte[]> items)
    {
        Writer.WriteArrayHeader(2);
        Writer.WriteBulkLong(cursor);
        Writer.WriteArrayHeader(items.Count);
        foreach (var item in items) Writer.WriteBulk(item);
    }

    private void WriteEmptyScan()
    {
        Writer.WriteArrayHeader(2);
        Writer.WriteBulk("0"u8);
        Writer.WriteArrayHeader(0);
    }

    /// <summary>
    /// Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX) for the random-member counts:
    /// LONG_MIN is refused with its own message.
    /// </summary>
    private bool TryGetRandomCount(int arg, out long count)
    {
        if (!Args.TryGetLong(arg, out count)) { WriteNotInteger(); return false; }
        if (count == long.MinValue)
        {
            Writer.WriteError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return false;
        }
        return true;
    }

    /// <summary>Clamps Redis-style start/end indexes (negative from the end) to [0, length); false when the range is empty.</summary>
    private static bool NormalizeRange(long start, long end, long length, out long from, out long to)
    {
        if (start < 0) start = length + start;
        if (end < 0) end = length + end;
        if (start < 0) start = 0;
        from = start;
        to = end >= length ? length - 1 : end;
        return !(start > end || start >= length);
    }

    /// <summary>Reads key arguments from <paramref name="first"/> to the end as sets (WRONGTYPE stops).</summary>
    private bool TryLookupSets(int first, int count, out RedisSet?[] sets)
    {
        sets = new RedisSet?[count];
        for (int i = 0; i < count; i++)
            if (!TryLookup(first + i, out sets[i])) return false;
        return true;
    }
}
