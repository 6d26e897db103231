using System.CommandLine;
using System.Text;
using System.Text.Json;
using ClaudeModelProxy.Hosting;
using ClaudeModelProxy.Service;
using ClaudeModelProxy.Status;

namespace ClaudeModelProxy.Cli;

/// <summary><c>status</c>: asks the running gateway and prints what it says.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the gateway's raw status object as JSON." };
        var command = new Command("status", "Ask the gateway on 127.0.0.1:PORT whether it runs, with providers, routes and counters, and name the pid and log of one started with 'start'. Exit code 1 when nothing is listening.");
        command.Options.Add(json);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(async () =>
        {
            var settings = SettingsSource.Load(parse.GetValue(CommandLineApp.EnvFileOption));
            var owner = await PortOwnerProbe.ProbeAsync(settings.Port, cancellation);
            if (owner.Proxy is not { } report)
            {
                Console.Error.WriteLine(owner.Answered
                    ? $"not running: port {settings.Port} answers, but not as Claude Model Proxy (another program uses it; set PORT to choose another)."
                    : $"not running: nothing listens on {settings.LocalUrl}. Start it with 'claude-model-proxy start' (background) or 'claude-model-proxy serve' (foreground).");
                foreach (var line in BackgroundLines(null)) Console.Error.WriteLine(line);
                return 1;
            }
            if (parse.GetValue(json))
            {
                Console.Out.Write(JsonSerializer.Serialize(report, StatusJsonContext.Indented.StatusReport) + Environment.NewLine);
                return 0;
            }
            Console.Out.Write(Format(report));
            foreach (var line in BackgroundLines(report.Pid)) Console.Out.WriteLine(line);
            return 0;
        }));
        return command;
    }

    /// <summary>The instance 'start' launched, from its pid file: pid and log path.</summary>
    private static IReadOnlyList<string> BackgroundLines(int? answeringPid) =>
        BackgroundGateway.StatusLines(ProxyPaths.ForCurrentUser(), SelfLauncher.Current(), answeringPid) is { Count: > 0 } lines
            ? ["", .. lines]
            : [];

    public static string Format(StatusReport report)
    {
        var text = new StringBuilder();
        text.AppendLine($"Claude Model Proxy {report.Version} running on {report.LocalUrl} (pid {report.Pid?.ToString() ?? "?"}, up {TimeSpan.FromSeconds(Math.Round(report.UptimeSeconds)):c})");
        text.AppendLine($"Rewrite responses: {(report.RewriteResponses ? "yes" : "no")}");
        text.AppendLine();
        text.AppendLine("PROVIDER        FORMAT           KEY      BASE URL");
        foreach (var p in report.Providers)
            text.AppendLine($"{p.Id,-15} {p.Format,-16} {(p.HasApiKey ? "set" : "missing"),-8} {p.BaseUrl}");
        if (report.Counters.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("MODEL                                  REQUESTS  ERRORS  IN TOKENS  OUT TOKENS  MEDIAN MS  LAST ERROR");
            foreach (var (alias, c) in report.Counters)
                text.AppendLine($"{alias,-38} {c.Requests,8}  {c.Errors,6}  {c.InputTokens,9}  {c.OutputTokens,10}  {c.MedianLatencyMs,9:0.0}  {c.LastError ?? "-"}");
        }
        if (report.Problems.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Configuration problems:");
            foreach (var problem in report.Problems) text.AppendLine("  - " + problem);
        }
        return text.ToString();
    }
}
