// SingleParent = true (SQLAlchemy's single_parent=True): delete-orphan on a many-to-one and on a many-to-many.
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.SP;

public abstract partial class Base : DeclarativeBase;

[Table("p")]
public partial class P : Base
{
    public partial long Id { get; set; }
    [Column(Length = 10)] public partial string? Name { get; set; }
    public override string ToString() => $"P({Name})";
}

[Table("c")]
public partial class C : Base
{
    public partial long Id { get; set; }
    [Column("pid"), ForeignKey<P>(nameof(P.Id))] public partial long? PId { get; set; }
    [Relationship(Cascade = Cascade.All | Cascade.DeleteOrphan, SingleParent = true, Backref = "Cs")]
    public partial P? Parent { get; set; }
    [Relationship(Secondary = "c_tag", Cascade = Cascade.All | Cascade.DeleteOrphan, SingleParent = true)]
    public partial IList<Tag> Tags { get; set; }
}

[Table("tag")]
public partial class Tag : Base
{
    public partial long Id { get; set; }
    [Column(Length = 10)] public partial string? Name { get; set; }
    public override string ToString() => $"Tag({Name})";
}

[Table("c_tag")]
public partial class CTag : Base
{
    [Column("c_id", PrimaryKey = true), ForeignKey<C>(nameof(C.Id))] public partial long CId { get; set; }
    [Column("tag_id", PrimaryKey = true), ForeignKey<Tag>(nameof(Tag.Id))] public partial long TagId { get; set; }
}
