// Seed 004 §4.4 "更多的用法": the Parent → Foo → Bar → Bat chain of the reference script (foo and widget lazy='joined').
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.Chain;

public abstract partial class Base : DeclarativeBase;

[Table("bat")]
public partial class Bat : Base
{
    [Column(PrimaryKey = true, Autoincrement = false)] public partial int Id { get; set; }
}

[Table("bar")]
public partial class Bar : Base
{
    [Column(PrimaryKey = true, Autoincrement = false)] public partial int Id { get; set; }
    [ForeignKey("bat.id")] public partial int? BatId { get; set; }
    public partial Bat? Bat { get; set; }
}

[Table("foo")]
public partial class Foo : Base
{
    [Column(PrimaryKey = true, Autoincrement = false)] public partial int Id { get; set; }
    [ForeignKey("bar.id")] public partial int? BarId { get; set; }
    public partial Bar? Bar { get; set; }
}

[Table("parent")]
public partial class Parent : Base
{
    [Column(PrimaryKey = true, Autoincrement = false)] public partial int Id { get; set; }
    [ForeignKey("foo.id")] public partial int? FooId { get; set; }
    [Relationship(Loading = Loading.Joined)] public partial Foo? Foo { get; set; }
    [ForeignKey("bar.id")] public partial int? BarId { get; set; }
    [Relationship(Loading = Loading.Joined)] public partial Bar? Widget { get; set; }
}
