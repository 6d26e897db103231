using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Tests.OpenAi;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>Anthropic Messages → Responses API request (issue 15, "Requests"); every body is also checked by the strict fake.</summary>
public class ResponsesRequestTests
{
    private const string BashTool = """{"name":"Bash","description":"Run a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}}""";

    private static async Task<JsonObject> Accepted(string anthropicJson, TranslationTarget? target = null)
    {
        var (request, body) = ResponsesHarness.Request(anthropicJson, target);
        await ResponsesHarness.Accepted(new FakeOpenAi(), request);
        return body;
    }

    [Fact]
    public async Task TheSystemPromptBecomesInstructionsAndMessagesBecomeInputItems()
    {
        var body = await Accepted("""{"model":"claude-gpt-5.4","max_tokens":100,"system":[{"type":"text","text":"Be brief."},{"type":"text","text":"Use tools."}],"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]},{"role":"assistant","content":"A picture."},{"role":"user","content":"Thanks"}]}""");

        body["instructions"].Str().ShouldBe("Be brief.\n\nUse tools.");
        body.ContainsKey("messages").ShouldBeFalse();
        body.ContainsKey("max_tokens").ShouldBeFalse();
        var input = body.Input();
        input.Count.ShouldBe(3);
        input[0]!["role"].Str().ShouldBe("user");
        input[0]!["content"]![0]!["type"].Str().ShouldBe("input_text");
        input[0]!["content"]![1]!["type"].Str().ShouldBe("input_image");
        input[0]!["content"]![1]!["image_url"].Str().ShouldBe("data:image/png;base64,iVBORw0KGgo=");
        input[1]!["role"].Str().ShouldBe("assistant");
        input[1]!["content"]![0]!["type"].Str().ShouldBe("output_text");
        input[1]!["content"]![0]!["text"].Str().ShouldBe("A picture.");
        input[2]!["content"]![0]!["text"].Str().ShouldBe("Thanks");
    }

    [Fact]
    public async Task ASystemMessageInTheMiddleOfTheConversationStaysInPlaceAsADeveloperMessage()
    {
        var body = await Accepted("""{"model":"m","max_tokens":100,"system":"Top.","messages":[{"role":"user","content":"a"},{"role":"system","content":"Mid-conversation note."},{"role":"user","content":"b"}]}""");
        body["instructions"].Str().ShouldBe("Top.");
        body.Input().Select(i => i!["role"].Str()).ShouldBe(["user", "developer", "user"]);
    }

