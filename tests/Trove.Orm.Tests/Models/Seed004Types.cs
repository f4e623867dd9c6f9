using System.Linq.Expressions;
using Trove.Orm;
using Trove.Orm.Linq;
using Trove.Orm.Mapping;
using Trove.Sql;
using Trove.Sql.Types;

namespace Trove.Orm.Tests.Models.S004Types
{
    public abstract partial class Base : DeclarativeBase;

    public enum Ab { [EnumValue("a")] A, [EnumValue("b")] B }
    public enum Color { Red = 1, Green = 2 }

    [Table("t")]
    public partial class T : Base
    {
        [Column(PrimaryKey = true, Autoincrement = false)] public partial int Id { get; set; }
        public partial long? Big { get; set; }
        public partial short? Small { get; set; }
        public partial bool? Flag { get; set; }
        public partial DateOnly? D { get; set; }
        public partial DateTime? Dt { get; set; }
        public partial DateTimeOffset? Dtz { get; set; }
        public partial TimeOnly? Tm { get; set; }
        public partial TimeSpan? Iv { get; set; }
        public partial Ab? E { get; set; }
        public partial Color? Pe { get; set; }
        public partial double? F { get; set; }
        [Column(Precision = 10, Scale = 2)] public partial decimal? N { get; set; }
        public partial byte[]? Blob { get; set; }
        [Serialized(typeof(Serialized.PrefsJson))] public partial Dictionary<string, List<int>>? Pk { get; set; }
        [Column(Length = 32)] public partial string? S { get; set; }
        [Column(Type = TypeKind.Unicode, Length = 32)] public partial string? U { get; set; }
        [Column("t", Type = TypeKind.Text)] public partial string? Txt { get; set; }
        [Column(Type = TypeKind.UnicodeText)] public partial string? Ut { get; set; }
    }
}

namespace Trove.Orm.Tests.Models.S004Hybrid
{
    public abstract partial class Base : DeclarativeBase;

    [Table("interval")]
    public partial class Interval : Base
    {
        public partial int Id { get; set; }
        public partial int Start { get; set; }
        public partial int End { get; set; }

        [Hybrid] public int Length => End - Start;
        [Hybrid] public bool Bigger(int i) => Length > i;
    }

    /// <summary>abs() is translated by itself: Math.Abs becomes SQL abs().</summary>
    [Table("interval2")]
    public partial class Interval2 : Base
    {
        public partial int Id { get; set; }
        public partial int Start { get; set; }
        public partial int End { get; set; }

        [Hybrid] public int Length { get => Math.Abs(End - Start); set => End = Start + value; }
    }

    /// <summary>A separate SQL form for the hybrid.</summary>
    [Table("interval3")]
    public partial class Interval3 : Base
    {
        public partial int Id { get; set; }
        public partial int Start { get; set; }
        public partial int End { get; set; }

        [Hybrid(Expression = nameof(LengthSql))] public int Length => Math.Abs(End - Start);
        public static Expression<Func<Interval3, int>> LengthSql => i => Db.Function<int>("abs", i.End - i.Start);
    }
}
