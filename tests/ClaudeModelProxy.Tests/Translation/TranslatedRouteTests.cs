using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Translation;

/// <summary>The translated providers end to end over HTTP: gateway in front of a fake Chat Completions upstream.</summary>
public class TranslatedRouteTests
{
    private static async Task<(FakeUpstream, TestGateway)> StartAsync(Func<HttpContext, RecordedRequest, Task> handler, params (string Key, string Value)[] settings)
    {
        var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = handler;
        var env = TestGateway.AllProvidersAt(upstream);
        // These tests drive the Chat Completions route; OpenAI's Responses route has its own (Responses/ResponsesRouteTests).
        env["OPENAI_WIRE_API"] = "chat";
        foreach (var (key, value) in settings) env[key] = value;
        return (upstream, await TestGateway.StartAsync(env));
    }

    private const string Completion = """{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-5.4","choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":30,"completion_tokens":4,"total_tokens":34,"prompt_tokens_details":{"cached_tokens":10}}}""";

    [Theory]
    [InlineData("claude-gpt-5.4", "openai", "gpt-5.4")]
    [InlineData("claude-gemini-3-flash-preview", "gemini", "gemini-3-flash-preview")]
    [InlineData("claude-qwen-max", "qwen", "qwen-max")]
    public async Task EachChatCompletionsProviderGetsATranslatedRequestWithItsOwnBearerKey(string alias, string provider, string model)
    {
        var (upstream, gateway) = await StartAsync(FakeUpstream.Json(Completion));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"{{alias}}","max_tokens":100,"system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        reply["type"]!.GetValue<string>().ShouldBe("message");
        reply["model"]!.GetValue<string>().ShouldBe(alias);
        reply["id"]!.GetValue<string>().ShouldStartWith("msg_");
        reply["content"]![0]!["text"]!.GetValue<string>().ShouldBe("Hi there");
        reply["stop_reason"]!.GetValue<string>().ShouldBe("end_turn");
        reply["usage"]!["input_tokens"]!.GetValue<int>().ShouldBe(20);
        reply["usage"]!["cache_read_input_tokens"]!.GetValue<int>().ShouldBe(10);
        var seen = upstream.LastRequest;
        seen.Path.ShouldBe($"/{provider}/chat/completions");
        seen.Header("authorization").ShouldBe("Bearer " + TestGateway.KeyOf(provider));
        seen.Header("x-api-key").ShouldBeNull();
        var sent = JsonNode.Parse(seen.Body)!;
        sent["model"]!.GetValue<string>().ShouldBe(model);
        sent["messages"]![0]!["role"]!.GetValue<string>().ShouldBe("system");
        sent["messages"]![1]!["content"]!.ToJsonString().ShouldContain("Hello");
    }

