using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Trove.Orm.Generators;

/// <summary>What the referenced Trove.Sql offers (the generator adapts to the Core API present).</summary>
internal sealed class CoreApi
{
    public bool HasSchema;

    public static CoreApi From(Compilation c) => new()
    {
        HasSchema = c.GetTypeByMetadataName("Trove.Sql.Schema.Table") is not null
                    && c.GetTypeByMetadataName("Trove.Sql.Schema.MetaData") is not null,
    };
}

/// <summary>Emits the Core schema objects of an entity (<c>Table</c>, <c>Columns</c>) and of a root (<c>Metadata</c>).</summary>
internal static class CoreEmitter
{
    private const string S = "global::Trove.Sql.Schema.";
    private const string T = "global::Trove.Sql.Types.SqlTypes.";

    public static void EmitSchema(StringBuilder sb, EntityModel m, CoreApi core)
    {
        _ = core;
        sb.AppendLine("    /// <summary>Core column objects of this entity (for Trove.Sql statements).</summary>");
        sb.AppendLine("    public static class Columns");
        sb.AppendLine("    {");
        // touching a column builds the table first, so Column.Table is always set
        sb.Append("        static Columns() => global::System.GC.KeepAlive(").Append(m.FullName).AppendLine(".Table);");
        foreach (var c in m.Columns)
        {
            var colType = c.NullableValue ? c.CoreType + "?" : c.CoreType;
            sb.Append("        /// <summary>Column <c>").Append(c.Column).AppendLine("</c>.</summary>");
            sb.Append("        public static readonly ").Append(S).Append("Column<").Append(colType).Append("> ").Append(c.Property)
              .Append(" = new(").Append(Emitter.Lit(c.Column)).Append(", ").Append(SqlType(c));
            if (c.PrimaryKey) sb.Append(", primaryKey: true");
            sb.Append(", nullable: ").Append(c.DbNullable ? "true" : "false");
            if (c.Unique) sb.Append(", unique: true");
            if (c.Index) sb.Append(", index: true");
            if (c.ForeignTable is not null) sb.Append(", foreignKey: ").Append(Emitter.Lit(c.ForeignTable + "." + c.ForeignColumn));
            if (c.DefaultLiteral is not null) sb.Append(", @default: ").Append(c.DefaultLiteral);
            if (c.ServerDefault is not null) sb.Append(", serverDefault: ").Append(Emitter.Lit(c.ServerDefault));
            if (c.OnDelete is not null) sb.Append(", onDelete: (").Append(S).Append("ReferentialAction)").Append(c.OnDelete);
            if (c.PrimaryKey) sb.Append(", autoincrement: ").Append(c.Autoincrement ? "true" : "false");
            if (c.ForeignKeyUseAlter) sb.Append(", foreignKeyUseAlter: true");
            sb.AppendLine(");");
        }
        sb.AppendLine("    }");
        sb.AppendLine();
        sb.Append("    /// <summary>Core table <c>").Append(m.Table).AppendLine("</c>.</summary>");
        sb.Append("    public static ").Append(S).Append("Table Table { get; } = new(").Append(Emitter.Lit(m.Table)).Append(", ").Append(m.RootBase).Append(".__TroveMetadata");
        foreach (var c in m.Columns) sb.Append(", Columns.").Append(c.Property);
        foreach (var (name, cols) in m.UniqueConstraints)
        {
            sb.Append(", new ").Append(S).Append("UniqueConstraint(").Append(string.Join(", ", cols.Select(Emitter.Lit))).Append(')');
            if (name is not null) sb.Append(" { Name = ").Append(Emitter.Lit(name)).Append(" }");
        }
        foreach (var (name, cols, unique) in m.Indexes)
        {
            sb.Append(", new ").Append(S).Append("Index(").Append(Emitter.Lit(name));
            foreach (var c in cols) sb.Append(", ").Append(Emitter.Lit(c));
            sb.Append(')');
            if (unique) sb.Append(" { Unique = true }");
        }
        sb.AppendLine(");");
        sb.AppendLine();
    }

