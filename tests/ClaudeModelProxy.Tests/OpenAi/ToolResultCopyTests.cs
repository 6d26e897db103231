using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>
/// Plain-string tool results and assistant text are copied into the request without re-escaping; the text must not change,
/// blank text is still left out, and a lone surrogate escape still becomes U+FFFD.
/// </summary>
public class ToolResultCopyTests
{
    [Theory]
    [InlineData("plain output")]
    [InlineData("line one\nline \"two\"\t\\ backslash")]
    [InlineData("café ☕ 日本語 🚀 and a \u2028 separator")]
    [InlineData("<script>alert('x')</script> & +")]
    public void AStringToolResultArrivesWithExactlyTheSameText(string output)
    {
        var encoded = System.Text.Json.JsonSerializer.Serialize(output);
        var (_, body) = Translate.Request($$$"""
            {"model":"claude-gpt-5.4","max_tokens":10,"messages":[
              {"role":"user","content":"run it"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":{{{encoded}}}}]}]}
            """);
        var tool = body["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        tool["content"]!.GetValue<string>().ShouldBe(output);
        JsonNode.Parse(body.ToJsonString()).ShouldNotBeNull();
    }

    [Fact]
    public void AnErrorResultIsStillMarked()
    {
        var (_, body) = Translate.Request("""
            {"model":"claude-gpt-5.4","max_tokens":10,"messages":[
              {"role":"user","content":"run it"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":"command not found"}]}]}
            """);
        body["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!["content"]!.GetValue<string>().ShouldBe("Error: command not found");
    }

    [Theory]
    [InlineData("plain words")]
    [InlineData("line one\nline \"two\"\t\\ backslash")]
    [InlineData("\n\nstarts with escapes, then text")]
    [InlineData("café ☕ 日本語 🚀 and a \u2028 separator")]
    [InlineData("\u00a0\u00a0non-breaking spaces before text")]
    public void AssistantTextArrivesWithExactlyTheSameTextOnBothWires(string said)
    {
        var request = AssistantSaid(System.Text.Json.JsonSerializer.Serialize(said));
        var (_, chat) = Translate.Request(request);
        chat["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "assistant")!["content"]!.GetValue<string>().ShouldBe(said);
        var (_, responses) = ClaudeModelProxy.Tests.Responses.ResponsesHarness.Request(request);
        var item = responses["input"]!.AsArray().Single(i => i!["role"]?.GetValue<string>() == "assistant")!;
        item["content"]![0]!["text"]!.GetValue<string>().ShouldBe(said);
    }

    [Theory]
    [InlineData("\"café ☕ 日本語 🚀 and a \u2028 separator, raw\"")]
    [InlineData("\"line one\\nline \\\"two\\\"\\t\\\\ and \\u00e9 as an escape\"")]
    public void TheClientsOwnTokenIsWhatGoesUpstreamOnBothWires(string token)
    {
        var request = AssistantSaid(token);
        var (chat, _) = Translate.Request(request);
        System.Text.Encoding.UTF8.GetString(chat.Body.Span).ShouldContain("\"content\":" + token);
        var (responses, _) = ClaudeModelProxy.Tests.Responses.ResponsesHarness.Request(request);
        System.Text.Encoding.UTF8.GetString(responses.Body.Span).ShouldContain("\"text\":" + token);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"  \\n\\t \"")]
    [InlineData("\"\\u00a0\\u2003\"")]
    [InlineData("\"\u00a0\u2003\"")]
    public void BlankAssistantTextIsLeftOutHoweverItIsWritten(string token)
    {
        var (_, body) = Translate.Request(AssistantSaid(token));
        body["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "assistant")!["content"].ShouldBeNull();
    }

    [Fact]
    public void ALoneSurrogateInCopiedTextStillBecomesAReplacementCharacter()
    {
        var (request, _) = Translate.Request($$$"""
            {"model":"claude-gpt-5.4","max_tokens":10,"messages":[
              {"role":"user","content":"run it"},
              {"role":"assistant","content":[{"type":"text","text":"said \ud83d then"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"cut \udc00 here, paired \ud83d\ude00 kept"}]}]}
            """);
        var wire = System.Text.Encoding.UTF8.GetString(request.Body.Span);
        wire.ShouldNotContain("\\ud83d then");
        wire.ShouldNotContain("\\udc00");
        var body = JsonNode.Parse(request.Body.Span)!;
        body["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "assistant")!["content"]!.GetValue<string>().ShouldBe("said \uFFFD then");
        body["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!["content"]!.GetValue<string>().ShouldBe("cut \uFFFD here, paired 😀 kept");
    }

    private static string AssistantSaid(string textToken) => $$$"""
        {"model":"claude-gpt-5.4","max_tokens":10,"messages":[
          {"role":"user","content":"hi"},
          {"role":"assistant","content":[{"type":"text","text":{{{textToken}}}},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]}
        """;
}
