using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ClaudeModelProxy.Packer;

/// <summary>Runs <c>dotnet publish</c> for one runtime.</summary>
public static class Publisher
{
    /// <summary>Whether Native AOT is used for this runtime: it only builds for the OS it runs on.</summary>
    public static bool UsesAot(string rid, PackOptions options)
    {
        if (options.NoAot || !IsHostOs(rid)) return false;
        return options.AotEverywhere || (rid == "linux-x64" && RuntimeInformation.OSArchitecture == Architecture.X64);
    }

    public static string Publish(string rid, PackOptions options)
    {
        var output = Path.Combine(options.OutputFolder, "publish", rid);
        if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        var aot = UsesAot(rid, options);
        string[] arguments =
        [
            "publish", Path.Combine(options.RepositoryRoot, "src", "ClaudeModelProxy", "ClaudeModelProxy.csproj"),
            "-c", "Release", "-r", rid, "--self-contained", "-o", output, "-nologo",
            "-p:DebugType=none", "-p:GenerateDocumentationFile=false",
            .. aot
                ? (string[])["-p:PublishAot=true", "-p:StripSymbols=true"]
                : ["-p:PublishSingleFile=true", "-p:PublishTrimmed=true", "-p:PublishReadyToRun=true", "-p:IncludeNativeLibrariesForSelfExtract=true"],
        ];
        Console.Error.WriteLine($"pack-mcpb: publishing {rid} ({(aot ? "Native AOT" : "trimmed ReadyToRun single file")})");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet publish for {rid} failed with exit code {process.ExitCode}");
        var binary = Path.Combine(output, BinaryName(rid));
        if (!File.Exists(binary)) throw new InvalidOperationException($"dotnet publish for {rid} did not produce {binary}");
        return binary;
    }

    public static string BinaryName(string rid) => rid.StartsWith("win-", StringComparison.Ordinal) ? "claude-model-proxy.exe" : "claude-model-proxy";

    private static bool IsHostOs(string rid) =>
        (rid.StartsWith("linux-", StringComparison.Ordinal) && OperatingSystem.IsLinux())
        || (rid.StartsWith("osx-", StringComparison.Ordinal) && OperatingSystem.IsMacOS())
        || (rid.StartsWith("win-", StringComparison.Ordinal) && OperatingSystem.IsWindows());
}
