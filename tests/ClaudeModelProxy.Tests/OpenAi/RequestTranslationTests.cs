using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Tests.OpenAi;

public class RequestTranslationTests
{
    [Fact]
    public void SystemStringBecomesTheFirstSystemMessage()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", "\"system\":\"You are terse.\""));
        body["model"].Str().ShouldBe("gpt-4.1");
        var messages = body.Messages();
        messages.Count.ShouldBe(2);
        messages[0]!["role"].Str().ShouldBe("system");
        messages[0]!["content"].Str().ShouldBe("You are terse.");
        messages[1]!["role"].Str().ShouldBe("user");
        messages[1]!["content"].Str().ShouldBe("hi");
    }

    [Fact]
    public void SystemBlocksAreJoinedWithoutCacheControlAndClaudeCodeBillingLine()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", """
            "system":[
              {"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.332.abc; cc_entrypoint=cli;"},
              {"type":"text","text":"You are Claude Code.","cache_control":{"type":"ephemeral"}},
              {"type":"text","text":"Project rules.","cache_control":{"type":"ephemeral","ttl":"1h"}}]
            """));
        var system = body.Messages()[0]!;
        system["role"].Str().ShouldBe("system");
        system["content"].Str().ShouldBe("You are Claude Code.\n\nProject rules.");
        body.ToJsonString().ShouldNotContain("cache_control");
        body.ToJsonString().ShouldNotContain("billing");
    }

    [Fact]
    public void SystemMessageInsideMessagesStaysAtItsPosition()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"first"},
             {"role":"assistant","content":"ok"},
             {"role":"system","content":[{"type":"text","text":"Mode changed: plan."}]},
             {"role":"user","content":"second"}]
            """));
        var roles = body.Messages().Select(m => m!["role"].Str()).ToList();
        roles.ShouldBe(["user", "assistant", "system", "user"]);
        body.Messages()[2]!["content"].Str().ShouldBe("Mode changed: plan.");
    }

    [Fact]
    public void Base64AndUrlImagesBecomeImageUrlParts()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]
            """));
        var content = body.Messages()[0]!["content"]!.AsArray();
        content.Count.ShouldBe(3);
        content[0]!["type"].Str().ShouldBe("text");
        content[1]!["type"].Str().ShouldBe("image_url");
        content[1]!["image_url"]!["url"].Str().ShouldBe("data:image/png;base64,iVBORw0KGgo=");
        content[2]!["image_url"]!["url"].Str().ShouldBe("https://example.com/cat.jpg");
    }

    [Fact]
    public void PdfDocumentBecomesAFilePartForOpenAi()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":[
              {"type":"document","title":"report","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="}},
              {"type":"text","text":"Summarise it."}]}]
            """));
        var part = body.Messages()[0]!["content"]![0]!;
        part["type"].Str().ShouldBe("file");
        part["file"]!["filename"].Str().ShouldBe("report.pdf");
        part["file"]!["file_data"].Str().ShouldBe("data:application/pdf;base64,JVBERi0xLjQ=");
    }

    [Fact]
    public void PdfAndTextDocumentsBecomeTextForOtherProviders()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":[
              {"type":"document","title":"report","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0xLjQ="}},
              {"type":"document","title":"notes.txt","source":{"type":"text","media_type":"text/plain","data":"Buy milk."}}]}]
            """), Targets.Gemini);
        var content = body.Messages()[0]!["content"].Str();
        content.ShouldContain("PDF document omitted");
        content.ShouldContain("[Document: notes.txt]\nBuy milk.");
        body.ToJsonString().ShouldNotContain("JVBERi0xLjQ=");
    }

    [Fact]
    public void AssistantToolUseBecomesToolCallsWithJsonArguments()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"list files"},
             {"role":"assistant","content":[
               {"type":"text","text":"Listing."},
               {"type":"tool_use","id":"toolu_01A","name":"Bash","input":{"command":"ls -la","timeout":5}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A","content":"a.txt"}]}]
            """));
        var assistant = body.Messages()[1]!;
        assistant["role"].Str().ShouldBe("assistant");
        assistant["content"].Str().ShouldBe("Listing.");
        var call = assistant["tool_calls"]![0]!;
        call["id"].Str().ShouldBe("toolu_01A");
        call["type"].Str().ShouldBe("function");
        call["function"]!["name"].Str().ShouldBe("Bash");
        var arguments = JsonNode.Parse(call["function"]!["arguments"].Str())!;
        arguments["command"].Str().ShouldBe("ls -la");
        arguments["timeout"]!.GetValue<int>().ShouldBe(5);
        var tool = body.Messages()[2]!;
        tool["role"].Str().ShouldBe("tool");
        tool["tool_call_id"].Str().ShouldBe("toolu_01A");
        tool["content"].Str().ShouldBe("a.txt");
    }

    [Fact]
    public void ToolResultsFollowTheirAssistantMessageInToolCallOrder()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[
               {"type":"tool_use","id":"toolu_A","name":"Read","input":{"file_path":"a"}},
               {"type":"tool_use","id":"toolu_B","name":"Read","input":{"file_path":"b"}}]},
             {"role":"user","content":[
               {"type":"text","text":"Both done?"},
               {"type":"tool_result","tool_use_id":"toolu_B","content":[{"type":"text","text":"bee"}]},
               {"type":"tool_result","tool_use_id":"toolu_A","content":"ay"}]}]
            """));
        var messages = body.Messages();
        messages.Select(m => m!["role"].Str()).ShouldBe(["user", "assistant", "tool", "tool", "user"]);
        messages[2]!["tool_call_id"].Str().ShouldBe("toolu_A");
        messages[2]!["content"].Str().ShouldBe("ay");
        messages[3]!["tool_call_id"].Str().ShouldBe("toolu_B");
        messages[3]!["content"].Str().ShouldBe("bee");
        messages[4]!["content"].Str().ShouldBe("Both done?");
    }

    [Fact]
    public void ToolResultWithImageMovesImageToFollowingUserMessage()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"screenshot both"},
             {"role":"assistant","content":[
               {"type":"tool_use","id":"toolu_1","name":"Screenshot","input":{}},
               {"type":"tool_use","id":"toolu_2","name":"Screenshot","input":{}}]},
             {"role":"user","content":[
               {"type":"tool_result","tool_use_id":"toolu_1","content":[
                 {"type":"text","text":"Captured window 1"},
                 {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AAAA"}}]},
               {"type":"tool_result","tool_use_id":"toolu_2","content":[
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"BBBB"}}]},
               {"type":"text","text":"Compare them."}]}]
            """));
        var messages = body.Messages();
        messages.Select(m => m!["role"].Str()).ShouldBe(["user", "assistant", "tool", "tool", "user"]);
        messages[2]!["content"].Str().ShouldBe("Captured window 1\n" + RequestTranslation.ImageMovedMarker);
        messages[3]!["content"].Str().ShouldBe(RequestTranslation.ImageMovedMarker);
        messages[2]!["content"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.String, "tool content is text only");
        var user = messages[4]!["content"]!.AsArray();
        user.Count.ShouldBe(3);
        user[0]!["image_url"]!["url"].Str().ShouldBe("data:image/jpeg;base64,AAAA");
        user[1]!["image_url"]!["url"].Str().ShouldBe("data:image/png;base64,BBBB");
        user[2]!["text"].Str().ShouldBe("Compare them.");
    }

    [Fact]
    public void ToolResultMarkedAsErrorIsPrefixed()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"run"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"false"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":"exit code 1"}]}]
            """));
        body.Messages()[2]!["content"].Str().ShouldBe("Error: exit code 1");
    }

    [Fact]
    public void ToolResultWithoutContentBecomesEmptyToolMessage()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"run"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"true"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]}]
            """));
        body.Messages()[2]!["content"].Str().ShouldBe("");
        body.Messages().Count.ShouldBe(3);
    }

    [Fact]
    public void InterruptedToolCallIsAnsweredWithAPlaceholder()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"run two"},
             {"role":"assistant","content":[
               {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"a"}},
               {"type":"tool_use","id":"toolu_2","name":"Bash","input":{"command":"b"}}]},
             {"role":"user","content":[
               {"type":"tool_result","tool_use_id":"toolu_1","content":"done a"},
               {"type":"text","text":"[Request interrupted by user]"}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_3","name":"Bash","input":{"command":"c"}}]}]
            """));
        var messages = body.Messages();
        messages.Select(m => m!["role"].Str()).ShouldBe(["user", "assistant", "tool", "tool", "user", "assistant", "tool"]);
        messages[3]!["tool_call_id"].Str().ShouldBe("toolu_2");
        messages[3]!["content"].Str().ShouldBe(RequestTranslation.NoResultPlaceholder);
        messages[6]!["tool_call_id"].Str().ShouldBe("toolu_3");
        messages[6]!["content"].Str().ShouldBe("(no result)");
    }

    [Fact]
    public void ToolResultWithoutMatchingToolUseBecomesUserText()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":[
               {"type":"tool_result","tool_use_id":"toolu_gone","content":"orphaned output"},
               {"type":"text","text":"continue"}]}]
            """));
        var messages = body.Messages();
        messages.Count.ShouldBe(1);
        messages[0]!["role"].Str().ShouldBe("user");
        var text = messages[0]!["content"].Str();
        text.ShouldContain("toolu_gone");
        text.ShouldContain("orphaned output");
        text.ShouldEndWith("continue");
        body.ToJsonString().ShouldNotContain("\"tool\"");
    }

    [Fact]
    public void ConsecutiveMessagesWithTheSameRoleAreMerged()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"one"},
             {"role":"user","content":[{"type":"text","text":"two"}]},
             {"role":"assistant","content":"A"},
             {"role":"assistant","content":[{"type":"text","text":"B"}]},
             {"role":"user","content":"three"}]
            """));
        var messages = body.Messages();
        messages.Select(m => m!["role"].Str()).ShouldBe(["user", "assistant", "user"]);
        messages[0]!["content"].Str().ShouldBe("one\n\ntwo");
        messages[1]!["content"].Str().ShouldBe("A\n\nB");
    }

    [Fact]
    public void AssistantMessagesWithOnlyThinkingOrWhitespaceAreDropped()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"one"},
             {"role":"assistant","content":[
               {"type":"thinking","thinking":"hmm","signature":"EqQBCkgIAR"},
               {"type":"redacted_thinking","data":"xyz"},
               {"type":"text","text":"  \n"}]},
             {"role":"user","content":"two"}]
            """));
        var messages = body.Messages();
        messages.Count.ShouldBe(1);
        messages[0]!["content"].Str().ShouldBe("one\n\ntwo");
        body.ToJsonString().ShouldNotContain("hmm");
    }

    [Fact]
    public void ThinkingBlocksAreNotSentToOpenAi()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"q"},
             {"role":"assistant","content":[
               {"type":"thinking","thinking":"secret chain","signature":"sig"},
               {"type":"text","text":"answer"}]},
             {"role":"user","content":"q2"}]
            """));
        body.Messages()[1]!["content"].Str().ShouldBe("answer");
        body.Messages()[1]!.AsObject().ContainsKey("reasoning_content").ShouldBeFalse();
        body.ToJsonString().ShouldNotContain("secret chain");
    }

    [Fact]
    public void CustomToolsBecomeFunctionsAndServerToolsAreDropped()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", """
            "tools":[
              {"name":"Bash","description":"Run a command","input_schema":{"type":"object","properties":{"command":{"type":"string"}},"required":["command"],"additionalProperties":false},"cache_control":{"type":"ephemeral"}},
              {"type":"custom","name":"NoSchema","defer_loading":true},
              {"type":"web_search_20250305","name":"web_search","max_uses":5},
              {"type":"text_editor_20250728","name":"str_replace_based_edit_tool"}]
            """));
        var tools = body["tools"]!.AsArray();
        tools.Count.ShouldBe(2);
        tools[0]!["type"].Str().ShouldBe("function");
        tools[0]!["function"]!["name"].Str().ShouldBe("Bash");
        tools[0]!["function"]!["description"].Str().ShouldBe("Run a command");
        tools[0]!["function"]!["parameters"]!["required"]![0].Str().ShouldBe("command");
        tools[0]!["function"]!["parameters"]!["additionalProperties"]!.GetValue<bool>().ShouldBeFalse("OpenAI gets the schema as written");
        tools[1]!["function"]!["name"].Str().ShouldBe("NoSchema");
        tools[1]!["function"]!["parameters"]!["type"].Str().ShouldBe("object");
        body.ToJsonString().ShouldNotContain("web_search");
        body.ToJsonString().ShouldNotContain("cache_control");
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"")]
    [InlineData("""{"type":"any"}""", "\"required\"")]
    [InlineData("""{"type":"none"}""", "\"none\"")]
    [InlineData("""{"type":"tool","name":"Bash"}""", """{"type":"function","function":{"name":"Bash"}}""")]
    public void ToolChoiceIsMapped(string anthropicChoice, string expected)
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            $$$""" "tools":[{"name":"Bash","input_schema":{"type":"object"}}],"tool_choice":{{{anthropicChoice}}}"""));
        body["tool_choice"]!.ToJsonString().ShouldBe(expected);
        body.ContainsKey("parallel_tool_calls").ShouldBeFalse();
    }

    [Fact]
    public void DisableParallelToolUseSendsParallelToolCallsFalse()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            """ "tools":[{"name":"Bash","input_schema":{"type":"object"}}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}"""));
        body["tool_choice"].Str().ShouldBe("required");
        body["parallel_tool_calls"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public void ToolChoiceWithoutUsableToolsIsOmitted()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            """ "tools":[{"type":"web_search_20250305","name":"web_search"}],"tool_choice":{"type":"auto"}"""));
        body.ContainsKey("tools").ShouldBeFalse();
        body.ContainsKey("tool_choice").ShouldBeFalse();
    }

    [Fact]
    public void StopSequencesKeepTheFirstFour()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            """ "stop_sequences":["a","b","c","d","e"],"temperature":0.2,"top_p":0.9,"top_k":40"""));
        body["stop"]!.AsArray().Select(s => s.Str()).ShouldBe(["a", "b", "c", "d"]);
        body["temperature"]!.GetValue<double>().ShouldBe(0.2);
        body["top_p"]!.GetValue<double>().ShouldBe(0.9);
        body.ContainsKey("top_k").ShouldBeFalse("OpenAI has no top_k");
    }

    [Fact]
    public void MetadataUserIdIsHashedIntoSafetyIdentifier()
    {
        const string userId = """{"device_id":"0123456789abcdef0123456789abcdef0123456789abcdef","account_uuid":"","session_id":"5f0c1e1e-0000-4000-8000-000000000000"}""";
        var escaped = System.Text.Json.JsonEncodedText.Encode(userId).ToString();
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", $$""" "metadata":{"user_id":"{{escaped}}"}"""));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(userId)));
        body["safety_identifier"].Str().ShouldBe(expected);
        body["safety_identifier"].Str().Length.ShouldBeLessThanOrEqualTo(64);
        body.ToJsonString().ShouldNotContain("device_id");

        var (_, generic) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", $$""" "metadata":{"user_id":"{{escaped}}"}"""), Targets.Generic);
        generic["user"].Str().ShouldBe(expected);
    }

    [Fact]
    public void StreamingRequestAsksForUsage()
    {
        var (request, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", "\"stream\":true"));
        request.Stream.ShouldBeTrue();
        body["stream"]!.GetValue<bool>().ShouldBeTrue();
        body["stream_options"]!["include_usage"]!.GetValue<bool>().ShouldBeTrue();

        var (plain, plainBody) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", "\"stream\":false"));
        plain.Stream.ShouldBeFalse();
        plainBody.ContainsKey("stream").ShouldBeFalse();
        plainBody.ContainsKey("stream_options").ShouldBeFalse();
    }

    [Theory]
    [InlineData("openai", "gpt-4.1", "max_completion_tokens")]
    [InlineData("openai", "gpt-5", "max_completion_tokens")]
    [InlineData("gemini", "gemini-2.5-pro", "max_tokens")]
    [InlineData("qwen", "qwen3-coder-plus", "max_tokens")]
    [InlineData("deepseek", "deepseek-chat", "max_tokens")]
    [InlineData("openrouter", "x-ai/grok-4", "max_tokens")]
    public void MaxTokensUsesTheFieldEachProviderAccepts(string provider, string model, string field)
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]"""), Targets.For(provider, model, "claude-x"));
        body[field]!.GetValue<long>().ShouldBe(1024);
        body.Count(p => p.Key is "max_tokens" or "max_completion_tokens").ShouldBe(1);
    }

    [Theory]
    [InlineData(512, "low")]
    [InlineData(1024, "low")]
    [InlineData(2047, "low")]
    [InlineData(2048, "medium")]
    [InlineData(4095, "medium")]
    [InlineData(4096, "high")]
    [InlineData(31999, "high")]
    public void ThinkingBudgetIsBucketedIntoReasoningEffort(int budget, string effort)
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            $$""" "max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":{{budget}}}"""), Targets.Generic);
        body["reasoning_effort"].Str().ShouldBe(effort);
    }

    [Theory]
    [InlineData("""{"type":"adaptive","display":"omitted"}""", """{"effort":"high"}""", "high")]
    [InlineData("""{"type":"adaptive"}""", "{}", "medium")]
    [InlineData("""{"type":"adaptive"}""", """{"effort":"low"}""", "low")]
    public void AdaptiveThinkingUsesOutputConfigEffortOrMedium(string thinking, string outputConfig, string effort)
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            $$""" "thinking":{{thinking}},"output_config":{{outputConfig}}"""), Targets.Gpt51);
        body["reasoning_effort"].Str().ShouldBe(effort);
    }

    [Fact]
    public void DisabledThinkingSendsReasoningEffortNoneToOpenAi()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", """ "thinking":{"type":"disabled"}"""), Targets.Gpt51);
        body["reasoning_effort"].Str().ShouldBe("none");
        var (_, generic) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""", """ "thinking":{"type":"disabled"}"""), Targets.Generic);
        generic.ContainsKey("reasoning_effort").ShouldBeFalse();
    }

    [Fact]
    public void StructuredOutputFormatBecomesResponseFormat()
    {
        var (_, body) = Translate.Request(Translate.Body("""[{"role":"user","content":"hi"}]""",
            """ "output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"title":{"type":"string"}}}}}"""));
        body["response_format"]!["type"].Str().ShouldBe("json_schema");
        body["response_format"]!["json_schema"]!["schema"]!["properties"]!["title"]!["type"].Str().ShouldBe("string");
    }

    [Fact]
    public void UnknownKeysAndBlocksAreTolerated()
    {
        var (_, body) = Translate.Request("""
            {"model":"claude-opus-4-7","max_tokens":32000,"future_flag":{"nested":[1,2]},"context_management":{"edits":[]},
             "speed":"fast","diagnostics":{},"container":null,"mcp_servers":[],"service_tier":"auto","cache_control":{"type":"ephemeral"},
             "messages":[{"role":"user","shiny":true,"content":[
                {"type":"text","text":"hello","citations":null,"cache_control":{"type":"ephemeral"}},
                {"type":"hologram","payload":"?"},
                {"type":"container_upload","file_id":"f1"}]}]}
            """);
        body.Messages()[0]!["content"].Str().ShouldBe("hello");
        body.ContainsKey("speed").ShouldBeFalse();
        body.ContainsKey("context_management").ShouldBeFalse();
        body.ContainsKey("service_tier").ShouldBeFalse();
    }

    [Fact]
    public void ToolIdsLongerThanFortyCharactersAreShortenedConsistently()
    {
        const string longId = "functions.mcp__server__very_long_tool_name:12345678901234567890";
        var (_, body) = Translate.Request(Translate.Body($$$"""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"{{{longId}}}","name":"Bash","input":{}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{longId}}}","content":"ok"}]}]
            """));
        var callId = body.Messages()[1]!["tool_calls"]![0]!["id"].Str();
        callId.Length.ShouldBeLessThanOrEqualTo(40);
        callId.ShouldMatch("^[A-Za-z0-9_-]+$");
        body.Messages()[2]!["tool_call_id"].Str().ShouldBe(callId);
        body.Messages()[2]!["content"].Str().ShouldBe("ok");
        var (_, again) = Translate.Request(Translate.Body($$$"""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"{{{longId}}}","name":"Bash","input":{}}]}]
            """));
        again.Messages()[1]!["tool_calls"]![0]!["id"].Str().ShouldBe(callId, "the same id always maps to the same upstream id");
    }

    [Fact]
    public void SystemMessageBetweenToolCallAndResultMovesAfterTheToolMessages()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":"go"},
             {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
             {"role":"system","content":"Reminder: be careful."},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"},{"type":"text","text":"next"}]}]
            """));
        body.Messages().Select(m => m!["role"].Str()).ShouldBe(["user", "assistant", "tool", "system", "user"]);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"model":"m","max_tokens":10}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":"hello"}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[42]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"robot","content":"x"}]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":7}]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"text":"no type"}]}]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","name":"Bash","input":{}}]}]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","content":"x"}]}]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image"}]}]}""")]
    [InlineData("""{"model":"m","max_tokens":"lots","messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"temperature":"hot","messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"stop_sequences":"END","messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"tools":{"name":"x"},"messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"tools":[{"input_schema":{}}],"messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"tool_choice":{"type":"sometimes"},"messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"system":42,"messages":[]}""")]
    [InlineData("""{"model":"m","max_tokens":10,"thinking":"on","messages":[]}""")]
    public void MalformedRequestsComeBackWithAnErrorInsteadOfThrowing(string json)
    {
        var error = Translate.ErrorOf(json);
        error.Length.ShouldBeGreaterThan(5);
    }

    [Fact]
    public void MalformedRequestErrorNamesTheOffendingPath()
    {
        Translate.ErrorOf("""{"model":"m","max_tokens":10,"messages":[{"role":"user","content":"a"},{"role":"assistant","content":[{"type":"tool_use","id":"t","input":{}}]}]}""")
            .ShouldBe("messages.1.content.0.name: Field required");
    }

    [Fact]
    public void DocumentContentSearchResultsAndFileImagesBecomeText()
    {
        var (_, body) = Translate.Request(Translate.Body("""
            [{"role":"user","content":[
              {"type":"document","title":"Guide","source":{"type":"content","content":[{"type":"text","text":"Step one."},{"type":"image","source":{"type":"url","url":"https://e.x/1.png"}}]}},
              {"type":"search_result","title":"Result","source":"https://e.x/r","content":[{"type":"text","text":"Snippet."}]},
              {"type":"image","source":{"type":"file","file_id":"file_123"}}]}]
            """));
        var content = body.Messages()[0]!["content"]!.AsArray();
        content.Select(p => p!["type"].Str()).ShouldBe(["text", "text", "image_url", "text", "text"]);
        content[0]!["text"].Str().ShouldBe("[Document: Guide]");
        content[1]!["text"].Str().ShouldBe("Step one.");
        content[2]!["image_url"]!["url"].Str().ShouldBe("https://e.x/1.png");
        content[3]!["text"].Str().ShouldBe("Result\nhttps://e.x/r\nSnippet.");
        content[4]!["text"].Str().ShouldContain("image omitted");
    }
}
