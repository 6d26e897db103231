using System.Text;

namespace ClaudeModelProxy.Service;

/// <summary>The login-service definitions, as pure functions of their inputs (tested byte for byte).</summary>
public static class ServiceFiles
{
    public const string LaunchAgentLabel = "local.claude-model-proxy";
    public const string SystemdUnitName = "claude-model-proxy";
    public const string WindowsTaskName = "Claude Model Proxy";

    /// <summary>schtasks rejects a /TR value longer than this.</summary>
    public const int WindowsTaskCommandLimit = 261;

    /// <summary>The macOS LaunchAgent: starts at login, restarted whenever it exits.</summary>
    public static string LaunchAgentPlist(IReadOnlyList<string> programArguments, string logPath)
    {
        var text = new StringBuilder();
        text.Append("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
              <key>Label</key>
              <string>local.claude-model-proxy</string>
              <key>ProgramArguments</key>
              <array>

            """);
        foreach (var argument in programArguments) text.Append("    <string>").Append(Xml(argument)).Append("</string>\n");
        text.Append($"""
              </array>
              <key>RunAtLoad</key>
              <true/>
              <key>KeepAlive</key>
              <true/>
              <key>StandardOutPath</key>
              <string>{Xml(logPath)}</string>
              <key>StandardErrorPath</key>
              <string>{Xml(logPath)}</string>
            </dict>
            </plist>

            """);
        return text.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>The systemd user unit: started with the user's session, restarted when it fails.</summary>
    public static string SystemdUnit(IReadOnlyList<string> execStart) => $"""
        # Written by 'claude-model-proxy service install'; 'claude-model-proxy service uninstall' removes it.
        [Unit]
        Description=Claude Model Proxy (local Anthropic Messages gateway)

        [Service]
        Type=simple
        ExecStart={SystemdCommandLine(execStart)}
        Restart=on-failure
        RestartSec=2

        [Install]
        WantedBy=default.target

        """.ReplaceLineEndings("\n");

    /// <summary>ExecStart's value: the executable, then its arguments, each quoted as systemd reads it.</summary>
    public static string SystemdCommandLine(IReadOnlyList<string> execStart) =>
        string.Join(' ', execStart.Select((word, index) => CommandQuoting.Systemd(word, isExecutable: index == 0)));

    /// <summary>The command the Windows logon task runs (/TR): paths in double quotes, plain words bare.</summary>
    public static string WindowsTaskCommand(IReadOnlyList<string> commandLine) =>
        CommandQuoting.Join(commandLine, argument => CommandQuoting.Windows(argument, forceQuotes: !IsPlainWord(argument)));

    /// <summary>The arguments of <c>schtasks</c> that create (or replace) the per-user logon task.</summary>
    public static IReadOnlyList<string> SchtasksCreateArguments(IReadOnlyList<string> commandLine) =>
        ["/Create", "/SC", "ONLOGON", "/TN", WindowsTaskName, "/TR", WindowsTaskCommand(commandLine), "/RL", "LIMITED", "/F"];

    private static bool IsPlainWord(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static string Xml(string value) => value
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal)
        .Replace("'", "&apos;", StringComparison.Ordinal);
}
