// Many-to-many mapped on one side only (no backref): Post knows its labels, Label knows nothing of posts.
using Trove.Orm.Mapping;
using Trove.Sql.Schema;

namespace Trove.Orm.Tests.Relationships.OneSided;

public abstract partial class Base : DeclarativeBase
{
    /// <summary>Plain foreign keys: the database refuses to delete a label that still has link rows.</summary>
    public static readonly Table PostLabel = new("post_label", Metadata,
        new Column<long>("post_id", foreignKey: "post.id", primaryKey: true), new Column<long>("label_id", foreignKey: "label.id", primaryKey: true));
    /// <summary>label_id ON DELETE CASCADE: the database removes the link rows of a deleted label.</summary>
    public static readonly Table PostPin = new("post_pin", Metadata,
        new Column<long>("post_id", foreignKey: "post.id", primaryKey: true),
        new Column<long>("label_id", foreignKey: "label.id", primaryKey: true, onDelete: ReferentialAction.Cascade));
}

[Table("post")]
public partial class Post : Base
{
    public partial long Id { get; set; }
    [Column(Length = 32)] public partial string Title { get; set; } = "";
    [Relationship(Secondary = "post_label")] public partial IList<Label> Labels { get; set; }
    [Relationship(Secondary = "post_pin")] public partial IList<Label> Pins { get; set; }
}

[Table("label")]
public partial class Label : Base
{
    public partial long Id { get; set; }
    [Column(Length = 32)] public partial string Name { get; set; } = "";
    public override string ToString() => $"Label({Name})";
}
