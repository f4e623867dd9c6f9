using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Text;

namespace Trove.Amqp.Framing;

/// <summary>
/// Table-driven codec for every method of <see cref="Spec091"/>: decodes a method frame payload
/// into a reusable <see cref="MethodArgs"/> and encodes a method from positional values. Field
/// positions are the table's (so basic.publish's routing-key is field 2).
/// </summary>
public static class MethodCodec
{
    private static readonly FrozenDictionary<uint, MethodSpec> s_specs = Parse();

    /// <summary>The spec of a method id, or null when the class/method pair is unknown.</summary>
    public static MethodSpec? Find(ushort classId, ushort methodId)
        => s_specs.TryGetValue((uint)classId << 16 | methodId, out var s) ? s : null;

    /// <summary>The spec of a known method.</summary>
    public static MethodSpec Get(AmqpMethod m) => s_specs[(uint)m];

    /// <summary>All methods of the table.</summary>
    public static IEnumerable<MethodSpec> All => s_specs.Values;

    /// <summary>Parses a field list ("shortstr exchange, bit mandatory") into kinds and names.</summary>
    internal static (FieldKind[] Kinds, string[] Names) ParseFields(string list)
    {
        var kinds = new List<FieldKind>();
        var names = new List<string>();
        foreach (var f in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = f.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            kinds.Add(parts[0] switch
            {
                "octet" => FieldKind.Octet, "short" => FieldKind.Short, "long" => FieldKind.Long,
                "longlong" => FieldKind.LongLong, "shortstr" => FieldKind.ShortStr, "longstr" => FieldKind.LongStr,
                "bit" => FieldKind.Bit, "table" => FieldKind.Table, "timestamp" => FieldKind.Timestamp,
                _ => throw new InvalidOperationException("unknown field type " + parts[0]),
            });
            names.Add(parts[1]);
        }
        return (kinds.ToArray(), names.ToArray());
    }

    private static FrozenDictionary<uint, MethodSpec> Parse()
    {
        var d = new Dictionary<uint, MethodSpec>();
        foreach (var raw in Spec091.Table.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var bar = line.IndexOf('|');
            var head = line[..bar].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            uint id = uint.Parse(head[0]) << 16 | uint.Parse(head[1]);
            var (kinds, names) = ParseFields(line[(bar + 1)..]);
            d[id] = new MethodSpec((AmqpMethod)id, head[2], kinds, names, head.Length > 3 && head[3] == "content");
        }
        foreach (var m in Enum.GetValues<AmqpMethod>())
            if (!d.ContainsKey((uint)m)) throw new InvalidOperationException("AmqpMethod." + m + " is not in the table");
        return d.ToFrozenDictionary();
    }

    /// <summary>
    /// Decodes a method frame payload. Unknown class or method → 540 NOT_IMPLEMENTED (connection);
    /// a payload shorter than its fields → 501 FRAME_ERROR.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> payload, MethodArgs args)
    {
        if (payload.Length < 4) Short();
        ushort cls = BinaryPrimitives.ReadUInt16BigEndian(payload);
        ushort mid = BinaryPrimitives.ReadUInt16BigEndian(payload[2..]);
        var spec = Find(cls, mid);
        if (spec is null)
            throw new AmqpException(ReplyCode.NotImplemented, $"NOT_IMPLEMENTED - unknown method {cls}/{mid}", true, cls, mid);
        args.Reset(spec);
        int p = 4;
        int bitIndex = 8;
        byte bits = 0;
        var kinds = spec.Kinds;
        for (int i = 0; i < kinds.Length; i++)
        {
            var k = kinds[i];
            if (k == FieldKind.Bit)
            {
                if (bitIndex == 8) { Need(payload, p, 1); bits = payload[p++]; bitIndex = 0; }
                args.SetNum(i, (bits >> bitIndex++) & 1);
                continue;
            }
            bitIndex = 8;
            switch (k)
            {
                case FieldKind.Octet: Need(payload, p, 1); args.SetNum(i, payload[p]); p += 1; break;
                case FieldKind.Short: Need(payload, p, 2); args.SetNum(i, BinaryPrimitives.ReadUInt16BigEndian(payload[p..])); p += 2; break;
                case FieldKind.Long: Need(payload, p, 4); args.SetNum(i, BinaryPrimitives.ReadUInt32BigEndian(payload[p..])); p += 4; break;
                case FieldKind.LongLong:
                case FieldKind.Timestamp: Need(payload, p, 8); args.SetNum(i, BinaryPrimitives.ReadInt64BigEndian(payload[p..])); p += 8; break;
                case FieldKind.ShortStr:
                {
                    Need(payload, p, 1);
                    int n = payload[p++];
                    Need(payload, p, n);
                    args.SetStr(i, ShortStrCache.Get(payload.Slice(p, n)));
                    p += n;
                    break;
                }
                case FieldKind.LongStr:
                case FieldKind.Table:
                {
                    Need(payload, p, 4);
                    int n = BinaryPrimitives.ReadInt32BigEndian(payload[p..]);
                    p += 4;
                    Need(payload, p, n);
                    args.SetBytes(i, payload.Slice(p, n).ToArray());
                    p += n;
                    break;
                }
            }
        }
    }

