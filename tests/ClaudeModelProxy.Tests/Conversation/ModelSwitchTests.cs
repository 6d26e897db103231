using System.Text.Json.Nodes;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Conversation;

/// <summary>
/// Users switch models mid-conversation (/model, another alias, MODEL_FALLBACKS). Each switch goes to fakes that enforce
/// the real upstream's history rules; every turn must answer 200 and each upstream must get only what it accepts.
/// </summary>
public class ModelSwitchTests
{
    private const string Gemini = "claude-gemini-3-flash-preview";
    private const string Claude = "claude-opus-4-7";
    private const string Kimi = "claude-kimi-k2.6";

    private static async Task<(StrictProviders, TestGateway)> StartAsync(params (string Key, string Value)[] settings)
    {
        var providers = await StrictProviders.StartAsync();
        var env = TestGateway.AllProvidersAt(providers.Upstream);
        env["UPSTREAM_RETRIES"] = "0";
        foreach (var (key, value) in settings) env[key] = value;
        return (providers, await TestGateway.StartAsync(env));
    }

    private static JsonObject LastBody(StrictProviders providers, string provider) => JsonNode.Parse(providers.RequestsTo(provider).Last().Body)!.AsObject();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ATranslatedTurnWithThinkingThenClaudeAnswersBecauseTheMintedBlocksNeverReachAnthropic(bool stream)
    {
        var (providers, gateway) = await StartAsync();
        await using var _ = providers;
        await using var __ = gateway;
        providers.GeminiReasoning = "I should list the files first.";
        var conversation = new ClientConversation(stream);

        conversation.Ask("list the files");
        var geminiTurn = await conversation.SendAsync(gateway.Client, Gemini);
        geminiTurn.Where(b => b!["type"]!.GetValue<string>() == "thinking").ShouldAllBe(b => b!["signature"]!.GetValue<string>().StartsWith("cmp1.gemini."));
        conversation.AnswerTools();
        var claudeTurn = await conversation.SendAsync(gateway.Client, Claude);

        claudeTurn.Last()!["text"]!.GetValue<string>().ShouldBe("All done.");
        var sent = LastBody(providers, "anthropic");
        sent.ToJsonString().ShouldNotContain("cmp1.");
        sent.ContainsKey("thinking").ShouldBeFalse("the final tool turn came from Gemini and cannot begin with Anthropic thinking");
        var assistant = sent["messages"]![1]!["content"]!.AsArray();
        assistant.Select(b => b!["type"]!.GetValue<string>()).ShouldBe(["text", "tool_use"]);
        assistant[0]!["text"]!.GetValue<string>().ShouldBe("I should list the files first.", "another model's reasoning stays readable as plain text");
        providers.Upstream.Requests.Count.ShouldBe(2, "no retries, no 400s");
    }

    [Fact]
    public async Task ClaudeWithGenuineThinkingThenATranslatedModelThenClaudeAgainKeepsTheGenuineBlockByteForByte()
    {
        var (providers, gateway) = await StartAsync();
        await using var _ = providers;
        await using var __ = gateway;
        var conversation = new ClientConversation(stream: false);

        conversation.Ask("list the files");
        var claudeTurn = await conversation.SendAsync(gateway.Client, Claude);
        var genuine = claudeTurn[0]!.ToJsonString();
        genuine.ShouldContain("EqQBCkYIBxgCKkAnthropicGenuine");
        conversation.AnswerTools();

        await conversation.SendAsync(gateway.Client, Gemini);
        var toGemini = LastBody(providers, "gemini").ToJsonString();
        toGemini.ShouldNotContain("Anthropic thought", customMessage: "Anthropic's thinking is not Gemini's reasoning");
        toGemini.ShouldNotContain("EqQBCkYIBxgCKkA");
        providers.GeminiSignaturesReceived["toolu_anthropic_1"].ShouldBe(StrictProviders.GeminiDummy, "a call Gemini never made gets the documented dummy");

        conversation.Ask("thanks, and now?");
        await conversation.SendAsync(gateway.Client, Claude);
        var toClaude = providers.RequestsTo("anthropic").Last();
        toClaude.BodyText.ShouldContain(genuine, customMessage: "the genuine block arrives exactly as Anthropic sent it");
        JsonNode.Parse(toClaude.Body)!["thinking"]!["type"]!.GetValue<string>().ShouldBe("adaptive");
    }

