using System.Net;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Status;
using ClaudeModelProxy.Tests.OpenAi;
using ClaudeModelProxy.Tests.Support;
using ClaudeModelProxy.Tests.Translation;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>OpenAI through the Responses API end to end: the real gateway in front of the strict fake OpenAI.</summary>
public class ResponsesRouteTests
{
    private const string Tools = """[{"name":"Bash","description":"Run a shell command","input_schema":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}}]""";

    /// <summary>The gateway in front of a fake upstream (the strict fake OpenAI unless a test scripts its own answer).</summary>
    private sealed class Route(FakeOpenAi fake, FakeUpstream upstream, TestGateway gateway) : IAsyncDisposable
    {
        public FakeOpenAi Fake { get; } = fake;
        public FakeUpstream Upstream { get; } = upstream;
        public HttpClient Client => gateway.Client;
        public ProxySettings Settings => gateway.Settings;

        public static Task<Route> StartAsync(params (string Key, string Value)[] settings) => StartAsync(new FakeOpenAi(), null, settings);

        public static Task<Route> StartAsync(FakeOpenAi fake, params (string Key, string Value)[] settings) => StartAsync(fake, null, settings);

        public static async Task<Route> StartAsync(FakeOpenAi fake, Func<HttpContext, RecordedRequest, Task>? handler, params (string Key, string Value)[] settings)
        {
            var upstream = await FakeUpstream.StartAsync();
            upstream.Handler = handler ?? fake.Handler;
            var env = TestGateway.AllProvidersAt(upstream);
            foreach (var (key, value) in settings) env[key] = value;
            return new Route(fake, upstream, await TestGateway.StartAsync(env));
        }

        public Task<HttpResponseMessage> SendAsync(string body, string path = "/v1/messages?beta=true") => Client.SendAsync(TestGateway.MessagesRequest(body, path));

        public async ValueTask DisposeAsync()
        {
            await gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }

    private static string Ask(string model, bool stream = false, int maxTokens = 32000, string extra = "") =>
        $$"""{"model":"{{model}}","max_tokens":{{maxTokens}},"stream":{{(stream ? "true" : "false")}},"thinking":{"type":"adaptive","display":"omitted"},"output_config":{"effort":"high"},"tools":{{Tools}},"system":"You are a coding agent.","messages":[{"role":"user","content":"list files"}]{{extra}}}""";

