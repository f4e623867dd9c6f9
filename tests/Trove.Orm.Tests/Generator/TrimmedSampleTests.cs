using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Trove.TestKit;

namespace Trove.Orm.Tests.Generator;

/// <summary>
/// The AOT sample (seed 000 §四) published trimmed and self-contained: the real linker (ILLink) checks Trove.Sql,
/// Trove.Orm, the generated code and the sample for trim safety, which the build-time analyzers cannot fully do
/// (compiler-generated expression-tree calls are only seen by the linker). Native AOT itself cannot be published here:
/// the feed has no Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64 (docs/orm.md, "Trimming and Native AOT").
/// </summary>
public partial class TrimmedSampleTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task Trimmed_self_contained_publish_has_no_trim_warnings_and_the_binary_passes_its_checks()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "trove-trim-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var project = Path.Combine(RepoPaths.Root, "tests", "Trove.Orm.AotSample", "Trove.Orm.AotSample.csproj");
            // an up-to-date link from an earlier publish would skip ILLink and hide its warnings: drop the RID's intermediates
            var ridObj = Path.Combine(RepoPaths.Root, "tests", "Trove.Orm.AotSample", "obj", "Release", "net10.0", "linux-x64");
            if (Directory.Exists(ridObj)) Directory.Delete(ridObj, recursive: true);
            var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
            // no build servers: nothing may outlive the test
            var (code, output) = await Run(dotnet, ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained",
                "-p:TroveTrim=true", "-o", outDir, "--disable-build-servers", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                "-nologo", "-clp:NoSummary"], PublishTimeout);
            Assert.True(code == 0, "dotnet publish failed (" + code + "):\n" + output);
            var warnings = output.Split('\n').Where(l => TrimWarning().IsMatch(l)).ToList();
            Assert.True(warnings.Count == 0, "trim/AOT warnings:\n" + string.Join("\n", warnings));
            Assert.Contains("Optimizing assemblies for size", output); // the linker really ran

            var exe = Path.Combine(outDir, "Trove.Orm.AotSample");
            Assert.True(File.Exists(exe), "no published binary at " + exe);
            var (runCode, runOutput) = await Run(exe, [], RunTimeout);
            Assert.True(runCode == 0, "the trimmed sample failed (" + runCode + "):\n" + runOutput);
            Assert.Contains("seed 000 §四: all checks passed", runOutput);
            Assert.DoesNotContain("FAIL", runOutput);
        }
        finally
        {
            try { Directory.Delete(outDir, recursive: true); } catch (DirectoryNotFoundException) { }
        }
    }

    [GeneratedRegex(@"\b(warning|error)\s+IL[23]\d{3}\b|\bIL[23]\d{3}\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex TrimWarning();

    /// <summary>Runs a process to completion with a bound (killed with its children on timeout); stdout + stderr.</summary>
    private static async Task<(int Code, string Output)> Run(string file, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // the test host runs under `dotnet test`, whose MSBuild variables would point a nested build at the wrong SDK parts
        foreach (var k in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            psi.Environment.Remove(k);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            lock (output) throw new TimeoutException($"{Path.GetFileName(file)} did not finish within {timeout.TotalMinutes} min:\n{output}");
        }
        p.WaitForExit(); // drains the output events
        lock (output) return (p.ExitCode, output.ToString());
    }
}
