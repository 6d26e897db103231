using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Responses;
using ClaudeModelProxy.Tests.OpenAi;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Responses;

/// <summary>The official @anthropic-ai/sdk (1.x and 0.x) on claude-gpt-5.4 through the Responses route, tools and thinking on.</summary>
public class ResponsesSdkTests
{
    /// <summary>First turn: reasoning, a sentence and two parallel calls; after the tool results: the answer.</summary>
    private static IReadOnlyList<FakeItem> Conversation(JsonObject request)
    {
        var last = request["input"]!.AsArray()[^1]!;
        if (last["type"]?.GetValue<string>() == "function_call_output") return [new FakeReasoning("Both are sunny."), new FakeText("Paris and Rome are both 18°C.")];
        return
        [
            new FakeReasoning("The user wants two cities;", " I can ask for both at once."),
            new FakeText("Checking both."),
            new FakeCall("call_paris", "get_weather", "{\"city\":", "\"Paris\"}"),
            new FakeCall("call_rome", "get_weather", "{\"city\":\"Rome\"}"),
        ];
    }

    [Theory]
    [InlineData("@anthropic-ai/sdk")]
    [InlineData("anthropic-sdk-0x")]
    public async Task TheOfficialSdkGetsThinkingAndParallelToolUseAndTheNextTurnReturnsTheEncryptedReasoning(string sdkPackage)
    {
        var fake = new FakeOpenAi { Reply = Conversation };
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = fake.Handler;
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));

        var run = await NodeTools.RunAsync("node", [Path.Combine(NodeTools.JsFolder, "sdk-responses.mjs"), gateway.Url, sdkPackage], workingDirectory: NodeTools.JsFolder);

        run.ExitCode.ShouldBe(0, run.ToString());
        var seen = JsonNode.Parse(run.Stdout.Trim().Split('\n')[^1])!;
        foreach (var turn in new[] { seen["plain"]!, seen["streamed"]! })
        {
            turn["types"]!.AsArray().Select(t => t.Str()).ShouldBe(["thinking", "text", "tool_use", "tool_use"]);
            turn["thinking"].Str().ShouldBe("The user wants two cities; I can ask for both at once.");
            ReasoningSignature.TryDecode(turn["signature"].Str(), "openai", out _).ShouldBeTrue();
            var calls = turn["tools"]!.AsArray();
            calls.Select(c => c!["input"]!["city"].Str()).ShouldBe(["Paris", "Rome"]);
            calls.Select(c => c!["id"].Str()).ShouldBe(["call_paris", "call_rome"]);
            turn["stop"].Str().ShouldBe("tool_use");
            turn["usage"]!["cache_read_input_tokens"]!.GetValue<int>().ShouldBe(100);
        }
        seen["streamed"]!["thinkingEvents"].Str().ShouldBe("The user wants two cities; I can ask for both at once.");
        seen["plainAnswer"].Str().ShouldBe("Paris and Rome are both 18°C.");
        seen["streamedAnswer"].Str().ShouldBe("Paris and Rome are both 18°C.");

        // Four requests, all to /responses; each follow-up carried its own first turn's exact encrypted reasoning before the calls.
        var requests = upstream.Requests.ToList();
        requests.Count.ShouldBe(4);
        requests.ShouldAllBe(r => r.Path == "/openai/responses");
        var minted = fake.MintedContents.ToList(); // turn 1, its answer, streamed turn 1, its answer
        foreach (var (followUp, firstTurnContent) in new[] { (requests[1], minted[0]), (requests[3], minted[2]) })
        {
            var input = JsonNode.Parse(followUp.Body)!["input"]!.AsArray();
            var reasoning = input.Single(i => i!["type"]?.GetValue<string>() == "reasoning")!;
            reasoning["encrypted_content"].Str().ShouldBe(firstTurnContent);
            input.IndexOf(reasoning).ShouldBe(input.IndexOf(input.First(i => i!["type"]?.GetValue<string>() == "function_call")) - 2, "reasoning, then the assistant's text, then its calls");
            input.Where(i => i!["type"]?.GetValue<string>() == "function_call_output").Select(i => i!["call_id"].Str()).ShouldBe(["call_paris", "call_rome"]);
        }
        var first = JsonNode.Parse(requests[0].Body)!;
        first["reasoning"]!["effort"].Str().ShouldBe("high");
        first["tools"]![0]!["strict"]!.GetValue<bool>().ShouldBeFalse();
        JsonNode.Parse(requests[2].Body)!["stream"]!.GetValue<bool>().ShouldBeTrue();
    }
}
