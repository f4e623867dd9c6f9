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
    public static void EmitSchema(StringBuilder sb, EntityModel m, CoreApi core)
    {
        _ = sb; _ = m; _ = core;
    }

    public static void EmitRoot(StringBuilder sb, string name, CoreApi core)
    {
        _ = sb; _ = name; _ = core;
    }
}
