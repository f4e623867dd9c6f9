namespace Trove.TestKit;

/// <summary>Locations inside the repository, found by walking up to Trove.slnx.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Trove.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Trove.slnx not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => s_root.Value;

    /// <summary>../shared/seed-scripts next to the repository (where CI puts shared/).</summary>
    public static string SeedScripts
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("TROVE_SEED_SCRIPTS");
            if (!string.IsNullOrEmpty(env)) return env;
            return Path.GetFullPath(Path.Combine(Root, "..", "shared", "seed-scripts"));
        }
    }

    /// <summary>
    /// trove.dll built for the configuration the tests run in (Release under ./test.sh).
    /// </summary>
    public static string TroveDll
    {
        get
        {
#if DEBUG
            const string config = "Debug";
#else
            const string config = "Release";
#endif
            var path = Path.Combine(Root, "src", "Trove.Host", "bin", config, "net10.0", "trove.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Trove.Host first", path);
        }
    }
}
