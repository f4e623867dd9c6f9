using Trove.Orm;
using Trove.Orm.Mapping;
using Trove.Sql.Types;

namespace Trove.Orm.Tests.Models.S004Basic
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial string Id { get; set; }
        [Column(Index = true)] public partial string? Username { get; set; }
    }

    /// <summary>The seed's model is called Session; renamed so it does not clash with Trove.Orm.Session.</summary>
    [Table("session")]
    public partial class LoginSession : Base
    {
        public partial string Id { get; set; }
        [Column("user", Index = true)] public partial string? UserId { get; set; }
        public partial string? Ip { get; set; }
        public override string ToString() => $"Session({Id})";
    }
}

namespace Trove.Orm.Tests.Models.S004Blog
{
    public abstract partial class Base : DeclarativeBase;

    [Table("blog")]
    public partial class Blog : Base
    {
        [Column(Type = TypeKind.Char, Length = 32, PrimaryKey = true)] public partial string Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column(ServerDefault = "")] public partial string Text { get; set; } = "";
        [Column("user", Type = TypeKind.Char, Length = 32, Index = true, ServerDefault = "")] public partial string UserId { get; set; } = "";
        [Column(Index = true, ServerDefault = "0")] public partial long Create { get; set; }
        public override string ToString() => $"Blog({Title})";
    }

    [Table("user")]
    public partial class User : Base
    {
        [Column(Type = TypeKind.Char, Length = 32, PrimaryKey = true)] public partial string Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column(Length = 32, Index = true, ServerDefault = "")] public partial string Username { get; set; } = "";
        [Column(Length = 64, ServerDefault = "")] public partial string Password { get; set; } = "";
        public override string ToString() => $"User({Username})";
    }
}

namespace Trove.Orm.Tests.Models.S004Update
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Column(Length = 32, Index = true, ServerDefault = "")] public partial string Username { get; set; } = "";
        [Column(Default = 0)] public partial int? Num { get; set; }
        public override string ToString() => $"User({Username})";
    }
}

namespace Trove.Orm.Tests.Models.S004Session
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial int Id { get; set; }
        [Column(Type = TypeKind.Unicode, Length = 32, ServerDefault = "", Unique = true)] public partial string Name { get; set; } = "";
        public override string ToString() => $"User({Name})";
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial int Id { get; set; }
        [Column(Type = TypeKind.Unicode, Length = 32, ServerDefault = "")] public partial string Title { get; set; } = "";
    }

    [Table("versioned")]
    public partial class Versioned : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32)] public partial string? Name { get; set; }
        [VersionCounter] public partial int Version { get; set; }
    }
}
