using Microsoft.EntityFrameworkCore;
using Trove.Orm;
using Trove.Orm.Mapping;

namespace Trove.Orm.RelBenchmarks;

public abstract partial class Base : DeclarativeBase;

[Table("parent")]
public partial class Parent : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64)] public partial string Name { get; set; } = "";
    [Relationship(BackPopulates = nameof(Child.Parent))] public partial IList<Child> Children { get; set; }
}

[Table("child")]
public partial class Child : Base
{
    public partial int Id { get; set; }
    // indexed, as EF Core indexes every foreign key by convention and SQLAlchemy users write index=True; without it
    // SQLite builds an automatic index for the joined load's LEFT OUTER JOIN in every query, for every library alike
    [Column(Index = true), ForeignKey<Parent>(nameof(Parent.Id))] public partial int ParentId { get; set; }
    [Column(Length = 64)] public partial string Name { get; set; } = "";
    public partial long Value { get; set; }
    [Relationship(BackPopulates = nameof(Parent.Children))] public partial Parent? Parent { get; set; }
}

/// <summary>EF Core's view of the same two tables.</summary>
public sealed class EfParent
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<EfChild> Children { get; set; } = [];
}

public sealed class EfChild
{
    public int Id { get; set; }
    public int ParentId { get; set; }
    public string Name { get; set; } = "";
    public long Value { get; set; }
    public EfParent? Parent { get; set; }
}

public sealed class EfContext(string path) : DbContext
{
    public DbSet<EfParent> Parents => Set<EfParent>();

    protected override void OnConfiguring(DbContextOptionsBuilder b) => b.UseSqlite("Data Source=" + path);

    protected override void OnModelCreating(ModelBuilder m)
    {
        m.Entity<EfParent>(e =>
        {
            e.ToTable("parent");
            e.Property(p => p.Id).HasColumnName("id");
            e.Property(p => p.Name).HasColumnName("name");
            e.HasMany(p => p.Children).WithOne(c => c.Parent).HasForeignKey(c => c.ParentId);
        });
        m.Entity<EfChild>(e =>
        {
            e.ToTable("child");
            e.Property(c => c.Id).HasColumnName("id");
            e.Property(c => c.ParentId).HasColumnName("parent_id");
            e.Property(c => c.Name).HasColumnName("name");
            e.Property(c => c.Value).HasColumnName("value");
        });
    }
}
