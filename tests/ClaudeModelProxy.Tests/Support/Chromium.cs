namespace ClaudeModelProxy.Tests.Support;

/// <summary>
/// Debian's Chromium at /usr/bin/chromium for the browser tests, installed by tests/js/ensure-chromium.sh
/// (apt-get, only when missing) the way the build installs the npm clients.
/// </summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly Lazy<string?> Missing = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "the browser tests use Debian's chromium package (Linux only)";
        if (File.Exists(Path)) return null;
        var script = System.IO.Path.Combine(NodeTools.JsFolder, "ensure-chromium.sh");
        var result = NodeTools.RunAsync("/bin/sh", [script], timeout: TimeSpan.FromMinutes(8)).GetAwaiter().GetResult();
        return result.ExitCode == 0 && File.Exists(Path) ? null : $"Chromium is not available: {result.Stderr.Trim().Split('\n')[^1]}";
    });

    /// <summary>Why the browser tests cannot run here, or null when Chromium is ready.</summary>
    public static string? WhyMissing => Missing.Value;
}

/// <summary>A test that needs Chromium; skipped, with the reason, only where it cannot be installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.WhyMissing is { } reason) Skip = reason;
    }
}
