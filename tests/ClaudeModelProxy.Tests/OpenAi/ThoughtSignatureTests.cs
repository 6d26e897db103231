using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Providers.Gemini;
using Xunit.Abstractions;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>Gemini thought signatures ride in the reply the client keeps, not in the gateway's memory.</summary>
public class ThoughtSignatureTests(ITestOutputHelper output)
{
    /// <summary>A history: the user's question, the assistant content the client stored, and a result for every tool_use in it.</summary>
    private static string History(JsonArray assistantContent)
    {
        var ids = assistantContent.Where(b => b!["type"].Str() == "tool_use").Select(b => b!["id"].Str()).ToList();
        return "[" + """{"role":"user","content":"go"},""" +
            """{"role":"assistant","content":""" + assistantContent.ToJsonString() + "}," +
            """{"role":"user","content":[""" + string.Join(",", ids.Select(id => $$$"""{"type":"tool_result","tool_use_id":"{{{id}}}","content":"ok"}""")) + "]}]";
    }

    private static string ToolUses(params string[] ids) =>
        "[" + string.Join(",", ids.Select(id => $$$"""{"type":"tool_use","id":"{{{id}}}","name":"Bash","input":{}}""")) + "]";

    private static string GeminiReply(string toolCalls) =>
        """{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":""" + toolCalls +
        """},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}""";

    private static string Call(string id, string? signature) =>
        $$"""{"id":"{{id}}","type":"function","function":{"name":"Bash","arguments":"{}"}{{(signature is null ? "" : $",\"extra_content\":{{\"google\":{{\"thought_signature\":\"{signature}\"}}}}")}}}""";

