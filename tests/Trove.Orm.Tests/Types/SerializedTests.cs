using System.Text.Json.Serialization;
using Trove.Orm.Mapping;
using Trove.Orm.Tests.Infrastructure;
using Trove.Orm.Tests.Models.Serialized;
using Trove.Sql;

namespace Trove.Orm.Tests.Models.Serialized
{
    public abstract partial class Base : DeclarativeBase;

    public sealed class Prefs
    {
        public string Theme { get; set; } = "";
        public List<int> Sizes { get; set; } = [];
    }

    [JsonSerializable(typeof(Prefs)), JsonSerializable(typeof(Dictionary<string, List<int>>))]
    public partial class PrefsJson : JsonSerializerContext;

    /// <summary>Seed 004 §6.1 PickleType: <c>pk</c> holds <c>{'k': [1, 2]}</c>.</summary>
    [Table("pickled")]
    public partial class Pickled : Base
    {
        public partial int Id { get; set; }
        [Serialized(typeof(PrefsJson))] public partial Dictionary<string, List<int>>? Pk { get; set; }
        [Serialized(typeof(PrefsJson))] public partial Prefs Settings { get; set; } = new();
    }
}

namespace Trove.Orm.Tests.Types
{
    /// <summary>[Serialized] values (orm.md §3, 004 §6.1 PickleType) through the generator, flush and materializer.</summary>
    public class SerializedTests
    {
        [Theory]
        [MemberData(nameof(OrmDb.Dialects), MemberType = typeof(OrmDb))]
        public void Serialized_values_round_trip_as_json_in_a_binary_column(string dialect)
        {
            using var engine = OrmDb.Open(dialect);
            using var log = new StatementLog(engine);
            Base.Metadata.CreateAll(engine);
            var ddl = log.Sql.Single(s => s.StartsWith("CREATE TABLE", StringComparison.Ordinal));
            Assert.Contains(dialect == "sqlite" ? "BLOB" : "BYTEA", ddl.ToUpperInvariant());
            using var s = new Trove.Orm.Session(engine);
            var p = new Pickled { Pk = new() { ["k"] = [1, 2] }, Settings = new Prefs { Theme = "dark", Sizes = [3] } };
            s.Add(p);
            s.Add(new Pickled());
            s.Commit();
            var raw = s.Execute(Db.Text("select pk from pickled where id = 1")).Scalar<byte[]>();
            Assert.Equal("{\"k\":[1,2]}", System.Text.Encoding.UTF8.GetString(raw!));
            Assert.Null(s.Execute(Db.Text("select pk from pickled where id = 2")).Scalar<byte[]>());

            s.ExpungeAll();
            log.Clear();
            var back = s.Get<Pickled>(1)!;
            Assert.Equal(["SELECT pickled"], log.Take());
            Assert.Equal([1, 2], back.Pk!["k"]);
            Assert.Equal(("dark", 3), (back.Settings.Theme, back.Settings.Sizes.Single()));
            Assert.Null(s.Get<Pickled>(2)!.Pk);
            log.Clear();

            // a change inside the object is not seen; assigning the same object marks it dirty (dirty on assignment)
            back.Settings.Theme = "light";
            s.Flush();
            Assert.Empty(log.Take());
            back.Settings = back.Settings;
            s.Commit();
            Assert.Equal(["UPDATE pickled"], log.Take());
            s.ExpungeAll();
            Assert.Equal("light", s.Query<Pickled>().Where(x => x.Id == 1).Single().Settings.Theme);
            Assert.Equal(2, s.Query<Pickled>().ToList().Count);
        }
    }
}
