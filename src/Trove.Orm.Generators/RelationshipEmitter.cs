using System.Linq;
using System.Text;

namespace Trove.Orm.Generators;

/// <summary>
/// Writes relationship properties of a mapped entity: an explicit backing field (so the mapper can read and
/// write it without events), a getter that lazy-loads through the owning session when the relationship's
/// loaded bit is clear, a setter that goes through the runtime's event code (reverse side, foreign key,
/// cascade), and the mapper's relationship table plus raw accessors.
/// </summary>
internal static class RelationshipEmitter
{
    private const string O = "global::Trove.Orm.";
    private const string R = "global::Trove.Orm.Relationships.";

    public static string FieldName(RelationshipModel r) => "__trove_r_" + r.Property;

    public static string FieldType(RelationshipModel r) => r.Kind switch
    {
        "Reference" => r.Target + "?",
        "List" => R + "RelationList<" + r.Target + ">?",
        "Set" => R + "RelationSet<" + r.Target + ">?",
        "Dictionary" => R + "RelationDictionary<" + r.DictKey + ", " + r.Target + ">?",
        _ => O + "DynamicCollection<" + r.Target + ">?",
    };

    public static void EmitProperties(StringBuilder sb, EntityModel m)
    {
        for (var i = 0; i < m.Relationships.Count; i++)
        {
            var r = m.Relationships[i];
            var d = r.Decl;
            var bit = "0x" + (1UL << i).ToString("X") + "UL";
            var rel = "__TroveMapper.Instance.Relationships[" + i + "]";
            sb.Append("    private ").Append(FieldType(r)).Append(' ').Append(FieldName(r)).AppendLine(";");
            sb.Append("    ").Append(d.Modifiers).Append(' ').Append(d.Type).Append(' ').AppendLine(d.Name);
            sb.AppendLine("    {");
            if (d.HasGet)
            {
                sb.Append("        ").Append(d.GetModifiers).Append("get { ");
                if (r.Kind != "Dynamic")
                    sb.Append("var s = _troveState; if (s is not null && (s.RelLoaded & ").Append(bit).Append(") == 0) s.LoadRelationship(").Append(i).Append("); ");
                if (r.Kind == "Reference") sb.Append("return ").Append(FieldName(r)).Append(d.Type.EndsWith("?") ? "" : "!").AppendLine("; }");
                else sb.Append("return ").Append(FieldName(r)).Append(" ??= new(this, ").Append(rel).AppendLine("); }");
            }
            if (d.HasSet)
            {
                sb.Append("        ").Append(d.SetModifiers).Append(d.IsInit ? "init" : "set").Append(" => ").Append(R).Append("RelationshipEvents.")
                    .Append(r.Kind == "Reference" ? "SetReference" : "SetCollection").Append("(this, ").Append(rel).AppendLine(r.Kind == "Dictionary" ? ", value?.Values);" : ", value);");
            }
            sb.AppendLine("    }");
            sb.AppendLine();
        }
    }

    public static void EmitMapperMembers(StringBuilder sb, EntityModel m)
    {
        if (m.Relationships.Count == 0) return;
        sb.AppendLine();
        sb.Append("        protected override ").Append(O).Append("RelationshipMap[] CreateRelationships() => new ").Append(O).AppendLine("RelationshipMap[]");
        sb.AppendLine("        {");
        for (var i = 0; i < m.Relationships.Count; i++)
        {
            var r = m.Relationships[i];
            sb.Append("            new(this, ").Append(i).Append(", ").Append(Emitter.Lit(r.Property)).Append(", typeof(").Append(r.Target).Append("), ")
                .Append(O).Append("RelationKind.").Append(r.Kind).Append(")");
            sb.Append(" { Cascade = (").Append(O).Append("Cascade)").Append(r.Cascade).Append(", Loading = (").Append(O).Append("Loading)").Append(r.Loading);
            if (r.BackPopulates is not null) sb.Append(", BackPopulates = ").Append(Emitter.Lit(r.BackPopulates));
            if (r.Secondary is not null)
                sb.Append(", Secondary = ").Append(Emitter.Lit(r.Secondary)).Append(", SecondaryTable = static () => ").Append(m.RootBase).Append(".Metadata.Tables[").Append(Emitter.Lit(r.Secondary)).Append("]");
            if (r.OrderBy is not null) sb.Append(", OrderBy = ").Append(Emitter.Lit(r.OrderBy));
            if (r.RemoteSide is not null) sb.Append(", RemoteSide = ").Append(Emitter.Lit(r.RemoteSide));
            if (r.JoinDepth != 0) sb.Append(", JoinDepth = ").Append(r.JoinDepth);
            if (r.ViewOnly) sb.Append(", ViewOnly = true");
            if (r.SingleParent) sb.Append(", SingleParent = true");
            if (r.KeyedBy is not null)
                sb.Append(", KeyOf = static e => ((").Append(r.Target).Append(")e).").Append(r.KeyedBy).Append("!");
            else if (r.KeySelector is not null)
                sb.Append(", KeyOf = static e => ").Append(m.FullName).Append('.').Append(r.KeySelector).Append("((").Append(r.Target).Append(")e)!");
            sb.AppendLine(" },");
        }
        sb.AppendLine("        };");
        sb.AppendLine();
        Emitter.EntitySwitch(sb, m.FullName, "object? GetRelated(" + O + "DeclarativeBase entity, int index)", "index", asExpression: true,
            m.Relationships.Select((r, i) => i + " => e." + FieldName(r) + ","), "_ => null,");
        Emitter.EntitySwitch(sb, m.FullName, "void SetRelated(" + O + "DeclarativeBase entity, int index, object? value)", "index", asExpression: false,
            m.Relationships.Select((r, i) => "case " + i + ": e." + FieldName(r) + " = (" + FieldType(r) + ")value; break;"), null);
        Emitter.EntitySwitch(sb, m.FullName, "object CreateCollection(" + O + "DeclarativeBase entity, int index)", "index", asExpression: false,
            m.Relationships.Select((r, i) => (r, i)).Where(x => x.r.Kind != "Reference")
                .Select(x => "case " + x.i + ": return e." + FieldName(x.r) + " ??= new(e, Relationships[" + x.i + "]);"),
            "default: throw new global::System.ArgumentOutOfRangeException(nameof(index));");
    }
}