    private static string SqlType(ColumnModel c)
    {
        var kind = c.TypeKind is null ? null : c.TypeKind.Substring(c.TypeKind.LastIndexOf('.') + 1);
        var len = c.Length > 0 ? c.Length.ToString() : null;
        switch (kind)
        {
            case "Char": return T + "Char(" + (len ?? "1") + ")";
            case "Text": return T + "Text";
            case "UnicodeText": return T + "UnicodeText";
            case "Unicode": return T + "Unicode(" + (len ?? "null") + Coll(c) + ")";
            case "String": return T + "String(" + (len ?? "null") + Coll(c) + ")";
            case "Numeric": return T + "Numeric(" + (c.Precision > 0 ? c.Precision.ToString() : "null") + ", " + (c.Scale > 0 ? c.Scale.ToString() : "null") + ")";
            case "LargeBinary": return T + "LargeBinary(" + (len ?? "null") + ")";
            case "Interval": return T + "Interval";
            case "Date": return T + "Date";
            case "Time": return T + "Time";
            case "BigInteger": return T + "BigInteger";
            case "SmallInteger": return T + "SmallInteger";
            case "Integer": return T + "Integer";
            case "Float": return T + "Float";
            case "Boolean": return T + "Boolean()";
        }
        switch (c.Kind)
        {
            case ValueKind.String when len is not null || c.Collation is not null:
                return T + "String(" + (len ?? "null") + Coll(c) + ")";
            case ValueKind.Decimal when c.Precision > 0:
                return T + "Numeric(" + c.Precision + ", " + (c.Scale > 0 ? c.Scale.ToString() : "null") + ")";
            case ValueKind.Bytes when len is not null:
                return T + "LargeBinary(" + len + ")";
            case ValueKind.Serialized:
                return T + "LargeBinary(" + (len ?? "null") + ")";
            case ValueKind.Enum:
            {
                var names = string.Join(", ", c.EnumMembers.Select(e => "[" + c.CoreType + "." + e.Member + "] = " + Emitter.Lit(e.Stored)));
                return T + "Enum<" + c.CoreType + ">(new global::System.Collections.Generic.Dictionary<" + c.CoreType + ", string> { " + names + " }, nativeEnum: false, createConstraint: false)";
            }
            default:
                return "null";
        }
    }

    private static string Coll(ColumnModel c) => c.Collation is null ? "" : ", " + Emitter.Lit(c.Collation);

    public static void EmitRoot(StringBuilder sb, string name, System.Collections.Generic.List<EntityModel> entities, CoreApi core)
    {
        if (!core.HasSchema) return;
        sb.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        // created on first use, not by a field initializer: a Core Table declared in the user's part of the root
        // (a relationship's secondary table) may run its initializer first and must find the MetaData
        sb.AppendLine("    private static global::Trove.Sql.Schema.MetaData? __troveMetadata;");
        sb.AppendLine("    [global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]");
        sb.AppendLine("    internal static global::Trove.Sql.Schema.MetaData __TroveMetadata => global::System.Threading.LazyInitializer.EnsureInitialized(ref __troveMetadata);");
        sb.AppendLine();
        sb.Append("    /// <summary>Every table of the <c>").Append(name).AppendLine("</c> model (create with <c>Metadata.CreateAll(engine)</c>).</summary>");
        sb.AppendLine("    public static global::Trove.Sql.Schema.MetaData Metadata");
        sb.AppendLine("    {");
        sb.AppendLine("        get");
        sb.AppendLine("        {");
        foreach (var e in entities) sb.Append("            global::System.GC.KeepAlive(").Append(e.FullName).AppendLine(".Table);");
        sb.AppendLine("            return __TroveMetadata;");
        sb.AppendLine("        }");
        sb.AppendLine("    }");
    }
}
