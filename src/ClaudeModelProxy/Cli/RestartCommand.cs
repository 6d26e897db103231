using System.CommandLine;

namespace ClaudeModelProxy.Cli;

/// <summary><c>restart</c>: stop, then start (for example after editing the settings).</summary>
public static class RestartCommand
{
    public static Command Create()
    {
        var timeout = StartCommand.TimeoutOption();
        var command = new Command("restart",
            "Stop the background gateway if it runs, then start it again, with the --env-file it was started with unless another is given (picks up changed settings).");
        command.Options.Add(timeout);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(async () =>
        {
            var limit = StartCommand.StartTimeout(parse, timeout);
            var background = StartCommand.Background();
            var envFile = parse.GetValue(CommandLineApp.EnvFileOption)
                ?? (background.Current() is { IsOurs: true, EnvFile: { } previous } ? new FileInfo(previous) : null);
            return await background.RestartAsync(envFile, limit, cancellation);
        }));
        return command;
    }
}
