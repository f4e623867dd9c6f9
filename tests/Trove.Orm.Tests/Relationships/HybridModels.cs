using Trove.Orm.Mapping;

namespace Trove.Orm.Tests.Relationships.H73
{
    public abstract partial class Base : DeclarativeBase;

    [Table("account")]
    public partial class Account : Base
    {
        public partial int Id { get; set; }
        [Column("user", Index = true), ForeignKey("user.id")] public partial int? UserId { get; set; }
        [Column(ServerDefault = "0")] public partial int Balance { get; set; }
    }

    [Table("user")]
    public partial class User : Base
    {
        public partial int Id { get; set; }
        [Column(Length = 32, ServerDefault = "")] public partial string Name { get; set; } = "";
        public partial IList<Account> Accounts { get; set; }
        /// <summary>Seed 004 §7.3: a hybrid over a relationship (SQL: a correlated scalar subquery).</summary>
        [Hybrid] public int Balance => Accounts.Sum(a => a.Balance);
    }
}
