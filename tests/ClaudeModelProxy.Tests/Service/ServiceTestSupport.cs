using ClaudeModelProxy.Service;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Service;

/// <summary>A temporary folder used as HOME (and state folder), deleted afterwards.</summary>
public sealed class TempHome : IDisposable
{
    public TempHome()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cmp-service-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string StateDirectory => System.IO.Path.Combine(Path, "state");

    /// <summary>Every file below HOME, as paths relative to it, sorted.</summary>
    public List<string> Files() =>
        Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Path, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    public ProxyPaths PathsFor(ServicePlatform platform) =>
        ProxyPaths.For(platform, name => name == "HOME" ? Path : null);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Records the service-manager commands instead of running them.</summary>
public sealed class RecordingRunner : IExternalCommandRunner
{
    public List<ExternalCommand> Commands { get; } = [];

    /// <summary>Decides each result; by default every command succeeds and <c>id -u</c> prints 501.</summary>
    public Func<ExternalCommand, ExternalCommandResult> Answer { get; set; } =
        command => command.FileName == "id" ? new ExternalCommandResult(0, "501\n") : new ExternalCommandResult(0, "");

    public List<string> Lines => Commands.Select(c => string.Join(' ', [c.FileName, .. c.Arguments])).ToList();

    public Task<ExternalCommandResult> RunAsync(ExternalCommand command, CancellationToken cancellation)
    {
        Commands.Add(command);
        return Task.FromResult(Answer(command));
    }
}

/// <summary>The real executable run to completion, with a clean environment and no input.</summary>
public static class ProxyCli
{
    public static Task<NodeTools.Result> RunAsync(IDictionary<string, string?> environment, params string[] arguments) =>
        NodeTools.RunAsync(ProxyProcess.ExecutablePath, arguments, environment: environment, timeout: TimeSpan.FromSeconds(60), prepare: info =>
        {
            info.RedirectStandardInput = true;
            ProxyEnvironment.Scrub(info);
        });
}
