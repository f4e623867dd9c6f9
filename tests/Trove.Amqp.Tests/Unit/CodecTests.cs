using System.Buffers;
using Trove.Amqp.Broker;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Tests.Unit;

public class CodecTests
{
    [Fact]
    public void Every_method_round_trips_through_the_table_codec()
    {
        var rnd = new Random(42);
        foreach (var spec in MethodCodec.All)
        {
            var values = new object?[spec.Kinds.Length];
            for (int i = 0; i < values.Length; i++)
                values[i] = spec.Kinds[i] switch
                {
                    FieldKind.Octet => (byte)rnd.Next(256),
                    FieldKind.Short => (ushort)rnd.Next(65536),
                    FieldKind.Long => (uint)rnd.Next(),
                    FieldKind.LongLong or FieldKind.Timestamp => (long)rnd.NextInt64(),
                    FieldKind.Bit => rnd.Next(2) == 1,
                    FieldKind.ShortStr => "s" + rnd.Next(),
                    FieldKind.LongStr => new byte[] { 1, 2, (byte)rnd.Next(256) },
                    _ => new Dictionary<string, object?> { ["k"] = rnd.Next() },
                };
            var w = new ByteWriter();
            MethodCodec.Encode(w, spec.Method, values);
            var args = new MethodArgs();
            MethodCodec.Decode(w.WrittenSpan, args);
            Assert.Equal(spec.Method, args.Method);
            for (int i = 0; i < values.Length; i++)
            {
                switch (spec.Kinds[i])
                {
                    case FieldKind.Bit: Assert.Equal((bool)values[i]!, args.Bit(i)); break;
                    case FieldKind.ShortStr: Assert.Equal((string)values[i]!, args.Str(i)); break;
                    case FieldKind.LongStr: Assert.Equal((byte[])values[i]!, args.Bytes(i)); break;
                    case FieldKind.Table: Assert.Equal(((Dictionary<string, object?>)values[i]!)["k"], args.Table(i)["k"]); break;
                    default: Assert.Equal(Convert.ToInt64(values[i]), args.Num(i)); break;
                }
            }
        }
    }

    [Fact]
    public void Field_table_round_trips_every_type()
    {
        var table = new Dictionary<string, object?>
        {
            ["bool"] = true, ["sbyte"] = (sbyte)-3, ["byte"] = (byte)200, ["short"] = (short)-300, ["ushort"] = (ushort)60000,
            ["int"] = -70000, ["uint"] = 4000000000u, ["long"] = -5L, ["float"] = 1.5f, ["double"] = 2.25,
            ["decimal"] = new AmqpDecimal(2, 12345), ["ts"] = new AmqpTimestamp(1700000000), ["str"] = "张三丰",
            ["void"] = null, ["list"] = new List<object?> { 1, "a", true }, ["nested"] = new Dictionary<string, object?> { ["k"] = "v" },
        };
        var bytes = FieldTable.ToBytes(table);
        var back = FieldTable.Decode(bytes.AsSpan(4));
        Assert.Equal(table.Count, back.Count);
        foreach (var (k, v) in table)
        {
            if (v is List<object?> l) Assert.Equal(l, (List<object?>)back[k]!);
            else if (v is Dictionary<string, object?> d) Assert.Equal(d["k"], ((Dictionary<string, object?>)back[k]!)["k"]);
            else Assert.Equal(v, back[k]);
        }
    }