    [Fact]
    public async Task ClaudeGpt54WithToolsAndThinkingGoesToResponsesAndReasonsWhileItUsesTools()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeReasoning("Listing is quickest."), new FakeCall("call_ls", "Bash", "{\"command\":\"ls\"}")] };
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync(Ask("claude-gpt-5.4"));
        var text = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        var reply = JsonNode.Parse(text)!;
        reply["model"].Str().ShouldBe("claude-gpt-5.4");
        reply["content"]![0]!["type"].Str().ShouldBe("thinking");
        reply["content"]![0]!["thinking"].Str().ShouldBe("Listing is quickest.");
        reply["content"]![1]!["input"]!["command"].Str().ShouldBe("ls");
        reply["stop_reason"].Str().ShouldBe("tool_use");
        var seen = route.Upstream.LastRequest;
        seen.Path.ShouldBe("/openai/responses");
        seen.Header("authorization").ShouldBe("Bearer " + TestGateway.KeyOf("openai"));
        var sent = JsonNode.Parse(seen.Body)!;
        sent["model"].Str().ShouldBe("gpt-5.4");
        sent["reasoning"]!["effort"].Str().ShouldBe("high");
        sent["instructions"].Str().ShouldBe("You are a coding agent.");

        // The follow-up carries the reasoning back; the strict fake verifies the encrypted content is its own.
        var assistant = reply["content"]!.ToJsonString();
        var followUp = $$$"""{"model":"claude-gpt-5.4","max_tokens":32000,"thinking":{"type":"adaptive"},"tools":{{{Tools}}},"messages":[{"role":"user","content":"list files"},{"role":"assistant","content":{{{assistant}}}},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_ls","content":"a.txt"}]}]}""";
        fake.Reply = _ => [new FakeText("One file: a.txt")];
        using var second = await route.SendAsync(followUp);
        second.StatusCode.ShouldBe(HttpStatusCode.OK, await second.Content.ReadAsStringAsync());
        var input = JsonNode.Parse(route.Upstream.LastRequest.Body)!["input"]!.AsArray();
        input.Select(i => i!["type"]?.GetValue<string>() ?? i!["role"].Str()).ShouldBe(["user", "reasoning", "function_call", "function_call_output"]);
        input[1]!["encrypted_content"].Str().ShouldBe(fake.MintedContents.First());
    }

    [Fact]
    public async Task AStreamedReplyWithParallelCallsReachesTheClientAsSeparateToolUseBlocks()
    {
        var fake = new FakeOpenAi
        {
            Reply = _ => [new FakeReasoning("Two commands."), new FakeCall("call_1", "Bash", "{\"command\":", "\"ls\"}"), new FakeCall("call_2", "Bash", "{\"command\":\"pwd\"}")],
        };
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync(Ask("claude-gpt-5.4", stream: true));
        var events = TranslatedRouteTests.SseEvents(await response.Content.ReadAsStringAsync());

        events.Select(e => e.Name).ShouldBe(["message_start", "ping",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
            "content_block_start", "content_block_delta", "content_block_stop",
            "message_delta", "message_stop"]);
        var starts = events.Where(e => e.Name == "content_block_start").ToList();
        starts.Select(e => e.Data["index"]!.GetValue<int>()).ShouldBe([0, 1, 2]);
        starts.Select(e => e.Data["content_block"]!["type"].Str()).ShouldBe(["thinking", "tool_use", "tool_use"]);
        starts.Skip(1).Select(e => e.Data["content_block"]!["id"].Str()).ShouldBe(["call_1", "call_2"]);
        var signature = events.Single(e => e.Data["delta"]?["type"]?.GetValue<string>() == "signature_delta").Data["delta"]!["signature"].Str();
        ReasoningSignature.TryDecode(signature, "openai", out var state).ShouldBeTrue();
        state.EncryptedContent.ShouldBe(fake.MintedContents.Single());
        events[^2].Data["delta"]!["stop_reason"].Str().ShouldBe("tool_use");
        events[^2].Data["usage"]!["input_tokens"]!.GetValue<int>().ShouldBe(20);
        events[^2].Data["usage"]!["cache_read_input_tokens"]!.GetValue<int>().ShouldBe(100);
        JsonNode.Parse(route.Upstream.LastRequest.Body)!["stream"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task ClaudeCodesMaxTokensOneProbeIsRaisedToSixteenAndAnswered()
    {
        var fake = new FakeOpenAi();
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync("""{"model":"claude-gpt-5.4","max_tokens":1,"messages":[{"role":"user","content":"quota"}]}""");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        JsonNode.Parse(route.Upstream.LastRequest.Body)!["max_output_tokens"]!.GetValue<int>().ShouldBe(16);
    }

    [Fact]
    public async Task OpenAiWireApiChatKeepsChatCompletionsWhereToolsForceReasoningOff()
    {
        var fake = new FakeOpenAi();
        await using var route = await Route.StartAsync(fake, ("OPENAI_WIRE_API", "chat"));

        using var response = await route.SendAsync(Ask("claude-gpt-5.4"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        route.Upstream.LastRequest.Path.ShouldBe("/openai/chat/completions");
        JsonNode.Parse(route.Upstream.LastRequest.Body)!["reasoning_effort"].Str().ShouldBe("none");
    }

    [Fact]
    public async Task TheStrictFakeRefusesToolsWithReasoningOnChatCompletionsAsOpenAiDoes()
    {
        var (status, _, body) = await ResponsesHarness.Upstream(new FakeOpenAi(),
            """{"model":"gpt-5.4","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"Bash","parameters":{"type":"object"}}}],"reasoning_effort":"high"}"""u8.ToArray(), "/openai/chat/completions");
        status.ShouldBe(400);
        System.Text.Encoding.UTF8.GetString(body).ShouldContain("Function tools with reasoning_effort are not supported for gpt-5.4 in /v1/chat/completions. Please use /v1/responses instead.");
    }

    [Theory]
    [InlineData("""{"model":"gpt-5.4","input":[],"stop":["x"]}""", "Unsupported parameter: 'stop'.")]
    [InlineData("""{"model":"gpt-5.4","input":[],"max_tokens":100}""", "Unsupported parameter: 'max_tokens'.")]
    [InlineData("""{"model":"gpt-5.4","messages":[]}""", "Unsupported parameter: 'messages'.")]
    [InlineData("""{"model":"gpt-5.4","input":[],"max_output_tokens":1}""", "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16")]
    [InlineData("""{"model":"gpt-5.4","input":[],"temperature":0.5}""", "Unsupported parameter: 'temperature' is not supported with this model.")]
    public async Task TheStrictFakeRefusesWhatTheResponsesApiRefuses(string body, string message)
    {
        var (status, _, reply) = await ResponsesHarness.Upstream(new FakeOpenAi(), System.Text.Encoding.UTF8.GetBytes(body));
        status.ShouldBe(400);
        System.Text.Encoding.UTF8.GetString(reply).ShouldContain(message);
    }

    [Fact]
    public async Task ACodexModelRoutedThroughModelMapAlwaysUsesResponsesEvenWithTheChatSetting()
    {
        await using var route = await Route.StartAsync(
            ("OPENAI_WIRE_API", "chat"), ("MODEL_MAP", "claude-codex=gpt-5.1-codex-max"), ("MODEL_ROUTES", "gpt-5.1-codex-max=openai"));

        using var response = await route.SendAsync(Ask("claude-codex"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        route.Upstream.LastRequest.Path.ShouldBe("/openai/responses");
        JsonNode.Parse(route.Upstream.LastRequest.Body)!["model"].Str().ShouldBe("gpt-5.1-codex-max");
        ModelTable.Rows(route.Settings).Single(r => r.Alias == "claude-codex").Wire.ShouldBe("openai-responses");
    }

    [Theory]
    [InlineData("claude-gemini-3-flash-preview", "/gemini/chat/completions")]
    [InlineData("claude-qwen-max", "/qwen/chat/completions")]
    public async Task GeminiAndQwenStayOnChatCompletions(string alias, string path)
    {
        var fake = new FakeOpenAi();
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync($$"""{"model":"{{alias}}","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        route.Upstream.LastRequest.Path.ShouldBe(path);
    }

    [Fact]
    public async Task AContextOverflowIsRewordedTheWayClaudeCodeRecognisesIt()
    {
        var body = """{"error":{"message":"Your input exceeds the context window of this model. Please adjust your input and try again.","type":"invalid_request_error","param":"input","code":"context_length_exceeded"}}""";
        await using var route = await Route.StartAsync(new FakeOpenAi(), FakeUpstream.Json(body, 400));

        using var response = await route.SendAsync(Ask("claude-gpt-5.4"));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;
        error["type"].Str().ShouldBe("invalid_request_error");
        error["message"].Str().ShouldStartWith("prompt is too long");
    }

    [Fact]
    public async Task AContextOverflowThatFailsTheStreamIsRewordedInTheSseError()
    {
        var fake = new FakeOpenAi { Failure = ("context_length_exceeded", "Your input exceeds the context window of this model."), Reply = _ => [] };
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync(Ask("claude-gpt-5.4", stream: true));
        var events = TranslatedRouteTests.SseEvents(await response.Content.ReadAsStringAsync());
        events[^1].Name.ShouldBe("error");
        events[^1].Data["error"]!["type"].Str().ShouldBe("invalid_request_error");
        events[^1].Data["error"]!["message"].Str().ShouldStartWith("prompt is too long");
    }

    [Fact]
    public async Task ARateLimitIsRelayedAs429WithRetryAfter()
    {
        await using var route = await Route.StartAsync(new FakeOpenAi(), async (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers["retry-after"] = "60";
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"error":{"message":"Rate limit reached for gpt-5.4 on tokens per min (TPM).","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""");
        }, ("UPSTREAM_RETRIES", "0"));

        using var response = await route.SendAsync(Ask("claude-gpt-5.4"));
        ((int)response.StatusCode).ShouldBe(429);
        response.Headers.TryGetValues("retry-after", out var retryAfter).ShouldBeTrue();
        retryAfter!.Single().ShouldBe("60");
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"].Str().ShouldBe("rate_limit_error");
    }

    [Theory]
    [InlineData(500, 500, "api_error")]
    [InlineData(503, 529, "overloaded_error")]
    public async Task ServerErrorsBecomeAnthropicServerErrors(int upstreamStatus, int status, string type)
    {
        await using var route = await Route.StartAsync(new FakeOpenAi(), FakeUpstream.Json("""{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}""", upstreamStatus), ("UPSTREAM_RETRIES", "0"));

        using var response = await route.SendAsync(Ask("claude-gpt-5.4"));
        ((int)response.StatusCode).ShouldBe(status);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"].Str().ShouldBe(type);
    }

    [Fact]
    public async Task AStreamThatBreaksMidwayEndsWithAnErrorEventAndNoMessageStop()
    {
        // created, in_progress, output_item.added, content_part.added and one text delta; then the connection drops.
        var fake = new FakeOpenAi { BreakAfterEvents = 5, Reply = _ => [new FakeText("Hel", "lo")] };
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync(Ask("claude-gpt-5.4", stream: true));
        var events = TranslatedRouteTests.SseEvents(await response.Content.ReadAsStringAsync());
        events[0].Name.ShouldBe("message_start");
        events.ShouldContain(e => e.Name == "content_block_delta");
        events[^1].Name.ShouldBe("error");
        events.ShouldNotContain(e => e.Name == "message_stop");
    }

    [Fact]
    public async Task CountTokensForTheResponsesRouteStaysLocal()
    {
        var fake = new FakeOpenAi();
        await using var route = await Route.StartAsync(fake);

        using var response = await route.SendAsync("""{"model":"claude-gpt-5.4","messages":[{"role":"user","content":"count these words please"}]}""", "/v1/messages/count_tokens");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["input_tokens"]!.GetValue<int>().ShouldBeGreaterThan(0);
        route.Upstream.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task HealthzShowsWhichWireEachProviderSpeaks()
    {
        await using var route = await Route.StartAsync();

        var providers = JsonNode.Parse(await route.Client.GetStringAsync("/healthz"))!["providers"]!.AsArray();
        string FormatOf(string id) => providers.Single(p => p!["id"].Str() == id)!["format"].Str();
        FormatOf("openai").ShouldBe("openai-responses");
        FormatOf("gemini").ShouldBe("openai-chat");
        FormatOf("deepseek").ShouldBe("anthropic");
    }

    [Fact]
    public void TheWireSettingDefaultsToResponsesAcceptsChatAndReportsAnythingElse()
    {
        SettingsLoader.Load(new Dictionary<string, string?>()).OpenAiWireApi.ShouldBe(OpenAiWireApi.Responses);
        SettingsLoader.Load(new Dictionary<string, string?> { ["OPENAI_WIRE_API"] = "chat" }).OpenAiWireApi.ShouldBe(OpenAiWireApi.Chat);
        SettingsLoader.Load(new Dictionary<string, string?> { ["OPENAI_WIRE_API"] = "Responses" }).OpenAiWireApi.ShouldBe(OpenAiWireApi.Responses);
        var bad = SettingsLoader.Load(new Dictionary<string, string?> { ["OPENAI_WIRE_API"] = "completions" });
        bad.OpenAiWireApi.ShouldBe(OpenAiWireApi.Responses);
        bad.Problems.ShouldContain(p => p.Setting == "OPENAI_WIRE_API" && p.Message.Contains("\"completions\" is not responses or chat"));
        var viaAdvanced = SettingsLoader.Load(new Dictionary<string, string?> { ["ADVANCED_ENV"] = """{"OPENAI_WIRE_API":"chat"}""" });
        viaAdvanced.OpenAiWireApi.ShouldBe(OpenAiWireApi.Chat);
        viaAdvanced.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void TheStatusTablesShowTheWireOfEveryProviderAndAlias()
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?>());
        var report = StatusReport.ForThisProcess(settings, new ProxyCounters(), DateTimeOffset.UtcNow, true, null);
        ClaudeModelProxy.Cli.StatusCommand.Format(report).ShouldContain("openai          openai-responses");
        var models = ModelTable.Format(ModelTable.Rows(settings));
        models.ShouldContain("WIRE");
        models.Split('\n').Single(l => l.StartsWith("claude-gpt-5.4 ", StringComparison.Ordinal)).ShouldContain("openai-responses");
        models.Split('\n').Single(l => l.StartsWith("claude-qwen-max ", StringComparison.Ordinal)).ShouldContain("openai-chat");
    }

    [Theory]
    [InlineData("responses", "OpenAI is reached through the Responses API.")]
    [InlineData("chat", "OpenAI is reached through Chat Completions (OPENAI_WIRE_API=chat).")]
    public void TheMcpToolsSummarySaysWhichApiOpenAiIsReachedThrough(string wire, string sentence)
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-test", ["OPENAI_WIRE_API"] = wire });
        var report = StatusReport.ForThisProcess(settings, new ProxyCounters(), DateTimeOffset.UtcNow, true, null);
        StatusSummary.Describe(report).ShouldContain(sentence);
        StatusSummary.Describe(report).ShouldNotContain("sk-test");
    }
}
