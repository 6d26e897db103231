using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Service;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace ClaudeModelProxy.Tests.Reload;

/// <summary><c>serve --env-file</c> (the real executable) picks up changes to the file without a restart.</summary>
public class SettingsReloadTests(ITestOutputHelper output)
{
    private const string Reply = """{"id":"msg_1","type":"message","role":"assistant","model":"deepseek-v4-pro","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""";

    private static string Settings(int port, FakeUpstream upstream, string key, string extra = "") =>
        $"PORT={port}\nDEEPSEEK_BASE_URL={upstream.BaseUrl}\nDEEPSEEK_API_KEY={key}\n{extra}";

    private static async Task<(TempHome Home, string EnvFile, ProxyProcess Proxy, HttpClient Client)> StartAsync(int port, string settings)
    {
        var home = new TempHome();
        var envFile = Path.Combine(home.Path, "proxy.env");
        File.WriteAllText(envFile, settings);
        var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["HOME"] = home.Path }, "serve", "--env-file", envFile);
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(15), "the gateway listens");
        return (home, envFile, proxy, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") });
    }

    /// <summary>Replaces the file the way editors do: write a new file, then rename it over the old one.</summary>
    private static void Rewrite(string envFile, string text)
    {
        File.WriteAllText(envFile + ".new", text);
        File.Move(envFile + ".new", envFile, overwrite: true);
    }

    private static async Task<JsonNode> HealthAsync(HttpClient client) => JsonNode.Parse(await client.GetStringAsync("/healthz"))!;

    private static async Task<HttpStatusCode> AskAsync(HttpClient client, string model)
    {
        using var reply = await client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"{{model}}","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"""));
        return reply.StatusCode;
    }

    [Fact]
    public async Task AnAliasAddedToTheEnvFileRoutesWithoutARestart()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        var port = FreePort.Next();
        var (home, envFile, proxy, client) = await StartAsync(port, Settings(port, upstream, "sk-reload-one"));
        using var _ = home;
        using var __ = client;
        await using var ___ = proxy;
        (await AskAsync(client, "claude-added-later")).ShouldBe(HttpStatusCode.NotFound);
        var pid = (await HealthAsync(client))["pid"]!.GetValue<int>();

        var clock = Stopwatch.StartNew();
        Rewrite(envFile, Settings(port, upstream, "sk-reload-one", "MODEL_MAP=claude-added-later=deepseek-v4-pro\n"));
        await Eventually.TrueAsync(async () => await AskAsync(client, "claude-added-later") == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "the new alias routes");
        output.WriteLine($"the new alias routed {clock.ElapsedMilliseconds} ms after the file was written (the watcher polls every 500 ms)");

        JsonNode.Parse(upstream.LastRequest.BodyText)!["model"]!.GetValue<string>().ShouldBe("deepseek-v4-pro");
        var health = await HealthAsync(client);
        health["pid"]!.GetValue<int>().ShouldBe(pid, "the same process, not a restart");
        health["modelMap"]!["claude-added-later"]!.GetValue<string>().ShouldBe("deepseek-v4-pro");
        health["settingsReload"]!["error"].ShouldBeNull();
        proxy.Stderr.ShouldContain("Settings reloaded from " + envFile);
        proxy.Stderr.ShouldNotContain("sk-reload-one");
    }

    [Fact]
    public async Task AStreamInFlightFinishesOnItsOldSettingsAndTheNextRequestUsesTheNewKey()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Handler = async (context, request) =>
        {
            if (JsonNode.Parse(request.BodyText)?["stream"]?.GetValue<bool>() != true)
            {
                await FakeUpstream.Json(Reply)(context, request);
                return;
            }
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"deepseek-v4-pro\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n");
            await context.Response.Body.FlushAsync();
            await release.Task;
            await context.Response.WriteAsync(
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"still here\"}}\n\n" +
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n" +
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        };
        var port = FreePort.Next();
        var (home, envFile, proxy, client) = await StartAsync(port, Settings(port, upstream, "sk-old-key-1111"));
        using var _ = home;
        using var __ = client;
        await using var ___ = proxy;

        using var streamRequest = TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        using var stream = await client.SendAsync(streamRequest, HttpCompletionOption.ResponseHeadersRead);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = new StreamReader(await stream.Content.ReadAsStreamAsync(), Encoding.UTF8);
        (await body.ReadLineAsync()).ShouldBe("event: message_start");

        var before = (await HealthAsync(client))["settingsReload"]!["appliedAt"]!.GetValue<string>();
        Rewrite(envFile, Settings(port, upstream, "sk-new-key-2222"));
        await Eventually.TrueAsync(async () => (await HealthAsync(client))["settingsReload"]!["appliedAt"]!.GetValue<string>() != before,
            TimeSpan.FromSeconds(10), "the change is applied while the stream is open");
        release.SetResult();

        var rest = await body.ReadToEndAsync();
        rest.ShouldContain("still here");
        rest.ShouldContain("event: message_stop");
        (await AskAsync(client, "claude-deepseek-v4-pro")).ShouldBe(HttpStatusCode.OK);
        var keys = upstream.Requests.Select(r => r.Header("authorization")).ToList();
        keys.ShouldBe(["Bearer sk-old-key-1111", "Bearer sk-new-key-2222"]);
    }

    [Fact]
    public async Task ABrokenFileKeepsTheOldSettingsAndSaysWhyInTheLogHealthAndPage()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        var port = FreePort.Next();
        var (home, envFile, proxy, client) = await StartAsync(port, Settings(port, upstream, "sk-broken-test", "MODEL_MAP=claude-kept=deepseek-v4-pro\n"));
        using var _ = home;
        using var __ = client;
        await using var ___ = proxy;
        (await AskAsync(client, "claude-kept")).ShouldBe(HttpStatusCode.OK);

        // The alias is gone and a line is malformed: nothing of this file may apply.
        Rewrite(envFile, Settings(port, upstream, "sk-broken-test", "this line is not a setting\n"));
        await Eventually.TrueAsync(async () => (await HealthAsync(client))["settingsReload"]!["error"] is not null, TimeSpan.FromSeconds(10), "the broken file is reported");

        var error = (await HealthAsync(client))["settingsReload"]!["error"]!.GetValue<string>();
        error.ShouldBe($"{envFile} was not applied, the previous settings stay in effect: line 4 is not KEY=VALUE and was skipped");
        (await AskAsync(client, "claude-kept")).ShouldBe(HttpStatusCode.OK);
        proxy.Stderr.ShouldContain("Settings not reloaded: " + error);
        var page = new HttpRequestMessage(HttpMethod.Get, "/status");
        page.Headers.Accept.ParseAdd("text/html");
        (await (await client.SendAsync(page)).Content.ReadAsStringAsync()).ShouldContain(WebUtility.HtmlEncode(error));
        var doctor = await ProxyCli.RunAsync(new Dictionary<string, string?> { ["HOME"] = home.Path }, "doctor", "--env-file", envFile);
        doctor.Stdout.Split('\n', StringSplitOptions.TrimEntries).ShouldContain($"WARN  running gateway: its env file was not applied: {error}. Fix: correct the file; it applies by itself.", doctor.ToString());
        var status = await ProxyCli.RunAsync(new Dictionary<string, string?> { ["HOME"] = home.Path }, "status", "--env-file", envFile);
        status.Stdout.ShouldContain($"Settings not reloaded: {error}");
        status.Stdout.ShouldContain($"Status page: http://127.0.0.1:{port}/status (no failed requests so far).");

        // Fixed again: it applies.
        Rewrite(envFile, Settings(port, upstream, "sk-broken-test"));
        await Eventually.TrueAsync(async () => await AskAsync(client, "claude-kept") == HttpStatusCode.NotFound, TimeSpan.FromSeconds(10), "the fixed file applies");
        (await HealthAsync(client))["settingsReload"]!["error"].ShouldBeNull();
    }

    [Fact]
    public async Task APortChangeIsReportedAsRestartNeededWhileTheRestApplies()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        var port = FreePort.Next();
        var (home, envFile, proxy, client) = await StartAsync(port, Settings(port, upstream, "sk-port-test"));
        using var _ = home;
        using var __ = client;
        await using var ___ = proxy;
        var newPort = FreePort.Next();

        Rewrite(envFile, Settings(newPort, upstream, "sk-port-test", "MODEL_MAP=claude-after-port=deepseek-v4-pro\n"));
        await Eventually.TrueAsync(async () => (await HealthAsync(client))["settingsReload"]!["restartNeeded"] is not null, TimeSpan.FromSeconds(10), "the port change is reported");

        var health = await HealthAsync(client);
        health["settingsReload"]!["restartNeeded"]!.GetValue<string>().ShouldStartWith($"PORT changed from {port} to {newPort} in {envFile}: restart the gateway to listen there");
        health["localUrl"]!.GetValue<string>().ShouldBe($"http://127.0.0.1:{port}");
        (await AskAsync(client, "claude-after-port")).ShouldBe(HttpStatusCode.OK);
        (await Eventually.PortAnswersAsync(newPort)).ShouldBeFalse();
        proxy.Stderr.ShouldContain("Restart needed: PORT changed");
    }
}

