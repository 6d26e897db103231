using System.Net;
using System.Text.Json;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Discovery;

public class GatewayProtocolTests
{
    private const string Reply = """{"id":"msg_1","type":"message","role":"assistant","model":"M","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}""";

    private static HttpRequestMessage ClaudeCodeRequest(string model, string? requestClass = null, string extraBody = "")
    {
        var request = TestGateway.MessagesRequest($$$"""{"model":"{{{model}}}","max_tokens":16,"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]{{{extraBody}}}}""");
        request.Headers.TryAddWithoutValidation("x-claude-code-session-id", "session-42");
        request.Headers.TryAddWithoutValidation("x-claude-code-agent-id", "agent-7");
        request.Headers.TryAddWithoutValidation("anthropic-future-header", "v9");
        request.Headers.TryAddWithoutValidation("anthropic-workspace-id", "wrk_1");
        if (requestClass is not null) request.Headers.TryAddWithoutValidation("x-claude-code-request-class", requestClass);
        return request;
    }

    [Fact]
    public async Task AnthropicGetsTheAttributionAndEveryAnthropicHeaderAndOthersGetVersionAndBetaOnly()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        (await gateway.Client.SendAsync(ClaudeCodeRequest("claude-opus-4-8"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var anthropic = upstream.LastRequest;
        anthropic.Path.ShouldBe("/anthropic/v1/messages");
        anthropic.Header("x-claude-code-session-id").ShouldBe("session-42");
        anthropic.Header("x-claude-code-agent-id").ShouldBe("agent-7");
        anthropic.Header("anthropic-future-header").ShouldBe("v9");
        anthropic.Header("anthropic-workspace-id").ShouldBeNull("it belongs to Claude Platform on AWS only");
        anthropic.Header("anthropic-beta").ShouldBe("claude-code-20250219,interleaved-thinking-2025-05-14");
        anthropic.Header("anthropic-version").ShouldBe("2023-06-01");

        (await gateway.Client.SendAsync(ClaudeCodeRequest("claude-deepseek-v4-pro"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var deepseek = upstream.LastRequest;
        deepseek.Path.ShouldBe("/deepseek/v1/messages");
        deepseek.Header("x-claude-code-session-id").ShouldBeNull();
        deepseek.Header("anthropic-future-header").ShouldBeNull();
        deepseek.Header("anthropic-beta").ShouldBe("claude-code-20250219,interleaved-thinking-2025-05-14");
        deepseek.Header("anthropic-version").ShouldBe("2023-06-01");
    }

    [Fact]
    public async Task BodyFieldsANewerClientAddsPassThroughUntouched()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        const string extra = ""","context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},"output_config":{"effort":"high"},"speed":"fast","future_field_2027":{"nested":[1,2,{"x":null}]}""";

        using var response = await gateway.Client.SendAsync(ClaudeCodeRequest("claude-sonnet", extraBody: extra));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.LastRequest.BodyText.ShouldBe($$$"""{"model":"deepseek-v4-pro","max_tokens":16,"messages":[{"role":"user","content":[{"type":"text","text":"hi","cache_control":{"type":"ephemeral"}}]}]{{{extra}}}}""");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("model").GetString().ShouldBe("claude-sonnet");
    }

    [Fact]
    public async Task RequestClassesRouteBackgroundWorkAndAreCountedInStatus()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        var env = TestGateway.AllProvidersAt(upstream);
        env["REQUEST_CLASS_MAP"] = "auxiliary=claude-haiku,compaction=claude-glm-4.5-air";
        await using var gateway = await TestGateway.StartAsync(env);

        using var auxiliary = await gateway.Client.SendAsync(ClaudeCodeRequest("claude-opus-4-8", "auxiliary"));
        auxiliary.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(await auxiliary.Content.ReadAsStringAsync()).RootElement.GetProperty("model").GetString().ShouldBe("claude-opus-4-8");
        upstream.LastRequest.Path.ShouldBe("/deepseek/v1/messages");
        JsonDocument.Parse(upstream.LastRequest.Body).RootElement.GetProperty("model").GetString().ShouldBe("deepseek-v4-flash");

        (await gateway.Client.SendAsync(ClaudeCodeRequest("claude-opus-4-8", "compaction"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.LastRequest.Path.ShouldBe("/glm/v1/messages");
        (await gateway.Client.SendAsync(ClaudeCodeRequest("claude-opus-4-8", "main"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.LastRequest.Path.ShouldBe("/anthropic/v1/messages");
        (await gateway.Client.SendAsync(ClaudeCodeRequest("claude-opus-4-8", "something-new"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var status = JsonDocument.Parse(await gateway.Client.GetStringAsync("/healthz")).RootElement;
        var classes = status.GetProperty("requestClasses");
        classes.GetProperty("auxiliary").GetInt64().ShouldBe(1);
        classes.GetProperty("compaction").GetInt64().ShouldBe(1);
        classes.GetProperty("main").GetInt64().ShouldBe(1);
        classes.GetProperty("other").GetInt64().ShouldBe(1);
        status.GetProperty("requestClassMap").GetProperty("auxiliary").GetString().ShouldBe("claude-haiku");
    }

    [Fact]
    public async Task StatusSaysWhereTheSlotsAndClaudeIdsGo()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["CLAUDE_MODEL_MAP"] = "claude-haiku=claude-glm-4.5-air" });
        var status = JsonDocument.Parse(await gateway.Client.GetStringAsync("/healthz")).RootElement;
        status.GetProperty("familySlots").GetProperty("claude-haiku").GetString().ShouldBe("glm/glm-4.5-air");
        status.GetProperty("familySlots").GetProperty("claude-sonnet").GetString().ShouldBe("deepseek/deepseek-v4-pro");
        status.GetProperty("claudeIds").GetString().ShouldBe("family slots (no Anthropic key)");
        status.GetProperty("desktopIds").GetProperty("kimi-k2.6").GetString().ShouldBe("claude-sonnet-0-kimi-k2-6");
    }

    [Fact]
    public async Task AClaudeCodeRefusalFallbackToClaudeOpus48WithoutAnAnthropicKeyDoesNotDeadEnd()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(Reply);
        var env = TestGateway.AllProvidersAt(upstream);
        env.Remove("ANTHROPIC_API_KEY");
        env.Remove("ANTHROPIC_BASE_URL");
        await using var gateway = await TestGateway.StartAsync(env);

        foreach (var id in new[] { "claude-opus-4-8", "claude-haiku-4-5-20251001", "claude-fable-5-2[1m]", "claude-sonnet-4-6" })
        {
            using var response = await gateway.Client.SendAsync(ClaudeCodeRequest(id));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, id);
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("model").GetString().ShouldBe(id);
            upstream.LastRequest.Path.ShouldBe("/deepseek/v1/messages");
        }
        var counters = JsonDocument.Parse(await gateway.Client.GetStringAsync("/healthz")).RootElement.GetProperty("counters");
        foreach (var slot in new[] { "claude-opus", "claude-haiku", "claude-fable", "claude-sonnet" })
            counters.GetProperty(slot).GetProperty("requests").GetInt64().ShouldBe(1, slot);
    }

    [Fact]
    public async Task AFamilySlotFallsBackWhenItsProviderIsOverloaded()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (context, seen) => seen.Path.StartsWith("/deepseek/", StringComparison.Ordinal)
            ? FakeUpstream.Json("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", 529)(context, seen)
            : FakeUpstream.Json(Reply)(context, seen);
        var env = TestGateway.AllProvidersAt(upstream);
        env["UPSTREAM_RETRIES"] = "0";
        env["MODEL_FALLBACKS"] = "claude-deepseek-v4-pro=claude-kimi-k2.6";
        await using var gateway = await TestGateway.StartAsync(env);

        using var response = await gateway.Client.SendAsync(ClaudeCodeRequest("claude-sonnet"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("x-claude-model-proxy-fallback").ShouldBe(["claude-kimi-k2.6"]);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("model").GetString().ShouldBe("claude-sonnet");
        upstream.Requests.Select(r => r.Path).ShouldBe(["/deepseek/v1/messages", "/moonshot/v1/messages"]);
    }
}
