namespace ClaudeModelProxy.Service;

/// <summary>
/// Everything <c>service install</c> writes and runs on one platform, computed without touching the machine.
/// </summary>
public sealed record ServiceLayout
{
    public required ServicePlatform Platform { get; init; }

    /// <summary>"LaunchAgent", "systemd user unit" or "logon task".</summary>
    public required string Kind { get; init; }

    /// <summary>The settings file the service reads; created from the template, never overwritten or removed.</summary>
    public required string EnvFile { get; init; }

    /// <summary>The plist or unit file (none on Windows, where the task lives in the Task Scheduler).</summary>
    public string? ServiceFile { get; init; }

    public string? ServiceFileContent { get; init; }

    /// <summary>The folder the service writes its log into, created by install (macOS).</summary>
    public string? LogDirectory { get; init; }

    /// <summary>A link <c>systemctl enable</c> creates, removed on uninstall if it is still there.</summary>
    public string? EnableLink { get; init; }

    /// <summary>The command line the service runs.</summary>
    public required IReadOnlyList<string> CommandLine { get; init; }

    public required IReadOnlyList<ExternalCommand> Activate { get; init; }

    /// <summary>Extra commands when the service was installed before (pick up the new definition).</summary>
    public IReadOnlyList<ExternalCommand> ActivateAfterUpdate { get; init; } = [];

    /// <summary>Run before the file is removed.</summary>
    public required IReadOnlyList<ExternalCommand> Deactivate { get; init; }

    /// <summary>Run after the file is removed.</summary>
    public IReadOnlyList<ExternalCommand> AfterRemoval { get; init; } = [];

    /// <summary>Succeeds when the service is registered (Windows, where there is no file to look at).</summary>
    public ExternalCommand? Query { get; init; }

    /// <summary>What to run after editing the env file.</summary>
    public required IReadOnlyList<ExternalCommand> Restart { get; init; }

    /// <summary>Where to read the gateway's output.</summary>
    public required string LogHint { get; init; }

    /// <param name="uid">The numeric user id for launchctl's <c>gui/UID</c> domain, or <see cref="CommandQuoting.UidExpression"/> for printing.</param>
    public static ServiceLayout For(ProxyPaths paths, SelfLauncher launcher, string uid)
    {
        var envFile = paths.ServiceEnvFile;
        var commandLine = launcher.CommandLine("serve", "--env-file", envFile);
        switch (paths.Platform)
        {
            case ServicePlatform.MacOS:
            {
                var plist = Path.Combine(paths.Home, "Library", "LaunchAgents", ServiceFiles.LaunchAgentLabel + ".plist");
                var target = $"gui/{uid}/{ServiceFiles.LaunchAgentLabel}";
                var bootout = new ExternalCommand("launchctl", ["bootout", target], MayFail: true);
                return new ServiceLayout
                {
                    Platform = paths.Platform,
                    Kind = "LaunchAgent",
                    EnvFile = envFile,
                    ServiceFile = plist,
                    ServiceFileContent = ServiceFiles.LaunchAgentPlist(commandLine, paths.ServiceLog),
                    LogDirectory = paths.LogDirectory,
                    CommandLine = commandLine,
                    // bootstrap refuses a label that is already loaded: unload the old definition first.
                    Activate = [bootout, new ExternalCommand("launchctl", ["bootstrap", $"gui/{uid}", plist], Attempts: 3)],
                    Deactivate = [bootout],
                    Restart = [new ExternalCommand("launchctl", ["kickstart", "-k", target])],
                    LogHint = $"tail -f {CommandQuoting.Posix(paths.ServiceLog)}",
                };
            }
            case ServicePlatform.Linux:
            {
                var unitDirectory = Path.Combine(paths.Home, ".config", "systemd", "user");
                var unitFile = ServiceFiles.SystemdUnitName + ".service";
                ExternalCommand Systemctl(params string[] arguments) => new("systemctl", ["--user", .. arguments]);
                return new ServiceLayout
                {
                    Platform = paths.Platform,
                    Kind = "systemd user unit",
                    EnvFile = envFile,
                    ServiceFile = Path.Combine(unitDirectory, unitFile),
                    ServiceFileContent = ServiceFiles.SystemdUnit(commandLine),
                    EnableLink = Path.Combine(unitDirectory, "default.target.wants", unitFile),
                    CommandLine = commandLine,
                    Activate = [Systemctl("daemon-reload"), Systemctl("enable", "--now", ServiceFiles.SystemdUnitName)],
                    ActivateAfterUpdate = [Systemctl("restart", ServiceFiles.SystemdUnitName)],
                    Deactivate = [Systemctl("disable", "--now", ServiceFiles.SystemdUnitName) with { MayFail = true }],
                    AfterRemoval = [Systemctl("daemon-reload")],
                    Restart = [Systemctl("restart", ServiceFiles.SystemdUnitName)],
                    LogHint = $"journalctl --user -u {ServiceFiles.SystemdUnitName} -f",
                };
            }
            default:
            {
                ExternalCommand Schtasks(bool mayFail, params string[] arguments) => new("schtasks", arguments, mayFail);
                var end = Schtasks(true, "/End", "/TN", ServiceFiles.WindowsTaskName);
                var run = Schtasks(false, "/Run", "/TN", ServiceFiles.WindowsTaskName);
                return new ServiceLayout
                {
                    Platform = paths.Platform,
                    Kind = "logon task",
                    EnvFile = envFile,
                    CommandLine = commandLine,
                    Activate = [new ExternalCommand("schtasks", ServiceFiles.SchtasksCreateArguments(commandLine)), end, run],
                    Deactivate = [end, Schtasks(false, "/Delete", "/TN", ServiceFiles.WindowsTaskName, "/F")],
                    Query = Schtasks(false, "/Query", "/TN", ServiceFiles.WindowsTaskName),
                    Restart = [end, run],
                    LogHint = "the gateway's console window (the task runs it at logon)",
                };
            }
        }
    }
}
