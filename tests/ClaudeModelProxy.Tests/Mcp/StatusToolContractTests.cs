using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Mcp;

/// <summary>What the MCP host sees of the status tool: the declared output schema, the Windows static responses.</summary>
public class StatusToolContractTests
{
    [Fact]
    public async Task TheOfficialMcpClientAcceptsTheStructuredContentAgainstTheDeclaredOutputSchema()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json("""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""", 401);
        var port = FreePort.Next();
        var run = await NodeTools.RunAsync("node",
            [Path.Combine(NodeTools.JsFolder, "mcp-status-client.mjs"), ProxyProcess.ExecutablePath, $"http://127.0.0.1:{port}", "claude-deepseek-v4-pro"],
            workingDirectory: NodeTools.JsFolder,
            environment: new Dictionary<string, string?> { ["PORT"] = port.ToString(), ["DEEPSEEK_BASE_URL"] = upstream.BaseUrl, ["DEEPSEEK_API_KEY"] = "sk-deepseek-schema-test-5150" },
            prepare: ProxyEnvironment.Scrub);
        run.ExitCode.ShouldBe(0, run.ToString());
        var seen = JsonNode.Parse(run.Stdout)!;

        seen["gatewayStatus"]!.GetValue<int>().ShouldBe(401);
        var tool = seen["tools"]!["tools"]!.AsArray().ShouldHaveSingleItem()!;
        tool["outputSchema"]!["type"]!.GetValue<string>().ShouldBe("object");
        tool["outputSchema"]!["properties"]!["lastFailure"].ShouldNotBeNull();
        var result = seen["result"]!;
        var failure = result["structuredContent"]!["lastFailure"]!;
        failure["status"]!.GetValue<int>().ShouldBe(401);
        failure["errorType"]!.GetValue<string>().ShouldBe("authentication_error");
        failure["session"]!.GetValue<string>().ShouldBe("session-from-mcp-test");
        result["structuredContent"]!["counters"]!["claude-deepseek-v4-pro"]!["errorsByType"]!["authentication_error"]!.GetValue<long>().ShouldBe(1);
        var line = result["content"]![0]!["text"]!.GetValue<string>().Split('\n')[^1];
        line.ShouldStartWith($"Status page: http://127.0.0.1:{port}/status. Last failure ");
        line.ShouldContain("claude-deepseek-v4-pro -> deepseek/deepseek-v4-pro HTTP 401 authentication_error");
        line.ShouldEndWith("Check DEEPSEEK_API_KEY (the provider refused the key).");
        run.Stdout.ShouldNotContain("sk-deepseek-schema-test-5150");
    }

    [Fact]
    public async Task TheWindowsStaticResponsesInTheManifestAreWhatTheLiveServerAnswers()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(NodeTools.RepositoryRoot, "manifest.json")))!;
        var responses = manifest["_meta"]!["com.microsoft.windows"]!["static_responses"]!;
        var staticInitialize = responses["initialize"]!;
        var staticTools = responses["tools/list"]!;

        await using var proxy = ProxyProcess.Start(new Dictionary<string, string?> { ["PORT"] = FreePort.Next().ToString() }, "mcp");
        var live = await proxy.RequestAsync("initialize", new JsonObject
        {
            ["protocolVersion"] = staticInitialize["protocolVersion"]!.GetValue<string>(),
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "windows-host", ["version"] = "1.0" },
        });
        await proxy.NotifyAsync("notifications/initialized");
        var liveTools = await proxy.RequestAsync("tools/list");

        JsonNode.DeepEquals(live, staticInitialize).ShouldBeTrue(
            $"manifest.json's static initialize result drifted (run python3 build/update-static-responses.py); the server now answers:\n{live.ToJsonString()}");
        JsonNode.DeepEquals(liveTools, staticTools).ShouldBeTrue(
            $"manifest.json's static tools/list result drifted (run python3 build/update-static-responses.py); the server now answers:\n{liveTools.ToJsonString()}");
        staticTools["tools"]![0]!["description"]!.GetValue<string>().ShouldBe(manifest["tools"]![0]!["description"]!.GetValue<string>());
    }
}
