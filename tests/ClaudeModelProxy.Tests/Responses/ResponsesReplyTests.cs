using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Tests.OpenAi;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>Responses API replies (JSON and SSE) → Anthropic Messages, against the strict fake's own output.</summary>
public class ResponsesReplyTests
{
    private const string ToolsAndThinking = """{"model":"claude-gpt-5.4","max_tokens":32000,"thinking":{"type":"adaptive"},"output_config":{"effort":"high"},"tools":[{"name":"Bash","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}],"messages":[{"role":"user","content":"list files"}]}""";

    private static string Streamed(string anthropicJson) => anthropicJson.Replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");

    private static FakeOpenAi ThinkThenCallTwice() => new()
    {
        Reply = _ =>
        [
            new FakeReasoning("I will list", " the files."),
            new FakeText("Checking", " now."),
            new FakeCall("call_aaa", "Bash", "{\"comm", "and\":\"ls\"}"),
            new FakeCall("call_bbb", "Bash", "{\"command\":\"pwd\"}"),
        ],
    };

    private static JsonNode Json(TranslatedRequest request, byte[] upstream, out TokenUsage usage) =>
        JsonNode.Parse(new ResponsesTranslator().TranslateResponse(upstream, request, ResponsesHarness.Gpt54, out usage))!;

    [Fact]
    public async Task AJsonReplyBecomesThinkingTextAndToolUseBlocksWithUsageThatExcludesCachedTokens()
    {
        var fake = ThinkThenCallTwice();
        var (request, _) = ResponsesHarness.Request(ToolsAndThinking);
        var reply = Json(request, await ResponsesHarness.Accepted(fake, request), out var usage);

        reply["type"].Str().ShouldBe("message");
        reply["model"].Str().ShouldBe("claude-gpt-5.4");
        var content = reply["content"]!.AsArray();
        content.Select(b => b!["type"].Str()).ShouldBe(["thinking", "text", "tool_use", "tool_use"]);
        content[0]!["thinking"].Str().ShouldBe("I will list the files.");
        ReasoningSignature.TryDecode(content[0]!["signature"].Str(), "openai", out var state).ShouldBeTrue();
        state.EncryptedContent.ShouldBe(fake.MintedContents.Single());
        state.Id.ShouldStartWith("rs_");
        content[1]!["text"].Str().ShouldBe("Checking now.");
        content[2]!["id"].Str().ShouldBe("call_aaa");
        content[2]!["input"]!["command"].Str().ShouldBe("ls");
        content[3]!["input"]!["command"].Str().ShouldBe("pwd");
        reply["stop_reason"].Str().ShouldBe("tool_use");
        reply["usage"]!["input_tokens"]!.GetValue<long>().ShouldBe(20);
        reply["usage"]!["cache_read_input_tokens"]!.GetValue<long>().ShouldBe(100);
        reply["usage"]!["output_tokens"]!.GetValue<long>().ShouldBe(40);
        usage.CacheReadInputTokens.ShouldBe(100);
    }

