using System.Buffers.Binary;
using Trove.Amqp.Storage;

namespace Trove.Amqp.Tests.Durability;

/// <summary>Recovery from damaged files: torn, zero-filled and corrupt records are never fatal.</summary>
public sealed class RecoveryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "trove-recovery-" + Guid.NewGuid().ToString("N"));
    private static readonly byte[] s_props = [1, 2, 3];

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private async Task<List<long>> Fill(int n)
    {
        var ids = new List<long>();
        using var s = MessageStore.Open(_dir);
        for (int i = 0; i < n; i++) ids.Add(await s.AppendAsync("/", "q", s_props, MessageStoreTests.Body(i, 100)));
        return ids;
    }

    private string LastSegment() => Directory.GetFiles(_dir, "msgs.*").Order().Last();

    /// <summary>Cuts the file right after the last live record (the writer preallocates).</summary>
    private static void TrimTo(string path, long length)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Write);
        fs.SetLength(length);
    }

    private static long EndOf(long lastId) => (uint)lastId + 8 + MessageRecordPayload;
    private const int MessageRecordPayload = 1 + 4 + 1 + 1 + 2 + 2 + 4 + 3 + 100;

    [Fact]
    public async Task Torn_tail_is_truncated_and_the_store_keeps_working()
    {
        var ids = await Fill(20);
        var seg = LastSegment();
        TrimTo(seg, EndOf(ids[^1]) - 30); // the last record lost its last 30 bytes
        using (var s = MessageStore.Open(_dir))
        {
            Assert.Equal(ids.Take(19), s.RecoverList("/", "q").Select(m => m.Id));
            Assert.True(s.GetStats().TruncatedBytes > 0);
            await s.AppendAsync("/", "q", s_props, MessageStoreTests.Body(1000, 100));
        }
        using (var s = MessageStore.Open(_dir))
            Assert.Equal(20, s.RecoverList("/", "q").Count);
    }

    [Fact]
    public async Task Torn_record_header_is_truncated()
    {
        var ids = await Fill(5);
        TrimTo(LastSegment(), EndOf(ids[^1]) + 5); // five bytes of a next header
        using var s = MessageStore.Open(_dir);
        Assert.Equal(5, s.RecoverList("/", "q").Count);
    }

    [Fact]
    public async Task Zero_filled_tail_is_the_end_of_data()
    {
        var ids = await Fill(10);
        var seg = LastSegment();
        TrimTo(seg, EndOf(ids[^1]));
        using (var fs = new FileStream(seg, FileMode.Append)) fs.Write(new byte[10_000]);
        using var s = MessageStore.Open(_dir);
        Assert.Equal(ids, s.RecoverList("/", "q").Select(m => m.Id));
        Assert.Equal(10_000, s.GetStats().TruncatedBytes);
    }

    [Fact]
    public async Task Bad_checksum_in_the_middle_skips_that_record_only()
    {
        var ids = await Fill(10);
        var seg = LastSegment();
        using (var fs = new FileStream(seg, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = (uint)ids[4] + 8 + 50; // inside the fifth record's payload
            int b = fs.ReadByte();
            fs.Position--;
            fs.WriteByte((byte)(b ^ 0xFF));
        }
        using var s = MessageStore.Open(_dir);
        var got = s.RecoverList("/", "q").Select(m => m.Id).ToList();
        Assert.Equal(ids.Where((_, i) => i != 4), got);
        Assert.Equal(1, s.GetStats().CorruptRecords);
    }

    [Fact]
    public async Task Garbage_length_stops_the_scan_without_failing()
    {
        var ids = await Fill(6);
        var seg = LastSegment();
        using (var fs = new FileStream(seg, FileMode.Open, FileAccess.ReadWrite))
        {
            fs.Position = (uint)ids[3];
            var len = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, int.MaxValue);
            fs.Write(len);
        }
        using var s = MessageStore.Open(_dir);
        Assert.Equal(ids.Take(3), s.RecoverList("/", "q").Select(m => m.Id));
    }

    [Fact]
    public async Task Torn_ack_log_entry_is_ignored()
    {
        var ids = await Fill(4);
        using (var s = MessageStore.Open(_dir))
        {
            s.RecoverList("/", "q");
            s.Ack("/", "q", ids[0]);
        }
        var acks = Directory.GetFiles(_dir, "acks.*").Single();
        using (var fs = new FileStream(acks, FileMode.Append)) fs.Write(new byte[] { 7, 0 });
        using (var s = MessageStore.Open(_dir))
            Assert.Equal(ids.Skip(1), s.RecoverList("/", "q").Select(m => m.Id));
    }

    [Fact]
    public void Empty_or_zero_segment_file_is_tolerated()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllBytes(Path.Combine(_dir, "msgs.0000000003"), new byte[4096]);
        File.WriteAllBytes(Path.Combine(_dir, "msgs.0000000004"), []);
        using var s = MessageStore.Open(_dir);
        Assert.Empty(s.RecoverList("/", "q"));
        Assert.Equal(0, s.GetStats().Segments);
    }

    [Fact]
    public void Unknown_segment_version_is_refused()
    {
        Directory.CreateDirectory(_dir);
        var bytes = new byte[64];
        "TRVS"u8.CopyTo(bytes);
        bytes[4] = 99;
        File.WriteAllBytes(Path.Combine(_dir, "msgs.0000000001"), bytes);
        Assert.Throws<MessageStoreException>(() => MessageStore.Open(_dir));
    }
}
