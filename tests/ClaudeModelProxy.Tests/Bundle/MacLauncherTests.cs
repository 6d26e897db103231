using ClaudeModelProxy.Packer;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Bundle;

/// <summary>
/// The Mac launcher really runs: stand-in binaries that print which build they are, and a `uname`
/// shim on PATH that plays an Apple Silicon or an Intel Mac.
/// </summary>
public class MacLauncherTests
{
    [Theory]
    [InlineData("arm64", "osx-arm64")]
    [InlineData("x86_64", "osx-x64")]
    public async Task TheLauncherStartsTheBinaryBuiltForTheProcessorWithAllArguments(string machine, string expectedBuild)
    {
        if (OperatingSystem.IsWindows()) return; // a /bin/sh script; Windows bundles use the .exe directly
        await RunOnUnixAsync(machine, expectedBuild);
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static async Task RunOnUnixAsync(string machine, string expectedBuild)
    {
        var root = Directory.CreateTempSubdirectory("cmp-launcher-").FullName;
        try
        {
            var server = Path.Combine(root, "bundle folder", "server"); // a space, as in "Application Support"
            foreach (var build in new[] { "osx-arm64", "osx-x64" })
                Executable(Path.Combine(server, build, "claude-model-proxy"), $"#!/bin/sh\necho \"{build} $*\"\n");
            var launcher = Path.Combine(server, "claude-model-proxy-macos");
            Executable(launcher, BundleWriter.MacLauncher.ReplaceLineEndings("\n"));
            var shims = Path.Combine(root, "shims");
            Executable(Path.Combine(shims, "uname"), $"#!/bin/sh\necho {machine}\n");

            var run = await NodeTools.RunAsync(launcher, ["mcp", "--env-file", "a b.env"],
                environment: new Dictionary<string, string?> { ["PATH"] = shims + ":" + Environment.GetEnvironmentVariable("PATH") });

            run.ExitCode.ShouldBe(0, run.ToString());
            run.Stdout.Trim().ShouldBe($"{expectedBuild} mcp --env-file a b.env");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Executable(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }
}
