namespace Trove.TestKit;

/// <summary>Debian's /usr/bin/python3 (the one with python3-redis, -pika, -memcache, -sqlalchemy).</summary>
public static class Python
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs a script from ../shared/seed-scripts with environment and a bound.</summary>
    public static Task<(int ExitCode, string Output)> RunSeedScriptAsync(string script, IDictionary<string, string> env,
        TimeSpan timeout, params string[] args)
        => ExternalProcess.RunAsync(Interpreter, [Path.Combine(RepoPaths.SeedScripts, script), .. args], timeout, env, RepoPaths.SeedScripts);

    /// <summary>Runs inline Python code (`python3 -c`).</summary>
    public static Task<(int ExitCode, string Output)> RunCodeAsync(string code, TimeSpan timeout, IDictionary<string, string>? env = null)
        => ExternalProcess.RunAsync(Interpreter, ["-c", code], timeout, env);

    /// <summary>
    /// Parses the seed scripts' last line, "N passed, N failed".
    /// </summary>
    public static (int Passed, int Failed) ParseSummary(string output)
    {
        var last = output.TrimEnd().Split('\n').Last().Trim();
        var m = System.Text.RegularExpressions.Regex.Match(last, @"^(\d+) passed, (\d+) failed$");
        if (!m.Success) throw new InvalidOperationException("no summary line in output:\n" + output);
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }
}
