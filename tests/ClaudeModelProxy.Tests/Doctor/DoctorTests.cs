using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Service;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Doctor;

/// <summary><c>claude-model-proxy doctor</c>, the real executable, against strict fake upstreams.</summary>
public class DoctorTests
{
    private const string DeepSeekKey = "sk-deepseek-doctor-key-31337";
    private const string OpenAiKey = "sk-openai-doctor-key-27182";

    /// <summary>Anthropic's reply to a bad key, word for word.</summary>
    private const string AnthropicBadKey = """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""";

    private static Dictionary<string, string?> Environment(TempHome home, int port, params (string Key, string? Value)[] settings)
    {
        var env = new Dictionary<string, string?> { ["HOME"] = home.Path, [ClaudeModelProxy.Service.ProxyPaths.StateDirectoryVariable] = home.StateDirectory, ["PORT"] = port.ToString() };
        foreach (var (key, value) in settings) env[key] = value;
        return env;
    }

    private static string[] Lines(NodeTools.Result result) => result.Stdout.Split('\n', StringSplitOptions.TrimEntries);

    [Fact]
    public async Task GoodKeysAreReportedAsWorkingAndTheExitCodeIsZero()
    {
        using var home = new TempHome();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, request) =>
        {
            if (request.Path == "/deepseek/v1/messages" && request.Method == "POST" && request.Header("authorization") == $"Bearer {DeepSeekKey}"
                && JsonNode.Parse(request.BodyText)!["max_tokens"]!.GetValue<int>() == 1)
            {
                await FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"deepseek-v4-flash","content":[{"type":"text","text":"p"}],"stop_reason":"max_tokens","usage":{"input_tokens":1,"output_tokens":1}}""")(context, request);
            }
            else if (request.Path == "/openai/models" && request.Method == "GET" && request.Header("authorization") == $"Bearer {OpenAiKey}")
            {
                await FakeUpstream.Json("""{"object":"list","data":[{"id":"gpt-5.4","object":"model","created":1,"owned_by":"openai"}]}""")(context, request);
            }
            else
            {
                await FakeUpstream.Json(AnthropicBadKey, 401)(context, request);
            }
        };
        var port = FreePort.Next();

        var result = await ProxyCli.RunAsync(Environment(home, port,
            ("DEEPSEEK_BASE_URL", upstream.BaseUrl + "/deepseek"), ("DEEPSEEK_API_KEY", DeepSeekKey),
            ("OPENAI_BASE_URL", upstream.BaseUrl + "/openai"), ("OPENAI_API_KEY", OpenAiKey)), "doctor");

        result.ExitCode.ShouldBe(0, result.ToString());
        var lines = Lines(result);
        lines.ShouldContain($"ok    deepseek: DEEPSEEK_API_KEY works (HTTP 200 from POST {upstream.BaseUrl}/deepseek/v1/messages).");
        lines.ShouldContain($"ok    openai: OPENAI_API_KEY works (HTTP 200 from GET {upstream.BaseUrl}/openai/models).");
        lines.ShouldContain($"ok    port: 127.0.0.1:{port} is free; the gateway is not running (start it with 'claude-model-proxy start', the login service or Claude Desktop).");
        lines.ShouldContain("Verdict: usable; working providers: deepseek, openai.");
        upstream.Requests.Count.ShouldBe(2);
        result.Stdout.ShouldNotContain(DeepSeekKey);
        result.Stdout.ShouldNotContain(OpenAiKey);
    }

    [Fact]
    public async Task ARefusedKeyIsAFailWithTheProvidersReasonAndTheFixAndNeverTheKey()
    {
        using var home = new TempHome();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, request) =>
        {
            if (request.Path.StartsWith("/deepseek", StringComparison.Ordinal)) await FakeUpstream.Json(AnthropicBadKey, 401)(context, request);
            // Gemini names the rejected key in its message; the doctor must not repeat it.
            else await FakeUpstream.Json($$$"""[{"error":{"code":401,"message":"API key not valid: {{{OpenAiKey}}}","status":"UNAUTHENTICATED"}}]""", 401)(context, request);
        };

        var result = await ProxyCli.RunAsync(Environment(home, FreePort.Next(),
            ("DEEPSEEK_BASE_URL", upstream.BaseUrl + "/deepseek"), ("DEEPSEEK_API_KEY", DeepSeekKey),
            ("GEMINI_BASE_URL", upstream.BaseUrl + "/gemini"), ("GEMINI_API_KEY", OpenAiKey)), "doctor");

        result.ExitCode.ShouldBe(1, result.ToString());
        var lines = Lines(result);
        lines.ShouldContain($"FAIL  deepseek: DEEPSEEK_API_KEY was refused (HTTP 401 from POST {upstream.BaseUrl}/deepseek/v1/messages: invalid x-api-key). Fix: put a valid DeepSeek key in DEEPSEEK_API_KEY.");
        lines.ShouldContain(l => l.StartsWith($"FAIL  gemini: GEMINI_API_KEY was refused (HTTP 401 from GET {upstream.BaseUrl}/gemini/models: API key not valid: ", StringComparison.Ordinal));
        lines.ShouldContain("Verdict: NOT usable yet; fix the FAIL lines above.");
        result.Stdout.ShouldNotContain(DeepSeekKey);
        result.Stdout.ShouldNotContain(OpenAiKey);
    }

    [Fact]
    public async Task AnUnreachableBaseUrlAndASilentOneAreFailsThatNameTheSetting()
    {
        using var home = new TempHome();
        await using var silent = await FakeUpstream.StartAsync();
        silent.Handler = async (context, _) => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        var closed = FreePort.Next();

        var result = await ProxyCli.RunAsync(Environment(home, FreePort.Next(),
            ("DEEPSEEK_BASE_URL", $"http://127.0.0.1:{closed}"), ("DEEPSEEK_API_KEY", DeepSeekKey),
            ("MOONSHOT_BASE_URL", silent.BaseUrl), ("MOONSHOT_API_KEY", "sk-moonshot-doctor")), "doctor", "--timeout", "1");

        result.ExitCode.ShouldBe(1, result.ToString());
        var lines = Lines(result);
        lines.ShouldContain($"FAIL  deepseek: cannot connect to POST http://127.0.0.1:{closed}/v1/messages (connection refused). Fix: check DEEPSEEK_BASE_URL (default https://api.deepseek.com/anthropic) and your network.");
        lines.ShouldContain($"FAIL  moonshot: no answer within 1 s from POST {silent.BaseUrl}/v1/messages. Fix: check MOONSHOT_BASE_URL and your network (or a proxy in HTTPS_PROXY).");
    }

    [Fact]
    public async Task ABaseUrlPointingAtTheGatewayItselfIsAFailAndThePrivateEnvFileIsOk()
    {
        using var home = new TempHome();
        var port = FreePort.Next();
        var envFile = Path.Combine(home.Path, "proxy.env");
        File.WriteAllText(envFile, $"GLM_BASE_URL=http://127.0.0.1:{port}/api/anthropic\nGLM_API_KEY=glm-doctor-key\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(envFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await ProxyCli.RunAsync(Environment(home, port), "doctor", "--env-file", envFile);

        result.ExitCode.ShouldBe(1, result.ToString());
        var lines = Lines(result);
        lines.ShouldContain($"FAIL  glm: GLM_BASE_URL=http://127.0.0.1:{port}/api/anthropic in {envFile} points at this gateway itself, so its requests would loop. Fix: set it to the provider's address (default https://api.z.ai/api/anthropic) or remove the line.");
        if (!OperatingSystem.IsWindows()) lines.ShouldContain($"ok    env file: {envFile} (mode 0600).");
        result.Stdout.ShouldNotContain("glm-doctor-key");
    }

    [Fact]
    public async Task ABusyPortIsAFailEvenWithAWorkingKeyAndTheShellsBypassIsNamed()
    {
        using var home = new TempHome();
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[],"usage":{"input_tokens":1,"output_tokens":1}}""");
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var envFile = Path.Combine(home.Path, "open.env");
        File.WriteAllText(envFile, $"DEEPSEEK_BASE_URL={upstream.BaseUrl}\nDEEPSEEK_API_KEY={DeepSeekKey}\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(envFile, (UnixFileMode)0b110_100_100);

        var result = await ProxyCli.RunAsync(Environment(home, port, ("ANTHROPIC_BASE_URL", "https://api.anthropic.com")), "doctor", "--env-file", envFile, "--json");

        result.ExitCode.ShouldBe(1, result.ToString());
        var report = JsonNode.Parse(result.Stdout)!;
        report["healthy"]!.GetValue<bool>().ShouldBeFalse();
        var lines = report["checks"]!.AsArray().Select(c => c!["line"]!.GetValue<string>()).ToList();
        lines.ShouldContain($"FAIL  port: 127.0.0.1:{port} is used by another program, not Claude Model Proxy. Fix: stop that program, or set PORT to a free port and use the matching gateway URL.");
        lines.ShouldContain($"ok    deepseek: DEEPSEEK_API_KEY works (HTTP 200 from POST {upstream.BaseUrl}/v1/messages).");
        lines.ShouldContain($"WARN  claude code: ANTHROPIC_BASE_URL=https://api.anthropic.com bypasses the gateway. Fix: export ANTHROPIC_BASE_URL=http://127.0.0.1:{port}");
        if (!OperatingSystem.IsWindows())
            lines.ShouldContain($"WARN  env file: {envFile} is readable by other users (mode 0644) and holds API keys. Fix: chmod 600 {envFile}.");
        report["checks"]!.AsArray().Single(c => c!["subject"]!.GetValue<string>() == "port")!["verdict"]!.GetValue<string>().ShouldBe("fail");
        result.Stdout.ShouldNotContain(DeepSeekKey);
    }

    [Fact]
    public async Task ARunningGatewayOnThePortIsRecognised()
    {
        using var home = new TempHome();
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>());

        var result = await ProxyCli.RunAsync(Environment(home, gateway.Settings.Port), "doctor");

        Lines(result).ShouldContain(l => l.StartsWith($"ok    port: Claude Model Proxy {ClaudeModelProxy.Hosting.ProxyVersion.Current} answers on {gateway.Url} (pid ", StringComparison.Ordinal));
        Lines(result).ShouldContain(l => l.StartsWith("FAIL  keys: no provider has an API key.", StringComparison.Ordinal));
        result.ExitCode.ShouldBe(1);
    }
}
