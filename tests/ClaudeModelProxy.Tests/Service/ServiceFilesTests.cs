using System.Xml;
using ClaudeModelProxy.Service;

namespace ClaudeModelProxy.Tests.Service;

/// <summary>The pure generators of the LaunchAgent, the systemd unit and the schtasks arguments, byte for byte.</summary>
public class ServiceFilesTests
{
    [Fact]
    public void LaunchAgentPlistIsExact()
    {
        var plist = ServiceFiles.LaunchAgentPlist(
            ["/Applications/Tools & Co/claude-model-proxy", "serve", "--env-file", "/Users/ann/.claude-model-proxy.env"],
            "/Users/ann/Library/Logs/claude-model-proxy/service.log");

        plist.ShouldBe("""
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <dict>
              <key>Label</key>
              <string>local.claude-model-proxy</string>
              <key>ProgramArguments</key>
              <array>
                <string>/Applications/Tools &amp; Co/claude-model-proxy</string>
                <string>serve</string>
                <string>--env-file</string>
                <string>/Users/ann/.claude-model-proxy.env</string>
              </array>
              <key>RunAtLoad</key>
              <true/>
              <key>KeepAlive</key>
              <true/>
              <key>StandardOutPath</key>
              <string>/Users/ann/Library/Logs/claude-model-proxy/service.log</string>
              <key>StandardErrorPath</key>
              <string>/Users/ann/Library/Logs/claude-model-proxy/service.log</string>
            </dict>
            </plist>

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void LaunchAgentPlistIsWellFormedXmlWhateverThePaths()
    {
        var plist = ServiceFiles.LaunchAgentPlist(["/tmp/<odd> & \"quoted\" 'dir'/claude-model-proxy", "serve"], "/tmp/a&b.log");
        var document = new XmlDocument();
        using var reader = XmlReader.Create(new StringReader(plist), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        document.Load(reader);
        var strings = document.SelectNodes("/plist/dict/array/string")!.Cast<XmlNode>().Select(n => n.InnerText).ToList();
        strings.ShouldBe(["/tmp/<odd> & \"quoted\" 'dir'/claude-model-proxy", "serve"]);
    }

    [Fact]
    public void SystemdUnitIsExact()
    {
        var unit = ServiceFiles.SystemdUnit(["/home/ann/.local/bin/claude-model-proxy", "serve", "--env-file", "/home/ann/.claude-model-proxy.env"]);

        unit.ShouldBe("""
            # Written by 'claude-model-proxy service install'; 'claude-model-proxy service uninstall' removes it.
            [Unit]
            Description=Claude Model Proxy (local Anthropic Messages gateway)

            [Service]
            Type=simple
            ExecStart=/home/ann/.local/bin/claude-model-proxy serve --env-file /home/ann/.claude-model-proxy.env
            Restart=on-failure
            RestartSec=2

            [Install]
            WantedBy=default.target

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void SystemdUnitQuotesPathsWithSpacesSpecifiersVariablesQuotesAndBackslashes()
    {
        var unit = ServiceFiles.SystemdUnit(["/home/ann/My Tools/50% \"best\" $HOME\\proxy", "serve", "--env-file", "/home/ann/$ 50%/.claude-model-proxy.env"]);

        unit.ShouldContain("\nExecStart=\"/home/ann/My Tools/50%% \\\"best\\\" $HOME\\\\proxy\" serve --env-file \"/home/ann/$$ 50%%/.claude-model-proxy.env\"\n");
        Should.Throw<ArgumentException>(() => ServiceFiles.SystemdUnit(["/tmp/line\nbreak", "serve"]));
    }

    [Fact]
    public void SchtasksArgumentsAreExact()
    {
        var arguments = ServiceFiles.SchtasksCreateArguments(
            [@"C:\Program Files\Claude Model Proxy\claude-model-proxy.exe", "serve", "--env-file", @"C:\Users\ann\.claude-model-proxy.env"]);

        arguments.ShouldBe([
            "/Create", "/SC", "ONLOGON", "/TN", "Claude Model Proxy",
            "/TR", "\"C:\\Program Files\\Claude Model Proxy\\claude-model-proxy.exe\" serve --env-file \"C:\\Users\\ann\\.claude-model-proxy.env\"",
            "/RL", "LIMITED", "/F",
        ]);
        new ExternalCommand("schtasks", arguments).Display(ServicePlatform.Windows).ShouldBe(
            "schtasks /Create /SC ONLOGON /TN \"Claude Model Proxy\" " +
            "/TR \"\\\"C:\\Program Files\\Claude Model Proxy\\claude-model-proxy.exe\\\" serve --env-file \\\"C:\\Users\\ann\\.claude-model-proxy.env\\\"\" " +
            "/RL LIMITED /F");
    }

    [Theory]
    [InlineData("serve", "serve")]
    [InlineData("/usr/local/bin/claude-model-proxy", "/usr/local/bin/claude-model-proxy")]
    [InlineData("/Users/ann/My Tools/proxy", "'/Users/ann/My Tools/proxy'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("", "''")]
    [InlineData("gui/$(id -u)/local.claude-model-proxy", "gui/$(id -u)/local.claude-model-proxy")]
    [InlineData("$HOME", "'$HOME'")]
    public void PosixQuoting(string argument, string quoted) => CommandQuoting.Posix(argument).ShouldBe(quoted);

    [Theory]
    [InlineData("/Create", false, "/Create")]
    [InlineData("Claude Model Proxy", false, "\"Claude Model Proxy\"")]
    [InlineData(@"C:\Tools\proxy.exe", true, "\"C:\\Tools\\proxy.exe\"")]
    [InlineData(@"C:\Tools\", true, "\"C:\\Tools\\\\\"")]
    [InlineData("say \"hi\"", false, "\"say \\\"hi\\\"\"")]
    [InlineData(@"a\\""b", false, "\"a\\\\\\\\\\\"b\"")]
    [InlineData("", false, "\"\"")]
    public void WindowsQuoting(string argument, bool force, string quoted) => CommandQuoting.Windows(argument, force).ShouldBe(quoted);

    [Fact]
    public void TheEnvFileTemplateIsTheRepositorysEnvExample()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClaudeModelProxy.sln"))) directory = directory.Parent;
        directory.ShouldNotBeNull("the repository root (ClaudeModelProxy.sln) is above the test output folder");
        var example = File.ReadAllText(Path.Combine(directory.FullName, ".env.example")).ReplaceLineEndings("\n");
        EnvFileTemplate.Text.ReplaceLineEndings("\n").ShouldBe(example);
    }
}
