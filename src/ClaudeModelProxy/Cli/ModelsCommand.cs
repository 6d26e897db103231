using System.CommandLine;
using System.Text.Json;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Status;

namespace ClaudeModelProxy.Cli;

/// <summary><c>models</c>: prints the routing table.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the table as JSON instead of text." };
        var command = new Command("models", "List every model alias with its provider, upstream model, wire format and whether that provider has an API key.");
        command.Options.Add(json);
        command.SetAction((parse, _) => CommandLineApp.RunAsync(() =>
        {
            var settings = SettingsSource.Load(parse.GetValue(CommandLineApp.EnvFileOption));
            SettingsSource.ReportProblems(settings, Console.Error);
            var rows = ModelTable.Rows(settings);
            if (parse.GetValue(json))
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, StatusJsonContext.Indented.ListModelRow));
            else
                Console.Out.Write(ModelTable.Format(rows));
            return Task.FromResult(0);
        }));
        return command;
    }
}
