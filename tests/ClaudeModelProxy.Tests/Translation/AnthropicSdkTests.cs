using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Translation;

/// <summary>The official @anthropic-ai/sdk (1.x and 0.x) against the gateway in front of a fake OpenAI upstream.</summary>
public class AnthropicSdkTests
{
    private static string Sse(params string[] chunks) => string.Concat(chunks.Select(c => "data: " + c + "\n\n")) + "data: [DONE]\n\n";

    /// <summary>Answers like OpenAI, choosing by the conversation, and checks the tool_result follow-up.</summary>
    private static async Task FakeOpenAi(HttpContext context, RecordedRequest request)
    {
        var body = JsonNode.Parse(request.Body)!;
        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!;
        var lastText = last["content"]?.ToJsonString() ?? "";
        string reply;
        var stream = body["stream"]?.GetValue<bool>() == true;
        if (last["role"]!.GetValue<string>() == "tool")
        {
            var assistant = messages[^2]!;
            var callId = assistant["tool_calls"]![0]!["id"]!.GetValue<string>();
            var ok = assistant["role"]!.GetValue<string>() == "assistant"
                && last["tool_call_id"]!.GetValue<string>() == callId
                && last["content"]!.ToString().Contains("18°C and sunny");
            reply = ok
                ? """{"id":"c4","choices":[{"index":0,"message":{"role":"assistant","content":"It is 18°C in Paris."},"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":8,"total_tokens":48}}"""
                : """{"id":"c4","choices":[{"index":0,"message":{"role":"assistant","content":"TOOL MESSAGE WAS WRONG"},"finish_reason":"stop"}]}""";
        }
        else if (lastText.Contains("say hello"))
            reply = """{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake upstream"},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":5,"total_tokens":14}}""";
        else if (lastText.Contains("think about it"))
            reply = """{"id":"c5","choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"Weighing the options.","content":"Done thinking."},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":20,"total_tokens":29}}""";
        else if (lastText.Contains("stream hello"))
            reply = Sse(
                """{"id":"c2","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}""",
                """{"id":"c2","choices":[{"index":0,"delta":{"content":"Hello "}}]}""",
                """{"id":"c2","choices":[{"index":0,"delta":{"content":"streamed world"}}]}""",
                """{"id":"c2","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""",
                """{"id":"c2","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":7,"total_tokens":16}}""");
        else
            reply = Sse(
                """{"id":"c3","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_w1","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""",
                """{"id":"c3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}}]}""",
                """{"id":"c3","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}}]}""",
                """{"id":"c3","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
                """{"id":"c3","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":10,"total_tokens":40}}""");
        context.Response.ContentType = stream ? "text/event-stream" : "application/json";
        await context.Response.WriteAsync(reply);
    }

    [Theory]
    [InlineData("@anthropic-ai/sdk")]
    [InlineData("anthropic-sdk-0x")]
    public async Task TheOfficialSdkSeesTextStreamsToolUseAndThinking(string sdkPackage)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeOpenAi;
        // This fake speaks Chat Completions; the Responses route has its own SDK test (Responses/ResponsesSdkTests).
        var env = TestGateway.AllProvidersAt(upstream);
        env["OPENAI_WIRE_API"] = "chat";
        await using var gateway = await TestGateway.StartAsync(env);

        var run = await NodeTools.RunAsync("node", [Path.Combine(NodeTools.JsFolder, "sdk-roundtrip.mjs"), gateway.Url, sdkPackage], workingDirectory: NodeTools.JsFolder);

        run.ExitCode.ShouldBe(0, run.ToString());
        var seen = JsonNode.Parse(run.Stdout.Trim().Split('\n')[^1])!;
        seen["plain"]!["model"]!.GetValue<string>().ShouldBe("claude-gpt-5.4");
        seen["plain"]!["text"]!.GetValue<string>().ShouldBe("Hello from the fake upstream");
        seen["plain"]!["stop"]!.GetValue<string>().ShouldBe("end_turn");
        seen["streamed"]!["text"]!.GetValue<string>().ShouldBe("Hello streamed world");
        seen["streamed"]!["final"]!.GetValue<string>().ShouldBe("Hello streamed world");
        seen["streamed"]!["outputTokens"]!.GetValue<int>().ShouldBe(7);
        seen["tool"]!["name"]!.GetValue<string>().ShouldBe("get_weather");
        seen["tool"]!["input"]!["city"]!.GetValue<string>().ShouldBe("Paris");
        seen["tool"]!["stop"]!.GetValue<string>().ShouldBe("tool_use");
        seen["answer"]!["text"]!.GetValue<string>().ShouldBe("It is 18°C in Paris.");
        seen["reasoning"]!["types"]!.AsArray().Select(t => t!.GetValue<string>()).ShouldBe(["thinking", "text"]);
        seen["reasoning"]!["thinking"]!.GetValue<string>().ShouldBe("Weighing the options.");
        upstream.Requests.ShouldAllBe(r => r.Path == "/openai/chat/completions");
    }
}
