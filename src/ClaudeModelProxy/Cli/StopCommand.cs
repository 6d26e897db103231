using System.CommandLine;

namespace ClaudeModelProxy.Cli;

/// <summary><c>stop</c>: ends the gateway <c>start</c> launched.</summary>
public static class StopCommand
{
    public static Command Create()
    {
        var command = new Command("stop",
            "Stop the gateway started with 'start' (SIGTERM on Unix, killed if still running after 10 s) and remove its pid file. " +
            "A stale pid file (process gone, or its pid now used by another program) is only removed.");
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(() =>
            StartCommand.Background().StopAsync(parse.GetValue(CommandLineApp.EnvFileOption), cancellation)));
        return command;
    }
}