    [Fact]
    public void Truncated_field_table_is_a_frame_error()
    {
        var bytes = FieldTable.ToBytes(new Dictionary<string, object?> { ["k"] = "value" });
        var ex = Assert.Throws<AmqpException>(() => FieldTable.Decode(bytes.AsSpan(4, bytes.Length - 6)));
        Assert.Equal(ReplyCode.FrameError, ex.Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void Frames_are_read_across_any_segmentation(int segmentSize)
    {
        var w = new ByteWriter();
        FrameWriter.Method(w, 1, AmqpMethod.BasicPublish, (ushort)0, "ex", "key", true, false);
        FrameWriter.Content(w, 1, [0x10, 0x00, 2], new byte[10000], 4096);
        var seq = Segment(w.WrittenSpan.ToArray(), segmentSize);
        var types = new List<byte>();
        long bodyBytes = 0;
        while (FrameReader.TryRead(ref seq, 131072, out byte type, out ushort ch, out var payload) == FrameStatus.Done)
        {
            Assert.Equal(1, ch);
            types.Add(type);
            if (type == FrameType.Body) bodyBytes += payload.Length;
        }
        Assert.Equal(0, seq.Length);
        Assert.Equal([1, 2, 3, 3, 3], types);
        Assert.Equal(10000, bodyBytes);
    }

    [Fact]
    public void Bad_frame_end_and_oversized_frames_are_frame_errors()
    {
        var w = new ByteWriter();
        FrameWriter.Method(w, 0, AmqpMethod.ConnectionCloseOk);
        var bytes = w.WrittenSpan.ToArray();
        bytes[^1] = 0xAB;
        var seq = new ReadOnlySequence<byte>(bytes);
        Assert.Equal(ReplyCode.FrameError, Assert.Throws<AmqpException>(() => FrameReader.TryRead(ref seq, 4096, out _, out _, out _)).Code);
        var big = new byte[] { 1, 0, 0, 0, 0, 0x20, 0 };
        var seq2 = new ReadOnlySequence<byte>(big);
        Assert.Equal(ReplyCode.FrameError, Assert.Throws<AmqpException>(() => FrameReader.TryRead(ref seq2, 4096, out _, out _, out _)).Code);
    }

    [Fact]
    public void Topic_matcher_agrees_with_a_naive_regex_matcher()
    {
        var rnd = new Random(7);
        string[] words = ["a", "b", "c"];
        for (int i = 0; i < 3000; i++)
        {
            string pattern = string.Join('.', Enumerable.Range(0, rnd.Next(1, 5)).Select(_ => rnd.Next(5) switch { 0 => "*", 1 => "#", _ => words[rnd.Next(3)] }));
            string key = string.Join('.', Enumerable.Range(0, rnd.Next(0, 5)).Select(_ => words[rnd.Next(3)]));
            Assert.True(Naive(pattern, key) == TopicMatcher.Matches(pattern, key), $"{pattern} vs '{key}'");
        }
    }

    private static bool Naive(string pattern, string key)
    {
        // '#' is zero or more words: expand into a regex over ".word" tokens.
        var parts = pattern.Split('.');
        var sb = new System.Text.StringBuilder("^");
        foreach (var p in parts)
            sb.Append(p switch { "#" => @"(\.[^.]*)*", "*" => @"\.[^.]*", _ => @"\." + System.Text.RegularExpressions.Regex.Escape(p) });
        sb.Append('$');
        return System.Text.RegularExpressions.Regex.IsMatch("." + key, sb.ToString());
    }

    [Fact]
    public void Passwords_use_rabbitmq_salted_sha256()
    {
        var h = Broker.Broker.HashPassword("secret");
        Assert.Equal(36, Convert.FromBase64String(h).Length);
        Assert.True(Broker.Broker.VerifyPassword(h, "secret"));
        Assert.False(Broker.Broker.VerifyPassword(h, "Secret"));
    }

    [Fact]
    public void Properties_decode_and_encode()
    {
        var p = new BasicProperties();
        p.Values[0] = "application/json";
        p.Values[2] = new Dictionary<string, object?> { ["x"] = 1 };
        p.Values[3] = (byte)2;
        p.Values[7] = "5000";
        var back = BasicProperties.Decode(p.Encode());
        Assert.Equal(2, back.DeliveryMode);
        Assert.Equal("5000", back.Expiration);
        Assert.Equal(1, back.Headers!["x"]);
        Assert.Equal(2, BasicProperties.PeekDeliveryMode(p.Encode(), out _));
    }

    private static ReadOnlySequence<byte> Segment(byte[] data, int size)
    {
        if (size >= data.Length) return new ReadOnlySequence<byte>(data);
        Seg? first = null, last = null;
        for (int i = 0; i < data.Length; i += size)
        {
            var chunk = data.AsMemory(i, Math.Min(size, data.Length - i));
            if (first is null) first = last = new Seg(chunk, 0);
            else last = last!.Append(chunk);
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Seg : ReadOnlySequenceSegment<byte>
    {
        public Seg(ReadOnlyMemory<byte> m, long index) { Memory = m; RunningIndex = index; }
        public Seg Append(ReadOnlyMemory<byte> m)
        {
            var s = new Seg(m, RunningIndex + Memory.Length);
            Next = s;
            return s;
        }
    }
}
