using ClaudeModelProxy.Service;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Service;

/// <summary>The <c>service</c> commands through the real executable, with a temporary HOME (never loading anything into this machine).</summary>
public class ServiceCliTests
{
    /// <summary>Another OS than this one: its service-manager commands are printed, never run.</summary>
    private static readonly ServicePlatform Other = ServicePlatforms.Current == ServicePlatform.Linux ? ServicePlatform.MacOS : ServicePlatform.Linux;

    [Fact]
    public async Task DryRunPrintsTheUnitForTheRealExecutableAndWritesNothing()
    {
        using var home = new TempHome();
        var result = await ProxyCli.RunAsync(new Dictionary<string, string?> { ["HOME"] = home.Path }, "service", "install", "--dry-run", "--platform", "linux");

        result.ExitCode.ShouldBe(0, result.ToString());
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        result.Stdout.ShouldContain($"ExecStart={CommandQuoting.Systemd(SelfLauncher.RealPath(ProxyProcess.ExecutablePath), isExecutable: true)} serve --env-file {CommandQuoting.Systemd(envFile)}\n");
        result.Stdout.ShouldContain("systemctl --user enable --now claude-model-proxy");
        Directory.EnumerateFileSystemEntries(home.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task InstallStatusAndUninstallThroughTheExecutable()
    {
        using var home = new TempHome();
        var env = new Dictionary<string, string?> { ["HOME"] = home.Path, ["PORT"] = FreePort.Next().ToString() };
        var platform = Other.Name();

        var install = await ProxyCli.RunAsync(env, "service", "install", "--platform", platform);
        install.ExitCode.ShouldBe(0, install.ToString());
        install.Stdout.ShouldContain($"Run these on {platform}:");
        var written = home.Files();
        written.Count.ShouldBe(2);
        written.ShouldContain(".claude-model-proxy.env");
        var serviceFile = Path.Combine(home.Path, written.Single(f => f != ".claude-model-proxy.env"));
        File.ReadAllText(serviceFile).ShouldContain(SelfLauncher.RealPath(ProxyProcess.ExecutablePath));

        var status = await ProxyCli.RunAsync(env, "service", "status", "--platform", platform);
        status.ExitCode.ShouldBe(1, "installed, but no gateway answers");
        status.Stdout.ShouldContain($"installed at {serviceFile}");
        status.Stdout.ShouldContain("Gateway: nothing answers");

        var uninstall = await ProxyCli.RunAsync(env, "service", "uninstall", "--platform", platform);
        uninstall.ExitCode.ShouldBe(0, uninstall.ToString());
        uninstall.Stdout.ShouldContain("it holds your API keys");
        home.Files().ShouldBe([".claude-model-proxy.env"]);
    }

    [Fact]
    public async Task AnUnknownPlatformOrAnEnvFileIsRefusedBeforeAnythingIsWritten()
    {
        using var home = new TempHome();
        var env = new Dictionary<string, string?> { ["HOME"] = home.Path };

        var platform = await ProxyCli.RunAsync(env, "service", "install", "--platform", "beos");
        platform.ExitCode.ShouldNotBe(0);

        var envFile = await ProxyCli.RunAsync(env, "service", "install", "--platform", Other.Name(), "--env-file", Path.Combine(home.Path, "x.env"));
        envFile.ExitCode.ShouldBe(1);
        envFile.Stderr.ShouldContain("the login service always reads ~/.claude-model-proxy.env");

        Directory.EnumerateFileSystemEntries(home.Path).ShouldBeEmpty();
    }
}
