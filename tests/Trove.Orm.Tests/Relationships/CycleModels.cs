// Two tables that reference each other: the flush breaks the cycle with a post-update.
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.Cycle;

public abstract partial class Base : DeclarativeBase;

[Table("person")]
public partial class Person : Base
{
    public partial int Id { get; set; }
    [Column(Length = 32)] public partial string Name { get; set; } = "";
    [Column("favorite_blog_id"), ForeignKey("blog.id")] public partial int? FavoriteBlogId { get; set; }
    public partial Blog? FavoriteBlog { get; set; }
}

[Table("blog")]
public partial class Blog : Base
{
    public partial int Id { get; set; }
    [Column(Length = 32)] public partial string Title { get; set; } = "";
    [Column("owner_id"), ForeignKey("person.id")] public partial int? OwnerId { get; set; }
    public partial Person? Owner { get; set; }
}
