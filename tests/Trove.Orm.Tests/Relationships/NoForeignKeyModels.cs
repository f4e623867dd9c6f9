// Seed 004 §4.6: `tag_list = relationship('Tag')` where Tag has no foreign key to blog (NoForeignKeysError there).
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.NoFk;

public abstract partial class Base : DeclarativeBase;

[Table("blog")]
public partial class Blog : Base
{
    public partial int Id { get; set; }
    public partial IList<Tag> TagList { get; set; }
}

[Table("tag")]
public partial class Tag : Base
{
    public partial int Id { get; set; }
}
