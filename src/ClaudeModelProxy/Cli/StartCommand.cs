using System.CommandLine;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Service;

namespace ClaudeModelProxy.Cli;

/// <summary><c>start</c>: the gateway as a background process, tracked by a pid file.</summary>
public static class StartCommand
{
    public static Command Create()
    {
        var timeout = TimeoutOption();
        var command = new Command("start",
            "Run the gateway in the background: detached, output appended to a log file in the per-user state folder " +
            "(CLAUDE_MODEL_PROXY_STATE_DIR overrides it), tracked by a pid file. Returns once it answers on /healthz; " +
            "does nothing when it already runs.");
        command.Options.Add(timeout);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(() =>
            Background().StartAsync(parse.GetValue(CommandLineApp.EnvFileOption), StartTimeout(parse, timeout), cancellation)));
        return command;
    }

    internal static Option<double> TimeoutOption() => new("--timeout")
    {
        Description = "Seconds to wait for the gateway to answer before giving up.",
        HelpName = "seconds",
        DefaultValueFactory = _ => BackgroundGateway.DefaultStartTimeout.TotalSeconds,
    };

    internal static TimeSpan StartTimeout(ParseResult parse, Option<double> option) =>
        parse.GetValue(option) is var seconds && seconds > 0 && seconds <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new UserFacingException("--timeout must be between 0 and 3600 seconds");

    internal static BackgroundGateway Background() =>
        new(ProxyPaths.ForCurrentUser(), SelfLauncher.Current(), Console.Out, Console.Error);
}
