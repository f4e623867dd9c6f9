using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.M004;

public abstract partial class Base : DeclarativeBase;

[Table("user")]
public partial class User : Base
{
    public partial long Id { get; set; }
    [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
    [Relationship(OrderBy = nameof(Blog.Create), BackPopulates = nameof(Blog.UserObj))]
    public partial IList<Blog> BlogList { get; set; }
    /// <summary>Seed 004 §4.2 lazy='dynamic': a query, Add/Remove written at flush.</summary>
    [Relationship(OrderBy = nameof(Blog.Create))] public partial DynamicCollection<Blog> Blogs { get; }
    public override string ToString() => $"User({Name})";
}

[Table("blog")]
public partial class Blog : Base
{
    public partial long Id { get; set; }
    [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
    [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    [Column(Index = true, ServerDefault = "0")] public partial long Create { get; set; }
    [Relationship(BackPopulates = nameof(User.BlogList))] public partial User? UserObj { get; set; }
    [Relationship(Secondary = "blog_and_tag", Backref = "Blogs")] public partial IList<Tag> TagList { get; set; }
    public override string ToString() => $"Blog({Title})";
}

[Table("tag")]
public partial class Tag : Base
{
    public partial long Id { get; set; }
    [Column(Length = 16, ServerDefault = "")] public partial string Name { get; set; } = "";
    public override string ToString() => $"Tag({Name})";
}

[Table("blog_and_tag")]
public partial class BlogAndTag : Base
{
    public partial long Id { get; set; }
    [Column("blog", Index = true), ForeignKey<Blog>(nameof(Blog.Id))] public partial long? BlogId { get; set; }
    [Column("tag", Index = true), ForeignKey<Tag>(nameof(Tag.Id))] public partial long? TagId { get; set; }
    [Column(Index = true, ServerDefault = "0")] public partial long Create { get; set; }
}
