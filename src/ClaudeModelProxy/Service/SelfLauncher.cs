namespace ClaudeModelProxy.Service;

/// <summary>
/// How to run this same executable again: its real path, or <c>dotnet</c> plus the dll when it was
/// started as <c>dotnet claude-model-proxy.dll</c>.
/// </summary>
public sealed record SelfLauncher(string FileName, IReadOnlyList<string> PrefixArguments)
{
    public const string AssemblyFileName = "claude-model-proxy.dll";

    public static SelfLauncher Current()
    {
        var path = Environment.ProcessPath
            ?? throw new Hosting.UserFacingException("cannot find the path of this executable (Environment.ProcessPath is empty)");
        path = RealPath(path);
        if (Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return new SelfLauncher(path, [Path.Combine(AppContext.BaseDirectory, AssemblyFileName)]);
        return new SelfLauncher(path, []);
    }

    /// <summary>The full argument vector, executable first: what a service file's command line holds.</summary>
    public IReadOnlyList<string> CommandLine(params string[] arguments) => [FileName, .. PrefixArguments, .. arguments];

    /// <summary>The arguments after the executable.</summary>
    public IReadOnlyList<string> Arguments(params string[] arguments) => [.. PrefixArguments, .. arguments];

    /// <summary>Follows symbolic links to the file itself.</summary>
    public static string RealPath(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            return new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
