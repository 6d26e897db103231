using System.Diagnostics;
using System.Text;
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

/// <summary>The real executable run to completion, with a clean environment.</summary>
public static class ProxyCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static async Task<Result> RunAsync(IDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(ProxyProcess.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var key in info.Environment.Keys.ToList())
            if (key.EndsWith("_API_KEY", StringComparison.Ordinal) || key.EndsWith("_BASE_URL", StringComparison.Ordinal) || key.StartsWith("MODEL_", StringComparison.Ordinal)
                || key is "PORT" or "ADVANCED_ENV" or "XDG_STATE_HOME" or "LOCALAPPDATA" or ProxyPaths.StateDirectoryVariable)
                info.Environment.Remove(key);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"claude-model-proxy {string.Join(' ', arguments)} did not finish within 60 s");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
