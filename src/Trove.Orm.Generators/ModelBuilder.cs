using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Trove.Orm.Generators;

/// <summary>Turns an entity class symbol into an <see cref="EntityModel"/>, reporting mapping mistakes.</summary>
internal static class ModelBuilder
{
    public const string DeclarativeBaseName = "Trove.Orm.DeclarativeBase";
    private const string Ns = "Trove.Orm.Mapping.";

    public static INamedTypeSymbol? FindRoot(INamedTypeSymbol cls)
    {
        for (var t = cls; t is not null; t = t.BaseType)
        {
            if (t.BaseType?.ToDisplayString() == DeclarativeBaseName) return t;
        }
        return null;
    }

    public static bool IsUnderDeclarativeBase(ITypeSymbol? t)
    {
        for (var b = t; b is not null; b = b.BaseType)
            if (b.ToDisplayString() == DeclarativeBaseName) return true;
        return false;
    }

    public static AttributeData? Attr(ISymbol s, string name) =>
        s.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == Ns + name);

    public static T? Named<T>(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is T v) return v;
        return default;
    }

    public static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var prevLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var nextLower = i > 0 && i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1]);
                if (prevLower || nextLower) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    public static string ColumnNameOf(IPropertySymbol p)
    {
        var col = Attr(p, "ColumnAttribute");
        if (col is not null && col.ConstructorArguments.Length == 1 && col.ConstructorArguments[0].Value is string n) return n;
        return SnakeCase(p.Name);
    }

    public static string? TableNameOf(ITypeSymbol t)
    {
        var a = Attr(t, "TableAttribute");
        return a?.ConstructorArguments.Length == 1 ? a.ConstructorArguments[0].Value as string : null;
    }

    private static IEnumerable<IPropertySymbol> AllProperties(INamedTypeSymbol cls)
    {
        for (var t = cls; t is not null && t.ToDisplayString() != DeclarativeBaseName; t = t.BaseType)
            foreach (var m in t.GetMembers().OfType<IPropertySymbol>()) yield return m;
    }

    public static EntityModel Build(INamedTypeSymbol cls, Compilation compilation, Action<Diagnostic> report)
    {
        var loc = cls.Locations.FirstOrDefault();
        var model = new EntityModel
        {
            Name = cls.Name,
            FullName = cls.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            Namespace = cls.ContainingNamespace.IsGlobalNamespace ? "" : cls.ContainingNamespace.ToDisplayString(),
            Accessibility = SyntaxFacts.GetText(cls.DeclaredAccessibility),
        };
        for (var c = cls.ContainingType; c is not null; c = c.ContainingType)
            model.ContainingTypes.Insert(0, (c.IsStatic ? "static " : "") + "partial class " + c.Name);
        var tableAttr = Attr(cls, "TableAttribute");
        model.Mapped = tableAttr is not null;
        if (tableAttr is not null)
        {
            model.Table = tableAttr.ConstructorArguments[0].Value as string ?? SnakeCase(cls.Name);
            model.Schema = Named<string>(tableAttr, "Schema");
        }
        var root = FindRoot(cls);
        model.RootBase = root?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) ?? "";
        foreach (var ctor in cls.InstanceConstructors)
        {
            if (ctor.IsImplicitlyDeclared) continue;
            model.HasDeclaredConstructors = true;
            if (ctor.Parameters.Length == 0) model.HasParameterlessConstructor = true;
        }

        foreach (var p in cls.GetMembers().OfType<IPropertySymbol>())
        {
            if (!p.IsPartialDefinition || p.PartialImplementationPart is not null) continue;
            var decl = DeclOf(p);
            if (Attr(p, "NotMappedAttribute") is not null) { model.PlainProperties.Add(decl); continue; }
            if (Attr(p, "AssociationProxyAttribute") is { } proxyAttr && ProxyBuilder.Build(p, decl, proxyAttr, cls, model, report) is { } proxy)
            {
                model.Proxies.Add(proxy);
                continue;
            }
            var rel = Attr(p, "SerializedAttribute") is null ? RelationshipOf(p.Type) : null;
            if (rel is not null)
            {
                var rm = RelationshipBuilder.Build(p, decl, rel.Value.Element, rel.Value.Kind, rel.Value.Concrete);
                model.Relationships.Add(rm);
                if (!model.Mapped) model.PlainProperties.Add(decl);
                continue;
            }
            var col = ColumnOf(p, decl, cls, report);
            if (col is null) { model.PlainProperties.Add(decl); continue; }
            if (model.Mapped) model.Columns.Add(col);
            else model.PlainProperties.Add(decl);
        }

        if (model.Mapped)
        {
            if (!model.Columns.Any(c => c.PrimaryKey))
            {
                var id = model.Columns.FirstOrDefault(c => c.Property == "Id");
                if (id is not null) id.PrimaryKey = true;
            }
            var keys = model.Columns.Where(c => c.PrimaryKey).ToList();
            if (keys.Count == 0) report(Diagnostic.Create(Diagnostics.NoPrimaryKey, loc, cls.Name));
            foreach (var k in keys) { k.DbNullable = false; }
            if (keys.Count == 1 && keys[0].Kind is ValueKind.Int32 or ValueKind.Int64 or ValueKind.Int16 && keys[0].Autoincrement) { }
            else foreach (var k in keys) k.Autoincrement = false;
            foreach (var c in model.Columns) if (!c.PrimaryKey) c.Autoincrement = false;
            if (model.Columns.Count > 64) report(Diagnostic.Create(Diagnostics.TooManyColumns, loc, cls.Name, model.Columns.Count));

            var props = new HashSet<string>(AllProperties(cls).Select(p => p.Name));
            foreach (var a in cls.GetAttributes())
            {
                var an = a.AttributeClass?.ToDisplayString();
                if (an == Ns + "UniqueConstraintAttribute" || an == Ns + "IndexAttribute")
                {
                    var isIndex = an == Ns + "IndexAttribute";
                    var arr = a.ConstructorArguments[isIndex ? 1 : 0];
                    var names = arr.Kind == TypedConstantKind.Array ? arr.Values.Select(v => v.Value as string ?? "").ToList() : new List<string>();
                    var cols = new List<string>();
                    foreach (var n in names)
                    {
                        var c = model.Columns.FirstOrDefault(x => x.Property == n);
                        if (c is null)
                        {
                            var aloc = a.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? loc;
                            report(Diagnostic.Create(Diagnostics.UnknownMember, aloc, isIndex ? "[Index]" : "[UniqueConstraint]", n, "mapped column", cls.Name));
                            continue;
                        }
                        cols.Add(c.Column);
                    }
                    if (isIndex) model.Indexes.Add((a.ConstructorArguments[0].Value as string ?? "", cols, Named<bool>(a, "Unique")));
                    else model.UniqueConstraints.Add((Named<string>(a, "Name"), cols));
                }
            }
            _ = props;
        }

        foreach (var m in cls.GetMembers())
        {
            var h = Attr(m, "HybridAttribute");
            if (h is null) continue;
            var hybrid = HybridCapture.Capture(m, h, cls, compilation, report);
            if (hybrid is not null) model.Hybrids.Add(hybrid);
        }
        return model;
    }

    internal static PropertyDecl DeclOf(IPropertySymbol p)
    {
        var d = new PropertyDecl { Name = p.Name, Type = p.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier | SymbolDisplayMiscellaneousOptions.UseSpecialTypes)) };
        if (p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is PropertyDeclarationSyntax syn)
        {
            d.Modifiers = string.Join(" ", syn.Modifiers.Select(m => m.Text));
            d.HasInitializer = syn.Initializer is not null;
            if (syn.AccessorList is not null)
            {
                foreach (var acc in syn.AccessorList.Accessors)
                {
                    var mods = acc.Modifiers.Count > 0 ? string.Join(" ", acc.Modifiers.Select(m => m.Text)) + " " : "";
                    if (acc.IsKind(SyntaxKind.GetAccessorDeclaration)) { d.HasGet = true; d.GetModifiers = mods; }
                    else { d.HasSet = true; d.SetModifiers = mods; d.IsInit = acc.IsKind(SyntaxKind.InitAccessorDeclaration); }
                }
            }
        }
        return d;
    }

    internal static (string Element, string Kind, string Concrete)? RelationshipOf(ITypeSymbol t)
    {
        var fq = SymbolDisplayFormat.FullyQualifiedFormat;
        if (t is INamedTypeSymbol nt && t.TypeKind == TypeKind.Class && IsUnderDeclarativeBase(nt))
            return (nt.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(fq), "Reference", "");
        if (t is INamedTypeSymbol g && g.IsGenericType)
        {
            var def = g.OriginalDefinition.ToDisplayString();
            var last = g.TypeArguments[g.TypeArguments.Length - 1];
            if (!IsUnderDeclarativeBase(last)) return null;
            var el = last.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(fq);
            switch (def)
            {
                case "System.Collections.Generic.IList<T>":
                case "System.Collections.Generic.ICollection<T>":
                case "System.Collections.Generic.List<T>":
                    return (el, "List", "global::System.Collections.Generic.List<" + el + ">");
                case "System.Collections.Generic.ISet<T>":
                case "System.Collections.Generic.HashSet<T>":
                    return (el, "Set", "global::System.Collections.Generic.HashSet<" + el + ">");
                case "System.Collections.Generic.IDictionary<TKey, TValue>":
                case "System.Collections.Generic.Dictionary<TKey, TValue>":
                    return (el, "Dictionary", "global::System.Collections.Generic.Dictionary<" + g.TypeArguments[0].ToDisplayString(fq) + ", " + el + ">");
            }
            if (g.Name == "DynamicCollection") return (el, "Dynamic", "");
        }
        return null;
    }

    private static ColumnModel? ColumnOf(IPropertySymbol p, PropertyDecl decl, INamedTypeSymbol cls, Action<Diagnostic> report)
    {
        var t = p.Type;
        var nullableValue = false;
        if (t is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } n)
        {
            t = n.TypeArguments[0];
            nullableValue = true;
        }
        ValueKind kind;
        string? serializedContext = null;
        if (Attr(p, "SerializedAttribute") is { } ser)
        {
            kind = ValueKind.Serialized;
            serializedContext = (ser.ConstructorArguments.FirstOrDefault().Value as ITypeSymbol)?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            if (serializedContext is null) return null;
        }
        else if (t.TypeKind == TypeKind.Enum) kind = ValueKind.Enum;
        else
        {
            switch (t.SpecialType)
            {
                case SpecialType.System_Int32: kind = ValueKind.Int32; break;
                case SpecialType.System_Int64: kind = ValueKind.Int64; break;
                case SpecialType.System_Int16: kind = ValueKind.Int16; break;
                case SpecialType.System_Byte: kind = ValueKind.Byte; break;
                case SpecialType.System_Boolean: kind = ValueKind.Bool; break;
                case SpecialType.System_Double: kind = ValueKind.Double; break;
                case SpecialType.System_Single: kind = ValueKind.Single; break;
                case SpecialType.System_Decimal: kind = ValueKind.Decimal; break;
                case SpecialType.System_String: kind = ValueKind.String; break;
                case SpecialType.System_DateTime: kind = ValueKind.DateTime; break;
                default:
                    if (t is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_Byte }) { kind = ValueKind.Bytes; break; }
                    switch (t.ToDisplayString())
                    {
                        case "System.DateTimeOffset": kind = ValueKind.DateTimeOffset; break;
                        case "System.DateOnly": kind = ValueKind.DateOnly; break;
                        case "System.TimeOnly": kind = ValueKind.TimeOnly; break;
                        case "System.TimeSpan": kind = ValueKind.TimeSpan; break;
                        case "System.Guid": kind = ValueKind.Guid; break;
                        default: return null;
                    }
                    break;
            }
        }
        var fq = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.UseSpecialTypes);
        var c = new ColumnModel
        {
            Property = p.Name,
            Column = ColumnNameOf(p),
            Type = decl.Type,
            CoreType = t.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(fq),
            Kind = kind,
            IsValueType = t.IsValueType,
            NullableValue = nullableValue,
            DbNullable = t.IsValueType ? nullableValue : p.NullableAnnotation == NullableAnnotation.Annotated,
            Autoincrement = true,
            Decl = decl,
            SerializedContext = serializedContext,
        };
        if (kind == ValueKind.Enum)
        {
            foreach (var f in t.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue))
            {
                var ev = Attr(f, "EnumValueAttribute");
                c.EnumMembers.Add((f.Name, ev?.ConstructorArguments[0].Value as string ?? f.Name));
            }
        }
        var col = Attr(p, "ColumnAttribute");
        if (col is not null)
        {
            c.PrimaryKey = Named<bool>(col, "PrimaryKey");
            c.Length = Named<int>(col, "Length");
            c.Precision = Named<int>(col, "Precision");
            c.Scale = Named<int>(col, "Scale");
            c.ServerDefault = Named<string>(col, "ServerDefault");
            c.Index = Named<bool>(col, "Index");
            c.Unique = Named<bool>(col, "Unique");
            c.Collation = Named<string>(col, "Collation");
            foreach (var kv in col.NamedArguments)
            {
                if (kv.Key == "Autoincrement" && kv.Value.Value is bool ai) c.Autoincrement = ai;
                if (kv.Key == "Default") c.DefaultLiteral = DefaultLiteral(kv.Value, c);
                if (kv.Key == "Type" && kv.Value.Value is not null) c.TypeKind = kv.Value.Type!.ToDisplayString(fq) + "." + EnumMemberName(kv.Value);
                if (kv.Key == "Nullable" && kv.Value.Value is bool nb) c.DbNullable = nb;
            }
        }
        if (Attr(p, "VersionCounterAttribute") is not null) c.IsVersion = true;
        foreach (var a in p.GetAttributes())
        {
            var ac = a.AttributeClass;
            if (ac is null) continue;
            var name = ac.OriginalDefinition.ToDisplayString();
            if (name == Ns + "ForeignKeyAttribute" && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string target)
            {
                var dot = target.LastIndexOf('.');
                c.ForeignTable = dot > 0 ? target.Substring(0, dot) : target;
                c.ForeignColumn = dot > 0 ? target.Substring(dot + 1) : "id";
                c.OnDelete = EnumArg(a, "OnDelete");
                c.ForeignKeyUseAlter = BoolArg(a, "UseAlter");
            }
            else if (name == Ns + "ForeignKeyAttribute<T>" && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is string member)
            {
                var targetType = ac.TypeArguments[0];
                var targetProp = targetType.GetMembers(member).OfType<IPropertySymbol>().FirstOrDefault();
                if (targetProp is null)
                {
                    var aloc = a.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? p.Locations.FirstOrDefault();
                    report(Diagnostic.Create(Diagnostics.UnknownMember, aloc, "[ForeignKey<" + targetType.Name + ">]", member, "property", targetType.Name));
                    continue;
                }
                c.ForeignTable = TableNameOf(targetType) ?? SnakeCase(targetType.Name);
                c.ForeignColumn = ColumnNameOf(targetProp);
                c.OnDelete = EnumArg(a, "OnDelete");
                c.ForeignKeyUseAlter = BoolArg(a, "UseAlter");
            }
        }
        _ = cls;
        return c;
    }

    private static bool BoolArg(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is bool b) return b;
        return false;
    }

    private static string? EnumArg(AttributeData a, string name)
    {
        foreach (var kv in a.NamedArguments)
            if (kv.Key == name && kv.Value.Value is int i) return i.ToString();
        return null;
    }

    private static string EnumMemberName(TypedConstant v)
    {
        if (v.Type is INamedTypeSymbol et)
            foreach (var f in et.GetMembers().OfType<IFieldSymbol>())
                if (f.HasConstantValue && Equals(f.ConstantValue, v.Value)) return f.Name;
        return v.Value?.ToString() ?? "";
    }

    private static string? DefaultLiteral(TypedConstant v, ColumnModel c)
    {
        if (v.Value is null) return "null";
        if (v.Value is string s) return SymbolDisplay.FormatLiteral(s, true);
        var lit = SymbolDisplay.FormatPrimitive(v.Value, quoteStrings: true, useHexadecimalNumbers: false);
        if (v.Value is bool) return lit;
        return "(" + c.CoreType + ")(" + lit + ")";
    }
}
