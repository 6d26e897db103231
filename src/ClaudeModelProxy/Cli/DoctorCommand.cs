using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClaudeModelProxy.Doctor;
using ClaudeModelProxy.Service;

namespace ClaudeModelProxy.Cli;

/// <summary><c>doctor</c>: one verdict line per check, with the fix; exit code 0 only when at least one model can work.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the checks as JSON." };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for each provider (default 10).", DefaultValueFactory = _ => 10 };
        var command = new Command("doctor",
            "Check what the gateway needs: the port, each provider's key (one cheap authenticated call each), base URLs that point back at the gateway, " +
            "the login service, the env file's mode and problems, and the Claude Code variables of this shell. Exit code 0 only when at least one provider works.");
        command.Options.Add(json);
        command.Options.Add(timeout);
        command.SetAction((parse, cancellation) => CommandLineApp.RunAsync(async () =>
        {
            var seconds = parse.GetValue(timeout);
            if (seconds <= 0 || double.IsNaN(seconds)) throw new Hosting.UserFacingException("--timeout must be a positive number of seconds");
            var doctor = new GatewayDoctor(ProxyPaths.ForCurrentUser(), SelfLauncher.Current(), Environment.GetEnvironmentVariable);
            var report = await doctor.RunAsync(parse.GetValue(CommandLineApp.EnvFileOption), TimeSpan.FromSeconds(seconds), cancellation);
            if (parse.GetValue(json))
            {
                Console.Out.Write(JsonSerializer.Serialize(report, DoctorJsonContext.Default.DoctorReport) + Environment.NewLine);
            }
            else
            {
                Console.Out.WriteLine($"Claude Model Proxy {report.Version} doctor: {report.LocalUrl}, settings from {report.SettingsSource}");
                foreach (var check in report.Checks) Console.Out.WriteLine(check.Line);
                Console.Out.WriteLine(report.Healthy
                    ? string.Create(CultureInfo.InvariantCulture, $"Verdict: usable; working providers: {string.Join(", ", report.WorkingProviders)}.")
                    : "Verdict: NOT usable yet; fix the FAIL lines above.");
            }
            return report.Healthy ? 0 : 1;
        }));
        return command;
    }
}
