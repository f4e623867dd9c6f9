// Seed 000 §四 bastion-host schema: many-to-many through Core Table() secondaries, back_populates on one pair.
using Trove.Orm.Mapping;
using Trove.Sql.Schema;

namespace Trove.Orm.Tests.Relationships.Bastion;

public abstract partial class Base : DeclarativeBase
{
    public static readonly Table BindHost2Group = new("bindhost_2_group", Metadata,
        new Column<int>("bindhost_id", foreignKey: "bind_host.id", primaryKey: true), new Column<int>("group_id", foreignKey: "group.id", primaryKey: true));
    public static readonly Table BindHost2UserProfile = new("bindhost_2_userprofile", Metadata,
        new Column<int>("bindhost_id", foreignKey: "bind_host.id", primaryKey: true), new Column<int>("uerprofile_id", foreignKey: "user_profile.id", primaryKey: true));
    public static readonly Table Group2UserProfile = new("group_2_userprofile", Metadata,
        new Column<int>("userprofile_id", foreignKey: "user_profile.id", primaryKey: true), new Column<int>("group_id", foreignKey: "group.id", primaryKey: true));
}

[Table("user_profile")]
public partial class UserProfile : Base
{
    public partial int Id { get; set; }
    [Column(Length = 32, Unique = true)] public partial string Username { get; set; } = "";
    [Column(Length = 128, Unique = true)] public partial string Password { get; set; } = "";
    [Relationship(Secondary = "group_2_userprofile")] public partial IList<Group> Groups { get; set; }
    [Relationship(Secondary = "bindhost_2_userprofile")] public partial IList<BindHost> BindHosts { get; set; }
}

[Table("host")]
public partial class Host : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64, Unique = true)] public partial string Hostname { get; set; } = "";
    [Column(Length = 128, Unique = true)] public partial string IpAddr { get; set; } = "";
    [Column(Default = 22)] public partial int? Port { get; set; }
    /// <summary>The seed's <c>bind_hosts = relationship("BindHost")</c> (declared apart from BindHost.Host, no back_populates).</summary>
    public partial IList<BindHost> BindHosts { get; set; }
}

/// <summary>The seed's ChoiceType(AuthTypes): the stored codes.</summary>
public enum AuthType { [EnumValue("ssh-passwd")] SshPasswd, [EnumValue("ssh-key")] SshKey }

[Table("remote_user")]
[UniqueConstraint(nameof(AuthType), nameof(Username), nameof(Password), Name = "_user_passwd_uc")]
public partial class RemoteUser : Base
{
    public partial int Id { get; set; }
    [Column(Length = 32)] public partial AuthType? AuthType { get; set; }
    [Column(Length = 64)] public partial string Username { get; set; } = "";
    [Column(Length = 255)] public partial string? Password { get; set; }
}

[Table("group")]
public partial class Group : Base
{
    public partial int Id { get; set; }
    [Column(Length = 64, Unique = true)] public partial string Name { get; set; } = "";
    [Relationship(Secondary = "bindhost_2_group", BackPopulates = nameof(BindHost.Groups))] public partial IList<BindHost> BindHosts { get; set; }
    [Relationship(Secondary = "group_2_userprofile")] public partial IList<UserProfile> UserProfiles { get; set; }
}

[Table("bind_host")]
[UniqueConstraint(nameof(HostId), nameof(RemoteUserId), Name = "_bindhost_and_user_uc")]
public partial class BindHost : Base
{
    public partial int Id { get; set; }
    [ForeignKey<Host>(nameof(Bastion.Host.Id))] public partial int? HostId { get; set; }
    [Column("remoteuser_id"), ForeignKey<RemoteUser>(nameof(Bastion.RemoteUser.Id))] public partial int? RemoteUserId { get; set; }
    public partial Host? Host { get; set; }
    public partial RemoteUser? RemoteUser { get; set; }
    [Relationship(Secondary = "bindhost_2_group", BackPopulates = nameof(Group.BindHosts))] public partial IList<Group> Groups { get; set; }
    [Relationship(Secondary = "bindhost_2_userprofile")] public partial IList<UserProfile> UserProfiles { get; set; }
    public override string ToString() => $"<BindHost(id='{Id}',name='{Host!.Hostname}',user='{RemoteUser!.Username}')>";
}
