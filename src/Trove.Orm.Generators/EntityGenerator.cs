using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Trove.Orm.Generators;

/// <summary>
/// Completes partial entity classes under a <c>DeclarativeBase</c> (orm.md D1, D2) and reports the mapping
/// diagnostics. Semantic work happens in the output step over the collected class declarations.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class EntityGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var classes = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is ClassDeclarationSyntax c && (c.BaseList is not null || c.AttributeLists.Count > 0),
            static (ctx, ct) => ctx.SemanticModel.GetDeclaredSymbol((ClassDeclarationSyntax)ctx.Node, ct) as INamedTypeSymbol)
            .Where(static s => s is not null)
            .Collect();
        context.RegisterSourceOutput(context.CompilationProvider.Combine(classes), static (spc, pair) => Execute(spc, pair.Left, pair.Right!));

        var texts = context.SyntaxProvider.CreateSyntaxProvider(
            static (node, _) => node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Text" } },
            static (ctx, ct) => TextCheck.Check(ctx, ct))
            .Where(static d => d is not null);
        context.RegisterSourceOutput(texts, static (spc, d) => spc.ReportDiagnostic(d!));
    }

    private static void Execute(SourceProductionContext spc, Compilation compilation, ImmutableArray<INamedTypeSymbol?> symbols)
    {
        var core = CoreApi.From(compilation);
        var seen = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var roots = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        var models = new List<(EntityModel Model, INamedTypeSymbol Symbol)>();
        foreach (var s in symbols)
        {
            if (s is null || !seen.Add(s)) continue;
            var hasTable = ModelBuilder.Attr(s, "TableAttribute") is not null;
            var root = ModelBuilder.FindRoot(s);
            var isPartial = s.DeclaringSyntaxReferences.All(r => r.GetSyntax() is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (hasTable && (root is null || !isPartial || SymbolEqualityComparer.Default.Equals(root, s)))
            {
                var why = !isPartial ? "is not declared 'partial'" : "does not derive from a class under Trove.Orm.DeclarativeBase";
                spc.ReportDiagnostic(Diagnostic.Create(Diagnostics.NotPartialOrNoBase, s.Locations.FirstOrDefault(), s.Name, why));
                continue;
            }
            if (root is null) continue;
            if (SymbolEqualityComparer.Default.Equals(root, s))
            {
                if (isPartial) roots.Add(s);
                continue;
            }
            if (!isPartial) continue;
            models.Add((ModelBuilder.Build(s, compilation, spc.ReportDiagnostic), s));
        }
        RelationshipBuilder.AddBackrefs(models.Select(x => x.Model).ToList());
        foreach (var (model, symbol) in models)
        {
            var usings = symbol.DeclaringSyntaxReferences
                .SelectMany(r => r.GetSyntax().SyntaxTree.GetCompilationUnitRoot().Usings)
                .Where(u => u.GlobalKeyword.IsKind(SyntaxKind.None))
                .Select(u => u.ToString()).Distinct().ToList();
            var hint = symbol.ToDisplayString().Replace('<', '_').Replace('>', '_') + ".Trove.g.cs";
            spc.AddSource(hint, Emitter.Emit(model, usings, core));
        }
        foreach (var root in roots)
        {
            var sb = new StringBuilder();
            var entities = models.Where(x => x.Model.Mapped && ModelBuilder.FindRoot(x.Symbol) is { } r && SymbolEqualityComparer.Default.Equals(r, root)).Select(x => x.Model).ToList();
            RootEmitter.Emit(sb, root, entities, core);
            spc.AddSource(root.ToDisplayString() + ".TroveBase.g.cs", sb.ToString());
        }
    }
}
