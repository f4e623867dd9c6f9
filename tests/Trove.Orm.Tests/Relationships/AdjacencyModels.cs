// Seed 004 §8: the adjacency-list Node with the relationship() options of each example of the reference script.
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.NLazy
{
    public abstract partial class Base : DeclarativeBase;

    [Table("node")]
    public partial class Node : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column("parent", Index = true), ForeignKey("node.id")] public partial int? ParentId { get; set; }
        public partial IList<Node> Children { get; set; }
        [Relationship(RemoteSide = nameof(Id))] public partial Node? ParentObj { get; set; }
        public override string ToString() => $"Node({Name})";
    }
}

namespace Trove.Orm.Tests.Relationships.NJoined0
{
    public abstract partial class Base : DeclarativeBase;

    [Table("node")]
    public partial class Node : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column("parent", Index = true), ForeignKey("node.id")] public partial int? ParentId { get; set; }
        [Relationship(Loading = Loading.Joined)] public partial IList<Node> Children { get; set; }
        [Relationship(RemoteSide = nameof(Id), Loading = Loading.Joined)] public partial Node? ParentObj { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.NJoined1
{
    public abstract partial class Base : DeclarativeBase;

    [Table("node")]
    public partial class Node : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column("parent", Index = true), ForeignKey("node.id")] public partial int? ParentId { get; set; }
        [Relationship(Loading = Loading.Joined, JoinDepth = 1)] public partial IList<Node> Children { get; set; }
        [Relationship(RemoteSide = nameof(Id), Loading = Loading.Joined, JoinDepth = 1)] public partial Node? ParentObj { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.NAll
{
    public abstract partial class Base : DeclarativeBase;

    [Table("node")]
    public partial class Node : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column("parent", Index = true), ForeignKey("node.id")] public partial int? ParentId { get; set; }
        [Relationship(Loading = Loading.Joined, Cascade = Cascade.All)] public partial IList<Node> Children { get; set; }
        [Relationship(RemoteSide = nameof(Id))] public partial Node? ParentObj { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.NOrphan
{
    public abstract partial class Base : DeclarativeBase;

    [Table("node")]
    public partial class Node : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column("parent", Index = true), ForeignKey("node.id")] public partial int? ParentId { get; set; }
        [Relationship(Loading = Loading.Joined, Cascade = Cascade.All | Cascade.DeleteOrphan)] public partial IList<Node> Children { get; set; }
        [Relationship(RemoteSide = nameof(Id))] public partial Node? ParentObj { get; set; }
    }
}
