using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Trove.Orm.Generators;

/// <summary>TRV0401: <c>Db.Text(string)</c> called with a string that is not a compile-time constant.</summary>
internal static class TextCheck
{
    public static Diagnostic? Check(GeneratorSyntaxContext ctx, CancellationToken ct)
    {
        var inv = (InvocationExpressionSyntax)ctx.Node;
        if (inv.ArgumentList.Arguments.Count == 0) return null;
        if (ctx.SemanticModel.GetSymbolInfo(inv, ct).Symbol is not IMethodSymbol m) return null;
        if (m.Name != "Text" || m.ContainingType?.ToDisplayString() != "Trove.Sql.Db") return null;
        if (m.Parameters.Length == 0 || m.Parameters[0].Type.SpecialType != SpecialType.System_String) return null;
        var arg = inv.ArgumentList.Arguments[0].Expression;
        if (ctx.SemanticModel.GetConstantValue(arg, ct).HasValue) return null;
        return Diagnostic.Create(Diagnostics.NonConstantText, arg.GetLocation());
    }
}
