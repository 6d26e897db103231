using System.Net;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Gateway;
using ClaudeModelProxy.Gateway.Failures;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Faults;

/// <summary>Situations an independent review found, pinned so they stay fixed.</summary>
public class ReviewRegressionTests
{
    [Fact]
    public void ClaudeCodeClientVariablesInTheEnvironmentDoNotPointTheAnthropicProviderAtTheGatewayItself()
    {
        var settings = SettingsLoader.Load(
            new Dictionary<string, string?> { ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:8787", ["ANTHROPIC_API_KEY"] = "dummy-claude-model-proxy" },
            new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = "sk-ant-from-env-file" });
        var anthropic = settings.FindProvider("anthropic")!;
        anthropic.BaseUrl.ShouldBe("https://api.anthropic.com");
        anthropic.ApiKey.ShouldBe("sk-ant-from-env-file");
        settings.Problems.ShouldHaveSingleItem().Message.ShouldContain("Claude Code client setting");
    }

    [Fact]
    public void AProviderUrlPointingAtTheGatewayIsRefusedWhereverItComesFrom()
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?> { ["PORT"] = "9100", ["ADVANCED_ENV"] = """{"GLM_BASE_URL":"http://localhost:9100/anthropic"}""" });
        settings.FindProvider("glm")!.BaseUrl.ShouldBe("https://api.z.ai/api/anthropic");
        settings.Problems.ShouldHaveSingleItem().Message.ShouldContain("loop");
    }

    [Fact]
    public void AnAdvancedSettingShadowedByTheInstallFormIsReported()
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?>
        {
            ["MOONSHOT_BASE_URL"] = "https://api.moonshot.cn/anthropic",
            ["ADVANCED_ENV"] = """{"MOONSHOT_BASE_URL":"https://api.moonshot.ai/anthropic"}""",
        });
        settings.FindProvider("moonshot")!.BaseUrl.ShouldBe("https://api.moonshot.cn/anthropic");
        settings.Problems.ShouldHaveSingleItem().Message.ShouldContain("MOONSHOT_BASE_URL is also set directly");
    }

    [Fact]
    public async Task ARequestThatLoopsBackIntoTheGatewayIsRefused()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["GLM_API_KEY"] = "k" });
        var request = TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","messages":[]}""");
        request.Headers.TryAddWithoutValidation(ForwardedHeaders.HopHeader, "1");
        using var response = await gateway.Client.SendAsync(request);
        ((int)response.StatusCode).ShouldBe(508);
        (await response.Content.ReadAsStringAsync()).ShouldContain("points back at the gateway");
    }

    [Fact]
    public void ToolArgumentsWithAnIdOfTheirOwnAreNotRewritten()
    {
        var reply = """{"id":"msg_1","type":"message","content":[{"type":"tool_use","id":"functions.Slack:0","name":"Slack","input":{"id":"1712345678.123456","nested":{"id":"a@b.com"}}}]}"""u8.ToArray();
        var usage = new TokenUsage();
        var rewritten = System.Text.Encoding.UTF8.GetString(ByteEdits.Apply(reply, ReplyRewriter.Rewrite(reply, "claude-x", new ToolIdSanitizer(), ref usage)));
        var block = JsonNode.Parse(rewritten)!["content"]![0]!;
        block["input"]!["id"]!.GetValue<string>().ShouldBe("1712345678.123456");
        block["input"]!["nested"]!["id"]!.GetValue<string>().ShouldBe("a@b.com");
        block["id"]!.GetValue<string>().ShouldMatch("^[A-Za-z0-9_-]+$");
    }

    [Fact]
    public void ResetsAfterTheRequestWasSentAreNotRetriedButConnectTimeoutsAre()
    {
        var provider = SettingsLoader.Load(new Dictionary<string, string?>()).FindProvider("glm")!;
        var cutShort = UpstreamConnectFailures.Classify(new HttpRequestException(HttpRequestError.ResponseEnded, "response ended prematurely"), provider, false, TimeSpan.FromSeconds(1));
        cutShort.NeverReachedUpstream.ShouldBeFalse();
        cutShort.Status.ShouldBe(502);
        var connectTimeout = UpstreamConnectFailures.Classify(new TaskCanceledException("timeout", new TimeoutException()), provider, false, TimeSpan.FromSeconds(1));
        connectTimeout.NeverReachedUpstream.ShouldBeTrue();
        connectTimeout.Status.ShouldBe(502);
        UpstreamConnectFailures.Classify(new TaskCanceledException(), provider, true, TimeSpan.FromSeconds(1)).Status.ShouldBe(504);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    public async Task AFinalEventWithoutItsBlankLineIsCompletedNotFollowedByAnError(string rewrite)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Sse(
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\"}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n");
        var env = TestGateway.AllProvidersAt(upstream);
        env["REWRITE_RESPONSES"] = rewrite;
        await using var gateway = await TestGateway.StartAsync(env);

        var text = await (await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","stream":true,"messages":[]}"""))).Content.ReadAsStringAsync();

        text.ShouldEndWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        text.ShouldNotContain("event: error");
    }

    [Fact]
    public async Task AnUpstreamErrorEventEchoingTheKeyIsRedacted()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = async (context, recorded) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"glm-5.1\"}}\n\n");
            await context.Response.WriteAsync($"event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"api_error\",\"message\":\"bad key {recorded.Header("authorization")}\"}}}}\n\n");
        };
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        var text = await (await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-glm-5.1","stream":true,"messages":[]}"""))).Content.ReadAsStringAsync();

        text.ShouldContain("event: error");
        text.ShouldContain("[redacted]");
        text.ShouldNotContain(TestGateway.KeyOf("glm"));
        text.Split("event: error").Length.ShouldBe(2);
    }
}