    [Fact]
    public async Task ToolsAreFlatFunctionToolsWithStrictModeOff()
    {
        var body = await Accepted($$"""{"model":"m","max_tokens":100,"tools":[{{BashTool}}],"messages":[{"role":"user","content":"hi"}]}""");
        var tool = body["tools"]![0]!.AsObject();
        tool["type"].Str().ShouldBe("function");
        tool["name"].Str().ShouldBe("Bash");
        tool["description"].Str().ShouldBe("Run a command");
        tool["parameters"]!["required"]![0].Str().ShouldBe("command");
        tool["strict"]!.GetValue<bool>().ShouldBeFalse();
        tool.ContainsKey("function").ShouldBeFalse();
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    [InlineData("""{"type":"tool","name":"Bash"}""", """{"type":"function","name":"Bash"}""")]
    public async Task ToolChoiceMapsToTheResponsesForms(string anthropic, string expected)
    {
        var body = await Accepted($$"""{"model":"m","max_tokens":100,"tools":[{{BashTool}}],"tool_choice":{{anthropic}},"messages":[{"role":"user","content":"hi"}]}""");
        body["tool_choice"]!.ToJsonString().ShouldBe(expected);
    }

    [Fact]
    public async Task DisablingParallelToolUseSendsParallelToolCallsFalse()
    {
        var body = await Accepted($$"""{"model":"m","max_tokens":100,"tools":[{{BashTool}}],"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"messages":[{"role":"user","content":"hi"}]}""");
        body["parallel_tool_calls"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Theory]
    [InlineData(1, 16)]
    [InlineData(15, 16)]
    [InlineData(16, 16)]
    [InlineData(32000, 32000)]
    public async Task MaxTokensBecomesMaxOutputTokensRaisedToTheApiMinimumOf16(int maxTokens, int expected)
    {
        // Claude Code's /model probe sends max_tokens:1; the API refuses anything below 16.
        var body = await Accepted($$"""{"model":"m","max_tokens":{{maxTokens}},"messages":[{"role":"user","content":"hi"}]}""");
        body["max_output_tokens"]!.GetValue<long>().ShouldBe(expected);
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":31999}""", "", "high")]
    [InlineData("""{"type":"enabled","budget_tokens":1024}""", "", "low")]
    [InlineData("""{"type":"adaptive","display":"omitted"}""", "", "medium")]
    [InlineData("""{"type":"adaptive"}""", ""","output_config":{"effort":"low"}""", "low")]
    [InlineData("""{"type":"adaptive"}""", ""","output_config":{"effort":"max"}""", "xhigh")]
    public async Task ThinkingBecomesAReasoningEffortWithAnAutomaticSummary(string thinking, string extra, string effort)
    {
        var body = await Accepted($$"""{"model":"m","max_tokens":32000,"thinking":{{thinking}}{{extra}},"tools":[{{BashTool}}],"messages":[{"role":"user","content":"hi"}]}""");
        body["reasoning"]!["effort"].Str().ShouldBe(effort);
        body["reasoning"]!["summary"].Str().ShouldBe("auto");
    }

    [Fact]
    public async Task WithoutThinkingNoReasoningIsSentAndTheModelsDefaultApplies()
    {
        var body = await Accepted($$"""{"model":"m","max_tokens":100,"tools":[{{BashTool}}],"messages":[{"role":"user","content":"hi"}]}""");
        body.ContainsKey("reasoning").ShouldBeFalse();
    }

    [Fact]
    public async Task DisabledThinkingAsksForNoReasoningWithoutASummary()
    {
        var body = await Accepted("""{"model":"m","max_tokens":100,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"hi"}]}""");
        body["reasoning"]!["effort"].Str().ShouldBe("none");
        body["reasoning"]!.AsObject().ContainsKey("summary").ShouldBeFalse();
    }

    [Fact]
    public async Task ANonReasoningModelGetsNoReasoningButKeepsItsSamplingParameters()
    {
        var body = await Accepted("""{"model":"m","max_tokens":100,"temperature":0.2,"top_p":0.9,"thinking":{"type":"enabled","budget_tokens":4000},"messages":[{"role":"user","content":"hi"}]}""",
            Targets.For("openai", "gpt-4.1", "claude-gpt-4.1"));
        body.ContainsKey("reasoning").ShouldBeFalse();
        body["temperature"]!.GetValue<double>().ShouldBe(0.2);
        body["top_p"]!.GetValue<double>().ShouldBe(0.9);
        body["store"]!.GetValue<bool>().ShouldBeFalse();
        body.ContainsKey("include").ShouldBeFalse("a model without reasoning has no encrypted reasoning to include");
    }

    [Fact]
    public void AConversationSwitchedToAModelWithoutReasoningSendsNoReasoningItems()
    {
        var signature = Signature("rs_1", "sealed");
        var (_, body) = ResponsesHarness.Request($$"""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"thinking","thinking":"hmm","signature":"{{signature}}"},{"type":"text","text":"A."}]},{"role":"user","content":"more"}]}""",
            Targets.For("openai", "gpt-4.1", "claude-gpt-4.1"));
        body.Input().Select(i => i!["role"].Str()).ShouldBe(["user", "assistant", "user"]);
    }

    [Fact]
    public async Task ReasoningModelsGetNoTemperatureOrTopP()
    {
        var body = await Accepted("""{"model":"m","max_tokens":100,"temperature":0.2,"top_p":0.9,"messages":[{"role":"user","content":"hi"}]}""");
        body.ContainsKey("temperature").ShouldBeFalse();
        body.ContainsKey("top_p").ShouldBeFalse();
    }

    [Fact]
    public async Task StopSequencesAreNeverSentButKeptForTheGatewayToApply()
    {
        var (request, body) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stop_sequences":["END","###","a","b","c"],"messages":[{"role":"user","content":"hi"}]}""");
        body.ContainsKey("stop").ShouldBeFalse();
        request.StopSequences.ShouldBe(["END", "###", "a", "b", "c"]);
        await ResponsesHarness.Accepted(new FakeOpenAi(), request);
    }

    [Fact]
    public async Task TheUserIdBecomesASafetyIdentifierAndAStablePromptCacheKeyAndNothingIsStored()
    {
        const string request = """{"model":"m","max_tokens":100,"metadata":{"user_id":"user_abc_account_x_session_1234"},"messages":[{"role":"user","content":"hi"}]}""";
        var body = await Accepted(request);
        var again = await Accepted(request);
        body["safety_identifier"].Str().Length.ShouldBeLessThanOrEqualTo(64);
        body["safety_identifier"].Str().ShouldNotContain("user_abc");
        body["prompt_cache_key"].Str().ShouldBe(again["prompt_cache_key"].Str());
        body["store"]!.GetValue<bool>().ShouldBeFalse();
        body["include"]!.ToJsonString().ShouldBe("""["reasoning.encrypted_content"]""");
        body.ContainsKey("stream").ShouldBeFalse();
    }

    [Fact]
    public void AStreamedRequestAsksForAStream()
    {
        var (request, body) = ResponsesHarness.Request("""{"model":"m","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        request.Stream.ShouldBeTrue();
        body["stream"]!.GetValue<bool>().ShouldBeTrue();
        body.ContainsKey("stream_options").ShouldBeFalse();
    }

    private static string Signature(string id, string encrypted) =>
        SignatureCodec.Encode("openai", Encoding.UTF8.GetBytes(id + "\n" + encrypted));

    [Fact]
    public void ThisGatewaysReasoningComesBackAsAReasoningItemRightBeforeTheTurnsFunctionCalls()
    {
        var signature = Signature("rs_123", "gAAAAB-sealed==");
        var (_, body) = ResponsesHarness.Request($$$"""{"model":"m","max_tokens":100,"tools":[{{{BashTool}}}],"messages":[{"role":"user","content":"list"},{"role":"assistant","content":[{"type":"thinking","thinking":"I should run ls.","signature":"{{{signature}}}"},{"type":"text","text":"Listing."},{"type":"tool_use","id":"call_1","name":"Bash","input":{"command":"ls"}},{"type":"tool_use","id":"call_2","name":"Bash","input":{"command":"pwd"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"a.txt"},{"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"/home"}]}]}]}""");

        var input = body.Input();
        input.Select(i => i!["type"]?.GetValue<string>() ?? i!["role"].Str()).ShouldBe(["user", "reasoning", "assistant", "function_call", "function_call", "function_call_output", "function_call_output"]);
        input[1]!["id"].Str().ShouldBe("rs_123");
        input[1]!["encrypted_content"].Str().ShouldBe("gAAAAB-sealed==");
        input[1]!["summary"]![0]!["text"].Str().ShouldBe("I should run ls.");
        input[3]!["call_id"].Str().ShouldBe("call_1");
        input[3]!["name"].Str().ShouldBe("Bash");
        JsonNode.Parse(input[3]!["arguments"].Str())!["command"].Str().ShouldBe("ls");
        input[5]!["call_id"].Str().ShouldBe("call_1");
        input[5]!["output"].Str().ShouldBe("a.txt");
        input[6]!["output"].Str().ShouldBe("/home");
    }

    [Fact]
    public void ATurnThatEndedInsideItsReasoningSendsNoReasoningItemWithoutAFollowingItem()
    {
        var signature = Signature("rs_cut", "gAAAAB-cut==");
        var (_, body) = ResponsesHarness.Request($$$"""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"thinking","thinking":"Half a thought","signature":"{{{signature}}}"}]},{"role":"user","content":"go on"}]}""");
        body.Input().ShouldNotContain(i => i!["type"] != null && i["type"].Str() == "reasoning");
    }

    [Theory]
    [InlineData("EqQBCkgIARABGAIiQK7fakeAnthropicSignature==")] // Anthropic's
    [InlineData("cmproxy-thinking.openai.abcdefghijklmnop")] // the Chat route's minted marker
    [InlineData("cmp1.gemini.c2lnbmF0dXJl")] // another provider's codec signature
    [InlineData("cmp1.openai.!!!not-base64")] // forged or damaged
    [InlineData("cmp1.openai.bm8tbmV3bGluZQ")] // ours in shape, but not an {id, encrypted_content} payload
    [InlineData("")]
    public void AThinkingBlockThisGatewayDidNotMintForOpenAiIsNeverSentAsEncryptedContent(string signature)
    {
        var (_, body) = ResponsesHarness.Request($$"""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"thinking","thinking":"Foreign private reasoning.","signature":"{{signature}}"},{"type":"text","text":"Answer."}]},{"role":"user","content":"more"}]}""");
        body.Input().ShouldNotContain(i => i!["type"] != null && i["type"].Str() == "reasoning");
        body.ToJsonString().ShouldNotContain("Foreign private reasoning.");
    }

    [Fact]
    public async Task AForeignSignatureWouldBeRefusedByTheFakeAsOpenAiRefusesIt()
    {
        // The fake's rule the gateway must never trip: encrypted content it did not mint.
        var body = """{"model":"gpt-5.4","input":[{"type":"reasoning","id":"rs_1","summary":[],"encrypted_content":"not-minted"},{"role":"user","content":[{"type":"input_text","text":"hi"}]}],"store":false}""";
        var (status, _, reply) = await ResponsesHarness.Upstream(new FakeOpenAi(), Encoding.UTF8.GetBytes(body));
        status.ShouldBe(400);
        Encoding.UTF8.GetString(reply).ShouldContain("could not be verified");
    }

    [Fact]
    public void ImagesInAToolResultFollowTheCallOutputsAsAUserMessage()
    {
        var (_, body) = ResponsesHarness.Request($$$"""{"model":"m","max_tokens":100,"tools":[{{{BashTool}}}],"messages":[{"role":"user","content":"shot"},{"role":"assistant","content":[{"type":"tool_use","id":"call_9","name":"Bash","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"call_9","content":[{"type":"text","text":"here"},{"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/4AAQ"}}]}]}]}""");
        var input = body.Input();
        var output = input.Single(i => i!["type"]?.GetValue<string>() == "function_call_output")!;
        output["output"].Str().ShouldContain("here");
        output["output"].Str().ShouldContain(RequestTranslation.ImageMovedMarker);
        var user = input[input.IndexOf(output) + 1]!;
        user["role"].Str().ShouldBe("user");
        user["content"]![0]!["type"].Str().ShouldBe("input_image");
        user["content"]![0]!["image_url"].Str().ShouldBe("data:image/jpeg;base64,/9j/4AAQ");
    }

    [Fact]
    public async Task AToolCallTheUserInterruptedIsStillAnswered()
    {
        var body = await Accepted($$$"""{"model":"m","max_tokens":100,"tools":[{{{BashTool}}}],"messages":[{"role":"user","content":"go"},{"role":"assistant","content":[{"type":"tool_use","id":"call_x","name":"Bash","input":{}}]},{"role":"user","content":"never mind"}]}""");
        body.Input().Single(i => i!["type"]?.GetValue<string>() == "function_call_output")!["output"].Str().ShouldBe(RequestTranslation.NoResultPlaceholder);
    }

    [Fact]
    public async Task APdfDocumentBecomesAnInputFile()
    {
        var body = await Accepted("""{"model":"m","max_tokens":100,"messages":[{"role":"user","content":[{"type":"document","title":"report","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}},{"type":"text","text":"Summarise"}]}]}""");
        var part = body.Input()[0]!["content"]![0]!;
        part["type"].Str().ShouldBe("input_file");
        part["filename"].Str().ShouldBe("report.pdf");
        part["file_data"].Str().ShouldBe("data:application/pdf;base64,JVBERi0x");
    }

    [Fact]
    public async Task AnMcpToolNameTooLongForOpenAiIsShortenedAndRestoredInTheReply()
    {
        var longName = "mcp__" + new string('x', 70) + "__tool";
        var (request, body) = ResponsesHarness.Request($$$"""{"model":"m","max_tokens":100,"tools":[{"name":"{{{longName}}}","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}""");
        var sent = body["tools"]![0]!["name"].Str();
        sent.Length.ShouldBeLessThanOrEqualTo(64);
        var fake = new FakeOpenAi { Reply = _ => [new FakeCall("call_1", sent, "{}")] };
        var reply = JsonNode.Parse(new ResponsesTranslator().TranslateResponse(await ResponsesHarness.Accepted(fake, request), request, ResponsesHarness.Gpt54, out _))!;
        reply["content"]![0]!["name"].Str().ShouldBe(longName);
    }

    [Fact]
    public void ARequestThatIsNotAnthropicShapedIsRefusedWithAClearMessage()
    {
        var request = new ResponsesTranslator().TranslateRequest(Encoding.UTF8.GetBytes("""{"model":"m","max_tokens":"lots","messages":[]}""").AsMemory(), ResponsesHarness.Gpt54);
        request.Error.ShouldBe("max_tokens: Input should be a valid integer");
        request.Body.Length.ShouldBe(0);
    }
}
