using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Mcp;

/// <summary>The real executable's `mcp` command over real stdio.</summary>
public class McpServerTests
{
    [Fact]
    public async Task InitializeListAndCallTheStatusToolWhoseCountersMove()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"id":"msg_1","type":"message","model":"deepseek-v4-pro","content":[],"usage":{"input_tokens":12,"output_tokens":5}}""");
        var port = FreePort.Next();
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?>
        {
            ["PORT"] = port.ToString(),
            ["DEEPSEEK_BASE_URL"] = upstream.BaseUrl,
            ["DEEPSEEK_API_KEY"] = "sk-deepseek-secret-for-mcp-test",
            ["GLM_API_KEY"] = "${user_config.glm_api_key}",
        }, "mcp");

        var initialize = await proxy.InitializeAsync();
        initialize["serverInfo"]!["name"]!.GetValue<string>().ShouldBe("claude-model-proxy");
        initialize["instructions"]!.GetValue<string>().ShouldContain("model_proxy_status");

        var tools = (await proxy.RequestAsync("tools/list"))["tools"]!.AsArray();
        var tool = tools.ShouldHaveSingleItem()!;
        tool["name"]!.GetValue<string>().ShouldBe("model_proxy_status");
        tool["title"]!.GetValue<string>().ShouldBe("Model proxy status");
        tool["inputSchema"]!["type"]!.GetValue<string>().ShouldBe("object");
        (tool["inputSchema"]!["properties"]?.AsObject().Count ?? 0).ShouldBe(0);
        var annotations = tool["annotations"]!;
        annotations["readOnlyHint"]!.GetValue<bool>().ShouldBeTrue();
        annotations["destructiveHint"]!.GetValue<bool>().ShouldBeFalse();
        annotations["idempotentHint"]!.GetValue<bool>().ShouldBeTrue();
        annotations["openWorldHint"]!.GetValue<bool>().ShouldBeFalse();

        var before = await proxy.StatusAsync();
        before["listening"]!.GetValue<bool>().ShouldBeTrue();
        before["external"]!.GetValue<bool>().ShouldBeFalse();
        before["localUrl"]!.GetValue<string>().ShouldBe($"http://127.0.0.1:{port}");
        var providers = before["providers"]!.AsArray().ToDictionary(p => p!["id"]!.GetValue<string>());
        providers["deepseek"]!["hasApiKey"]!.GetValue<bool>().ShouldBeTrue();
        providers["glm"]!["hasApiKey"]!.GetValue<bool>().ShouldBeFalse();
        before["modelMap"]!["claude-kimi-k2.6"]!.GetValue<string>().ShouldBe("kimi-k2.6");
        before["counters"]!.AsObject().Count.ShouldBe(0);

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var reply = await client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-deepseek-v4-pro","messages":[]}"""));
        reply.IsSuccessStatusCode.ShouldBeTrue();

        // The gateway counts a request just after writing its reply, so the client can be a moment ahead.
        await Eventually.TrueAsync(async () => (await proxy.StatusAsync())["counters"]!["claude-deepseek-v4-pro"] is not null, TimeSpan.FromSeconds(5), "the request is counted");
        var call = await proxy.RequestAsync("tools/call", JsonNode.Parse("""{"name":"model_proxy_status","arguments":{}}"""));
        var content = call["content"]!.AsArray();
        content[0]!["text"]!.GetValue<string>().ShouldContain("listening");
        var report = JsonNode.Parse(content[1]!["text"]!.GetValue<string>())!;
        var counters = report["counters"]!["claude-deepseek-v4-pro"]!;
        counters["requests"]!.GetValue<long>().ShouldBe(1);
        counters["inputTokens"]!.GetValue<long>().ShouldBe(12);
        counters["outputTokens"]!.GetValue<long>().ShouldBe(5);
        counters["errors"]!.GetValue<long>().ShouldBe(0);
        call.ToJsonString().ShouldNotContain("sk-deepseek-secret-for-mcp-test");

        AssertStdoutIsOnlyJsonRpc(proxy);
    }

    [Fact]
    public async Task AnotherCopyOnThePortIsReportedAsExternalAndTakenOverWhenItStops()
    {
        var port = FreePort.Next();
        await using var other = await TestGateway.StartAsync(new Dictionary<string, string?> { ["GLM_API_KEY"] = "sk-glm-in-the-login-service" }, port);
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["PORT"] = port.ToString(), ["PORT_RETRY_SECONDS"] = "0.2" }, "mcp");
        await proxy.InitializeAsync();

        var status = await proxy.StatusAsync();
        status["listening"]!.GetValue<bool>().ShouldBeTrue();
        status["external"]!.GetValue<bool>().ShouldBeTrue();
        status["externalVersion"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        status["externalPid"]!.GetValue<int>().ShouldBe(Environment.ProcessId);
        // The keys that matter are those of the copy that serves the requests.
        status["providers"]!.AsArray().Single(p => p!["id"]!.GetValue<string>() == "glm")!["hasApiKey"]!.GetValue<bool>().ShouldBeTrue();

        await other.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            var now = await proxy.StatusAsync();
            return now["listening"]!.GetValue<bool>() && !now["external"]!.GetValue<bool>();
        }, TimeSpan.FromSeconds(10), "the extension takes over the freed port");
        (await Eventually.PortAnswersAsync(port)).ShouldBeTrue(); // listening, as the status said: at once
        AssertStdoutIsOnlyJsonRpc(proxy);
    }

    [Fact]
    public async Task AnUnrelatedProgramOnThePortIsAClearErrorNotExternal()
    {
        await using var stranger = await FakeUpstream.StartAsync();
        stranger.Handler = async (context, _) => await context.Response.WriteAsync("<html>someone else</html>");
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["PORT"] = stranger.Port.ToString() }, "mcp");
        await proxy.InitializeAsync();

        var status = await proxy.StatusAsync();

        status["listening"]!.GetValue<bool>().ShouldBeFalse();
        status["external"]!.GetValue<bool>().ShouldBeFalse();
        var error = status["error"]!.GetValue<string>();
        error.ShouldContain($"Port {stranger.Port} is used by another program");
        error.ShouldContain("PORT");
        AssertStdoutIsOnlyJsonRpc(proxy);
    }

    [Fact]
    public async Task ClosingStdinEndsTheProcessAndFreesThePort()
    {
        var port = FreePort.Next();
        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["PORT"] = port.ToString() }, "mcp");
        await proxy.InitializeAsync();
        await Eventually.ServesAsync(port);

        proxy.CloseStdin();

        (await proxy.WaitForExitAsync(TimeSpan.FromSeconds(2))).ShouldBeTrue("the process should exit within two seconds of stdin closing");
        proxy.Process.ExitCode.ShouldBe(0);
        using var probe = new TcpListener(System.Net.IPAddress.Loopback, port);
        Should.NotThrow(() => probe.Start());
        probe.Stop();
        AssertStdoutIsOnlyJsonRpc(proxy);
    }

    private static void AssertStdoutIsOnlyJsonRpc(ProxyProcess proxy)
    {
        var lines = proxy.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldNotBeEmpty();
        foreach (var line in lines)
        {
            var message = JsonDocument.Parse(line).RootElement;
            message.GetProperty("jsonrpc").GetString().ShouldBe("2.0", $"stdout line: {line}");
        }
    }
}
