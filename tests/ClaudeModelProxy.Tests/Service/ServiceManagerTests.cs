using ClaudeModelProxy.Service;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Service;

/// <summary><c>service install | uninstall | status</c> against a temporary HOME, with launchctl/systemctl/schtasks recorded, never run.</summary>
public class ServiceManagerTests
{
    private const string Executable = "/opt/Claude Model Proxy/claude-model-proxy";
    private static readonly SelfLauncher Launcher = new(Executable, []);

    private sealed class Run(TempHome home, ServicePlatform platform, SelfLauncher? launcher = null, bool canRun = true)
    {
        public RecordingRunner Runner { get; } = new();
        public StringWriter Output { get; } = new();
        public StringWriter Errors { get; } = new();
        public ServiceManager Manager => new(home.PathsFor(platform), launcher ?? Launcher, Runner, canRun, Output, Errors);
    }

    [Fact]
    public async Task LinuxInstallWritesTheUnitAndA0600EnvFileAndEnablesIt()
    {
        using var home = new TempHome();
        var run = new Run(home, ServicePlatform.Linux);

        (await run.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        home.Files().ShouldBe([".claude-model-proxy.env", ".config/systemd/user/claude-model-proxy.service"]);
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        File.ReadAllText(Path.Combine(home.Path, ".config/systemd/user/claude-model-proxy.service")).ShouldBe($"""
            # Written by 'claude-model-proxy service install'; 'claude-model-proxy service uninstall' removes it.
            [Unit]
            Description=Claude Model Proxy (local Anthropic Messages gateway)

            [Service]
            Type=simple
            ExecStart="/opt/Claude Model Proxy/claude-model-proxy" serve --env-file {envFile}
            Restart=on-failure
            RestartSec=2

            [Install]
            WantedBy=default.target

            """.ReplaceLineEndings("\n"));
        AssertEnvFileIsTheTemplateWithMode0600(envFile);
        run.Runner.Lines.ShouldBe(["systemctl --user daemon-reload", "systemctl --user enable --now claude-model-proxy"]);
        var output = run.Output.ToString();
        output.ShouldContain($"Created {envFile} (mode 0600)");
        output.ShouldContain("Ran: systemctl --user enable --now claude-model-proxy");
        output.ShouldContain("restart it with:\n  systemctl --user restart claude-model-proxy".ReplaceLineEndings());
        output.ShouldContain("journalctl --user -u claude-model-proxy");
        run.Errors.ToString().ShouldBeEmpty();
    }

    [Fact]
    public async Task MacOSInstallWritesThePlistCreatesTheLogFolderAndBootstrapsInTheUsersDomain()
    {
        using var home = new TempHome();
        var run = new Run(home, ServicePlatform.MacOS);

        (await run.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        var plist = Path.Combine(home.Path, "Library/LaunchAgents/local.claude-model-proxy.plist");
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        var log = Path.Combine(home.Path, "Library/Logs/claude-model-proxy/service.log");
        home.Files().ShouldBe([".claude-model-proxy.env", "Library/LaunchAgents/local.claude-model-proxy.plist"]);
        Directory.Exists(Path.GetDirectoryName(log)).ShouldBeTrue("launchd does not create the folder of StandardOutPath");
        File.ReadAllText(plist).ShouldBe(ServiceFiles.LaunchAgentPlist([Executable, "serve", "--env-file", envFile], log));
        File.ReadAllText(plist).ShouldContain($"<string>{envFile}</string>");
        AssertEnvFileIsTheTemplateWithMode0600(envFile);
        run.Runner.Lines.ShouldBe([
            "id -u",
            "launchctl bootout gui/501/local.claude-model-proxy",
            $"launchctl bootstrap gui/501 {plist}",
        ]);
        run.Output.ToString().ShouldContain("  launchctl kickstart -k gui/$(id -u)/local.claude-model-proxy");
    }

    [Fact]
    public async Task WindowsInstallCreatesTheLogonTaskAndWritesOnlyTheEnvFile()
    {
        using var home = new TempHome();
        var exe = @"C:\Program Files\Claude Model Proxy\claude-model-proxy.exe";
        var run = new Run(home, ServicePlatform.Windows, new SelfLauncher(exe, []));

        (await run.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        home.Files().ShouldBe([".claude-model-proxy.env"]);
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        run.Runner.Commands[0].FileName.ShouldBe("schtasks");
        run.Runner.Commands[0].Arguments.ShouldBe(ServiceFiles.SchtasksCreateArguments([exe, "serve", "--env-file", envFile]));
        run.Runner.Commands[0].Arguments[6].ShouldBe($"\"{exe}\" serve --env-file \"{envFile}\"");
        run.Runner.Lines.Skip(1).ShouldBe(["schtasks /End /TN Claude Model Proxy", "schtasks /Run /TN Claude Model Proxy"]);
    }

    [Theory]
    [InlineData(ServicePlatform.MacOS)]
    [InlineData(ServicePlatform.Linux)]
    [InlineData(ServicePlatform.Windows)]
    public async Task DryRunWritesAndRunsNothing(ServicePlatform platform)
    {
        using var home = new TempHome();
        var run = new Run(home, platform);

        (await run.Manager.InstallAsync(dryRun: true, CancellationToken.None)).ShouldBe(0);
        (await run.Manager.UninstallAsync(dryRun: true, CancellationToken.None)).ShouldBe(0);

        Directory.EnumerateFileSystemEntries(home.Path).ShouldBeEmpty();
        run.Runner.Commands.ShouldBeEmpty();
        var output = run.Output.ToString();
        output.ShouldContain("Dry run: nothing is written or run.");
        output.ShouldContain("Would create " + Path.Combine(home.Path, ".claude-model-proxy.env"));
        if (platform != ServicePlatform.Windows) output.ShouldContain(run.Manager.PrintedLayout.ServiceFileContent!);
        else output.ShouldContain(ServiceFiles.WindowsTaskCommand(run.Manager.PrintedLayout.CommandLine));
    }

    [Theory]
    [InlineData(ServicePlatform.MacOS)]
    [InlineData(ServicePlatform.Linux)]
    public async Task InstallingAgainUpdatesTheServiceInPlaceAndNeverTouchesTheEnvFile(ServicePlatform platform)
    {
        using var home = new TempHome();
        var first = new Run(home, platform);
        await first.Manager.InstallAsync(dryRun: false, CancellationToken.None);
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        File.AppendAllText(envFile, "DEEPSEEK_API_KEY=sk-user-edited\n");
        var edited = File.ReadAllText(envFile);
        var serviceFile = first.Manager.PrintedLayout.ServiceFile!;

        var movedTo = new SelfLauncher("/usr/local/bin/claude-model-proxy", []);
        var second = new Run(home, platform, movedTo);
        (await second.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        File.ReadAllText(serviceFile).ShouldContain("/usr/local/bin/claude-model-proxy");
        File.ReadAllText(serviceFile).ShouldNotContain(Executable);
        File.ReadAllText(serviceFile).ShouldBe(second.Manager.PrintedLayout.ServiceFileContent);
        File.ReadAllText(envFile).ShouldBe(edited);
        home.Files().Count.ShouldBe(2);
        second.Output.ToString().ShouldContain("Updated the ");
        second.Output.ToString().ShouldContain($"Kept {envFile} as it is");
        if (platform == ServicePlatform.Linux)
            second.Runner.Lines.ShouldBe(["systemctl --user daemon-reload", "systemctl --user enable --now claude-model-proxy", "systemctl --user restart claude-model-proxy"]);
        else
            second.Runner.Lines.ShouldContain("launchctl bootout gui/501/local.claude-model-proxy");
    }

    [Theory]
    [InlineData(ServicePlatform.MacOS)]
    [InlineData(ServicePlatform.Linux)]
    [InlineData(ServicePlatform.Windows)]
    public async Task UninstallRemovesWhatInstallWroteAndKeepsTheEnvFile(ServicePlatform platform)
    {
        using var home = new TempHome();
        var install = new Run(home, platform);
        await install.Manager.InstallAsync(dryRun: false, CancellationToken.None);
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        var envText = File.ReadAllText(envFile);
        if (platform == ServicePlatform.Linux && !OperatingSystem.IsWindows())
        {
            // What 'systemctl --user enable' creates.
            var wants = Path.Combine(home.Path, ".config/systemd/user/default.target.wants");
            Directory.CreateDirectory(wants);
            File.CreateSymbolicLink(Path.Combine(wants, "claude-model-proxy.service"), install.Manager.PrintedLayout.ServiceFile!);
        }

        var uninstall = new Run(home, platform);
        (await uninstall.Manager.UninstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        home.Files().ShouldBe([".claude-model-proxy.env"]);
        File.ReadAllText(envFile).ShouldBe(envText);
        uninstall.Output.ToString().ShouldContain($"Kept {envFile}: it holds your API keys");
        uninstall.Runner.Lines.ShouldBe(platform switch
        {
            ServicePlatform.MacOS => ["id -u", "launchctl bootout gui/501/local.claude-model-proxy"],
            ServicePlatform.Linux => ["systemctl --user disable --now claude-model-proxy", "systemctl --user daemon-reload"],
            _ => ["schtasks /End /TN Claude Model Proxy", "schtasks /Delete /TN Claude Model Proxy /F"],
        });
        if (platform == ServicePlatform.MacOS) Directory.Exists(Path.Combine(home.Path, "Library/Logs/claude-model-proxy")).ShouldBeFalse();

        var again = new Run(home, platform);
        (await again.Manager.UninstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);
        if (platform != ServicePlatform.Windows) again.Output.ToString().ShouldContain("Not installed");
    }

    [Fact]
    public async Task WithoutAUserBusInstallWarnsPrintsTheCommandsAndSucceeds()
    {
        using var home = new TempHome();
        var run = new Run(home, ServicePlatform.Linux);
        run.Runner.Answer = _ => new ExternalCommandResult(1, "Failed to connect to bus: No medium found");

        (await run.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        home.Files().ShouldBe([".claude-model-proxy.env", ".config/systemd/user/claude-model-proxy.service"]);
        run.Runner.Lines.ShouldBe(["systemctl --user daemon-reload"], "nothing more is tried after the first failure");
        run.Errors.ToString().ShouldContain("warning: 'systemctl --user daemon-reload' failed: Failed to connect to bus: No medium found");
        run.Output.ToString().ShouldContain("Run these yourself:\n  systemctl --user daemon-reload\n  systemctl --user enable --now claude-model-proxy".ReplaceLineEndings());
    }

    [Fact]
    public async Task LaunchctlBootstrapIsRetriedWhileLaunchdStillUnloadsTheOldDefinition()
    {
        using var home = new TempHome();
        var run = new Run(home, ServicePlatform.MacOS);
        var failures = 1;
        run.Runner.Answer = command => command.FileName == "id" ? new ExternalCommandResult(0, "501")
            : command.Arguments[0] == "bootstrap" && failures-- > 0 ? new ExternalCommandResult(5, "Bootstrap failed: 5: Input/output error")
            : new ExternalCommandResult(0, "");

        (await run.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        run.Runner.Lines.Count(l => l.StartsWith("launchctl bootstrap", StringComparison.Ordinal)).ShouldBe(2);
        run.Errors.ToString().ShouldBeEmpty();
    }

    [Fact]
    public async Task CommandsForAnotherOsAreOnlyPrinted()
    {
        using var home = new TempHome();
        var run = new Run(home, ServicePlatform.MacOS, canRun: false);

        (await run.Manager.InstallAsync(dryRun: false, CancellationToken.None)).ShouldBe(0);

        run.Runner.Commands.ShouldBeEmpty();
        var plist = Path.Combine(home.Path, "Library/LaunchAgents/local.claude-model-proxy.plist");
        run.Output.ToString().ShouldContain($"Run these on macos:\n  launchctl bootout gui/$(id -u)/local.claude-model-proxy\n  launchctl bootstrap gui/$(id -u) {CommandQuoting.Posix(plist)}".ReplaceLineEndings());
    }

    [Fact]
    public async Task StatusSaysWhetherTheServiceIsInstalledAndWhetherTheGatewayAnswers()
    {
        using var home = new TempHome();
        var port = FreePort.Next();
        var envFile = Path.Combine(home.Path, ".claude-model-proxy.env");
        File.WriteAllText(envFile, $"PORT={port}\n");
        var run = new Run(home, ServicePlatform.Linux);

        (await run.Manager.StatusAsync(null, CancellationToken.None)).ShouldBe(1);
        run.Output.ToString().ShouldContain("systemd user unit: not installed");
        run.Output.ToString().ShouldContain($"Gateway: nothing answers on http://127.0.0.1:{port}");

        await run.Manager.InstallAsync(dryRun: false, CancellationToken.None);
        var installed = new Run(home, ServicePlatform.Linux);
        (await installed.Manager.StatusAsync(null, CancellationToken.None)).ShouldBe(1);
        installed.Output.ToString().ShouldContain($"systemd user unit: installed at {installed.Manager.PrintedLayout.ServiceFile} (runs {Executable})");

        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>(), port);
        var answering = new Run(home, ServicePlatform.Linux);
        (await answering.Manager.StatusAsync(null, CancellationToken.None)).ShouldBe(0);
        answering.Output.ToString().ShouldContain($"Gateway: Claude Model Proxy {Hosting.ProxyVersion.Current} answers on http://127.0.0.1:{port} (pid {Environment.ProcessId})");

        var moved = new Run(home, ServicePlatform.Linux, new SelfLauncher("/elsewhere/claude-model-proxy", []));
        await moved.Manager.StatusAsync(null, CancellationToken.None);
        moved.Output.ToString().ShouldContain("differs from what this executable writes (/elsewhere/claude-model-proxy); run 'claude-model-proxy service install' to update it");
    }

    [Fact]
    public void PathsHonourHomeXdgStateHomeAndTheStateFolderOverride()
    {
        var linux = ProxyPaths.For(ServicePlatform.Linux, name => name == "HOME" ? "/home/ann" : null);
        linux.ServiceEnvFile.ShouldBe(Path.Combine("/home/ann", ".claude-model-proxy.env"));
        linux.PidFile.ShouldBe(Path.Combine("/home/ann", ".local", "state", "claude-model-proxy", "gateway.pid"));
        linux.GatewayLog.ShouldBe(Path.Combine("/home/ann", ".local", "state", "claude-model-proxy", "gateway.log"));

        var xdg = ProxyPaths.For(ServicePlatform.Linux, name => name switch { "HOME" => "/home/ann", "XDG_STATE_HOME" => "/var/ann-state", _ => null });
        xdg.PidFile.ShouldBe(Path.Combine("/var/ann-state", "claude-model-proxy", "gateway.pid"));

        var mac = ProxyPaths.For(ServicePlatform.MacOS, name => name == "HOME" ? "/Users/ann" : null);
        mac.GatewayLog.ShouldBe(Path.Combine("/Users/ann", "Library", "Logs", "claude-model-proxy", "gateway.log"));
        mac.PidFile.ShouldBe(Path.Combine("/Users/ann", "Library", "Application Support", "claude-model-proxy", "gateway.pid"));

        var windows = ProxyPaths.For(ServicePlatform.Windows, name => name switch { "USERPROFILE" => @"C:\Users\ann", "LOCALAPPDATA" => @"C:\Users\ann\AppData\Local", _ => null });
        windows.ServiceEnvFile.ShouldBe(Path.Combine(@"C:\Users\ann", ".claude-model-proxy.env"));
        windows.PidFile.ShouldBe(Path.Combine(@"C:\Users\ann\AppData\Local", "claude-model-proxy", "gateway.pid"));

        var overridden = ProxyPaths.For(ServicePlatform.Linux, name => name switch { "HOME" => "/home/ann", ProxyPaths.StateDirectoryVariable => "/tmp/cmp-state", _ => null });
        overridden.PidFile.ShouldBe(Path.Combine(Path.GetFullPath("/tmp/cmp-state"), "gateway.pid"));
        overridden.ServiceEnvFile.ShouldBe(Path.Combine("/home/ann", ".claude-model-proxy.env"));
    }

    private static void AssertEnvFileIsTheTemplateWithMode0600(string envFile)
    {
        File.ReadAllText(envFile).ReplaceLineEndings("\n").ShouldBe(EnvFileTemplate.Text.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(envFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
