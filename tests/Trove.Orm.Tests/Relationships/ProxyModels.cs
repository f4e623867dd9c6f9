// Seed 004 §4.8 (association proxies) and §9 (entity-attribute-value over a dictionary collection).
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.P48
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        [Relationship(BackPopulates = nameof(Blog.UserObj))] public partial IList<Blog> BlogList { get; set; }
        [AssociationProxy(nameof(BlogList), nameof(Blog.Title), Creator = nameof(NewBlog))] public partial IList<string> BlogTitles { get; }
        /// <summary>The reference's proxy without creator: <c>Blog(string title)</c> builds the element.</summary>
        [AssociationProxy(nameof(BlogList), nameof(Blog.Title))] public partial IList<string> TitlesByConstructor { get; }
        private static Blog NewBlog(string title) => new() { Title = title };
        public override string ToString() => $"User({Name})";
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public Blog() { }
        public Blog(string title) => Title = title;
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey("user.id")] public partial int? UserId { get; set; }
        [Relationship(BackPopulates = nameof(User.BlogList))] public partial User? UserObj { get; set; }
        [AssociationProxy(nameof(UserObj), nameof(User.Name))] public partial string? UserName { get; }
        public override string ToString() => $"Blog({Title})";
    }
}

namespace Trove.Orm.Tests.Relationships.Eav
{
    public abstract partial class Base : DeclarativeBase;

    /// <summary>The seed's __abstract__ base: no table, its columns are inherited.</summary>
    public abstract partial class EavBase : Base;

    [Table("entity")]
    public partial class Entity : EavBase
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string? Name { get; set; }
        [Relationship(KeyedBy = nameof(Attr.Key), Loading = Loading.Joined, Cascade = Cascade.All | Cascade.DeleteOrphan)]
        private partial IDictionary<string, Attr> AttrMap { get; set; }
        [AssociationProxy(nameof(AttrMap), nameof(Attr.Value), Creator = nameof(NewAttr))] public partial IDictionary<string, string> Attributes { get; }
        private static Attr NewAttr(string key, string value) => new() { Key = key, Value = value };
        public string this[string key] { get => Attributes[key]; set => Attributes[key] = value; }
    }

    [Table("attribute")]
    public partial class Attr : EavBase
    {
        public partial int Id { get; set; }
        [Column("entity", Index = true), ForeignKey("entity.id")] public partial int? EntityId { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Key { get; set; } = "";
        [Column(ServerDefault = "")] public partial string Value { get; set; } = "";
    }
}
