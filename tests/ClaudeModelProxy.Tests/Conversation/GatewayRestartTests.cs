using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Conversation;

/// <summary>
/// The conversation is the only state: a Gemini tool loop survives the gateway restarting between the tool call and
/// the tool result, and two gateway copies behind a load balancer can serve alternate turns. The real executable runs.
/// </summary>
public class GatewayRestartTests
{
    private const string Gemini = "claude-gemini-3-flash-preview";

    private static async Task<(ProxyProcess Process, HttpClient Client)> StartGatewayAsync(StrictProviders providers)
    {
        var port = FreePort.Next();
        var env = TestGateway.AllProvidersAt(providers.Upstream);
        env["PORT"] = port.ToString();
        env["UPSTREAM_RETRIES"] = "0";
        var process = ProxyProcess.Start(env, "serve");
        await Eventually.TrueAsync(() => Eventually.PortAnswersAsync(port), TimeSpan.FromSeconds(15), "the gateway listens");
        return (process, new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>The calls of the last tool turn reached Gemini with the signatures it minted on them, the dummy nowhere.</summary>
    private static void GeminiGotItsOwnSignaturesBack(StrictProviders providers, ClientConversation conversation)
    {
        var ids = conversation.Messages[^3]!["content"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "tool_use").Select(b => b!["id"]!.GetValue<string>()).ToList();
        ids.Count.ShouldBe(providers.GeminiParallelCalls);
        providers.GeminiSignaturesReceived[ids[0]].ShouldBe(providers.GeminiSignatures[ids[0]], "the real signature, on the call Gemini signed");
        foreach (var unsigned in ids.Skip(1)) providers.GeminiSignaturesReceived[unsigned].ShouldBeNull("Gemini signs only the first parallel call");
        providers.GeminiSignaturesReceived.Values.ShouldNotContain(StrictProviders.GeminiDummy);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AGeminiToolLoopSurvivesAGatewayRestartBetweenTheCallAndTheResult(bool stream)
    {
        await using var providers = await StrictProviders.StartAsync();
        providers.GeminiParallelCalls = 3;
        var conversation = new ClientConversation(stream);

        var (a, clientA) = await StartGatewayAsync(providers);
        conversation.Ask("run three commands");
        await conversation.SendAsync(clientA, Gemini);
        clientA.Dispose();
        await a.DisposeAsync(); // killed, as when Claude Desktop restarts the extension

        var (b, clientB) = await StartGatewayAsync(providers);
        await using var _ = b;
        using var __ = clientB;
        conversation.AnswerTools();
        var final = await conversation.SendAsync(clientB, Gemini);

        final.Last()!["text"]!.GetValue<string>().ShouldBe("All done.");
        GeminiGotItsOwnSignaturesBack(providers, conversation);
    }

    [Fact]
    public async Task TwoGatewaysSideBySideServeAlternateTurnsOfOneGeminiConversation()
    {
        await using var providers = await StrictProviders.StartAsync();
        providers.GeminiParallelCalls = 2;
        var (a, clientA) = await StartGatewayAsync(providers);
        var (b, clientB) = await StartGatewayAsync(providers);
        await using var _ = a;
        await using var __ = b;
        using var ___ = clientA;
        using var ____ = clientB;
        var conversation = new ClientConversation();

        for (var round = 0; round < 3; round++)
        {
            var (first, second) = round % 2 == 0 ? (clientA, clientB) : (clientB, clientA);
            conversation.Ask($"round {round}: run two commands");
            await conversation.SendAsync(first, Gemini);
            conversation.AnswerTools();
            (await conversation.SendAsync(second, Gemini)).Last()!["text"]!.GetValue<string>().ShouldBe("All done.");
            GeminiGotItsOwnSignaturesBack(providers, conversation);
        }
        a.Stderr.ShouldContain("gemini/gemini-3-flash-preview 200");
        b.Stderr.ShouldContain("gemini/gemini-3-flash-preview 200");
    }
}
