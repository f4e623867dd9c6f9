// Seed 004 §4.7: one Blog/User model per cascade setting of User.BlogList (make_blog_user(blog_list={'cascade': …}) of the reference script).
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.CNone
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.None)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CDefault
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate | Cascade.Merge)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CNullable
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate | Cascade.Merge)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long? UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CDelete
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate | Cascade.Delete)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.COrphan
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate | Cascade.DeleteOrphan)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CMerge
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate | Cascade.Delete | Cascade.DeleteOrphan | Cascade.Merge)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CSaveOnly
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CRefresh
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.SaveUpdate | Cascade.Delete | Cascade.DeleteOrphan | Cascade.Merge | Cascade.RefreshExpire)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}

namespace Trove.Orm.Tests.Relationships.CExpunge
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(Cascade = Cascade.Delete | Cascade.DeleteOrphan | Cascade.Expunge)] public partial IList<Blog> BlogList { get; set; }
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial long Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey<User>(nameof(User.Id))] public partial long UserId { get; set; }
    }
}
