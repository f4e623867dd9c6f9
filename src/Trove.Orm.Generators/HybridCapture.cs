using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Trove.Orm.Generators;

/// <summary>
/// Captures an expression-bodied <c>[Hybrid]</c> member as the source of a lambda: implicit <c>this</c> member
/// accesses become accesses on the lambda's first parameter, so the C# compiler builds the expression tree (D2).
/// </summary>
internal static class HybridCapture
{
    private const string Self = "__e";

    public static HybridModel? Capture(ISymbol member, AttributeData attr, INamedTypeSymbol cls, Compilation compilation, Action<Diagnostic> report)
    {
        var fq = SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
            SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);
        var entity = cls.ToDisplayString(fq);
        string funcType;
        string parameters;
        switch (member)
        {
            case IPropertySymbol p:
                funcType = "global::System.Func<" + entity + ", " + p.Type.ToDisplayString(fq) + ">";
                parameters = Self;
                break;
            case IMethodSymbol m:
                funcType = "global::System.Func<" + entity + string.Concat(m.Parameters.Select(x => ", " + x.Type.ToDisplayString(fq))) + ", " + m.ReturnType.ToDisplayString(fq) + ">";
                parameters = "(" + Self + string.Concat(m.Parameters.Select(x => ", " + x.Name)) + ")";
                break;
            default:
                return null;
        }
        var loc = member.Locations.FirstOrDefault();
        var model = new HybridModel { Name = member.Name, FuncType = funcType };
        var exprName = ModelBuilder.Named<string>(attr, "Expression");
        if (exprName is not null)
        {
            var target = cls.GetMembers(exprName).FirstOrDefault(s => s.IsStatic && s is IPropertySymbol or IFieldSymbol or IMethodSymbol);
            if (target is null)
            {
                var aloc = attr.ApplicationSyntaxReference?.GetSyntax().GetLocation() ?? loc;
                report(Diagnostic.Create(Diagnostics.UnknownMember, aloc, "[Hybrid(Expression)]", exprName, "static member", cls.Name));
                return null;
            }
            model.ExpressionMember = target is IMethodSymbol ? exprName + "()" : exprName;
            return model;
        }

        var syntax = member.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax();
        ExpressionSyntax? body = syntax switch
        {
            PropertyDeclarationSyntax pd => pd.ExpressionBody?.Expression
                ?? pd.AccessorList?.Accessors.FirstOrDefault(a => a.IsKind(SyntaxKind.GetAccessorDeclaration))?.ExpressionBody?.Expression,
            MethodDeclarationSyntax md => md.ExpressionBody?.Expression,
            _ => null,
        };
        if (body is null)
        {
            report(Diagnostic.Create(Diagnostics.HybridNotTranslatable, loc, member.Name, "its body is a block, not a single expression"));
            return null;
        }
        var bad = body.DescendantNodesAndSelf().FirstOrDefault(n =>
            n is ConditionalAccessExpressionSyntax or SwitchExpressionSyntax or ThrowExpressionSyntax or AssignmentExpressionSyntax
              or IsPatternExpressionSyntax or TupleExpressionSyntax or CollectionExpressionSyntax or WithExpressionSyntax
              or AwaitExpressionSyntax or RefExpressionSyntax
            || n is LambdaExpressionSyntax { Block: not null }
            || n.IsKind(SyntaxKind.DefaultLiteralExpression));
        if (bad is not null)
        {
            report(Diagnostic.Create(Diagnostics.HybridNotTranslatable, bad.GetLocation(), member.Name,
                "'" + bad.ToString() + "' is not allowed in an expression tree"));
            return null;
        }
        var semantic = compilation.GetSemanticModel(body.SyntaxTree);
        var rewritten = (ExpressionSyntax)new SelfRewriter(semantic, cls).Visit(body);
        model.LambdaSource = parameters + " => " + rewritten.NormalizeWhitespace().ToFullString();
        return model;
    }

    private sealed class SelfRewriter(SemanticModel semantic, INamedTypeSymbol cls) : CSharpSyntaxRewriter
    {
        public override SyntaxNode? VisitThisExpression(ThisExpressionSyntax node) => SyntaxFactory.IdentifierName(Self);

        public override SyntaxNode? VisitIdentifierName(IdentifierNameSyntax node)
        {
            if (node.Parent is MemberAccessExpressionSyntax ma && ma.Name == node) return node;
            if (node.Parent is MemberBindingExpressionSyntax) return node;
            if (node.Parent is NameColonSyntax) return node;
            var sym = semantic.GetSymbolInfo(node).Symbol;
            if (sym is null || sym.IsStatic) return node;
            if (sym is not (IPropertySymbol or IFieldSymbol or IMethodSymbol)) return node;
            if (sym is IMethodSymbol { MethodKind: MethodKind.LocalFunction }) return node;
            for (var t = cls; t is not null; t = t.BaseType)
            {
                if (SymbolEqualityComparer.Default.Equals(sym.ContainingType, t))
                {
                    return SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression,
                        SyntaxFactory.IdentifierName(Self), node.WithoutTrivia()).WithTriviaFrom(node);
                }
            }
            return node;
        }
    }
}
