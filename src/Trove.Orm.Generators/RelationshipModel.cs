using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Trove.Orm.Generators;

/// <summary>One relationship property (declared, or added to the other class by a <c>Backref</c>).</summary>
internal sealed class RelationshipModel
{
    public string Property = "";
    /// <summary>Fully qualified target entity type.</summary>
    public string Target = "";
    /// <summary>Reference, List, Set, Dictionary or Dynamic.</summary>
    public string Kind = "";
    /// <summary>Fully qualified key type of a dictionary collection.</summary>
    public string? DictKey;
    /// <summary>Concrete collection type used for a plain (unmapped) class's property.</summary>
    public string Concrete = "";
    public string? BackPopulates;
    public string? Backref;
    public string? Secondary;
    public string? OrderBy;
    public string? RemoteSide;
    public string? KeyedBy;
    public string? KeySelector;
    public int Cascade = 3;
    public int Loading = 1;
    public int JoinDepth;
    public bool ViewOnly;
    public bool SingleParent;
    public PropertyDecl Decl = new();
    /// <summary>Added by a Backref of another class: not a partial property, the whole member is generated.</summary>
    public bool Synthesized;

    public bool IsCollection => Kind != "Reference";
}

/// <summary>Reads <c>[Relationship]</c> options of a relationship-typed partial property.</summary>
internal static class RelationshipBuilder
{
    public static RelationshipModel Build(IPropertySymbol p, PropertyDecl decl, string element, string kind, string concrete)
    {
        var r = new RelationshipModel { Property = p.Name, Target = element, Kind = kind, Decl = decl };
        if (kind == "Dictionary" && p.Type is INamedTypeSymbol g && g.TypeArguments.Length == 2)
            r.DictKey = g.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        r.Concrete = concrete;
        var a = ModelBuilder.Attr(p, "RelationshipAttribute");
        if (a is null) return r;
        foreach (var kv in a.NamedArguments)
        {
            var v = kv.Value.Value;
            switch (kv.Key)
            {
                case "BackPopulates": r.BackPopulates = v as string; break;
                case "Backref": r.Backref = v as string; break;
                case "Secondary": r.Secondary = v as string; break;
                case "OrderBy": r.OrderBy = v as string; break;
                case "RemoteSide": r.RemoteSide = v as string; break;
                case "KeyedBy": r.KeyedBy = v as string; break;
                case "KeySelector": r.KeySelector = v as string; break;
                case "Cascade" when v is int c: r.Cascade = c; break;
                case "Loading" when v is int l: r.Loading = l; break;
                case "JoinDepth" when v is int d: r.JoinDepth = d; break;
                case "ViewOnly" when v is bool vo: r.ViewOnly = vo; break;
                case "SingleParent" when v is bool sp: r.SingleParent = sp; break;
            }
        }
        return r;
    }

    /// <summary>
    /// Adds the reverse property a <c>Backref</c> asks for to the other class (when it is in this compilation)
    /// and links both sides through BackPopulates: a reference's backref is a list, a one-to-many
    /// collection's backref is a reference, a many-to-many collection's backref is a list.
    /// </summary>
    public static void AddBackrefs(List<EntityModel> models)
    {
        foreach (var m in models.ToList())
        {
            foreach (var r in m.Relationships.ToList())
            {
                if (r.Backref is null || r.Synthesized) continue;
                var target = models.FirstOrDefault(x => x.FullName == r.Target);
                if (target is null || target.Relationships.Any(x => x.Property == r.Backref)) continue;
                var reverseIsList = r.Kind == "Reference" || r.Secondary is not null;
                var list = "global::System.Collections.Generic.IList<" + m.FullName + ">";
                var reverse = new RelationshipModel
                {
                    Property = r.Backref,
                    Target = m.FullName,
                    Kind = reverseIsList ? "List" : "Reference",
                    BackPopulates = r.Property,
                    Secondary = r.Secondary,
                    Synthesized = true,
                    Decl = new PropertyDecl
                    {
                        Modifiers = "public",
                        Type = reverseIsList ? list : m.FullName + "?",
                        Name = r.Backref,
                        HasGet = true,
                        HasSet = true,
                        GetModifiers = "",
                        SetModifiers = "",
                    },
                };
                r.BackPopulates = r.Backref;
                target.Relationships.Add(reverse);
            }
        }
    }
}
