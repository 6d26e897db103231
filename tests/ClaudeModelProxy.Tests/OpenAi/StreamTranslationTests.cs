using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Tests.OpenAi;

public class StreamTranslationTests
{
    private static TranslatedRequest StreamRequest(TranslationTarget target, ChatCompletionsTranslator? translator = null, string messages = """[{"role":"user","content":"hi"}]""", string extra = "\"stream\":true")
    {
        var request = (translator ?? new ChatCompletionsTranslator()).TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body(messages, extra)), target);
        request.Error.ShouldBeNull();
        return request;
    }

    /// <summary>The assistant content a client stores from this stream (the blocks it assembled), as JSON.</summary>
    private static string AssistantContent(AnthropicStream stream) => new JsonArray(stream.Blocks().Select(b => (JsonNode)b).ToArray()).ToJsonString();

    private static string Chunk(string delta, string? finish = null) =>
        $$"""{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""";

    private const string Usage = """{"id":"c","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120}}""";

    // ---- recorded streams ----

    [Fact]
    public void OpenAiTextStreamBecomesTheExactAnthropicEventSequence()
    {
        var stream = AnthropicStream.RunFixture("openai_text.sse", StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
        stream.Sequence.ShouldBe("message_start ping start:0:text delta:0:text_delta delta:0:text_delta delta:0:text_delta stop:0 message_delta message_stop");
        stream.Blocks().Single()["text"].Str().ShouldBe("Hello, wörld!");
        stream.Single("message_start").Data["message"]!["model"].Str().ShouldBe("claude-sonnet-4-5");
        stream.StopReason.ShouldBe("end_turn");
        stream.FinalUsage["input_tokens"]!.GetValue<long>().ShouldBe(180);
        stream.FinalUsage["cache_read_input_tokens"]!.GetValue<long>().ShouldBe(1920);
        stream.FinalUsage["cache_creation_input_tokens"]!.GetValue<long>().ShouldBe(0);
        stream.FinalUsage["output_tokens"]!.GetValue<long>().ShouldBe(5);
        stream.Translator.Usage.InputTokens.ShouldBe(180);
        stream.Translator.Usage.CacheReadInputTokens.ShouldBe(1920);
        stream.Translator.Started.ShouldBeTrue();
        stream.Translator.Failure.ShouldBeNull();
    }

    [Fact]
    public void ParallelToolCallsBecomeConsecutiveToolUseBlocksAfterTheText()
    {
        var stream = AnthropicStream.RunFixture("openai_parallel_tool_calls.sse", StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
        var blocks = stream.Blocks();
        blocks.Select(b => b["type"].Str()).ShouldBe(["text", "tool_use", "tool_use"]);
        blocks[0]["text"].Str().ShouldBe("Let me look.");
        blocks[1]["id"].Str().ShouldBe("call_Ab12Cd34Ef56Gh78Ij90Kl12");
        blocks[1]["name"].Str().ShouldBe("Bash");
        blocks[1]["input"]!["command"].Str().ShouldBe("ls -la");
        blocks[2]["name"].Str().ShouldBe("Read");
        blocks[2]["input"]!["file_path"].Str().ShouldBe("/etc/hosts");
        stream.StopReason.ShouldBe("tool_use");
        stream.Events.Count(e => e.ToString() == "delta:1:input_json_delta").ShouldBe(2, "the first call streams live, fragment by fragment");
        stream.FinalUsage["input_tokens"]!.GetValue<long>().ShouldBe(5000);
        stream.FinalUsage["output_tokens"]!.GetValue<long>().ShouldBe(61);
    }

    [Fact]
    public void InterleavedToolCallFragmentsDoNotCorruptIndices()
    {
        var stream = AnthropicStream.RunFixture("openai_interleaved_tool_calls.sse", StreamRequest(Targets.Generic), Targets.Generic).ShouldBeWellFormed();
        var blocks = stream.Blocks();
        blocks.Select(b => b["name"].Str()).ShouldBe(["Glob", "Grep", "Read"]);
        blocks[0]["input"]!["pattern"].Str().ShouldBe("**/*.cs");
        blocks[1]["input"]!["pattern"].Str().ShouldBe("TODO");
        blocks[2]["input"]!["file_path"].Str().ShouldBe("a.txt");
        stream.Sequence.ShouldNotContain("LATE");
        stream.StopReason.ShouldBe("tool_use");
    }

    [Fact]
    public void GeminiParallelCallsAtIndexZeroBecomeSeparateToolUseBlocks()
    {
        var stream = AnthropicStream.RunFixture("gemini_parallel_index0.sse", StreamRequest(Targets.Gemini), Targets.Gemini).ShouldBeWellFormed();
        var blocks = stream.Blocks().Where(b => b["type"].Str() == "tool_use").ToList();
        blocks.Count.ShouldBe(3);
        blocks.Select(b => b["id"].Str()).ShouldBe(["function-call-15836592347712", "function-call-15836592347713", "function-call-15836592347714"]);
        blocks[0]["input"]!["command"].Str().ShouldBe("git status");
        blocks[1]["input"]!["command"].Str().ShouldBe("git log --oneline -5");
        blocks[2]["name"].Str().ShouldBe("Read");
        stream.Sequence.ShouldBe("message_start ping start:0:tool_use delta:0:input_json_delta stop:0 start:1:tool_use delta:1:input_json_delta stop:1 start:2:tool_use delta:2:input_json_delta stop:2 start:3:thinking delta:3:signature_delta stop:3 message_delta message_stop",
            "the thought signatures ride in one thinking block after the calls");
    }

    [Fact]
    public void GeminiStopAfterToolCallsBecomesToolUse()
    {
        var stream = AnthropicStream.RunFixture("gemini_parallel_index0.sse", StreamRequest(Targets.Gemini), Targets.Gemini).ShouldBeWellFormed();
        stream.StopReason.ShouldBe("tool_use");
        stream.FinalUsage["output_tokens"]!.GetValue<long>().ShouldBe(282, "total − prompt covers Gemini's thinking tokens");
        stream.FinalUsage["cache_read_input_tokens"]!.GetValue<long>().ShouldBe(8100);
        stream.FinalUsage["input_tokens"]!.GetValue<long>().ShouldBe(1020);
    }

    [Fact]
    public void GeminiThoughtSignaturesFromAStreamGoBackOnTheSameToolCalls()
    {
        var stream = AnthropicStream.RunFixture("gemini_parallel_index0.sse", StreamRequest(Targets.Gemini), Targets.Gemini);
        var ids = stream.Blocks().Where(b => b["type"].Str() == "tool_use").Select(b => b["id"].Str()).ToList();

        // The client sends back the blocks it assembled; a new translator (another process) serves the next turn.
        var (_, body) = Translate.Request(Translate.Body($$$"""
            [{"role":"user","content":"status?"},
             {"role":"assistant","content":{{{AssistantContent(stream)}}}},
             {"role":"user","content":[
               {"type":"tool_result","tool_use_id":"{{{ids[0]}}}","content":"clean"},
               {"type":"tool_result","tool_use_id":"{{{ids[1]}}}","content":"abc"},
               {"type":"tool_result","tool_use_id":"{{{ids[2]}}}","content":"# readme"}]}]
            """), Targets.Gemini, new ChatCompletionsTranslator());
        var calls = body.Messages()[1]!["tool_calls"]!.AsArray();
        calls[0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("CiQB0e2Kb7sigFirstCallOfStep==");
        calls[1]!.AsObject().ContainsKey("extra_content").ShouldBeFalse("only the first parallel call is signed");
        calls[2]!.AsObject().ContainsKey("extra_content").ShouldBeFalse();
    }

    [Fact]
    public void GeminiSignatureInASeparateChunkIsStillReattached()
    {
        var stream = AnthropicStream.RunFixture("gemini_signature_separate_chunk.sse", StreamRequest(Targets.Gemini), Targets.Gemini).ShouldBeWellFormed();
        var blocks = stream.Blocks();
        blocks.Select(b => b["type"].Str()).ShouldBe(["text", "tool_use", "thinking"]);
        blocks[1]["input"]!["pattern"].Str().ShouldBe("TODO");
        stream.StopReason.ShouldBe("tool_use");
        var id = blocks[1]["id"].Str();

        var (_, body) = Translate.Request(Translate.Body($$$"""
            [{"role":"user","content":"find todos"},
             {"role":"assistant","content":{{{AssistantContent(stream)}}}},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"none"}]}]
            """), Targets.Gemini, new ChatCompletionsTranslator());
        body.Messages()[1]!["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("EpoBCpcBAdHtim9SeparateChunkSig==");
    }

    [Fact]
    public void GeminiToolCallsWithoutIndexAreSeparateCalls()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"role":"assistant","tool_calls":[{"id":"","type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"a\"}"}}]}"""),
            Chunk("""{"tool_calls":[{"type":"function","function":{"name":"Read","arguments":"{\"file_path\":\"b\"}"}}]}"""),
            Chunk("{}", "stop"),
            "[DONE]",
        ], StreamRequest(Targets.Gemini), Targets.Gemini).ShouldBeWellFormed();
        var blocks = stream.Blocks();
        blocks.Select(b => b["input"]!["file_path"].Str()).ShouldBe(["a", "b"]);
        blocks.Select(b => b["id"].Str()).Distinct().Count().ShouldBe(2);
        blocks.ShouldAllBe(b => b["id"]!.GetValue<string>().StartsWith("toolu_"));
        stream.StopReason.ShouldBe("tool_use");
    }

    [Fact]
    public void QwenReasoningStreamsAsThinkingThenText()
    {
        var stream = AnthropicStream.RunFixture("qwen_reasoning.sse", StreamRequest(Targets.Qwen), Targets.Qwen).ShouldBeWellFormed();
        stream.Sequence.ShouldBe("message_start ping start:0:thinking delta:0:thinking_delta delta:0:thinking_delta delta:0:signature_delta stop:0 start:1:text delta:1:text_delta stop:1 message_delta message_stop");
        var blocks = stream.Blocks();
        blocks[0]["thinking"].Str().ShouldBe("\nThe user asks for 2+2. That is 4.");
        Core.Conversation.MintedSignatures.IsMinted(blocks[0]["signature"].Str()).ShouldBeTrue();
        blocks[1]["text"].Str().ShouldBe("\n\n2 + 2 = 4.");
        stream.StopReason.ShouldBe("end_turn");
        stream.FinalUsage["output_tokens"]!.GetValue<long>().ShouldBe(40);
        stream.FinalUsage["input_tokens"]!.GetValue<long>().ShouldBe(18);
    }

    [Fact]
    public void DeepSeekReasoningThenToolCallStreamsThinkingThenToolUse()
    {
        var stream = AnthropicStream.RunFixture("deepseek_reasoning.sse", StreamRequest(Targets.DeepSeek), Targets.DeepSeek).ShouldBeWellFormed();
        var blocks = stream.Blocks();
        blocks.Select(b => b["type"].Str()).ShouldBe(["thinking", "tool_use"]);
        blocks[0]["thinking"].Str().ShouldBe("I should list the files first, then read the config.");
        blocks[1]["id"].Str().ShouldBe("call_00_x8Yq2Lm4Np6Rs8Tu0Vw2");
        blocks[1]["input"]!["command"].Str().ShouldBe("ls");
        stream.StopReason.ShouldBe("tool_use");
        stream.FinalUsage["cache_read_input_tokens"]!.GetValue<long>().ShouldBe(1280);
        stream.FinalUsage["input_tokens"]!.GetValue<long>().ShouldBe(220);
    }

    [Fact]
    public void StreamEndingBeforeFinishReasonEmitsErrorEventAndNoMessageStop()
    {
        var stream = AnthropicStream.RunFixture("openai_eof_before_finish.sse", StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed(expectError: true);
        stream.Events[^1].Name.ShouldBe("error");
        stream.Events[^1].Data["error"]!["type"].Str().ShouldBe("api_error");
        stream.Events.ShouldNotContain(e => e.Name == "message_stop" || e.Name == "message_delta");
        stream.Translator.Failure.ShouldNotBeNull();
        stream.Translator.Failure!.Message.ShouldContain("before the reply was complete");
    }

    [Fact]
    public void BrokenUpstreamConnectionEmitsErrorEvent()
    {
        var stream = AnthropicStream.Run([Chunk("""{"role":"assistant","content":"Hal"}""")], StreamRequest(Targets.OpenAi), Targets.OpenAi, connectionBroken: true)
            .ShouldBeWellFormed(expectError: true);
        stream.Events[^1].Data["error"]!["message"].Str().ShouldContain("connection");
        stream.Translator.Failure.ShouldNotBeNull();
    }

    [Fact]
    public void UpstreamErrorChunkMidStreamBecomesAnErrorEvent()
    {
        var stream = AnthropicStream.RunFixture("openai_error_midstream.sse", StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed(expectError: true);
        stream.Sequence.ShouldBe("message_start ping start:0:text delta:0:text_delta error");
        var error = stream.Events[^1].Data["error"]!;
        error["type"].Str().ShouldBe("api_error");
        error["message"].Str().ShouldContain("The server had an error");
        stream.Translator.Failure.ShouldNotBeNull();
        stream.Translator.Failure!.ErrorType.ShouldBe("api_error");
    }

    [Theory]
    [InlineData("""{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}""", "rate_limit_error")]
    [InlineData("""[{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}]""", "overloaded_error")]
    [InlineData("""{"error":{"message":"Rate limit reached for gpt-4.1","type":"requests","code":"rate_limit_exceeded"}}""", "rate_limit_error")]
    [InlineData("""{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 140000 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}""", "invalid_request_error")]
    public void ErrorChunksMapToAnthropicErrorTypes(string chunk, string type)
    {
        var stream = AnthropicStream.Run([Chunk("""{"role":"assistant","content":""}"""), chunk], StreamRequest(Targets.Gemini), Targets.Gemini).ShouldBeWellFormed(expectError: true);
        stream.Events[^1].Data["error"]!["type"].Str().ShouldBe(type);
    }

    [Fact]
    public void ErrorAsTheFirstChunkIsALoneErrorEvent()
    {
        var stream = AnthropicStream.Run(["""{"error":{"message":"bad key","type":"invalid_request_error","code":"invalid_api_key"}}"""], StreamRequest(Targets.OpenAi), Targets.OpenAi)
            .ShouldBeWellFormed(expectError: true);
        stream.Events.Count.ShouldBe(1);
        stream.Translator.Started.ShouldBeFalse();
        stream.Events[0].Data["error"]!["type"].Str().ShouldBe("authentication_error");
    }

    // ---- the state machine, chunk by chunk ----

    [Fact]
    public void MessageDeltaWaitsForTheUsageChunk()
    {
        var translator = new ChatCompletionsTranslator();
        var stream = translator.CreateStreamTranslator(StreamRequest(Targets.OpenAi, translator), Targets.OpenAi);
        var output = new ArrayBufferWriter<byte>();
        stream.OnData(Encoding.UTF8.GetBytes(Chunk("""{"role":"assistant","content":"Hi"}""")), output);
        stream.OnData(Encoding.UTF8.GetBytes(Chunk("{}", "stop")), output);
        var afterFinish = Encoding.UTF8.GetString(output.WrittenSpan);
        afterFinish.ShouldContain("event: content_block_stop");
        afterFinish.ShouldNotContain("message_delta");
        stream.OnData(Encoding.UTF8.GetBytes(Usage), output);
        Encoding.UTF8.GetString(output.WrittenSpan).ShouldNotContain("message_delta");
        stream.OnData("[DONE]"u8, output);
        var events = AnthropicStream.Parse(output.WrittenSpan);
        events[^2].Name.ShouldBe("message_delta");
        events[^2].Data["usage"]!["input_tokens"]!.GetValue<long>().ShouldBe(100);
        events[^2].Data["usage"]!["output_tokens"]!.GetValue<long>().ShouldBe(20);
        events[^1].Name.ShouldBe("message_stop");
        stream.OnEnd(output, connectionBroken: false);
        AnthropicStream.Parse(output.WrittenSpan).Count.ShouldBe(events.Count, "nothing is written after message_stop");
    }

    [Fact]
    public void StreamWithoutDoneEndsNormallyOnceAFinishReasonArrived()
    {
        var stream = AnthropicStream.Run([Chunk("""{"content":"ok"}"""), Chunk("{}", "length"), Usage], StreamRequest(Targets.Generic), Targets.Generic)
            .ShouldBeWellFormed();
        stream.StopReason.ShouldBe("max_tokens");
        stream.FinalUsage["output_tokens"]!.GetValue<long>().ShouldBe(20);
    }

    [Fact]
    public void WhitespaceOnlyTextNeverOpensABlock()
    {
        var stream = AnthropicStream.Run([Chunk("""{"role":"assistant","content":"\n"}"""), Chunk("""{"content":"  "}"""), Chunk("{}", "stop"), "[DONE]"],
            StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
        stream.Sequence.ShouldBe("message_start ping message_delta message_stop");
    }

    [Fact]
    public void ToolCallWithoutArgumentsGetsAnEmptyObject()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"TodoRead","arguments":""}}]}"""),
            Chunk("{}", "tool_calls"), "[DONE]",
        ], StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
        stream.Blocks()[0]["input"]!.ToJsonString().ShouldBe("{}");
    }

    [Fact]
    public void BufferedCallWithBrokenArgumentsKeepsThemAsRawInput()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"A","arguments":"{}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"B","arguments":"{\"x\": tru"}}]}"""),
            Chunk("{}", "tool_calls"), "[DONE]",
        ], StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
        stream.Blocks()[1]["input"]!["raw_input"].Str().ShouldBe("{\"x\": tru");
    }

    [Fact]
    public void UpstreamToolIdsTheClientWouldRejectAreReplaced()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"tool_calls":[{"index":0,"id":"functions.Bash:0","type":"function","function":{"name":"Bash","arguments":"{}"}}]}"""),
            Chunk("{}", "tool_calls"), "[DONE]",
        ], StreamRequest(Targets.Generic), Targets.Generic).ShouldBeWellFormed();
        stream.Blocks()[0]["id"].Str().ShouldMatch("^toolu_[A-Za-z0-9]{24}$");
    }

    [Fact]
    public void ShortenedToolNamesAreRestoredInTheStream()
    {
        var longName = "mcp__playwright__" + new string('b', 60);
        var translator = new ChatCompletionsTranslator();
        var request = StreamRequest(Targets.OpenAi, translator, extra: $$$""" "stream":true,"tools":[{"name":"{{{longName}}}","input_schema":{"type":"object"}}]""");
        var sent = request.ToolNameRestores.Single().Key;
        var stream = AnthropicStream.Run([
            Chunk($$$"""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"{{{sent}}}","arguments":"{}"}}]}"""),
            Chunk("{}", "tool_calls"), "[DONE]",
        ], request, Targets.OpenAi, translator).ShouldBeWellFormed();
        stream.Blocks()[0]["name"].Str().ShouldBe(longName);
    }

    [Fact]
    public void RefusalStreamsAsTextWithRefusalStopReason()
    {
        var stream = AnthropicStream.Run([Chunk("""{"role":"assistant","refusal":"I can't help with that."}"""), Chunk("{}", "stop"), "[DONE]"],
            StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed();
        stream.Blocks()[0]["text"].Str().ShouldBe("I can't help with that.");
        stream.StopReason.ShouldBe("refusal");
    }

    [Fact]
    public void ContentFilterFinishIsARefusal()
    {
        var stream = AnthropicStream.Run([Chunk("""{"content":"partial"}"""), Chunk("{}", "content_filter"), "[DONE]"], StreamRequest(Targets.OpenAi), Targets.OpenAi)
            .ShouldBeWellFormed();
        stream.StopReason.ShouldBe("refusal");
    }

    [Fact]
    public void TextAfterAToolCallClosesTheToolBlockFirst()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"reasoning_content":"plan"}"""),
            Chunk("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"A","arguments":"{\"q\":1}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"B","arguments":"{}"}}]}"""),
            Chunk("""{"content":"and more text"}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"garbage for a closed call"}}]}"""),
            Chunk("{}", "stop"), "[DONE]",
        ], StreamRequest(Targets.DeepSeek), Targets.DeepSeek).ShouldBeWellFormed();
        stream.Blocks().Select(b => b["type"].Str()).ShouldBe(["thinking", "tool_use", "tool_use", "text"]);
        stream.Blocks()[1]["input"]!["q"]!.GetValue<int>().ShouldBe(1);
        stream.StopReason.ShouldBe("tool_use");
    }

    [Fact]
    public void ToolCallWhoseNameArrivesLateStillOpensInOrder()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"arguments":"{\"a\":"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"name":"Late","arguments":"2}"}}]}"""),
            Chunk("{}", "tool_calls"), "[DONE]",
        ], StreamRequest(Targets.Generic), Targets.Generic).ShouldBeWellFormed();
        var block = stream.Blocks().Single();
        block["name"].Str().ShouldBe("Late");
        block["input"]!["a"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public void EveryEventCarriesAnEventLineAndMessageStartHasPlaceholderUsage()
    {
        var translator = new ChatCompletionsTranslator();
        var stream = translator.CreateStreamTranslator(StreamRequest(Targets.OpenAi, translator), Targets.OpenAi);
        var output = new ArrayBufferWriter<byte>();
        stream.OnData(Encoding.UTF8.GetBytes(Chunk("""{"content":"x"}""")), output);
        var text = Encoding.UTF8.GetString(output.WrittenSpan);
        text.ShouldStartWith("event: message_start\ndata: {");
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)) block.ShouldStartWith("event: ");
        var start = AnthropicStream.Parse(output.WrittenSpan)[0].Data["message"]!;
        start["usage"]!["input_tokens"]!.GetValue<long>().ShouldBe(0);
        start["usage"]!["output_tokens"]!.GetValue<long>().ShouldBe(1);
        start["usage"]!["cache_creation"].ShouldNotBeNull();
    }

    [Fact]
    public void DoneBeforeAnythingElseIsAnError()
    {
        var stream = AnthropicStream.Run(["[DONE]"], StreamRequest(Targets.OpenAi), Targets.OpenAi).ShouldBeWellFormed(expectError: true);
        stream.Translator.Started.ShouldBeFalse();
    }

    [Fact]
    public void KeepAliveAndGarbageDataAreIgnored()
    {
        var stream = AnthropicStream.Run(["", "   ", ": keep-alive", Chunk("""{"content":"ok"}"""), Chunk("{}", "stop"), "[DONE]"], StreamRequest(Targets.OpenAi), Targets.OpenAi)
            .ShouldBeWellFormed();
        stream.Blocks().Single()["text"].Str().ShouldBe("ok");
    }

    [Fact]
    public void ReasoningFieldFromOpenRouterStyleServersStreamsAsThinking()
    {
        var stream = AnthropicStream.Run([Chunk("""{"role":"assistant","content":"","reasoning":"Considering."}"""), Chunk("""{"content":"Done."}"""), Chunk("{}", "stop"), "[DONE]"],
            StreamRequest(Targets.Generic), Targets.Generic).ShouldBeWellFormed();
        stream.Blocks().Select(b => b["type"].Str()).ShouldBe(["thinking", "text"]);
        stream.Blocks()[0]["thinking"].Str().ShouldBe("Considering.");
    }

    [Fact]
    public void GeminiSignatureArrivingBeforeItsToolCallIsKeptForIt()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"role":"assistant","extra_content":{"google":{"thought_signature":"EARLY_SIG"}}}"""),
            Chunk("""{"tool_calls":[{"id":"function-call-7","type":"function","function":{"name":"Bash","arguments":"{\"command\":\"pwd\"}"}}]}"""),
            Chunk("{}", "stop"), "[DONE]",
        ], StreamRequest(Targets.Gemini), Targets.Gemini).ShouldBeWellFormed();
        var id = stream.Blocks().Single(b => b["type"].Str() == "tool_use")["id"].Str();
        var (_, body) = Translate.Request(Translate.Body($$$"""
            [{"role":"user","content":"where"},
             {"role":"assistant","content":{{{AssistantContent(stream)}}}},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{id}}}","content":"/"}]}]
            """), Targets.Gemini, new ChatCompletionsTranslator());
        body.Messages()[1]!["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("EARLY_SIG");
    }

    [Fact]
    public void LegacyFunctionCallDeltaBecomesAToolUse()
    {
        var stream = AnthropicStream.Run([
            Chunk("""{"role":"assistant","function_call":{"name":"Bash","arguments":"{\"command\":"}}"""),
            Chunk("""{"function_call":{"arguments":"\"ls\"}"}}"""),
            Chunk("{}", "function_call"), "[DONE]",
        ], StreamRequest(Targets.Generic), Targets.Generic).ShouldBeWellFormed();
        stream.Blocks().Single()["input"]!["command"].Str().ShouldBe("ls");
        stream.StopReason.ShouldBe("tool_use");
    }
}