/// <summary>The extension's process (<c>mcp --env-file</c>) reloads too, and its tool says when a file was not applied.</summary>
public class McpSettingsReloadTests
{
    [Fact]
    public async Task TheMcpHostAppliesAnEditedEnvFileAndItsToolNamesABrokenOne()
    {
        using var home = new TempHome();
        var port = FreePort.Next();
        var envFile = Path.Combine(home.Path, "extension.env");
        File.WriteAllText(envFile, $"PORT={port}\nGLM_API_KEY=glm-mcp-reload\n");
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["HOME"] = home.Path }, "mcp", "--env-file", envFile);
        await proxy.InitializeAsync();
        (await proxy.StatusAsync())["modelMap"]!["claude-mcp-added"].ShouldBeNull();

        File.WriteAllText(envFile, $"PORT={port}\nGLM_API_KEY=glm-mcp-reload\nMODEL_MAP=claude-mcp-added=glm-4.7\n");
        await Eventually.TrueAsync(async () => (await proxy.StatusAsync())["modelMap"]!["claude-mcp-added"] is not null, TimeSpan.FromSeconds(10), "the tool shows the new alias");
        var health = JsonNode.Parse(await new HttpClient().GetStringAsync($"http://127.0.0.1:{port}/healthz"))!;
        health["modelMap"]!["claude-mcp-added"]!.GetValue<string>().ShouldBe("glm-4.7");

        File.WriteAllText(envFile, $"PORT={port}\nGLM_API_KEY=glm-mcp-reload\noops\n");
        await Eventually.TrueAsync(async () => (await proxy.StatusAsync())["settingsReload"]!["error"] is not null, TimeSpan.FromSeconds(10), "the tool reports the broken file");
        var call = await proxy.RequestAsync("tools/call", JsonNode.Parse("""{"name":"model_proxy_status","arguments":{}}"""));
        call["content"]![0]!["text"]!.GetValue<string>().ShouldContain($"Settings not reloaded: {envFile} was not applied, the previous settings stay in effect: line 3 is not KEY=VALUE and was skipped.");
        (await proxy.StatusAsync())["modelMap"]!["claude-mcp-added"]!.GetValue<string>().ShouldBe("glm-4.7");
        call.ToJsonString().ShouldNotContain("glm-mcp-reload");
    }
}
