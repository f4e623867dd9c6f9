using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Trove.Redis.Commands;
using Trove.Redis.Server;
using Trove.Redis.Tests.Infrastructure;

namespace Trove.Redis.Tests;

/// <summary>
/// The synchronous (event-loop) driving of a session without a socket: input in arbitrary pieces,
/// parking for a blocking pop and waking on a serve or a timeout, pub/sub wake-ups, QUIT.
/// The fake transport follows the loop transport's contract (ILoopControl's docs).
/// </summary>
public sealed class LoopSessionTests : IAsyncLifetime
{
    private RedisServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new RedisServer(new RedisConfig { Port = 0 });
        await _server.StartAsync();
    }

    public async Task DisposeAsync() => await _server.StopAsync();

    private sealed class FakeLoop : ILoopControl
    {
        public volatile bool Parked;
        public volatile bool Closing;
        public int Wakes;
        public void Park() => Parked = true;
        public void Unpark() => Parked = false;
        public void Wake() => Interlocked.Increment(ref Wakes);
        public void CloseAfterSend() => Closing = true;
    }

    private sealed class Client
    {
        public readonly FakeLoop Loop = new();
        public readonly RespSession Session;
        private readonly List<byte> _input = new();
        private readonly ArrayBufferWriter<byte> _output = new();

        public Client(RedisServer server) => Session = new RespSession(server, null, Loop);

        public void Feed(string text)
        {
            _input.AddRange(Encoding.UTF8.GetBytes(text));
            Pump();
        }

        private void Pump()
        {
            if (Loop.Parked || _input.Count == 0) return;
            int consumed = Session.OnInput(CollectionsMarshal.AsSpan(_input), _output);
            _input.RemoveRange(0, consumed);
        }

        /// <summary>Waits (bounded) for a wake, then runs OnWake and any kept input, as the loop does.</summary>
        public bool WakeWithin(TimeSpan timeout)
        {
            var end = DateTime.UtcNow + timeout;
            while (Volatile.Read(ref Loop.Wakes) == 0)
            {
                if (DateTime.UtcNow > end) return false;
                Thread.Sleep(5);
            }
            Interlocked.Exchange(ref Loop.Wakes, 0);
            Session.OnWake(_output);
            Pump();
            return true;
        }

        public string Take()
        {
            var s = Encoding.UTF8.GetString(_output.WrittenSpan);
            _output.Clear();
            return s;
        }
    }

    [Fact]
    public void Commands_split_anywhere_give_the_same_replies()
    {
        var c = new Client(_server);
        var wire = Encoding.UTF8.GetString(RespClient.Encode("SET", "loop:k", "v\r\n1")) + Encoding.UTF8.GetString(RespClient.Encode("GET", "loop:k"))
                   + "PING\r\n" + Encoding.UTF8.GetString(RespClient.Encode("INCR", "loop:n"));
        foreach (char ch in wire) c.Feed(ch.ToString());
        Assert.Equal("+OK\r\n$4\r\nv\r\n1\r\n+PONG\r\n:1\r\n", c.Take());
        c.Feed(Encoding.UTF8.GetString(RespClient.Encode("DEL", "loop:k", "loop:n")));
        Assert.Equal(":2\r\n", c.Take());
    }

    [Fact]
    public void Blocked_pop_parks_until_another_client_pushes_and_then_runs_what_was_pipelined_behind_it()
    {
        var waiter = new Client(_server);
        var pusher = new Client(_server);
        waiter.Feed("BLPOP loop:l 0\r\nPING\r\n");
        Assert.True(waiter.Loop.Parked);
        Assert.Equal("", waiter.Take());
        Assert.False(waiter.WakeWithin(TimeSpan.FromMilliseconds(100)));
        pusher.Feed("RPUSH loop:l a b\r\n");
        Assert.Equal(":2\r\n", pusher.Take());
        Assert.True(waiter.WakeWithin(TimeSpan.FromSeconds(5)));
        Assert.False(waiter.Loop.Parked);
        Assert.Equal("*2\r\n$6\r\nloop:l\r\n$1\r\na\r\n+PONG\r\n", waiter.Take());
        pusher.Feed("LRANGE loop:l 0 -1\r\nDEL loop:l\r\n");
        Assert.Equal("*1\r\n$1\r\nb\r\n:1\r\n", pusher.Take());
    }

    [Fact]
    public void Blocked_pop_times_out_with_the_null_reply()
    {
        var waiter = new Client(_server);
        waiter.Feed("BRPOP loop:none 0.2\r\n");
        Assert.True(waiter.Loop.Parked);
        Assert.True(waiter.WakeWithin(TimeSpan.FromSeconds(5)));
        Assert.Equal("*-1\r\n", waiter.Take());
        Assert.False(waiter.Loop.Parked);
        waiter.Session.OnClosed();
    }

    [Fact]
    public void Published_messages_wake_a_subscriber_and_quit_closes_after_the_reply()
    {
        var sub = new Client(_server);
        var pub = new Client(_server);
        sub.Feed("SUBSCRIBE loop:ch\r\n");
        Assert.StartsWith("*3\r\n$9\r\nsubscribe\r\n", sub.Take());
        pub.Feed("PUBLISH loop:ch hello\r\n");
        Assert.Equal(":1\r\n", pub.Take());
        Assert.True(sub.WakeWithin(TimeSpan.FromSeconds(5)));
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$7\r\nloop:ch\r\n$5\r\nhello\r\n", sub.Take());
        sub.Session.OnClosed();
        pub.Feed("QUIT\r\nPING\r\n");
        Assert.Equal("+OK\r\n", pub.Take());
        Assert.True(pub.Loop.Closing);
    }
}
