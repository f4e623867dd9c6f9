// Seed 004 §4.1 ON DELETE CASCADE model.
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.M41
{
    /// <summary>Seed 004 §4.1: <c>ForeignKey('user.id', ondelete='CASCADE')</c> (the database acts, not the ORM).</summary>
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey("user.id", OnDelete = Trove.Sql.Schema.ReferentialAction.Cascade)] public partial long UserId { get; set; }
    }
}
