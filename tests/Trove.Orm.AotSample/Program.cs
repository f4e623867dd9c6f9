using Trove.Orm;
using Trove.Orm.Linq;
using Trove.Orm.Mapping;
using Trove.Sql;

// Seed 000 §四 (the session-issue parts) as a trimmed / Native AOT application: SQLite file instead of MySQL.
// Trove.Orm.Tests publishes it trimmed and self-contained (-p:TroveTrim=true) and runs it; see docs/orm.md.
var path = Path.Combine(Path.GetTempPath(), "trove-aot-" + Environment.ProcessId + ".db");
using (var engine = Engine.Create("sqlite:///" + path, new EngineOptions { MaxOverflow = 5 }))
{
    Base.Metadata.DropAll(engine);
    Base.Metadata.CreateAll(engine);
    var sessions = new SessionFactory(engine);
    using var session = sessions.Create();

    session.Add(new Users { Name = "alex0", Extra = "sb" });
    session.AddRange(new Users { Name = "alex1", Extra = "sb" }, new Users { Name = "eric", Extra = "" });
    session.Commit();

    var users = session.Query<Users>();
    Check(users.ToList().Count == 3, "three users");
    // Projections into positional records, not anonymous types: for `new { … }` inside an expression lambda the C#
    // compiler calls Expression.New(ConstructorInfo, IEnumerable<Expression>, MemberInfo[]), which is
    // RequiresUnreferencedCode, so the trimmer warns (IL2026) where the build-time analyzers are silent. A positional
    // record's constructor call becomes Expression.New(ConstructorInfo, args), which is trim-safe (docs/orm.md).
    var pairs = users.Select(u => new NameExtra(u.Name, u.Extra)).ToList();
    Check(pairs[0].Name == "alex0", "projection");
    Check(users.Where(u => u.Name == "alex").FirstOrDefault() is null, "filter");
    int[] ids = [1, 3, 4];
    var filtered = users.Where(u => u.Id.Between(1, 3) && u.Name == "eric" || !ids.Contains(u.Id)).ToList();
    Check(filtered.Count == 2 && filtered.Any(u => u.Name == "eric"), "between / in");
    var nested = users.Where(u => u.Id < 2 || (u.Name == "eric" && u.Id > 3) || u.Extra != "").ToList();
    Check(nested.Count == 2, "nested and/or with SQL null semantics");
    var notE = users.Where(u => !u.Name!.Like("e%")).OrderByDescending(u => u.Name).ThenBy(u => u.Id)[1..2].ToList();
    Check(notE.Count == 1 && notE[0].Name == "alex0", "not like, order, slice");
    var stats = users.GroupBy(u => u.Name).Where(g => g.Min(u => u.Id) > 2)
        .Select(g => new NameStats(g.Key, g.Max(u => u.Id), g.Sum(u => u.Id), g.Min(u => u.Id))).ToList();
    Check(stats.Count == 1 && stats[0].Key == "eric" && stats[0].Sum == 3, "group by / having");
    var names = (from u in users where u.Id > 1 orderby u.Name descending select u.Name).ToList();
    Check(names.SequenceEqual(["eric", "alex1"]), "query syntax");

    users.Where(u => u.Id > 2).ExecuteUpdate(x => x.SetProperty(u => u.Name, u => u.Name + "099"), Synchronize.None);
    Check(users.Where(u => u.Id == 3).Select(u => u.Name).Single() == "eric099", "bulk update");
    users.Where(u => u.Id > 2).ExecuteDelete();
    session.Commit();
    Check(users.Count() == 2, "bulk delete");

    var g1 = new Group { Name = "g1" };
    session.AddRange(new Server { Hostname = "h1" }, g1);
    session.Commit();
    Check(g1.Port == 22, "client default");
    session.Query<Group>().ExecuteUpdate(x => x.SetProperty(g => g.Port, g => g.Port + 1), Synchronize.Evaluate);
    Check(g1.Port == 23, "evaluate synchronization");
    session.Commit();
    Base.Metadata.DropAll(engine);
}
File.Delete(path);
Console.WriteLine("seed 000 §四: all checks passed");
return 0;

static void Check(bool ok, string what)
{
    if (!ok) { Console.WriteLine("FAIL: " + what); Environment.Exit(1); }
    Console.WriteLine("ok: " + what);
}

/// <summary>A row of <c>query(Users.name, Users.extra)</c>.</summary>
public sealed record NameExtra(string? Name, string? Extra);

/// <summary>A row of the GROUP BY name … HAVING query.</summary>
public sealed record NameStats(string? Key, int Max, int Sum, int Min);

public abstract partial class Base : DeclarativeBase;

[Table("users")]
[UniqueConstraint(nameof(Id), nameof(Name), Name = "uix_id_name"), Index("ix_id_name", nameof(Name), nameof(Extra))]
public partial class Users : Base
{
    public partial int Id { get; set; }
    [Column(Length = 32)] public partial string? Name { get; set; }
    [Column(Length = 16)] public partial string? Extra { get; set; }
    public override string ToString() => $"{Id}-{Name}";
}

[Table("group")]
public partial class Group : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64, Unique = true)] public partial string Name { get; set; } = "";
    [Column(Default = 22)] public partial int? Port { get; set; }
}

[Table("server")]
public partial class Server : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64, Unique = true)] public partial string Hostname { get; set; } = "";
}
