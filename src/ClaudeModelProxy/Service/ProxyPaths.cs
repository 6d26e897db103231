namespace ClaudeModelProxy.Service;

/// <summary>
/// Where the per-user files live: the env file of the login service, the pid file and log of
/// <c>start</c>, and the login service's log. Every path under the home folder honours HOME, so
/// tests can run against a temporary home.
/// </summary>
public sealed record ProxyPaths(ServicePlatform Platform, string Home, string StateDirectory, string LogDirectory)
{
    /// <summary>Overrides both the state and the log folder (tests use a temporary folder).</summary>
    public const string StateDirectoryVariable = "CLAUDE_MODEL_PROXY_STATE_DIR";

    private const string FolderName = "claude-model-proxy";

    /// <summary>The settings file the login service reads (<c>~/.claude-model-proxy.env</c>).</summary>
    public string ServiceEnvFile => Path.Combine(Home, ".claude-model-proxy.env");

    /// <summary>The pid file written by <c>start</c>.</summary>
    public string PidFile => Path.Combine(StateDirectory, "gateway.pid");

    /// <summary>stdout and stderr of the gateway started by <c>start</c>.</summary>
    public string GatewayLog => Path.Combine(LogDirectory, "gateway.log");

    /// <summary>stdout and stderr of the macOS LaunchAgent (systemd keeps its own journal; the Windows task has its console).</summary>
    public string ServiceLog => Path.Combine(LogDirectory, "service.log");

    public static ProxyPaths ForCurrentUser() => For(ServicePlatforms.Current, Environment.GetEnvironmentVariable);

    public static ProxyPaths For(ServicePlatform platform, Func<string, string?> environment)
    {
        var home = HomeDirectory(environment);
        var overridden = NonEmpty(environment(StateDirectoryVariable));
        if (overridden is not null)
        {
            var full = Path.GetFullPath(overridden);
            return new ProxyPaths(platform, home, full, full);
        }
        switch (platform)
        {
            case ServicePlatform.MacOS:
                return new ProxyPaths(
                    platform,
                    home,
                    Path.Combine(home, "Library", "Application Support", FolderName),
                    Path.Combine(home, "Library", "Logs", FolderName));
            case ServicePlatform.Linux:
                // XDG: relative values are invalid and must be ignored.
                var stateHome = NonEmpty(environment("XDG_STATE_HOME")) is { } xdg && Path.IsPathFullyQualified(xdg)
                    ? xdg
                    : Path.Combine(home, ".local", "state");
                var linux = Path.Combine(stateHome, FolderName);
                return new ProxyPaths(platform, home, linux, linux);
            default:
                var localAppData = NonEmpty(environment("LOCALAPPDATA"))
                    ?? (OperatingSystem.IsWindows() ? NonEmpty(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)) : null)
                    ?? Path.Combine(home, "AppData", "Local");
                var windows = Path.Combine(localAppData, FolderName);
                return new ProxyPaths(platform, home, windows, windows);
        }
    }

    /// <summary>HOME when set (also on Windows, where it is usually absent), else USERPROFILE, else the OS answer.</summary>
    public static string HomeDirectory(Func<string, string?> environment) =>
        NonEmpty(environment("HOME"))
        ?? NonEmpty(environment("USERPROFILE"))
        ?? NonEmpty(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
        ?? throw new Hosting.UserFacingException("cannot find the home folder: set HOME");

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