    [Fact]
    public async Task AStreamedToolCallBecomesToolUseBlocksAndTheFollowUpArrivesAsAToolMessage()
    {
        var chunks = new[]
        {
            """data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":"Let me check."}}]}""",
            """data: {"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_abc123","type":"function","function":{"name":"Bash","arguments":""}}]}}]}""",
            """data: {"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"command\":"}}]}}]}""",
            """data: {"id":"c1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"ls -la\"}"}}]}}]}""",
            """data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """data: {"id":"c1","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":12,"total_tokens":62}}""",
            "data: [DONE]",
        };
        var (upstream, gateway) = await StartAsync(FakeUpstream.Sse(chunks.Select(c => c + "\n\n").ToArray()));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-gpt-5.4","max_tokens":100,"stream":true,"tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}],"messages":[{"role":"user","content":"list files"}]}"""));
        var events = SseEvents(await response.Content.ReadAsStringAsync());

        events.Select(e => e.Name).ShouldBe(["message_start", "ping", "content_block_start", "content_block_delta", "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
        events[0].Data["message"]!["model"]!.GetValue<string>().ShouldBe("claude-gpt-5.4");
        var toolStart = events[5].Data["content_block"]!;
        toolStart["type"]!.GetValue<string>().ShouldBe("tool_use");
        toolStart["name"]!.GetValue<string>().ShouldBe("Bash");
        var toolId = toolStart["id"]!.GetValue<string>();
        toolId.ShouldMatch("^[A-Za-z0-9_-]+$");
        var json = string.Concat(events.Where(e => e.Name == "content_block_delta" && (int)e.Data["index"]! == 1).Select(e => e.Data["delta"]!["partial_json"]!.GetValue<string>()));
        JsonNode.Parse(json)!["command"]!.GetValue<string>().ShouldBe("ls -la");
        events[9].Data["delta"]!["stop_reason"]!.GetValue<string>().ShouldBe("tool_use");
        events[9].Data["usage"]!["output_tokens"]!.GetValue<int>().ShouldBe(12);

        upstream.Handler = FakeUpstream.Json(Completion);
        var followUp = $$$"""{"model":"claude-gpt-5.4","max_tokens":100,"messages":[{"role":"user","content":"list files"},{"role":"assistant","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"{{{toolId}}}","name":"Bash","input":{"command":"ls -la"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{toolId}}}","content":"a.txt\nb.txt"}]}]}""";
        using var second = await gateway.Client.SendAsync(TestGateway.MessagesRequest(followUp));
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        var messages = JsonNode.Parse(upstream.LastRequest.Body)!["messages"]!.AsArray();
        var assistant = messages.Single(m => m!["role"]!.GetValue<string>() == "assistant")!;
        assistant["tool_calls"]![0]!["id"]!.GetValue<string>().ShouldBe(toolId);
        var tool = messages.Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        tool["tool_call_id"]!.GetValue<string>().ShouldBe(toolId);
        tool["content"]!.ToJsonString().ShouldContain("a.txt");
        messages.IndexOf(tool).ShouldBe(messages.IndexOf(assistant) + 1);
    }

    [Fact]
    public async Task StreamedQwenReasoningBecomesAThinkingBlockBeforeTheText()
    {
        var (upstream, gateway) = await StartAsync(FakeUpstream.Sse(
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Let me think\"}}]}\n\n",
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning_content\":\" step by step.\"}}]}\n\n",
            "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\"},\"finish_reason\":\"stop\"}]}\n\n",
            "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9,\"total_tokens\":14}}\n\n",
            "data: [DONE]\n\n"));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-qwen-max","max_tokens":2000,"stream":true,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"answer?"}]}"""));
        var events = SseEvents(await response.Content.ReadAsStringAsync());

        var starts = events.Where(e => e.Name == "content_block_start").Select(e => e.Data["content_block"]!["type"]!.GetValue<string>()).ToList();
        starts.ShouldBe(["thinking", "text"]);
        string.Concat(events.Where(e => e.Data["delta"]?["type"]?.GetValue<string>() == "thinking_delta").Select(e => e.Data["delta"]!["thinking"]!.GetValue<string>())).ShouldBe("Let me think step by step.");
        events.Count(e => e.Name == "content_block_delta" && e.Data["delta"]!["type"]!.GetValue<string>() == "signature_delta").ShouldBe(1);
        events.Last().Name.ShouldBe("message_stop");
        JsonNode.Parse(upstream.LastRequest.Body)!["enable_thinking"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData(400, """{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 150000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}""", 400, "invalid_request_error", "prompt is too long")]
    [InlineData(429, """{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}""", 429, "rate_limit_error", "Rate limit")]
    [InlineData(503, """{"error":{"message":"The engine is currently overloaded"}}""", 529, "overloaded_error", "overloaded")]
    [InlineData(401, """{"error":{"message":"Incorrect API key provided: sk-test-openai-secret-123456"}}""", 401, "authentication_error", "Incorrect API key")]
    public async Task UpstreamErrorsBecomeAnthropicErrorsWithTheRightStatus(int upstreamStatus, string body, int status, string type, string message)
    {
        var (upstream, gateway) = await StartAsync(FakeUpstream.Json(body, upstreamStatus), ("UPSTREAM_RETRIES", "0"));
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-gpt-5.4","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""));
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBe(status);
        var error = JsonNode.Parse(text)!["error"]!;
        error["type"]!.GetValue<string>().ShouldBe(type);
        error["message"]!.GetValue<string>().ShouldContain(message);
        text.ShouldNotContain(TestGateway.KeyOf("openai"));
    }

    [Fact]
    public async Task TranslatedEventsReachTheClientBeforeTheUpstreamSendsTheNextChunk()
    {
        var clientSawText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n");
            await context.Response.WriteAsync("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"}}]}\n\n");
            await context.Response.Body.FlushAsync();
            await clientSawText.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await context.Response.WriteAsync("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        });
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(
            TestGateway.MessagesRequest("""{"model":"claude-gpt-5.4","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""), HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new System.Text.StringBuilder();
        while (!seen.ToString().Contains("\"text\":\"lo\"", StringComparison.Ordinal))
        {
            var line = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            line.ShouldNotBeNull($"the stream ended before the second text delta: {seen}");
            seen.AppendLine(line);
        }
        seen.ToString().ShouldNotContain("message_stop");
        clientSawText.SetResult();
        (await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5))).ShouldContain("event: message_stop");
    }

    [Fact]
    public async Task AStreamThatBreaksMidwayEndsWithAnErrorEventAndNoMessageStop()
    {
        var (upstream, gateway) = await StartAsync(async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n");
            await context.Response.Body.FlushAsync();
            await Task.Delay(100);
            context.Abort();
        });
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-gpt-5.4","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}"""));
        var events = SseEvents(await response.Content.ReadAsStringAsync());

        events[0].Name.ShouldBe("message_start");
        events[^1].Name.ShouldBe("error");
        events.ShouldNotContain(e => e.Name == "message_stop");
        await Eventually.ServesAsync(gateway.Settings.Port);
    }

    [Fact]
    public async Task GeminiThoughtSignaturesSurviveTheRoundTripThroughClaudeCode()
    {
        var (upstream, gateway) = await StartAsync(FakeUpstream.Json("""{"id":"c","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_gem_1","type":"function","function":{"name":"Read","arguments":"{\"path\":\"a.txt\"}"},"extra_content":{"google":{"thought_signature":"SIG-abc"}}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}"""));
        await using var _ = upstream;
        await using var __ = gateway;
        var tools = """[{"name":"Read","input_schema":{"type":"object","$schema":"http://json-schema.org/draft-07/schema#","additionalProperties":false,"properties":{"path":{"type":"string"}}}}]""";

        using var first = await gateway.Client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"claude-gemini-3-flash-preview","max_tokens":10,"tools":{{tools}},"messages":[{"role":"user","content":"read"}]}"""));
        var reply = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        reply["stop_reason"]!.GetValue<string>().ShouldBe("tool_use");
        var toolUse = reply["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        var id = toolUse["id"]!.GetValue<string>();
        var parameters = JsonNode.Parse(upstream.LastRequest.Body)!["tools"]![0]!["function"]!["parameters"]!.ToJsonString();
        parameters.ShouldNotContain("$schema");
        parameters.ShouldNotContain("additionalProperties");

        // Claude Code sends the reply's blocks back as it got them; the signature rides in its thinking block.
        upstream.Handler = FakeUpstream.Json(Completion);
        using var second = await gateway.Client.SendAsync(TestGateway.MessagesRequest($$$"""{"model":"claude-gemini-3-flash-preview","max_tokens":10,"tools":{{{tools}}},"messages":[{"role":"user","content":"read"},{"role":"assistant","content":{{{reply["content"]!.ToJsonString()}}}},{"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"hello"}]}]}"""));
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        var call = JsonNode.Parse(upstream.LastRequest.Body)!["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "assistant")!["tool_calls"]![0]!;
        call["extra_content"]!["google"]!["thought_signature"]!.GetValue<string>().ShouldBe("SIG-abc");
    }

    public sealed record SseEvent(string Name, JsonNode Data);

    /// <summary>Parses SSE strictly: every event must have an event: line and JSON data.</summary>
    public static List<SseEvent> SseEvents(string text)
    {
        var events = new List<SseEvent>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            var name = lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))["event: ".Length..];
            var data = lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))["data: ".Length..];
            var json = JsonNode.Parse(data)!;
            json["type"]!.GetValue<string>().ShouldBe(name);
            events.Add(new SseEvent(name, json));
        }
        return events;
    }
}