    /// <summary>One Gemini turn through a translator of its own (as one gateway process would do it).</summary>
    private static JsonArray ReplyContent(string toolCalls)
    {
        var translator = new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"go"}]""")), Targets.Gemini);
        var reply = JsonNode.Parse(translator.TranslateResponse(Encoding.UTF8.GetBytes(GeminiReply(toolCalls)), request, Targets.Gemini, out _))!;
        reply["stop_reason"].Str().ShouldBe("tool_use");
        return reply["content"]!.AsArray();
    }

    private static string? SignatureSent(JsonObject body, int call) =>
        body.Messages()[1]!["tool_calls"]![call]!["extra_content"]?["google"]?["thought_signature"]?.GetValue<string>();

    [Fact]
    public void AGeminiSignatureComesBackOnTheSameToolCallThroughAnotherTranslator()
    {
        var content = ReplyContent("[" + Call("function-call-1", "SIG_ONE") + "]");
        content.Select(b => b!["type"].Str()).ShouldBe(["thinking", "tool_use"]);
        content[0]!["signature"].Str().ShouldStartWith("cmp1.gemini.");
        content[0]!["thinking"].Str().ShouldBe("");

        var (_, body) = Translate.Request(Translate.Body(History(content)), Targets.Gemini, new ChatCompletionsTranslator());
        SignatureSent(body, 0).ShouldBe("SIG_ONE");
        body.ToJsonString().ShouldNotContain("cmp1.", customMessage: "the carrier is gateway state, not something Gemini sees");
    }

    [Fact]
    public void ParallelCallsEachGetTheirOwnSignatureBackEvenWhenTheClientReordersThem()
    {
        var content = ReplyContent("[" + Call("call_a", "SIG_A") + "," + Call("call_b", null) + "," + Call("call_c", "SIG_C") + "]");
        var reordered = new JsonArray(content.Reverse().Select(b => b!.DeepClone()).ToArray());
        var (_, body) = Translate.Request(Translate.Body(History(reordered)), Targets.Gemini);
        var calls = body.Messages()[1]!["tool_calls"]!.AsArray();
        calls.Select(c => c!["id"].Str()).ShouldBe(["call_c", "call_b", "call_a"]);
        SignatureSent(body, 0).ShouldBe("SIG_C");
        SignatureSent(body, 1).ShouldBeNull("the call Gemini did not sign stays unsigned");
        SignatureSent(body, 2).ShouldBe("SIG_A");
    }

    [Fact]
    public void ToolCallsWithoutAKnownSignatureGetTheDocumentedDummyOnTheFirstCall()
    {
        var (_, body) = Translate.Request(Translate.Body(History(JsonNode.Parse(ToolUses("toolu_from_another_model", "toolu_second"))!.AsArray())), Targets.Gemini);
        var calls = body.Messages()[1]!["tool_calls"]!.AsArray();
        calls[0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("skip_thought_signature_validator");
        calls[1]!.AsObject().ContainsKey("extra_content").ShouldBeFalse();
    }

    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic-looking")]
    [InlineData(null)]
    public void ACarrierMintedForAnotherProviderOrMangledIsNotTrusted(string? provider)
    {
        var genuine = GeminiCallSignatures.Encode([new("toolu_x", "SIG_X")]);
        var signature = provider switch
        {
            null => genuine[..^3] + "!!!",
            "anthropic-looking" => "EqQBCkYIBxgCKkDeadBeef" + genuine,
            _ => "cmp1." + provider + genuine["cmp1.gemini".Length..],
        };
        var content = JsonNode.Parse($$$"""[{"type":"thinking","thinking":"","signature":"{{{signature}}}"},{"type":"tool_use","id":"toolu_x","name":"Bash","input":{}}]""")!.AsArray();
        var (_, body) = Translate.Request(Translate.Body(History(content)), Targets.Gemini);
        SignatureSent(body, 0).ShouldBe("skip_thought_signature_validator");
    }

    [Fact]
    public void OtherProvidersNeverSeeThoughtSignatures()
    {
        var content = ReplyContent("[" + Call("call_x", "SIG") + "]");
        foreach (var target in new[] { Targets.OpenAi, Targets.Qwen, Targets.DeepSeek, Targets.Generic })
        {
            var (_, body) = Translate.Request(Translate.Body(History(content)), target);
            body.ToJsonString().ShouldNotContain("extra_content");
            body.ToJsonString().ShouldNotContain("cmp1.");
        }
    }

    [Fact]
    public void ManyConversationsAtOnceEachGetTheirOwnSignatures()
    {
        var translator = new ChatCompletionsTranslator();
        Parallel.For(0, 200, n =>
        {
            var content = ReplyContent("[" + Call($"call_p{n}", $"SIG_{n}") + "]");
            var (_, body) = Translate.Request(Translate.Body(History(content)), Targets.Gemini, translator);
            SignatureSent(body, 0).ShouldBe($"SIG_{n}");
        });
    }

    [Fact]
    public void ACarrierForThreeParallelCallsWithRealisticSignaturesStaysAFewKilobytes()
    {
        // Gemini 3 signatures are base64 of an opaque blob, typically 1-2 KB of text; sign all three calls (worst case).
        var random = new Random(7);
        string Signature(int bytes) { var raw = new byte[bytes]; random.NextBytes(raw); return Convert.ToBase64String(raw); }
        var signatures = new[] { Signature(1500), Signature(1100), Signature(1200) };
        var content = ReplyContent("[" + string.Join(",", signatures.Select((s, i) => Call($"function-call-1583659234771{i}", s))) + "]");
        var carrier = content[0]!["signature"].Str();
        output.WriteLine($"signature text lengths {string.Join(", ", signatures.Select(s => s.Length))}; carrier {carrier.Length} characters");
        carrier.Length.ShouldBeLessThan(signatures.Sum(s => s.Length) + 200, "signatures are stored decoded, so the carrier is no larger than the signatures themselves");

        var (_, body) = Translate.Request(Translate.Body(History(content)), Targets.Gemini);
        for (var i = 0; i < 3; i++) SignatureSent(body, i).ShouldBe(signatures[i]);
    }
}
