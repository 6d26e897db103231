namespace ClaudeModelProxy.Service;

/// <summary>The operating systems a login service can be generated for.</summary>
public enum ServicePlatform
{
    MacOS,
    Linux,
    Windows,
}

public static class ServicePlatforms
{
    /// <summary>The names accepted by <c>--platform</c>.</summary>
    public static readonly string[] Names = ["macos", "linux", "windows"];

    public static ServicePlatform Current =>
        OperatingSystem.IsWindows() ? ServicePlatform.Windows
        : OperatingSystem.IsMacOS() ? ServicePlatform.MacOS
        : ServicePlatform.Linux;

    public static ServicePlatform Parse(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" => Current,
        "macos" => ServicePlatform.MacOS,
        "linux" => ServicePlatform.Linux,
        "windows" => ServicePlatform.Windows,
        _ => throw new ArgumentException($"unknown platform '{name}' (expected macos, linux or windows)", nameof(name)),
    };

    public static string Name(this ServicePlatform platform) => platform switch
    {
        ServicePlatform.MacOS => "macos",
        ServicePlatform.Linux => "linux",
        _ => "windows",
    };
}
