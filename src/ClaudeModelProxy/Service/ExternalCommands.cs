using System.ComponentModel;
using System.Diagnostics;

namespace ClaudeModelProxy.Service;

/// <summary>A program to run (launchctl, systemctl, schtasks, id) with its arguments.</summary>
/// <param name="MayFail">A failure is expected and harmless (for example unloading a service that is not loaded).</param>
/// <param name="Attempts">How often to try before giving up, a second apart (launchd may still be unloading the old definition).</param>
public sealed record ExternalCommand(string FileName, IReadOnlyList<string> Arguments, bool MayFail = false, int Attempts = 1)
{
    /// <summary>How the command reads when printed for the user to copy.</summary>
    public string Display(ServicePlatform platform) =>
        CommandQuoting.Join([FileName, .. Arguments], platform == ServicePlatform.Windows ? CommandQuoting.Windows : CommandQuoting.Posix);
}

/// <summary>What running a command gave: its exit code (-1 when it could not be started) and its combined output.</summary>
public sealed record ExternalCommandResult(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}

/// <summary>Runs service-manager commands; tests substitute a recorder so nothing touches the machine.</summary>
public interface IExternalCommandRunner
{
    Task<ExternalCommandResult> RunAsync(ExternalCommand command, CancellationToken cancellation);
}

/// <summary>Runs a command as a child process, capturing its output, with a time limit.</summary>
public sealed class ProcessCommandRunner : IExternalCommandRunner
{
    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(60);

    public async Task<ExternalCommandResult> RunAsync(ExternalCommand command, CancellationToken cancellation)
    {
        var info = new ProcessStartInfo(command.FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in command.Arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception("the process did not start");
        }
        catch (Win32Exception e)
        {
            return new ExternalCommandResult(-1, $"cannot run {command.FileName}: {e.Message}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
            var stderr = process.StandardError.ReadToEndAsync(cancellation);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            deadline.CancelAfter(TimeLimit);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return new ExternalCommandResult(-1, $"{command.FileName} did not finish within {TimeLimit.TotalSeconds:0} s");
            }
            var output = ((await stdout) + (await stderr)).Trim();
            return new ExternalCommandResult(process.ExitCode, output);
        }
    }
}