    [Fact]
    public async Task AToolCallHistoryFromATranslatedModelGoesToKimiWithThinkingAdaptive()
    {
        var (providers, gateway) = await StartAsync();
        await using var _ = providers;
        await using var __ = gateway;
        var conversation = new ClientConversation();

        conversation.Ask("list the files");
        await conversation.SendAsync(gateway.Client, Gemini);
        conversation.AnswerTools();
        var kimiTurn = await conversation.SendAsync(gateway.Client, Kimi);

        kimiTurn.Last()!["text"]!.GetValue<string>().ShouldBe("All done.");
        var sent = LastBody(providers, "moonshot");
        sent.ContainsKey("thinking").ShouldBeFalse("Kimi rejects thinking when a tool-call turn has none of its reasoning");
        sent.ToJsonString().ShouldNotContain("cmp1.");
        sent["messages"]![1]!["content"]!.AsArray().Select(b => b!["type"]!.GetValue<string>()).ShouldBe(["tool_use"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task KimisOwnToolLoopKeepsThinkingAndGetsItsOwnBlocksBackByteForByte(bool stream)
    {
        var (providers, gateway) = await StartAsync();
        await using var _ = providers;
        await using var __ = gateway;
        var conversation = new ClientConversation(stream);

        conversation.Ask("list the files");
        var first = await conversation.SendAsync(gateway.Client, Kimi);
        first[0]!["signature"]!.GetValue<string>().ShouldStartWith("cmp1.moonshot.", customMessage: "the client holds Kimi's signature tagged with its provider");
        conversation.AnswerTools();
        await conversation.SendAsync(gateway.Client, Kimi);

        var sent = providers.RequestsTo("moonshot").Last();
        sent.BodyText.ShouldContain(providers.OwnThinkingBlocks.First(), customMessage: "Kimi gets its block back exactly as it sent it");
        JsonNode.Parse(sent.Body)!["thinking"]!["type"]!.GetValue<string>().ShouldBe("adaptive");
        var expected = conversation.LastRequestBody
            .Replace("\"model\":\"claude-kimi-k2.6\"", "\"model\":\"kimi-k2.6\"")
            .Replace(first[0]!["signature"]!.GetValue<string>(), "moonshot-own-1/x\\u002By==", StringComparison.Ordinal); // as Kimi escaped it
        sent.BodyText.ShouldBe(expected, "only the model and Kimi's own signature change");
    }

    [Fact]
    public async Task KimiWithThinkingThenClaudeAnswersBecauseKimisSignaturesNeverReachAnthropic()
    {
        var (providers, gateway) = await StartAsync();
        await using var _ = providers;
        await using var __ = gateway;
        var conversation = new ClientConversation();

        conversation.Ask("list the files");
        await conversation.SendAsync(gateway.Client, Kimi);
        conversation.AnswerTools();
        var claudeTurn = await conversation.SendAsync(gateway.Client, Claude);

        claudeTurn.Last()!["text"]!.GetValue<string>().ShouldBe("All done.");
        var sent = LastBody(providers, "anthropic");
        sent.ToJsonString().ShouldNotContain("moonshot-own");
        sent.ToJsonString().ShouldNotContain("cmp1.");
        sent.ContainsKey("thinking").ShouldBeFalse();
        sent["messages"]![1]!["content"]![0]!["text"]!.GetValue<string>().ShouldBe("moonshot thought 1.");
    }

    [Fact]
    public async Task AFallbackToAnotherPassThroughProviderGetsThatProvidersHygiene()
    {
        var (providers, gateway) = await StartAsync(("MODEL_FALLBACKS", $"{Kimi}={Claude}"));
        await using var _ = providers;
        await using var __ = gateway;
        providers.GeminiReasoning = "Listing first.";
        var conversation = new ClientConversation();

        conversation.Ask("list the files");
        await conversation.SendAsync(gateway.Client, Gemini);
        conversation.AnswerTools();
        providers.Overloaded["moonshot"] = true;
        var reply = await conversation.SendAsync(gateway.Client, Kimi);

        reply.Last()!["text"]!.GetValue<string>().ShouldBe("All done.");
        providers.RequestsTo("moonshot").Count().ShouldBe(1);
        var toAnthropic = LastBody(providers, "anthropic");
        toAnthropic["model"]!.GetValue<string>().ShouldBe("claude-opus-4-7");
        toAnthropic.ToJsonString().ShouldNotContain("cmp1.");
        toAnthropic.ContainsKey("thinking").ShouldBeFalse();
        toAnthropic["messages"]![1]!["content"]![0]!["text"]!.GetValue<string>().ShouldBe("Listing first.");
    }
}
