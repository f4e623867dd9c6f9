using System.IO.Pipelines;
using Trove.Redis.Resp;
using Trove.Redis.Server;

namespace Trove.Redis.Commands;

/// <summary>Outcome of replaying an append-only file.</summary>
/// <param name="Consumed">Bytes of whole commands replayed; a torn or unfinished tail starts here.</param>
/// <param name="Commands">Commands run.</param>
public readonly record struct ReplayResult(long Consumed, long Commands);

/// <summary>Replaying an append-only file through the same command path clients use.</summary>
public sealed partial class RespSession
{
    /// <summary>
    /// Runs every complete command in <paramref name="data"/> (an AOF: RESP commands, SELECT,
    /// MULTI/EXEC) against the server's keyspace with no client attached: replies are discarded,
    /// nothing is written to the log, blocking commands never block. A transaction left open at
    /// the end (a MULTI whose EXEC was not written) is not applied and counts as the torn tail,
    /// as Redis reverts it. Throws <see cref="InvalidDataException"/> for bytes that are not RESP.
    /// </summary>
    public static ReplayResult Replay(RedisServer server, ReadOnlyMemory<byte> data)
    {
        var session = new RespSession(server, PipeWriter.Create(Stream.Null)) { _loading = true, _authenticated = true };
        session._parser.Authenticated = true;
        session._parser.MaxBulkLength = long.MaxValue;
        long processed = server.CommandsProcessed;
        int pos = 0, committed = 0;
        long commands = 0;
        lock (server.Keyspace.Sync)
        {
            while (true)
            {
                int start = pos;
                var status = session._parser.TryParse(data, ref pos, session.Args);
                if (status == ParseStatus.NeedMore) { pos = start; break; }
                if (status == ParseStatus.Error)
                    throw new InvalidDataException($"Bad file format reading the append only file at offset {start}: {session._parser.Error}");
                if (session.Args.Count == 0) continue;
                server.Keyspace.RefreshClock();
                session.Execute();
                commands++;
                if (session._multi is null) committed = pos;
                if (session.Writer.Pending > 64 * 1024)
                {
                    session.Writer.Commit();
                    session.Output.FlushAsync().AsTask().GetAwaiter().GetResult();
                }
            }
            session._multi = null;
        }
        server.CommandsProcessed = processed;
        return new ReplayResult(committed, commands);
    }
}
