using Trove.Redis.Engine;
using Trove.Redis.Engine.Types;

namespace Trove.Redis.Commands;

/// <summary>
/// BLPOP, BRPOP, BRPOPLPUSH, BLMOVE and BLMPOP. Each first tries to serve itself like its
/// non-blocking form; inside EXEC it never blocks (it replies as on timeout, as Redis does);
/// otherwise it registers a <see cref="ListWaiter"/> and the registry serves waiters of a key
/// in the order they blocked when a push (also one made inside MULTI/EXEC) makes the key ready.
/// </summary>
public sealed partial class RespSession
{
    private static void RegisterBlockingListCommands(CommandTable t)
    {
        const CommandFlags B = CommandFlags.Write | CommandFlags.Blocking;
        t.Add(RespCommand.BLPOP, -3, B, 1, -2, 1, static s => s.BPop(left: true), "list", "Removes and returns the first element in a list. Blocks until an element is available otherwise.");
        t.Add(RespCommand.BRPOP, -3, B, 1, -2, 1, static s => s.BPop(left: false), "list", "Removes and returns the last element in a list. Blocks until an element is available otherwise.");
        t.Add(RespCommand.BRPOPLPUSH, 4, B | CommandFlags.DenyOom, 1, 2, 1, static s => s.BMove(brpoplpush: true), "list", "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise.");
        t.Add(RespCommand.BLMOVE, 6, B | CommandFlags.DenyOom, 1, 2, 1, static s => s.BMove(brpoplpush: false), "list", "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise.");
        t.Add(RespCommand.BLMPOP, -5, B, 3, 3, 1, static s => s.LMPop(blocking: true), "list", "Pops the first element from one of multiple lists. Blocks until an element is available otherwise.");
    }

    /// <summary>
    /// Redis's getTimeoutFromObjectOrReply in seconds: a long double, times 1000, rounded up.
    /// Infinite or too large values overflow to a negative count in Redis, hence "is negative".
    /// </summary>
    private bool TryGetBlockTimeout(int arg, out long milliseconds)
    {
        milliseconds = 0;
        if (!NumberFormat.TryParseLongDouble(Args[arg], out _) || !NumberFormat.TryParseRangeNumber(Args[arg], out double seconds))
        {
            Writer.WriteError(Errors.TimeoutNotFloat);
            return false;
        }
        double ms = Math.Ceiling(seconds * 1000);
        if (!(ms >= 0 && ms < 9.2e18))
        {
            Writer.WriteError(Errors.TimeoutNegative);
            return false;
        }
        milliseconds = (long)ms;
        return true;
    }

    private void BPop(bool left)
    {
        if (!TryGetBlockTimeout(Args.Count - 1, out long timeoutMs)) return;
        int keyCount = Args.Count - 2;
        for (int i = 1; i <= keyCount; i++)
        {
            if (!TryLookup<RedisList>(i, out var list)) return;
            if (list is null || list.Count == 0) continue;
            var key = Args.ToArray(i);
            var popped = PopMany(Db, key, list, left, 1);
            Propagate(Propagation.Pop(left), key);
            Writer.WriteArrayHeader(2);
            Writer.WriteBulk(key);
            Writer.WriteBulk(popped[0]);
            return;
        }
        if (InExec) { Writer.WriteNullArray(); return; }
        var keys = new byte[keyCount][];
        for (int i = 0; i < keyCount; i++) keys[i] = Args.ToArray(i + 1);
        var waiter = new ListWaiter(Db, keys, ListWaiter.Kind.Pop, left, 1, null, false);
        Block(waiter, timeoutMs, w =>
        {
            w.WriteArrayHeader(2);
            w.WriteBulk(waiter.ServedKey!);
            w.WriteBulk(waiter.Elements![0]);
        });
    }

    private void BMove(bool brpoplpush)
    {
        bool fromLeft = false, toLeft = true;
        if (!brpoplpush)
        {
            if (ParseSide(3) is not bool f || ParseSide(4) is not bool t) { WriteSyntaxError(); return; }
            fromLeft = f;
            toLeft = t;
        }
        if (!TryGetBlockTimeout(Args.Count - 1, out long timeoutMs)) return;
        var source = Args.ToArray(1);
        var destination = Args.ToArray(2);
        var st = Db.TryGet<RedisList>(source, out var src);
        if (st == LookupStatus.WrongType) { WriteWrongType(); return; }
        if (src is not null)
        {
            var moved = TryMove(Db, source, destination, fromLeft, toLeft, out bool wrongType);
            if (wrongType) { WriteWrongType(); return; }
            Propagate(Propagation.LMove, source, destination, Propagation.Side(fromLeft), Propagation.Side(toLeft));
            Writer.WriteBulk(moved!);
            return;
        }
        if (InExec) { Writer.WriteNull(); return; }
        var waiter = new ListWaiter(Db, [source], ListWaiter.Kind.Move, fromLeft, 1, destination, toLeft);
        // On timeout Redis 7.0 replies the null array here too, not the null bulk.
        Block(waiter, timeoutMs, w => w.WriteBulk(waiter.Elements![0]));
    }

    /// <summary>A client blocked in BLPOP, BRPOP, BLMPOP, BRPOPLPUSH or BLMOVE.</summary>
    internal sealed class ListWaiter : BlockedClient
    {
        /// <summary>What the blocked command does once an element arrives.</summary>
        public enum Kind
        {
            /// <summary>BLPOP / BRPOP.</summary>
            Pop,
            /// <summary>BLMPOP.</summary>
            MPop,
            /// <summary>BRPOPLPUSH / BLMOVE.</summary>
            Move,
        }

        private readonly Kind _kind;
        private readonly bool _left;
        private readonly long _count;
        private readonly byte[]? _destination;
        private readonly bool _toLeft;

        public ListWaiter(Database db, byte[][] keys, Kind kind, bool left, long count, byte[]? destination, bool toLeft)
            : base(db, keys)
        {
            _kind = kind;
            _left = left;
            _count = count;
            _destination = destination;
            _toLeft = toLeft;
        }

        /// <summary>The key served from.</summary>
        public byte[]? ServedKey { get; private set; }

        /// <summary>The elements taken.</summary>
        public List<byte[]>? Elements { get; private set; }

        /// <inheritdoc />
        public override bool TryServe(byte[] key)
        {
            if (Db.TryGet<RedisList>(key, out var list) != LookupStatus.Found || list!.Count == 0) return false;
            if (_kind == Kind.Move)
            {
                // A destination of another type keeps the client waiting, as the command would fail.
                var moved = TryMove(Db, key, _destination!, _left, _toLeft, out bool wrongType);
                if (wrongType || moved is null) return false;
                Elements = [moved];
            }
            else
            {
                Elements = PopMany(Db, key, list, _left, _kind == Kind.Pop ? 1 : _count);
            }
            ServedKey = key;
            return true;
        }

        /// <inheritdoc />
        public override ReadOnlyMemory<byte>[] PropagatedCommand() => _kind switch
        {
            Kind.Move => [Propagation.LMove, ServedKey!, _destination!, Propagation.Side(_left), Propagation.Side(_toLeft)],
            Kind.MPop => [Propagation.Pop(_left), ServedKey!, Propagation.Number(Elements!.Count)],
            _ => [Propagation.Pop(_left), ServedKey!],
        };
    }
}
