using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Tests.OpenAi;

public class ResponseTranslationTests
{
    private static (JsonObject Message, TokenUsage Usage) Reply(string chatCompletion, TranslationTarget? target = null, ChatCompletionsTranslator? translator = null, TranslatedRequest? request = null)
    {
        translator ??= new ChatCompletionsTranslator();
        target ??= Targets.OpenAi;
        request ??= translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"hi"}]""")), target);
        var bytes = translator.TranslateResponse(Encoding.UTF8.GetBytes(chatCompletion), request, target, out var usage);
        return (JsonNode.Parse(bytes)!.AsObject(), usage);
    }

    private static string Completion(string message, string finish = "stop", string usage = """{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}""") =>
        $$"""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"upstream-model","choices":[{"index":0,"message":{{message}},"finish_reason":"{{finish}}"}],"usage":{{usage}}}""";

    [Fact]
    public void TextReplyBecomesAnAnthropicMessageWithTheRequestedModelName()
    {
        var (message, usage) = Reply(Completion("""{"role":"assistant","content":"Hello there."}"""));
        message["id"].Str().ShouldMatch("^msg_[A-Za-z0-9]{24}$");
        message["type"].Str().ShouldBe("message");
        message["role"].Str().ShouldBe("assistant");
        message["model"].Str().ShouldBe("claude-sonnet-4-5");
        message["content"]!.AsArray().Count.ShouldBe(1);
        message["content"]![0]!["type"].Str().ShouldBe("text");
        message["content"]![0]!["text"].Str().ShouldBe("Hello there.");
        message["stop_reason"].Str().ShouldBe("end_turn");
        message["stop_sequence"].ShouldBeNull();
        message["usage"]!["input_tokens"]!.GetValue<long>().ShouldBe(10);
        message["usage"]!["output_tokens"]!.GetValue<long>().ShouldBe(5);
        usage.InputTokens.ShouldBe(10);
        usage.OutputTokens.ShouldBe(5);
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    [InlineData("thinking")]
    public void ReasoningBecomesAThinkingBlockFirstWithAGatewaySignature(string field)
    {
        var (message, _) = Reply(Completion($$"""{"role":"assistant","{{field}}":"Let me think.","content":"42"}"""), Targets.Qwen);
        var content = message["content"]!.AsArray();
        content.Count.ShouldBe(2);
        content[0]!["type"].Str().ShouldBe("thinking");
        content[0]!["thinking"].Str().ShouldBe("Let me think.");
        Core.Conversation.MintedSignatures.IsMinted(content[0]!["signature"].Str()).ShouldBeTrue();
        content[1]!["text"].Str().ShouldBe("42");
    }

    [Fact]
    public void WhitespaceOnlyTextIsNotReturnedAsABlock()
    {
        var (message, _) = Reply(Completion("""{"role":"assistant","content":"\n\n  ","tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}]}""", "tool_calls"));
        var content = message["content"]!.AsArray();
        content.Count.ShouldBe(1);
        content[0]!["type"].Str().ShouldBe("tool_use");
    }

    [Fact]
    public void ToolCallsBecomeToolUseBlocksWithParsedInput()
    {
        var (message, _) = Reply(Completion("""
            {"role":"assistant","content":"Checking.","tool_calls":[
              {"id":"call_Ab12","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"ls -la\"}"}},
              {"id":"call_Cd34","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"/tmp/x\",\"limit\":20}"}}]}
            """, "tool_calls"));
        var content = message["content"]!.AsArray();
        content.Select(b => b!["type"].Str()).ShouldBe(["text", "tool_use", "tool_use"]);
        content[1]!["id"].Str().ShouldBe("call_Ab12");
        content[1]!["name"].Str().ShouldBe("Bash");
        content[1]!["input"]!["command"].Str().ShouldBe("ls -la");
        content[2]!["input"]!["limit"]!.GetValue<int>().ShouldBe(20);
        message["stop_reason"].Str().ShouldBe("tool_use");
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("   ", "{}")]
    [InlineData("{\"a\":1", """{"raw_input":"{\"a\":1"}""")]
    [InlineData("[1,2]", """{"raw_input":"[1,2]"}""")]
    [InlineData("\"{\\\"a\\\":1}\"", """{"a":1}""")]
    public void UnusableToolArgumentsStillGiveAnObjectInput(string arguments, string expectedInput)
    {
        var escaped = System.Text.Json.JsonEncodedText.Encode(arguments).ToString();
        var (message, _) = Reply(Completion($$$"""{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{{{escaped}}}"}}]}""", "tool_calls"));
        JsonNode.DeepEquals(message["content"]![0]!["input"], JsonNode.Parse(expectedInput)).ShouldBeTrue(message.ToJsonString());
    }

    [Theory]
    [InlineData("call_valid-ID_123", true)]
    [InlineData("functions.Bash:0", false)]
    [InlineData("call_0123456789012345678901234567890123456789", false)]
    [InlineData("", false)]
    public void ToolIdsAreKeptOnlyWhenBothApisAcceptThem(string upstreamId, bool kept)
    {
        var (message, _) = Reply(Completion($$$"""{"role":"assistant","tool_calls":[{"id":"{{{upstreamId}}}","type":"function","function":{"name":"Bash","arguments":"{}"}}]}""", "tool_calls"));
        var id = message["content"]![0]!["id"].Str();
        if (kept) id.ShouldBe(upstreamId);
        else id.ShouldMatch("^toolu_[A-Za-z0-9]{24}$");
    }

    [Fact]
    public void DuplicateUpstreamToolIdsAreMadeUnique()
    {
        var (message, _) = Reply(Completion("""{"role":"assistant","tool_calls":[{"id":"call_0","type":"function","function":{"name":"A","arguments":"{}"}},{"id":"call_0","type":"function","function":{"name":"B","arguments":"{}"}}]}""", "tool_calls"));
        var ids = message["content"]!.AsArray().Select(b => b!["id"].Str()).ToList();
        ids[0].ShouldBe("call_0");
        ids[1].ShouldNotBe("call_0");
    }

    [Theory]
    [InlineData("stop", false, "end_turn")]
    [InlineData("length", false, "max_tokens")]
    [InlineData("tool_calls", true, "tool_use")]
    [InlineData("function_call", true, "tool_use")]
    [InlineData("stop", true, "tool_use")]
    [InlineData("content_filter", false, "refusal")]
    [InlineData("tool_calls", false, "end_turn")]
    public void FinishReasonMapsToStopReason(string finish, bool withToolCall, string stopReason)
    {
        var message = withToolCall
            ? """{"role":"assistant","content":"x","tool_calls":[{"id":"call_1","type":"function","function":{"name":"Bash","arguments":"{}"}}]}"""
            : """{"role":"assistant","content":"x"}""";
        Reply(Completion(message, finish)).Message["stop_reason"].Str().ShouldBe(stopReason);
    }

    [Fact]
    public void NullFinishReasonWithToolCallsIsToolUse()
    {
        var json = """{"choices":[{"index":0,"message":{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"Bash","arguments":"{}"}}]},"finish_reason":null}]}""";
        Reply(json).Message["stop_reason"].Str().ShouldBe("tool_use");
    }

    [Fact]
    public void RefusalBecomesTextWithRefusalStopReason()
    {
        var (message, _) = Reply(Completion("""{"role":"assistant","content":null,"refusal":"I can't help with that."}"""));
        message["content"]![0]!["text"].Str().ShouldBe("I can't help with that.");
        message["stop_reason"].Str().ShouldBe("refusal");
    }

    [Fact]
    public void CachedPromptTokensBecomeCacheReadAndAreNotCountedAsInput()
    {
        var (message, usage) = Reply(Completion("""{"role":"assistant","content":"ok"}""", "stop",
            """{"prompt_tokens":2006,"completion_tokens":300,"total_tokens":2306,"prompt_tokens_details":{"cached_tokens":1920,"cache_write_tokens":50}}"""));
        usage.CacheReadInputTokens.ShouldBe(1920);
        usage.CacheCreationInputTokens.ShouldBe(50);
        usage.InputTokens.ShouldBe(36);
        usage.OutputTokens.ShouldBe(300);
        message["usage"]!["cache_read_input_tokens"]!.GetValue<long>().ShouldBe(1920);
        message["usage"]!["cache_creation_input_tokens"]!.GetValue<long>().ShouldBe(50);
        message["usage"]!["input_tokens"]!.GetValue<long>().ShouldBe(36);
    }

    [Fact]
    public void ThinkingTokensOutsideCompletionTokensStillCountAsOutput()
    {
        var (_, usage) = Reply(Completion("""{"role":"assistant","content":"ok"}""", "stop", """{"prompt_tokens":100,"completion_tokens":10,"total_tokens":350}"""), Targets.Gemini);
        usage.OutputTokens.ShouldBe(250);
        usage.InputTokens.ShouldBe(100);
    }

    [Fact]
    public void DeepSeekCacheHitTokensBecomeCacheRead()
    {
        var (_, usage) = Reply(Completion("""{"role":"assistant","content":"ok"}""", "stop", """{"prompt_tokens":1000,"completion_tokens":10,"total_tokens":1010,"prompt_cache_hit_tokens":768,"prompt_cache_miss_tokens":232}"""), Targets.DeepSeek);
        usage.CacheReadInputTokens.ShouldBe(768);
        usage.InputTokens.ShouldBe(232);
    }

    [Fact]
    public void ErrorObjectInASuccessfulResponseBecomesAnUpstreamError()
    {
        var translator = new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"hi"}]""")), Targets.OpenAi);
        var e = Should.Throw<ProxyFailureException>(() =>
            translator.TranslateResponse("""{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"""u8, request, Targets.OpenAi, out _));
        e.Failure.Status.ShouldBe(429);
        e.Failure.ErrorType.ShouldBe("rate_limit_error");
        var notJson = Should.Throw<ProxyFailureException>(() => translator.TranslateResponse("<html>bad gateway</html>"u8, request, Targets.OpenAi, out _));
        notJson.Failure.Status.ShouldBe(529);
        notJson.Failure.Message.ShouldContain("bad gateway");
    }

    [Fact]
    public void ReplyWithoutChoicesIsAnEmptyEndTurnMessage()
    {
        var (message, _) = Reply("""{"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":0,"total_tokens":3}}""");
        message["content"]!.AsArray().Count.ShouldBe(0);
        message["stop_reason"].Str().ShouldBe("end_turn");
    }

    [Fact]
    public void LegacyFunctionCallMessageBecomesAToolUse()
    {
        var (message, _) = Reply(Completion("""{"role":"assistant","content":null,"function_call":{"name":"Bash","arguments":"{\"command\":\"ls\"}"}}""", "function_call"));
        var block = message["content"]![0]!;
        block["type"].Str().ShouldBe("tool_use");
        block["id"].Str().ShouldMatch("^toolu_[A-Za-z0-9]{24}$");
        block["input"]!["command"].Str().ShouldBe("ls");
        message["stop_reason"].Str().ShouldBe("tool_use");
    }
}
