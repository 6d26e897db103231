using System.CommandLine;
using System.Text.Json;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;

namespace ClaudeModelProxy.Cli;

/// <summary><c>desktop</c>: prints Claude Desktop's third-party inference settings for this gateway.</summary>
public static class DesktopCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the settings as JSON in Claude Desktop's key names (inferenceGatewayBaseUrl, inferenceModels, …)." };
        var command = new Command("desktop",
            "Print the Claude Desktop third-party inference (Gateway) settings for this gateway: base URL, API key to paste, auth scheme and the " +
            "models Desktop accepts (tier-named ids for every model whose provider has a key). Nothing is written: Desktop's configuration file is " +
            "not documented, so paste the values in Settings → Developer → Configure third-party inference.");
        command.Options.Add(json);
        command.SetAction((parse, _) => CommandLineApp.RunAsync(() =>
        {
            var settings = SettingsSource.Load(parse.GetValue(CommandLineApp.EnvFileOption));
            SettingsSource.ReportProblems(settings, Console.Error);
            var configuration = DesktopSettings.For(settings);
            Console.Out.Write(parse.GetValue(json)
                ? JsonSerializer.Serialize(configuration, StatusJsonContext.Indented.DesktopConfiguration) + Environment.NewLine
                : DesktopSettings.Describe(configuration, settings));
            return Task.FromResult(0);
        }));
        return command;
    }
}
