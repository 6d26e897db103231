using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;
using ClaudeModelProxy.Core.Providers.Gemini;
using ClaudeModelProxy.Core.Providers.OpenAi;
using ClaudeModelProxy.Core.Providers.Qwen;

namespace ClaudeModelProxy.Tests.OpenAi;

public class ProviderQuirksTests
{
    private const string Hi = """[{"role":"user","content":"hi"}]""";
    private const string BashTool = """ "tools":[{"name":"Bash","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]""";

    [Theory]
    [InlineData("openai", "gpt-5", typeof(OpenAiQuirks))]
    [InlineData("OpenAI", "gpt-4o", typeof(OpenAiQuirks))]
    [InlineData("gemini", "gemini-2.5-pro", typeof(GeminiQuirks))]
    [InlineData("qwen", "qwen3-max", typeof(QwenQuirks))]
    [InlineData("ollama", "llama3.3", typeof(GenericQuirks))]
    [InlineData("openrouter", "deepseek/deepseek-r1", typeof(GenericQuirks))]
    public void EachProviderGetsItsOwnQuirks(string provider, string model, Type expected) =>
        Targets.For(provider, model, "claude").Provider.Quirks.GetType().ShouldBe(expected);

    [Fact]
    public void Gpt5DropsTemperatureTopPAndStopButKeepsMaxCompletionTokens()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, """ "temperature":1,"top_p":0.5,"stop_sequences":["END"],"thinking":{"type":"enabled","budget_tokens":8000}"""), Targets.Gpt5);
        body["max_completion_tokens"]!.GetValue<long>().ShouldBe(1024);
        body.ContainsKey("max_tokens").ShouldBeFalse();
        body.ContainsKey("temperature").ShouldBeFalse();
        body.ContainsKey("top_p").ShouldBeFalse();
        body.ContainsKey("stop").ShouldBeFalse();
        body["reasoning_effort"].Str().ShouldBe("high");
    }

    [Fact]
    public void Gpt51WithThinkingDisabledKeepsTemperatureBecauseEffortIsNone()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, """ "temperature":0.3,"top_p":0.8,"thinking":{"type":"disabled"}"""), Targets.Gpt51);
        body["reasoning_effort"].Str().ShouldBe("none");
        body["temperature"]!.GetValue<double>().ShouldBe(0.3);
        body["top_p"]!.GetValue<double>().ShouldBe(0.8);
    }

    [Fact]
    public void Gpt5WithThinkingDisabledUsesMinimalBecauseItHasNoNone()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, """ "temperature":0.3,"thinking":{"type":"disabled"}"""), Targets.Gpt5);
        body["reasoning_effort"].Str().ShouldBe("minimal");
        body.ContainsKey("temperature").ShouldBeFalse();
    }

    [Theory]
    [InlineData("gpt-5.4")]
    [InlineData("gpt-5.4-mini")]
    [InlineData("gpt-5.5")]
    [InlineData("gpt-5.6-terra")]
    [InlineData("gpt-6")]
    [InlineData("gpt-6.1-codex")]
    public void NewGptModelsWithFunctionToolsGetReasoningEffortNone(string model)
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, BashTool + ""","temperature":0.5,"thinking":{"type":"enabled","budget_tokens":31999}"""),
            Targets.For("openai", model, "claude-opus-4-7"));
        body["reasoning_effort"].Str().ShouldBe("none");
        body["temperature"]!.GetValue<double>().ShouldBe(0.5, "sampling is allowed again once reasoning is off");
    }

    [Fact]
    public void NewGptModelsWithoutToolsKeepTheRequestedEffort()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, """ "thinking":{"type":"adaptive"},"output_config":{"effort":"max"}"""), Targets.Gpt56);
        body["reasoning_effort"].Str().ShouldBe("xhigh");
    }

    [Theory]
    [InlineData("gpt-5.1", "xhigh", "high")]
    [InlineData("gpt-5.2", "xhigh", "xhigh")]
    [InlineData("o3", "max", "high")]
    [InlineData("gpt-5", "low", "low")]
    public void EffortsAreClampedToWhatTheModelKnows(string model, string requested, string sent)
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, $$""" "thinking":{"type":"adaptive"},"output_config":{"effort":"{{requested}}"}"""),
            Targets.For("openai", model, "claude"));
        body["reasoning_effort"].Str().ShouldBe(sent);
    }

    [Fact]
    public void NonReasoningOpenAiModelsGetNoReasoningEffortButKeepSampling()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, """ "temperature":0.7,"stop_sequences":["X"],"thinking":{"type":"enabled","budget_tokens":4096}"""), Targets.OpenAi);
        body.ContainsKey("reasoning_effort").ShouldBeFalse();
        body["temperature"]!.GetValue<double>().ShouldBe(0.7);
        body["stop"]![0].Str().ShouldBe("X");
    }

    [Fact]
    public void LongMcpToolNamesAreShortenedForOpenAiAndRestoredInTheReply()
    {
        var longName = "mcp__claude_in_chrome__" + new string('x', 40) + "_navigate_to_page";
        var translator = new ChatCompletionsTranslator();
        var (request, body) = Translate.Request(Translate.Body($$$"""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"{{{longName}}}","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]
            """, $$$""" "tools":[{"name":"{{{longName}}}","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"{{{longName}}}"}"""),
            Targets.OpenAi, translator);
        var sent = body["tools"]![0]!["function"]!["name"].Str();
        sent.Length.ShouldBeLessThanOrEqualTo(64);
        sent.ShouldMatch("^[a-zA-Z0-9_-]{1,64}$");
        sent.ShouldStartWith(longName[..55] + "_");
        body["tool_choice"]!["function"]!["name"].Str().ShouldBe(sent);
        body.Messages()[1]!["tool_calls"]![0]!["function"]!["name"].Str().ShouldBe(sent);
        request.ToolNameRestores[sent].ShouldBe(longName);

        var reply = $$$"""{"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"{{{sent}}}","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}""";
        var message = JsonNode.Parse(translator.TranslateResponse(System.Text.Encoding.UTF8.GetBytes(reply), request, Targets.OpenAi, out _))!;
        message["content"]![0]!["name"].Str().ShouldBe(longName);
    }

    [Fact]
    public void ToolNamesWithCharactersOpenAiRejectsAreRewrittenDeterministically()
    {
        var (_, first) = Translate.Request(Translate.Body(Hi, """ "tools":[{"name":"my.tool/v2","input_schema":{"type":"object"}}]"""));
        var (_, second) = Translate.Request(Translate.Body(Hi, """ "tools":[{"name":"my.tool/v2","input_schema":{"type":"object"}}]"""));
        var name = first["tools"]![0]!["function"]!["name"].Str();
        name.ShouldMatch("^my_tool_v2_[0-9a-f]{8}$");
        second["tools"]![0]!["function"]!["name"].Str().ShouldBe(name);
    }

    [Fact]
    public void GeminiUsesMaxTokensAndDropsFieldsItDoesNotKnow()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, BashTool + """ ,"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"temperature":0.4,"top_k":5,"metadata":{"user_id":"u"}"""), Targets.Gemini);
        body["max_tokens"]!.GetValue<long>().ShouldBe(1024);
        body["temperature"]!.GetValue<double>().ShouldBe(0.4);
        body.ContainsKey("parallel_tool_calls").ShouldBeFalse();
        body.ContainsKey("top_k").ShouldBeFalse();
        body.ContainsKey("user").ShouldBeFalse();
        body.ContainsKey("safety_identifier").ShouldBeFalse();
    }

    [Theory]
    [InlineData("gemini-3-pro-preview", """{"type":"adaptive"}""", """{"effort":"max"}""", "high")]
    [InlineData("gemini-3-pro-preview", """{"type":"enabled","budget_tokens":1024}""", "{}", "low")]
    [InlineData("gemini-3-pro-preview", """{"type":"disabled"}""", "{}", null)]
    [InlineData("gemini-2.5-flash", """{"type":"disabled"}""", "{}", "none")]
    public void GeminiReasoningEffortFollowsWhatGeminiAccepts(string model, string thinking, string outputConfig, string? expected)
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, $$""" "thinking":{{thinking}},"output_config":{{outputConfig}}"""), Targets.For("gemini", model, "claude"));
        if (expected is null) body.ContainsKey("reasoning_effort").ShouldBeFalse();
        else body["reasoning_effort"].Str().ShouldBe(expected);
    }

    [Theory]
    [InlineData("""{"type":"enabled","budget_tokens":2000}""", true, true)]
    [InlineData("""{"type":"adaptive"}""", true, true)]
    [InlineData("""{"type":"disabled"}""", true, false)]
    [InlineData("""{"type":"enabled","budget_tokens":2000}""", false, false)]
    public void QwenGetsEnableThinkingFromThinking(string thinking, bool stream, bool expected)
    {
        var (_, body) = Translate.Request(Translate.Body(Hi, $$""" "stream":{{(stream ? "true" : "false")}},"thinking":{{thinking}},"top_k":20"""), Targets.Qwen);
        body["enable_thinking"]!.GetValue<bool>().ShouldBe(expected);
        body.ContainsKey("reasoning_effort").ShouldBeFalse();
        body["top_k"]!.GetValue<long>().ShouldBe(20, "DashScope accepts top_k");
        body["max_tokens"]!.GetValue<long>().ShouldBe(1024);
    }

    [Fact]
    public void QwenWithoutThinkingFieldLeavesTheModelDefault()
    {
        var (_, body) = Translate.Request(Translate.Body(Hi), Targets.Qwen);
        body.ContainsKey("enable_thinking").ShouldBeFalse();
    }

    [Fact]
    public void NoProviderGetsThePreviousThinkingEchoedAsReasoningContent()
    {
        foreach (var target in new[] { Targets.OpenAi, Targets.Gemini, Targets.Qwen, Targets.DeepSeek, Targets.Generic })
        {
            var (_, body) = Translate.Request(Translate.Body("""
                [{"role":"user","content":"look"},
                 {"role":"assistant","content":[{"type":"thinking","thinking":"plan","signature":"s"},{"type":"tool_use","id":"t1","name":"Bash","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]
                """), target);
            body.ToJsonString().ShouldNotContain("reasoning_content");
        }
    }
}
