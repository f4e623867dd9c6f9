using Microsoft.CodeAnalysis;

namespace Trove.Orm.Generators;

/// <summary>The build diagnostics of orm.md D1 (ids are part of the contract).</summary>
internal static class Diagnostics
{
    private const string Category = "Trove.Orm";

    public static readonly DiagnosticDescriptor NotPartialOrNoBase = new(
        "TRV0001", "Mapped class must be partial and derive from a DeclarativeBase",
        "Class '{0}' has [Table] but {1}; declare it 'partial' and derive it from a class that derives from Trove.Orm.DeclarativeBase",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoPrimaryKey = new(
        "TRV0002", "Mapped class has no primary key",
        "Class '{0}' has no primary key: add a property named 'Id' or mark one with [Column(PrimaryKey = true)]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TooManyColumns = new(
        "TRV0003", "Too many columns",
        "Class '{0}' maps {1} columns; at most 64 columns per class are supported",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownMember = new(
        "TRV0102", "Unknown member in a mapping attribute",
        "{0} names '{1}', which is not a {2} of '{3}'; use nameof to name an existing member",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ProxyWithoutCreator = new(
        "TRV0203", "Writable association proxy without a creator",
        "Association proxy '{0}' can add elements but '{1}' has no constructor taking the value and no Creator is set; set Creator = nameof(StaticFactory) or declare the proxy read-only (IReadOnlyList / IReadOnlyDictionary)",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor HybridNotTranslatable = new(
        "TRV0301", "Hybrid body cannot be captured as an expression tree",
        "Hybrid member '{0}' cannot be translated to SQL: {1}; write it as an expression body or set [Hybrid(Expression = nameof(StaticExpressionMember))]",
        Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NonConstantText = new(
        "TRV0401", "Non-constant SQL text",
        "A non-constant string is passed to Db.Text(string) and its values are not bound as parameters; pass an interpolated string so values are bound, or a constant",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}
