// Seed 004 §4.5 collection classes: set, attribute_mapped_collection('title'), mapped_collection(lambda b: b.title.lower()).
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.Coll
{
    public abstract partial class Base : DeclarativeBase;

    [Table("user")]
    public partial class User : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        /// <summary>The reference's default <c>blogs = relationship('Blog')</c>: a list.</summary>
        public partial IList<Blog> Blogs { get; set; }
        [Relationship(BackPopulates = nameof(Blog.UserObj))] public partial ISet<Blog> BlogSet { get; set; }
        [Relationship(KeyedBy = nameof(Blog.Title))] public partial IDictionary<string, Blog> ByTitle { get; set; }
        [Relationship(KeySelector = nameof(Lower))] public partial IDictionary<string, Blog> ByLower { get; set; }
        private static string Lower(Blog b) => b.Title.ToLowerInvariant();
    }

    [Table("blog")]
    public partial class Blog : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 64, ServerDefault = "")] public partial string Title { get; set; } = "";
        [Column("user", Index = true), ForeignKey("user.id")] public partial int UserId { get; set; }
        [Relationship(BackPopulates = nameof(User.BlogSet))] public partial User? UserObj { get; set; }
        public override string ToString() => $"Blog({Title})";
    }
}
