using System.CommandLine;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Hosting;
using Microsoft.Extensions.Logging;

namespace ClaudeModelProxy.Cli;

/// <summary><c>serve</c>: the gateway in the foreground until Ctrl+C.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var command = new Command("serve", "Run the gateway in the foreground on 127.0.0.1:PORT (for Claude Code or a login service). Stop it with Ctrl+C.");
        // restart's handover: bind next to the old gateway, which then drains and exits.
        var takeOver = new Option<bool>("--take-over-port") { Hidden = true, Description = "Share the port with the gateway being restarted (Linux)." };
        command.Options.Add(takeOver);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(async () =>
        {
            var envFile = parse.GetValue(CommandLineApp.EnvFileOption);
            var settings = SettingsSource.Load(envFile);
            SettingsSource.ReportProblems(settings, Console.Error);
            if (settings.StartupRefusal is not null) throw new UserFacingException(settings.StartupRefusal);
            await using var gateway = GatewayServer.Create(settings, takeOverPort: parse.GetValue(takeOver));
            try
            {
                await gateway.StartAsync(cancellation);
            }
            catch (IOException e)
            {
                throw new UserFacingException($"cannot listen on {settings.LocalUrl}: {e.Message.TrimEnd('.')}. Stop the program using port {settings.Port} or set PORT to a free port.");
            }
            Console.Error.WriteLine($"claude-model-proxy {ProxyVersion.Current} listening on {settings.LocalUrl} (Ctrl+C to stop)");
            // A change to the env file applies without a restart (see SettingsWatcher).
            using var loggers = LoggerFactory.Create(logging => logging.AddStderrConsole());
            await using var watcher = envFile is null
                ? null
                : new SettingsWatcher(envFile, settings, gateway.Apply, status => gateway.Reload = status, loggers.CreateLogger("settings"));
            try
            {
                await Task.Delay(Timeout.Infinite, cancellation);
            }
            catch (OperationCanceledException)
            {
            }
            await gateway.StopAsync(CancellationToken.None);
            return 0;
        }));
        return command;
    }
}