    [Fact]
    public async Task ACallIdAnthropicCannotAcceptGetsAValidToolUseId()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeCall("functions.Bash:0", "Bash", "{}")] };
        var (request, _) = ResponsesHarness.Request(ToolsAndThinking);
        var reply = Json(request, await ResponsesHarness.Accepted(fake, request), out _);
        reply["content"]![0]!["id"].Str().ShouldMatch("^toolu_[A-Za-z0-9]{24}$");
    }

    [Fact]
    public async Task AReplyCutShortByMaxOutputTokensStopsWithMaxTokens()
    {
        var fake = new FakeOpenAi { IncompleteReason = "max_output_tokens", Reply = _ => [new FakeText("Partial")] };
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"essay"}]}""");
        Json(request, await ResponsesHarness.Accepted(fake, request), out _)["stop_reason"].Str().ShouldBe("max_tokens");

        var (streamRequest, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"essay"}]}""");
        var (stream, _) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, streamRequest), streamRequest);
        stream.ShouldBeWellFormed().StopReason.ShouldBe("max_tokens");
    }

    [Fact]
    public void AFailedJsonReplyIsAnError()
    {
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""");
        var failed = """{"id":"resp_1","object":"response","status":"failed","error":{"code":"server_error","message":"The model had a problem."},"output":[]}""";
        var e = Should.Throw<ProxyFailureException>(() => new ResponsesTranslator().TranslateResponse(Encoding.UTF8.GetBytes(failed), request, ResponsesHarness.Gpt54, out _));
        e.Failure.Status.ShouldBe(500);
        e.Failure.ErrorType.ShouldBe(AnthropicError.Api);
        e.Failure.Message.ShouldContain("The model had a problem.");
    }

    [Fact]
    public async Task AStreamedReplyKeepsTheEventOrderTheSdksNeedAndPutsParallelCallsInSeparateBlocks()
    {
        var fake = ThinkThenCallTwice();
        var (request, _) = ResponsesHarness.Request(Streamed(ToolsAndThinking));
        var (stream, translator) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, request), request);

        stream.ShouldBeWellFormed();
        stream.Sequence.ShouldBe("message_start ping start:0:thinking delta:0:thinking_delta delta:0:thinking_delta delta:0:signature_delta stop:0 "
            + "start:1:text delta:1:text_delta delta:1:text_delta stop:1 start:2:tool_use delta:2:input_json_delta delta:2:input_json_delta stop:2 "
            + "start:3:tool_use delta:3:input_json_delta stop:3 message_delta message_stop");
        var blocks = stream.Blocks();
        ReasoningSignature.TryDecode(blocks[0]["signature"].Str(), "openai", out var state).ShouldBeTrue();
        state.EncryptedContent.ShouldBe(fake.MintedContents.Single());
        blocks.Select(b => b["type"].Str() switch
        {
            "thinking" => "thinking: " + b["thinking"].Str(),
            "text" => "text: " + b["text"].Str(),
            _ => $"{b["id"].Str()} {b["name"].Str()} {b["input"]!.ToJsonString()}",
        }).ShouldBe(["thinking: I will list the files.", "text: Checking now.", """call_aaa Bash {"command":"ls"}""", """call_bbb Bash {"command":"pwd"}"""]);
        stream.StopReason.ShouldBe("tool_use");
        stream.FinalUsage["input_tokens"]!.GetValue<long>().ShouldBe(20);
        stream.FinalUsage["cache_read_input_tokens"]!.GetValue<long>().ShouldBe(100);
        stream.FinalUsage["output_tokens"]!.GetValue<long>().ShouldBe(40);
        translator.Usage.CacheReadInputTokens.ShouldBe(100);
        translator.Failure.ShouldBeNull();
    }

    [Fact]
    public async Task EncryptedReasoningWithoutASummaryStillBecomesAThinkingBlockToCarryItBack()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeReasoning(), new FakeText("Done.")] };
        var (request, _) = ResponsesHarness.Request(Streamed(ToolsAndThinking));
        var (stream, _) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, request), request);
        stream.ShouldBeWellFormed();
        stream.Sequence.ShouldStartWith("message_start ping start:0:thinking delta:0:signature_delta stop:0 start:1:text");
        ReasoningSignature.TryDecode(stream.Blocks()[0]["signature"].Str(), "openai", out var state).ShouldBeTrue();
        state.EncryptedContent.ShouldBe(fake.MintedContents.Single());
    }

    [Fact]
    public async Task TheNextTurnSendsTurnOnesExactEncryptedContentBackAndTheStrictFakeAcceptsIt()
    {
        var fake = ThinkThenCallTwice();
        var translator = new ResponsesTranslator();
        var (request, _) = ResponsesHarness.Request(Streamed(ToolsAndThinking), translator: translator);
        var (stream, _) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, request), request);
        var blocks = stream.Blocks();

        // What the client keeps and sends back: its history with the assistant turn as it assembled it.
        var history = new JsonArray(
            JsonNode.Parse("""{"role":"user","content":"list files"}"""),
            new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(blocks.Select(b => (JsonNode)b.DeepClone()).ToArray()) },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(
                    new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = blocks[2]["id"].Str(), ["content"] = "a.txt" },
                    new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = blocks[3]["id"].Str(), ["content"] = "/home" }),
            });
        var followUp = JsonNode.Parse(ToolsAndThinking)!.AsObject();
        followUp["messages"] = history;
        fake.Reply = _ => [new FakeText("Two files.")];
        var (next, body) = ResponsesHarness.Request(followUp.ToJsonString(), translator: translator);
        var reply = Json(next, await ResponsesHarness.Accepted(fake, next), out _);

        var input = body.Input();
        var reasoning = input.Single(i => i!["type"]?.GetValue<string>() == "reasoning")!;
        reasoning["encrypted_content"].Str().ShouldBe(fake.MintedContents.First());
        var firstCall = input.First(i => i!["type"]?.GetValue<string>() == "function_call")!;
        input.IndexOf(reasoning).ShouldBeLessThan(input.IndexOf(firstCall));
        input.Where(i => i!["type"]?.GetValue<string>() == "function_call_output").Select(i => i!["call_id"].Str()).ShouldBe(["call_aaa", "call_bbb"]);
        reply["content"]![0]!["text"].Str().ShouldBe("Two files.");
    }

    [Fact]
    public async Task AFailedStreamEndsWithAnSseErrorAndNothingAfterIt()
    {
        var fake = new FakeOpenAi { Failure = ("server_error", "The model crashed."), Reply = _ => [new FakeText("Half")] };
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var (stream, translator) = ResponsesHarness.Stream(await ResponsesHarness.Accepted(fake, request), request);
        stream.ShouldBeWellFormed(expectError: true);
        var error = stream.Events[^1];
        error.Name.ShouldBe("error");
        error.Data["error"]!["type"].Str().ShouldBe("api_error");
        error.Data["error"]!["message"].Str().ShouldContain("The model crashed.");
        translator.Failure.ShouldNotBeNull();
    }

    [Fact]
    public void AnErrorEventInTheStreamBecomesAnSseErrorOfTheMappedType()
    {
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var (stream, _) = ResponsesHarness.Events(request,
            """{"type":"response.created","sequence_number":0,"response":{"id":"r","status":"in_progress","output":[]}}""",
            """{"type":"error","sequence_number":1,"code":"rate_limit_exceeded","message":"Rate limit reached for gpt-5.4.","param":null}""");
        stream.ShouldBeWellFormed(expectError: true);
        stream.Events[^1].Data["error"]!["type"].Str().ShouldBe("rate_limit_error");
    }

    [Fact]
    public async Task AStreamThatBreaksOffEndsWithAnSseError()
    {
        var fake = new FakeOpenAi { Reply = _ => [new FakeText("Hello", " world")] };
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var sse = Encoding.UTF8.GetString(await ResponsesHarness.Accepted(fake, request));
        var cut = Encoding.UTF8.GetBytes(sse[..sse.IndexOf("event: response.output_text.done", StringComparison.Ordinal)]);

        var (broken, translator) = ResponsesHarness.Stream(cut, request, connectionBroken: true);
        broken.ShouldBeWellFormed(expectError: true);
        broken.Events[^1].Data["error"]!["message"].Str().ShouldContain("broke");
        translator.Failure.ShouldNotBeNull();

        var (ended, _) = ResponsesHarness.Stream(cut, request);
        ended.ShouldBeWellFormed(expectError: true);
    }

    [Fact]
    public void ItemsThatInterleaveAreStillShownOneBlockAtATimeInOutputOrder()
    {
        var (request, _) = ResponsesHarness.Request(Streamed(ToolsAndThinking));
        var (stream, _) = ResponsesHarness.Events(request,
            """{"type":"response.created","sequence_number":0,"response":{"id":"r","status":"in_progress","output":[]}}""",
            """{"type":"response.output_item.added","sequence_number":1,"output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"Bash","arguments":""}}""",
            """{"type":"response.output_item.added","sequence_number":2,"output_index":1,"item":{"id":"fc_2","type":"function_call","call_id":"call_2","name":"Bash","arguments":""}}""",
            """{"type":"response.function_call_arguments.delta","sequence_number":3,"item_id":"fc_2","output_index":1,"delta":"{\"command\":\"pwd\"}"}""",
            """{"type":"response.function_call_arguments.delta","sequence_number":4,"item_id":"fc_1","output_index":0,"delta":"{\"command\":"}""",
            """{"type":"response.function_call_arguments.delta","sequence_number":5,"item_id":"fc_1","output_index":0,"delta":"\"ls\"}"}""",
            """{"type":"response.output_item.done","sequence_number":6,"output_index":1,"item":{"id":"fc_2","type":"function_call","call_id":"call_2","name":"Bash","arguments":"{\"command\":\"pwd\"}"}}""",
            """{"type":"response.output_item.done","sequence_number":7,"output_index":0,"item":{"id":"fc_1","type":"function_call","call_id":"call_1","name":"Bash","arguments":"{\"command\":\"ls\"}"}}""",
            """{"type":"response.completed","sequence_number":8,"response":{"id":"r","status":"completed","output":[],"usage":{"input_tokens":5,"output_tokens":3}}}""");
        stream.ShouldBeWellFormed();
        var blocks = stream.Blocks();
        blocks.Select(b => b["id"].Str()).ShouldBe(["call_1", "call_2"]);
        blocks[0]["input"]!["command"].Str().ShouldBe("ls");
        blocks[1]["input"]!["command"].Str().ShouldBe("pwd");
    }

    [Fact]
    public async Task ARefusalIsShownAsTextWithStopReasonRefusal()
    {
        var (request, _) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""");
        var refusal = """{"id":"r","object":"response","status":"completed","output":[{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"refusal","refusal":"I can't help with that."}]}],"usage":{"input_tokens":5,"output_tokens":3}}""";
        var reply = Json(request, Encoding.UTF8.GetBytes(refusal), out _);
        reply["content"]![0]!["text"].Str().ShouldBe("I can't help with that.");
        reply["stop_reason"].Str().ShouldBe("refusal");
        await Task.CompletedTask;
    }
}
