using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Tests.OpenAi;

public class ThoughtSignatureTests
{
    private static string History(params string[] ids) => "[" + """{"role":"user","content":"go"},""" +
        """{"role":"assistant","content":[""" + string.Join(",", ids.Select(id => $$$"""{"type":"tool_use","id":"{{{id}}}","name":"Bash","input":{}}""")) + "]}," +
        """{"role":"user","content":[""" + string.Join(",", ids.Select(id => $$$"""{"type":"tool_result","tool_use_id":"{{{id}}}","content":"ok"}""")) + "]}]";

    private static string GeminiReply(string toolCalls) =>
        """{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":""" + toolCalls +
        """},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}""";

    [Fact]
    public void GeminiSignatureFromAReplyIsSentBackOnTheSameToolCall()
    {
        var translator = new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"go"}]""")), Targets.Gemini);
        var reply = JsonNode.Parse(translator.TranslateResponse(Encoding.UTF8.GetBytes(GeminiReply("""
            [{"id":"function-call-1","type":"function","function":{"name":"Bash","arguments":"{}"},"extra_content":{"google":{"thought_signature":"SIG_ONE"}}}]
            """)), request, Targets.Gemini, out _))!;
        reply["stop_reason"].Str().ShouldBe("tool_use");
        var id = reply["content"]![0]!["id"].Str();

        var (_, body) = Translate.Request(Translate.Body(History(id)), Targets.Gemini, translator);
        body.Messages()[1]!["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("SIG_ONE");
    }

    [Fact]
    public void ToolCallsWithoutAKnownSignatureGetTheDocumentedDummyOnTheFirstCall()
    {
        var (_, body) = Translate.Request(Translate.Body(History("toolu_from_another_model", "toolu_second")), Targets.Gemini);
        var calls = body.Messages()[1]!["tool_calls"]!.AsArray();
        calls[0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("skip_thought_signature_validator");
        calls[1]!.AsObject().ContainsKey("extra_content").ShouldBeFalse();
    }

    [Fact]
    public void OtherProvidersNeverSeeThoughtSignatures()
    {
        var translator = new ChatCompletionsTranslator();
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"go"}]""")), Targets.Gemini);
        var reply = JsonNode.Parse(translator.TranslateResponse(Encoding.UTF8.GetBytes(GeminiReply("""
            [{"id":"call_x","type":"function","function":{"name":"Bash","arguments":"{}"},"extra_content":{"google":{"thought_signature":"SIG"}}}]
            """)), request, Targets.Gemini, out _))!;
        var id = reply["content"]![0]!["id"].Str();
        foreach (var target in new[] { Targets.OpenAi, Targets.Qwen, Targets.DeepSeek, Targets.Generic })
        {
            var (_, body) = Translate.Request(Translate.Body(History(id)), target, translator);
            body.ToJsonString().ShouldNotContain("extra_content");
        }
    }

    [Fact]
    public void SignatureCacheIsBoundedAndForgetsTheOldest()
    {
        var translator = new ChatCompletionsTranslator(signatureCapacity: 2, toolNameCapacity: 2);
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"go"}]""")), Targets.Gemini);
        foreach (var n in new[] { 1, 2, 3 })
        {
            translator.TranslateResponse(Encoding.UTF8.GetBytes(GeminiReply($$$$"""
                [{"id":"call_{{{{n}}}}","type":"function","function":{"name":"Bash","arguments":"{}"},"extra_content":{"google":{"thought_signature":"SIG_{{{{n}}}}"}}}]
                """)), request, Targets.Gemini, out _);
        }
        translator.CachedSignatureCount.ShouldBe(2);
        var (_, oldest) = Translate.Request(Translate.Body(History("call_1")), Targets.Gemini, translator);
        oldest.Messages()[1]!["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("skip_thought_signature_validator");
        var (_, newest) = Translate.Request(Translate.Body(History("call_3")), Targets.Gemini, translator);
        newest.Messages()[1]!["tool_calls"]![0]!["extra_content"]!["google"]!["thought_signature"].Str().ShouldBe("SIG_3");
    }

    [Fact]
    public void OneTranslatorServesManyRequestsAtOnce()
    {
        var translator = new ChatCompletionsTranslator(signatureCapacity: 100, toolNameCapacity: 100);
        var request = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body("""[{"role":"user","content":"go"}]""")), Targets.Gemini);
        Parallel.For(0, 400, n =>
        {
            var reply = JsonNode.Parse(translator.TranslateResponse(Encoding.UTF8.GetBytes(GeminiReply($$$$"""
                [{"id":"call_p{{{{n}}}}","type":"function","function":{"name":"Bash","arguments":"{}"},"extra_content":{"google":{"thought_signature":"SIG_{{{{n}}}}"}}}]
                """)), request, Targets.Gemini, out _))!;
            var id = reply["content"]![0]!["id"].Str();
            var next = translator.TranslateRequest(Encoding.UTF8.GetBytes(Translate.Body(History(id))), Targets.Gemini);
            next.Error.ShouldBeNull();
        });
        translator.CachedSignatureCount.ShouldBeLessThanOrEqualTo(100);
        translator.CachedSignatureCount.ShouldBeGreaterThan(0);
    }
}
