using System.CommandLine;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Service;

namespace ClaudeModelProxy.Cli;

/// <summary><c>service install | uninstall | status</c>: the gateway as a login service.</summary>
public static class ServiceCommand
{
    public static Command Create()
    {
        var command = new Command("service",
            "Run the gateway at login: a LaunchAgent on macOS, a systemd user unit on Linux, a logon task on Windows. " +
            "It reads its settings from ~/.claude-model-proxy.env.");
        command.Subcommands.Add(Install());
        command.Subcommands.Add(Uninstall());
        command.Subcommands.Add(Status());
        return command;
    }

    private static Command Install()
    {
        var dryRun = DryRunOption();
        var platform = PlatformOption("Write another OS's service instead of this one's; its commands are printed, not run.");
        var command = new Command("install",
            "Write the login service pointing at this executable (again: updates it), create ~/.claude-model-proxy.env " +
            "(mode 0600) from the template unless it exists, and load the service; prints the line that restarts it after editing the keys.");
        command.Options.Add(dryRun);
        command.Options.Add(platform);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(() =>
            Manager(parse, platform, parse.GetValue(dryRun)).InstallAsync(parse.GetValue(dryRun), cancellation)));
        return command;
    }

    private static Command Uninstall()
    {
        var dryRun = DryRunOption();
        var platform = PlatformOption("Remove another OS's service files instead of this one's; its commands are printed, not run.");
        var command = new Command("uninstall",
            "Unload and remove the login service that 'service install' wrote. ~/.claude-model-proxy.env is kept: it holds your API keys.");
        command.Options.Add(dryRun);
        command.Options.Add(platform);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(() =>
            Manager(parse, platform, parse.GetValue(dryRun)).UninstallAsync(parse.GetValue(dryRun), cancellation)));
        return command;
    }

    private static Command Status()
    {
        var platform = PlatformOption("Look for another OS's service file instead of this one's.");
        var command = new Command("status",
            "Say whether the login service is installed and whether the gateway answers on its port (PORT from --env-file, else from ~/.claude-model-proxy.env). Exit code 1 unless both.");
        command.Options.Add(platform);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(() =>
            Manager(parse, platform, dryRun: false, acceptsEnvFile: true).StatusAsync(parse.GetValue(CommandLineApp.EnvFileOption), cancellation)));
        return command;
    }

    private static ServiceManager Manager(ParseResult parse, Option<string?> platformOption, bool dryRun, bool acceptsEnvFile = false)
    {
        if (!acceptsEnvFile && parse.GetValue(CommandLineApp.EnvFileOption) is not null)
            throw new UserFacingException("the login service always reads ~/.claude-model-proxy.env; --env-file does not apply to 'service install' or 'service uninstall'.");
        var platform = ServicePlatforms.Parse(parse.GetValue(platformOption));
        var paths = ProxyPaths.For(platform, Environment.GetEnvironmentVariable);
        // launchctl, systemctl and schtasks only run for this OS's own files, and never in a dry run.
        var canRun = !dryRun && platform == ServicePlatforms.Current;
        return new ServiceManager(paths, SelfLauncher.Current(), new ProcessCommandRunner(), canRun, Console.Out, Console.Error);
    }

    private static Option<bool> DryRunOption() => new("--dry-run")
    {
        Description = "Print what would be written and run, without touching anything.",
    };

    private static Option<string?> PlatformOption(string description)
    {
        var option = new Option<string?>("--platform") { Description = description + " Default: this OS." };
        option.AcceptOnlyFromAmong(ServicePlatforms.Names);
        return option;
    }
}
