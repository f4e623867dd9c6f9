using Trove.Orm;
using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Models.S000;

public abstract partial class Base : DeclarativeBase;

[Table("users")]
[UniqueConstraint(nameof(Id), nameof(Name), Name = "uix_id_name"), Index("ix_id_name", nameof(Name), nameof(Extra))]
public partial class Users : Base
{
    public partial int Id { get; set; }
    [Column(Length = 32)] public partial string? Name { get; set; }
    [Column(Length = 16)] public partial string? Extra { get; set; }
    public override string ToString() => $"{Id}-{Name}";
}

[Table("favor")]
public partial class Favor : Base
{
    [Column(PrimaryKey = true)] public partial int Nid { get; set; }
    [Column(Length = 50, Default = "red", Unique = true)] public partial string? Caption { get; set; }
    public override string ToString() => $"{Nid}-{Caption}";
}

[Table("person")]
public partial class Person : Base
{
    [Column(PrimaryKey = true)] public partial int Nid { get; set; }
    [Column(Length = 32, Index = true)] public partial string? Name { get; set; }
    [ForeignKey<Favor>(nameof(Favor.Nid))] public partial int? FavorId { get; set; }
    [Relationship(Backref = "Pers")] public partial Favor? Favor { get; set; }
    public override string ToString() => $"Person({Nid}-{Name})";
}

[Table("group")]
public partial class Group : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64, Unique = true)] public partial string Name { get; set; } = "";
    [Column(Default = 22)] public partial int? Port { get; set; }
    public override string ToString() => $"Group({Name})";
}

[Table("server")]
public partial class Server : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64, Unique = true)] public partial string Hostname { get; set; } = "";
}

[Table("servertogroup")]
public partial class ServerToGroup : Base
{
    [Column(PrimaryKey = true)] public partial int Nid { get; set; }
    [ForeignKey<Server>(nameof(Server.Id))] public partial int? ServerId { get; set; }
    [ForeignKey<Group>(nameof(Group.Id))] public partial int? GroupId { get; set; }
    [Relationship(Backref = "S2g")] public partial Group? Group { get; set; }
    [Relationship(Backref = "S2g")] public partial Server? Server { get; set; }
}
