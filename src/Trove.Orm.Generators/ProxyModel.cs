using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Trove.Orm.Generators;

/// <summary>An <c>[AssociationProxy]</c> property.</summary>
internal sealed class ProxyModel
{
    public PropertyDecl Decl = new();
    public string Relationship = "";
    public string Attribute = "";
    /// <summary>List, Dictionary or Scalar.</summary>
    public string Kind = "";
    public string Element = "";
    public string Value = "";
    public string? Key;
    public string? Creator;
    public bool CtorCreator;
}

/// <summary>Builds and emits association proxies; each also becomes a hybrid so it can be used in query filters.</summary>
internal static class ProxyBuilder
{
    public static ProxyModel? Build(IPropertySymbol p, PropertyDecl decl, AttributeData a, INamedTypeSymbol cls, EntityModel model, System.Action<Diagnostic> report)
    {
        if (a.ConstructorArguments.Length != 2 || a.ConstructorArguments[0].Value is not string relName || a.ConstructorArguments[1].Value is not string attrName) return null;
        var relProp = cls.GetMembers(relName).OfType<IPropertySymbol>().FirstOrDefault();
        if (relProp is null || ModelBuilder.RelationshipOf(relProp.Type) is not { } rel) return null;
        var fq = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);
        var m = new ProxyModel { Decl = decl, Relationship = relName, Attribute = attrName, Element = rel.Element, Creator = ModelBuilder.Named<string>(a, "Creator") };
        var pt = p.Type as INamedTypeSymbol;
        if (rel.Kind == "Reference")
        {
            m.Kind = "Scalar";
            m.Value = p.Type.ToDisplayString(fq);
        }
        else if (rel.Kind == "Dictionary" && pt is { TypeArguments.Length: 2 })
        {
            m.Kind = "Dictionary";
            m.Key = pt.TypeArguments[0].ToDisplayString(fq);
            m.Value = pt.TypeArguments[1].ToDisplayString(fq);
        }
        else if (pt is { TypeArguments.Length: 1 })
        {
            m.Kind = "List";
            m.Value = pt.TypeArguments[0].ToDisplayString(fq);
        }
        else return null;
        if (m.Creator is null && relProp.Type is INamedTypeSymbol rt)
        {
            var elementType = rel.Kind == "Reference" ? rt : rt.TypeArguments[rt.TypeArguments.Length - 1] as INamedTypeSymbol;
            m.CtorCreator = elementType?.InstanceConstructors.Any(c => c.Parameters.Length == (m.Kind == "Dictionary" ? 2 : 1) && c.DeclaredAccessibility != Accessibility.Private) == true;
        }
        var writable = m.Kind != "Scalar" && pt?.Name is "IList" or "ICollection" or "IDictionary";
        if (writable && m.Creator is null && !m.CtorCreator)
        {
            var loc = a.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? p.Locations.FirstOrDefault();
            report(Diagnostic.Create(Diagnostics.ProxyWithoutCreator, loc, p.Name, m.Element.Replace("global::", "")));
        }
        var entity = model.FullName;
        var source = m.Kind switch
        {
            "Scalar" => "__e => __e." + relName + "!." + attrName,
            "Dictionary" => "__e => global::System.Linq.Enumerable.Select(__e." + relName + ".Values, __x => __x." + attrName + ")",
            _ => "__e => global::System.Linq.Enumerable.Select(__e." + relName + ", __x => __x." + attrName + ")",
        };
        var result = m.Kind == "Scalar" ? m.Value : "global::System.Collections.Generic.IEnumerable<" + m.Value + ">";
        model.Hybrids.Add(new HybridModel { Name = p.Name, FuncType = "global::System.Func<" + entity + ", " + result + ">", LambdaSource = source });
        return m;
    }

    public static void Emit(StringBuilder sb, ProxyModel m)
    {
        var d = m.Decl;
        var field = "__trove_p_" + d.Name;
        sb.Append("    ").Append(d.Modifiers).Append(' ').Append(d.Type).Append(' ').AppendLine(d.Name);
        sb.AppendLine("    {");
        switch (m.Kind)
        {
            case "Scalar":
                sb.Append("        ").Append(d.GetModifiers).Append("get => this.").Append(m.Relationship).Append(" is { } __r ? __r.").Append(m.Attribute).AppendLine(" : default!;");
                break;
            case "Dictionary":
            {
                var creator = m.Creator is not null ? "static (k, v) => " + m.Creator + "(k, v)" : m.CtorCreator ? "static (k, v) => new " + m.Element + "(k, v)" : "null";
                sb.Append("        ").Append(d.GetModifiers).Append("get => ").Append(field).Append(" ??= new(() => this.").Append(m.Relationship)
                    .Append(", static e => e.").Append(m.Attribute).Append(", static (e, v) => e.").Append(m.Attribute).Append(" = v, ").Append(creator).AppendLine(");");
                break;
            }
            default:
            {
                var creator = m.Creator is not null ? "static v => " + m.Creator + "(v)" : m.CtorCreator ? "static v => new " + m.Element + "(v)" : "null";
                sb.Append("        ").Append(d.GetModifiers).Append("get => ").Append(field).Append(" ??= new(() => this.").Append(m.Relationship)
                    .Append(", static e => e.").Append(m.Attribute).Append(", static (e, v) => e.").Append(m.Attribute).Append(" = v, ").Append(creator).AppendLine(");");
                break;
            }
        }
        sb.AppendLine("    }");
        if (m.Kind == "List")
            sb.Append("    private global::Trove.Orm.Relationships.ProxyList<").Append(m.Element).Append(", ").Append(m.Value).Append(">? ").Append(field).AppendLine(";");
        else if (m.Kind == "Dictionary")
            sb.Append("    private global::Trove.Orm.Relationships.ProxyDictionary<").Append(m.Key).Append(", ").Append(m.Element).Append(", ").Append(m.Value).Append(">? ").Append(field).AppendLine(";");
        sb.AppendLine();
    }
}
