using System.Diagnostics;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.S000;
using Trove.Sql;

namespace Trove.Orm.Tests.Session;

/// <summary>
/// Large flushes on PostgreSQL (Session.RoundTrips.cs): rows that need a generated key and many-row UPDATEs keep one
/// statement per row but share round trips; each row still gets its own key, each UPDATE its row-count check, and a
/// failing row its database's error. The same flushes run on SQLite (multi-row statements there).
/// </summary>
public class RoundTripTests
{
    public static IEnumerable<object[]> Dialects() => OrmDb.Dialects();

    private static Engine Open(string dialect)
    {
        var engine = OrmDb.Open(dialect);
        Base.Metadata.CreateAll(engine);
        return engine;
    }

    /// <summary>Counts the commands Npgsql sends (one activity per command or batch, i.e. per round trip).</summary>
    private sealed class RoundTrips : IDisposable
    {
        private readonly ActivityListener _listener;
        private int _count;
        public int Count => Volatile.Read(ref _count);

        public RoundTrips()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = _ => Interlocked.Increment(ref _count),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public void Dispose() => _listener.Dispose();
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Generated_keys_of_a_large_flush_come_back_to_each_row_in_few_round_trips(string dialect)
    {
        using var engine = Open(dialect);
        var servers = Enumerable.Range(0, 600).Select(i => new Server { Hostname = "h" + i }).ToList();
        using var log = new StatementLog(engine);
        using var trips = new RoundTrips();
        using (var s = new Trove.Orm.Session(engine))
        {
            s.AddRange(servers);
            s.Flush();
            // each instance holds the key the database gave its own row
            var stored = s.Query<Server>().AsNoTracking().ToList().ToDictionary(x => x.Hostname, x => x.Id);
            Assert.All(servers, x => Assert.Equal(stored[x.Hostname], x.Id));
            Assert.Equal(600, servers.Select(x => x.Id).Distinct().Count());
            s.Commit();
        }
        var inserts = log.Sql.Count(q => q.StartsWith("INSERT", StringComparison.Ordinal));
        if (dialect == "postgresql")
        {
            // SQLAlchemy's statements, one INSERT … RETURNING a row, in ceil(600 / 256) = 3 round trips (plus the
            // query, BEGIN and COMMIT): against 600 before
            Assert.Equal(600, inserts);
            Assert.InRange(trips.Count, 3, 10);
        }
        else Assert.True(inserts < 600 / 10, $"{inserts} INSERTs");
    }

    [Theory, MemberData(nameof(Dialects))]
    public void Many_updates_share_round_trips_and_each_checks_its_row(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            s.AddRange(Enumerable.Range(0, 300).Select(i => new Server { Hostname = "h" + i }));
            s.Commit();
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var all = s.Query<Server>().OrderBy(x => x.Id).ToList();
            using var trips = new RoundTrips();
            foreach (var x in all) x.Hostname += "-b";
            s.Commit();
            if (dialect == "postgresql") Assert.InRange(trips.Count, 2, 6);
        }
        using (var s = new Trove.Orm.Session(engine))
        {
            var all = s.Query<Server>().OrderBy(x => x.Id).ToList();
            Assert.All(all, x => Assert.EndsWith("-b", x.Hostname));
            var (gone1, gone2) = (all[10].Id, all[290].Id);
            // ends the transaction (the in-memory database has one connection); reading an expired attribute after
            // it would start another
            s.Commit();
            // two rows deleted behind the session's back: their UPDATEs match nothing
            engine.Execute(Db.Text($"DELETE FROM server WHERE id IN ({gone1}, {gone2})"));
            for (var i = 0; i < all.Count; i++) all[i].Hostname = "c" + i;
            var e = Assert.Throws<StaleDataException>(() => s.Flush());
            Assert.Contains("were matched", e.Message);
            Assert.True(e.Matched < e.Expected, $"{e.Matched} of {e.Expected}");
            s.Rollback();
        }
    }

    [Theory, MemberData(nameof(Dialects))]
    public void A_failing_row_inside_a_large_flush_raises_its_integrity_error_and_nothing_is_kept(string dialect)
    {
        using var engine = Open(dialect);
        using (var s = new Trove.Orm.Session(engine))
        {
            // row 150 repeats row 3's unique hostname: the error comes from the middle of a round trip
            s.AddRange(Enumerable.Range(0, 200).Select(i => new Server { Hostname = "h" + (i == 150 ? 3 : i) }));
            var e = Assert.Throws<IntegrityException>(() => s.Commit());
            Assert.Contains("INSERT INTO server", e.Message);
            s.Rollback();
        }
        using var s2 = new Trove.Orm.Session(engine);
        Assert.Equal(0, s2.Query<Server>().Count());
    }
}

public class RoundTripSchemaChangeTests
{
    [PgFact]
    public void A_schema_change_under_a_prepared_batch_costs_at_most_one_failed_flush()
    {
        using var engine = OrmDb.Open("postgresql", new EngineOptions { PoolSize = 1 });
        Base.Metadata.CreateAll(engine);
        void Flush(int from)
        {
            using var s = new Trove.Orm.Session(engine);
            s.AddRange(Enumerable.Range(from, 40).Select(i => new Server { Hostname = "h" + i }));
            s.Commit();
        }
        Flush(0);
        // the RETURNING column changes type: the statement prepared on the pooled connection no longer fits
        engine.Execute(Db.Text("ALTER TABLE server ALTER COLUMN id TYPE bigint"));
        var failures = 0;
        for (var round = 1; round <= 3; round++)
        {
            try { Flush(round * 100); }
            catch (TroveSqlException) { failures++; }
        }
        // Npgsql 10 reports the server's "cached plan must not change result type" once, drops the statement and
        // prepares it again on the next flush; the failed flush wrote nothing
        Assert.InRange(failures, 0, 1);
        Assert.Equal(40L * (4 - failures), engine.Scalar<long>(Db.Text("SELECT count(*) FROM server")));
    }
}