    private static void Need(ReadOnlySpan<byte> payload, int p, int n)
    {
        if (n < 0 || p + n > payload.Length) Short();
    }

    private static void Short() => AmqpException.Connection(ReplyCode.FrameError, "FRAME_ERROR - method frame too short for its fields");

    /// <summary>
    /// Encodes class id, method id and <paramref name="values"/> (one per field: integers, bool,
    /// string, byte[] for longstr, a dictionary or null for tables).
    /// </summary>
    public static void Encode(ByteWriter w, AmqpMethod method, ReadOnlySpan<object?> values)
    {
        var spec = Get(method);
        if (values.Length != spec.Kinds.Length)
            throw new ArgumentException($"{spec.Name} takes {spec.Kinds.Length} fields, got {values.Length}");
        w.WriteUInt16(spec.ClassId);
        w.WriteUInt16(spec.MethodId);
        int bitAt = -1, bitIndex = 8;
        byte bits = 0;
        for (int i = 0; i < values.Length; i++)
        {
            var k = spec.Kinds[i];
            var v = values[i];
            if (k == FieldKind.Bit)
            {
                if (bitIndex == 8) { FlushBits(); bitAt = w.Reserve(1); bitIndex = 0; bits = 0; }
                if (v is true) bits |= (byte)(1 << bitIndex);
                bitIndex++;
                continue;
            }
            FlushBits();
            bitIndex = 8;
            switch (k)
            {
                case FieldKind.Octet: w.WriteByte((byte)Convert.ToUInt32(v)); break;
                case FieldKind.Short: w.WriteUInt16((ushort)Convert.ToUInt32(v)); break;
                case FieldKind.Long: w.WriteUInt32(Convert.ToUInt32(v)); break;
                case FieldKind.LongLong:
                case FieldKind.Timestamp: w.WriteUInt64((ulong)Convert.ToInt64(v)); break;
                case FieldKind.ShortStr: w.WriteShortStr((string?)v ?? ""); break;
                case FieldKind.LongStr: w.WriteLongStr(v is string s ? Encoding.UTF8.GetBytes(s) : (byte[]?)v ?? []); break;
                case FieldKind.Table:
                    if (v is byte[] rawTable) w.WriteLongStr(rawTable);
                    else FieldTable.Write(w, (IReadOnlyDictionary<string, object?>?)v);
                    break;
            }
        }
        FlushBits();

        void FlushBits()
        {
            if (bitAt >= 0) { w.PatchByte(bitAt, bits); bitAt = -1; }
        }
    }
}

/// <summary>
/// Interns short strings (exchange names, routing keys, consumer tags) that repeat on every publish,
/// so the hot path does not allocate a string per message. Bounded: only strings up to 64 bytes, and
/// the cache is cleared when it grows past 4096 entries.
/// </summary>
internal static class ShortStrCache
{
    [ThreadStatic] private static Dictionary<int, string[]>? t_cache;

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return "";
        if (utf8.Length > 64) return Encoding.UTF8.GetString(utf8);
        var cache = t_cache ??= new Dictionary<int, string[]>();
        int h = Hash(utf8);
        if (cache.TryGetValue(h, out var arr))
        {
            var s = arr[0];
            if (Matches(s, utf8)) return s;
        }
        var str = Encoding.UTF8.GetString(utf8);
        if (cache.Count > 4096) cache.Clear();
        cache[h] = [str];
        return str;
    }

    private static int Hash(ReadOnlySpan<byte> b)
    {
        var hc = new HashCode();
        hc.AddBytes(b);
        return hc.ToHashCode();
    }

    private static bool Matches(string s, ReadOnlySpan<byte> utf8)
    {
        if (s.Length > utf8.Length) return false;
        Span<byte> tmp = stackalloc byte[256];
        int n = Encoding.UTF8.GetBytes(s, tmp);
        return tmp[..n].SequenceEqual(utf8);
    }
}
