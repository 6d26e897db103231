using System.Diagnostics;

namespace ClaudeModelProxy.Tests.Support;

/// <summary>Runs programs (npm clients from tests/js, scripts) and captures what they print.</summary>
public static class NodeTools
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string JsFolder => Path.Combine(RepositoryRoot, "tests", "js");

    public static string Bin(string name) => Path.Combine(JsFolder, "node_modules", ".bin", name);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }

    /// <param name="prepare">Runs on the start info before <paramref name="environment"/> is applied (e.g. <see cref="ProxyEnvironment.Scrub"/>).</param>
    public static async Task<Result> RunAsync(
        string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string?>? environment = null, TimeSpan? timeout = null,
        Action<ProcessStartInfo>? prepare = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        prepare?.Invoke(info);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>()) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        if (info.RedirectStandardInput) process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time:\n{await stdout}\n{await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "ClaudeModelProxy.sln"))) return folder.FullName;
        throw new InvalidOperationException("repository root not found");
    }
}
