using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ClaudeModelProxy.Service;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Service;

/// <summary><c>start</c>, <c>status</c>, <c>restart</c> and <c>stop</c> with the real executable, a free port and a temporary state folder.</summary>
public partial class BackgroundGatewayTests
{
    [Fact]
    public async Task StartStatusRequestStartAgainRestartStopStatus()
    {
        using var home = new TempHome();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"deepseek-v4-pro","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":3,"output_tokens":1}}""");
        var port = FreePort.Next();
        var url = $"http://127.0.0.1:{port}";
        var env = Environment(home, port);
        // The provider comes from an env file given to start, which restart reuses.
        var envFile = Path.Combine(home.Path, "proxy.env");
        File.WriteAllText(envFile, $"DEEPSEEK_BASE_URL={upstream.BaseUrl}\nDEEPSEEK_API_KEY=sk-deepseek-background-test\n");
        var pidFile = Path.Combine(home.StateDirectory, "gateway.pid");
        var log = Path.Combine(home.StateDirectory, "gateway.log");
        var started = new List<int>();
        try
        {
            var start = await ProxyCli.RunAsync(env, "start", "--env-file", envFile);
            start.ExitCode.ShouldBe(0, start.ToString());
            var pid = StartedPid(start.Stdout);
            started.Add(pid);
            start.Stdout.ShouldContain($"Started in the background: pid {pid}, {url}, log {log}");
            File.ReadAllLines(pidFile)[0].ShouldBe(pid.ToString());
            (await Eventually.PortAnswersAsync(port)).ShouldBeTrue(); // start returns once the gateway answers

            var status = await ProxyCli.RunAsync(env, "status");
            status.ExitCode.ShouldBe(0, status.ToString());
            status.Stdout.ShouldContain($"running on {url} (pid {pid},");
            status.Stdout.ShouldContain($"Background instance (claude-model-proxy start): pid {pid}, {url}, log {log}");

            var json = await ProxyCli.RunAsync(env, "status", "--json");
            json.ExitCode.ShouldBe(0, json.ToString());
            var background = System.Text.Json.Nodes.JsonNode.Parse(json.Stdout)!["background"]!;
            background["pid"]!.GetValue<int>().ShouldBe(pid);
            background["running"]!.GetValue<bool>().ShouldBeTrue();
            background["logPath"]!.GetValue<string>().ShouldBe(log);
            background["url"]!.GetValue<string>().ShouldBe(url);

            await AssertAMessageGoesThroughAsync(url, upstream);

            var again = await ProxyCli.RunAsync(env, "start");
            again.ExitCode.ShouldBe(0, again.ToString());
            again.Stdout.ShouldContain($"Already running in the background: pid {pid}, {url}, log {log}");

            var restart = await ProxyCli.RunAsync(env, "restart");
            restart.ExitCode.ShouldBe(0, restart.ToString());
            var restartedPid = StartedPid(restart.Stdout);
            started.Add(restartedPid);
            restartedPid.ShouldNotBe(pid);
            ProcessInspector.IsAlive(pid).ShouldBeFalse("restart stops the old process");
            File.ReadAllText(pidFile).ShouldContain($"env-file={envFile}");
            await AssertAMessageGoesThroughAsync(url, upstream);
            upstream.Requests.Count.ShouldBe(2);

            var stop = await ProxyCli.RunAsync(env, "stop");
            stop.ExitCode.ShouldBe(0, stop.ToString());
            stop.Stdout.ShouldContain($"Stopped the background gateway (pid {restartedPid})");
            File.Exists(pidFile).ShouldBeFalse();
            ProcessInspector.IsAlive(restartedPid).ShouldBeFalse();
            (await Eventually.PortAnswersAsync(port)).ShouldBeFalse();

            var stopped = await ProxyCli.RunAsync(env, "status");
            stopped.ExitCode.ShouldBe(1, stopped.ToString());
            stopped.Stderr.ShouldContain($"not running: nothing listens on {url}");

            var written = File.ReadAllText(log);
            written.ShouldContain($"listening on {url}");
            written.ShouldNotContain("sk-deepseek-background-test");
        }
        finally
        {
            KillLeftovers(pidFile, started);
        }
    }

    [Fact]
    public async Task StopRemovesAPidFileWhoseProcessIsGone()
    {
        using var home = new TempHome();
        var env = Environment(home, FreePort.Next());
        using var gone = Process.Start(new ProcessStartInfo(ProxyProcess.ExecutablePath, "--version") { RedirectStandardOutput = true, UseShellExecute = false })!;
        await gone.WaitForExitAsync();
        var pidFile = WritePidFile(home, gone.Id);

        var status = await ProxyCli.RunAsync(env, "status");
        status.ExitCode.ShouldBe(1);
        status.Stderr.ShouldContain($"the pid file is stale (pid {gone.Id} is no longer running)");

        var stop = await ProxyCli.RunAsync(env, "stop");
        stop.ExitCode.ShouldBe(0, stop.ToString());
        stop.Stdout.ShouldContain($"removed the stale pid file (pid {gone.Id} is no longer running)");
        File.Exists(pidFile).ShouldBeFalse();
    }

    [Fact]
    public async Task StopLeavesAnotherProgramThatGotThePidAloneAndRemovesThePidFile()
    {
        using var home = new TempHome();
        var env = Environment(home, FreePort.Next());
        using var other = OperatingSystem.IsWindows()
            ? Process.Start(new ProcessStartInfo("ping", "-n 120 127.0.0.1") { RedirectStandardOutput = true, UseShellExecute = false })!
            : Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        try
        {
            var pidFile = WritePidFile(home, other.Id);

            var stop = await ProxyCli.RunAsync(env, "stop");

            stop.ExitCode.ShouldBe(0, stop.ToString());
            stop.Stdout.ShouldContain($"pid {other.Id} now belongs to another program");
            File.Exists(pidFile).ShouldBeFalse();
            other.HasExited.ShouldBeFalse("stop must not touch a process that is not the gateway");
        }
        finally
        {
            other.Kill();
        }
    }

    [Fact]
    public async Task StartFailsPointingAtTheLogWhenThePortIsTakenAndLeavesNoPidFile()
    {
        using var home = new TempHome();
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var env = Environment(home, port);
        var log = Path.Combine(home.StateDirectory, "gateway.log");

        var start = await ProxyCli.RunAsync(env, "start", "--timeout", "15");

        start.ExitCode.ShouldBe(1, start.ToString());
        start.Stderr.ShouldContain($"error: the gateway exited (code 1) before answering on http://127.0.0.1:{port}; see the log {log}");
        start.Stderr.ShouldContain("cannot listen on");
        File.Exists(Path.Combine(home.StateDirectory, "gateway.pid")).ShouldBeFalse();
    }

    private static async Task AssertAMessageGoesThroughAsync(string url, FakeUpstream upstream)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        using var reply = await client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""));
        reply.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await reply.Content.ReadAsStringAsync()).ShouldContain("\"model\":\"claude-deepseek-v4-pro\"");
        upstream.LastRequest.Header("authorization").ShouldBe("Bearer sk-deepseek-background-test");
    }

    private static Dictionary<string, string?> Environment(TempHome home, int port) => new()
    {
        ["HOME"] = home.Path,
        [ProxyPaths.StateDirectoryVariable] = home.StateDirectory,
        ["PORT"] = port.ToString(),
    };

    private static string WritePidFile(TempHome home, int pid)
    {
        Directory.CreateDirectory(home.StateDirectory);
        var pidFile = Path.Combine(home.StateDirectory, "gateway.pid");
        File.WriteAllText(pidFile, $"{pid}\nurl=http://127.0.0.1:1\n");
        return pidFile;
    }

    private static int StartedPid(string stdout) =>
        int.Parse(StartedPattern().Match(stdout) is { Success: true } match ? match.Groups[1].Value : throw new ShouldAssertException("no pid in: " + stdout));

    [GeneratedRegex(@"Started in the background: pid (\d+)")]
    private static partial Regex StartedPattern();

    /// <summary>Whatever happened in the test, no gateway stays behind.</summary>
    private static void KillLeftovers(string pidFile, List<int> started)
    {
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), out var recorded)) started.Add(recorded);
        foreach (var pid in started.Distinct())
        {
            if (!ProcessInspector.IsAlive(pid) || ProcessInspector.ProgramName(pid) is not { } name || !name.StartsWith("claude-model-pr", StringComparison.OrdinalIgnoreCase)) continue;
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }
    }
}
