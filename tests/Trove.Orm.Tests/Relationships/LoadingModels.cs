// Seed 004 §4.4: relationships configured with a default eager strategy (user_obj lazy='joined', blog_list lazy='subquery').
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.L44;

public abstract partial class Base : DeclarativeBase;

[Table("user")]
public partial class User : Base
{
    public partial long Id { get; set; }
    [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
    [Relationship(Loading = Loading.Subquery, Cascade = Cascade.All)] public partial IList<Blog> BlogList { get; set; }
}

[Table("blog")]
public partial class Blog : Base
{
    public partial long Id { get; set; }
    [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
    [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    [Relationship(Loading = Loading.Joined, Cascade = Cascade.All)] public partial User? UserObj { get; set; }
}
