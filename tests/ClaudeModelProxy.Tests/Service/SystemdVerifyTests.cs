using System.Diagnostics;
using ClaudeModelProxy.Service;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Service;

/// <summary>Runs only where systemd-analyze is installed.</summary>
public sealed class SystemdAnalyzeFactAttribute : FactAttribute
{
    public SystemdAnalyzeFactAttribute()
    {
        if (SystemdVerifyTests.SystemdAnalyze is null) Skip = "systemd-analyze is not installed";
    }
}

/// <summary>The generated unit as systemd itself reads it.</summary>
public class SystemdVerifyTests
{
    public static string? SystemdAnalyze { get; } =
        OperatingSystem.IsLinux() ? new[] { "/usr/bin/systemd-analyze", "/bin/systemd-analyze" }.FirstOrDefault(File.Exists) : null;

    [SystemdAnalyzeFact]
    public async Task TheGeneratedUnitPassesSystemdAnalyzeVerify()
    {
        using var home = new TempHome();
        var paths = home.PathsFor(ServicePlatform.Linux);
        var layout = ServiceLayout.For(paths, new SelfLauncher(ProxyProcess.ExecutablePath, []), CommandQuoting.UidExpression);

        var result = await VerifyAsync(home, layout.ServiceFileContent!);

        result.ExitCode.ShouldBe(0, result.Output);
        result.Output.ShouldNotContain("claude-model-proxy.service:");
    }

    [SystemdAnalyzeFact]
    public async Task AnExecutablePathWithSpacesPercentAndDollarIsQuotedSoSystemdFindsIt()
    {
        using var home = new TempHome();
        var odd = Path.Combine(home.Path, "My Tools 100% $HOME");
        Directory.CreateDirectory(odd);
        var link = Path.Combine(odd, "claude-model-proxy");
        File.CreateSymbolicLink(link, ProxyProcess.ExecutablePath);
        var layout = ServiceLayout.For(home.PathsFor(ServicePlatform.Linux), new SelfLauncher(link, []), CommandQuoting.UidExpression);
        layout.ServiceFileContent!.ShouldContain("ExecStart=\"");

        var result = await VerifyAsync(home, layout.ServiceFileContent!);

        result.ExitCode.ShouldBe(0, result.Output);
        result.Output.ShouldNotContain("claude-model-proxy.service:");

        // The check has teeth: a path that does not exist is reported.
        var missing = ServiceLayout.For(home.PathsFor(ServicePlatform.Linux), new SelfLauncher(Path.Combine(odd, "missing"), []), CommandQuoting.UidExpression);
        var failure = await VerifyAsync(home, missing.ServiceFileContent!);
        failure.ExitCode.ShouldNotBe(0);
        failure.Output.ShouldContain("My Tools 100% $HOME/missing");
    }

    private static async Task<(int ExitCode, string Output)> VerifyAsync(TempHome home, string unit)
    {
        var directory = Path.Combine(home.Path, "units-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "claude-model-proxy.service");
        await File.WriteAllTextAsync(file, unit);
        var info = new ProcessStartInfo(SystemdAnalyze!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("verify");
        info.ArgumentList.Add(file);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await stdout + await stderr);
    }
}
