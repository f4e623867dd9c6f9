using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Trove.Orm.Generators;

namespace Trove.Orm.Tests.Generator;

/// <summary>The generator's build diagnostics (orm.md D1): a model with a mistake gives the documented id.</summary>
public class DiagnosticsTests
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_refs = new(() =>
    {
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var refs = tpa.Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
        refs.Add(MetadataReference.CreateFromFile(typeof(DeclarativeBase).Assembly.Location));
        refs.Add(MetadataReference.CreateFromFile(typeof(Trove.Sql.Engine).Assembly.Location));
        return [.. refs];
    });

    /// <summary>Runs the generator over <paramref name="source"/>; returns generator diagnostics and the compile errors of the result.</summary>
    private static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compile, GeneratorDriverRunResult Run) Run(string source)
    {
        var compilation = CSharpCompilation.Create("Model",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview))],
            s_refs.Value, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new EntityGenerator().AsSourceGenerator()], parseOptions: new CSharpParseOptions(LanguageVersion.Preview));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diags);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return (diags, errors, driver.GetRunResult());
    }

    private const string Header = "using Trove.Orm; using Trove.Orm.Mapping; using Trove.Sql; using System.Linq.Expressions; using System;\n" +
                                  "public abstract partial class Base : DeclarativeBase;\n";

    [Fact]
    public void Valid_model_generates_compiling_code_without_diagnostics()
    {
        var (gen, compile, run) = Run(Header + """
            [Table("user")] public partial class User : Base
            {
                public partial long Id { get; set; }
                [Column(Length = 32)] public partial string Name { get; set; } = "";
                [Hybrid] public int Twice => (int)Id * 2;
            }
            """);
        Assert.Empty(gen);
        Assert.Empty(compile);
        Assert.Contains(run.GeneratedTrees, t => t.FilePath.EndsWith("User.Trove.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void TRV0203_writable_proxy_without_creator()
    {
        var (gen, _, _) = Run(Header + """
            [Table("user")] public partial class User : Base
            {
                public partial long Id { get; set; }
                public partial System.Collections.Generic.IList<Blog> BlogList { get; set; }
                [AssociationProxy(nameof(BlogList), nameof(Blog.Title))] public partial System.Collections.Generic.IList<string> Titles { get; }
                [AssociationProxy(nameof(BlogList), nameof(Blog.Title))] public partial System.Collections.Generic.IReadOnlyList<string> ReadOnlyTitles { get; }
            }
            [Table("blog")] public partial class Blog : Base
            {
                public partial long Id { get; set; }
                public partial string Title { get; set; }
                [ForeignKey("user.id")] public partial long UserId { get; set; }
            }
            """);
        var d = Assert.Single(gen, x => x.Id == "TRV0203");
        Assert.Contains("'Titles'", d.GetMessage());
    }

    [Fact]
    public void TRV0001_class_not_partial()
    {
        var (gen, _, _) = Run(Header + """
            [Table("user")] public class User : Base { public long Id { get; set; } }
            """);
        var d = Assert.Single(gen, x => x.Id == "TRV0001");
        Assert.Contains("'User'", d.GetMessage());
        Assert.Contains("partial", d.GetMessage());
    }

    [Fact]
    public void TRV0001_class_not_under_a_declarative_base()
    {
        var (gen, _, _) = Run(Header + """
            [Table("user")] public partial class User { public long Id { get; set; } }
            """);
        var d = Assert.Single(gen, x => x.Id == "TRV0001");
        Assert.Contains("DeclarativeBase", d.GetMessage());
    }

    [Fact]
    public void TRV0002_no_primary_key()
    {
        var (gen, _, _) = Run(Header + """
            [Table("log")] public partial class Log : Base { public partial string Text { get; set; } }
            """);
        var d = Assert.Single(gen, x => x.Id == "TRV0002");
        Assert.Contains("no primary key", d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Fact]
    public void TRV0102_unknown_member_in_an_attribute_string()
    {
        var (gen, _, _) = Run(Header + """
            [Table("user")] [Index("ix_user_x", "Nope")] public partial class User : Base
            {
                public partial long Id { get; set; }
                [ForeignKey<User>("Missing")] public partial long? ParentId { get; set; }
                [Hybrid(Expression = "NoSuchMember")] public int X => 1;
            }
            """);
        var ds = gen.Where(x => x.Id == "TRV0102").Select(x => x.GetMessage()).ToList();
        Assert.Equal(3, ds.Count);
        Assert.Contains(ds, m => m.Contains("'Nope'"));
        Assert.Contains(ds, m => m.Contains("'Missing'"));
        Assert.Contains(ds, m => m.Contains("'NoSuchMember'"));
    }

    [Fact]
    public void TRV0301_hybrid_body_not_translatable()
    {
        var (gen, _, _) = Run(Header + """
            [Table("interval")] public partial class Interval : Base
            {
                public partial long Id { get; set; }
                public partial int Start { get; set; }
                public partial int End { get; set; }
                [Hybrid] public int Length { get { var d = End - Start; return d; } }
                [Hybrid] public int Other => End switch { 0 => 1, _ => 2 };
            }
            """);
        var ds = gen.Where(x => x.Id == "TRV0301").ToList();
        Assert.Equal(2, ds.Count);
        Assert.Contains(ds, d => d.GetMessage().Contains("block"));
        Assert.Contains(ds, d => d.GetMessage().Contains("switch"));
    }

    [Fact]
    public void TRV0401_non_constant_string_passed_to_Db_Text()
    {
        var (gen, _, _) = Run(Header + """
            public static class Q
            {
                public static object Bad(string name) => Db.Text("select * from t where name = '" + name + "'");
                public static object Good(string name) => Db.Text($"select * from t where name = {name}");
                public static object Constant() => Db.Text("select 1");
            }
            """);
        var d = Assert.Single(gen, x => x.Id == "TRV0401");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
    }
}
