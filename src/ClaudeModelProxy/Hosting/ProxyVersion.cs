using System.Reflection;

namespace ClaudeModelProxy.Hosting;

/// <summary>The version from Directory.Build.props, the single source shared with manifest.json.</summary>
public static class ProxyVersion
{
    public const string ServiceName = "claude-model-proxy";

    public static string Current { get; } = Read();

    private static string Read()
    {
        var informational = typeof(ProxyVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+');
        return plus < 0 ? informational : informational[..plus];
    }
}
