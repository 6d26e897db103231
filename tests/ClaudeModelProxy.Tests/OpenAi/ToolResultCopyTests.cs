using System.Text.Json.Nodes;

namespace ClaudeModelProxy.Tests.OpenAi;

/// <summary>Plain-string tool results are copied into the tool message without re-escaping; the text must not change.</summary>
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
}
