using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ClaudeModelProxy.Core.Anthropic;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Providers;

/// <summary>
/// A provider is one definition: these two exist only in this test project, are handed to the gateway as an extra
/// catalog entry, and are routed to end to end without any other change.
/// </summary>
public class TestOnlyProviderTests
{
    /// <summary>An OpenAI-compatible provider: one definition line, its model offered as claude-acme-coder-1.</summary>
    private static readonly ProviderDefinition Acme =
        ProviderDefinition.ChatCompletions("acme", "Acme AI", "ACME", "https://api.acme.invalid/v1") with { DefaultModels = ["acme-coder-1"] };

    /// <summary>An Anthropic-compatible provider with a request repair of its own.</summary>
    private static readonly ProviderDefinition Relay =
        new ProviderDefinition("relay", "Relay", "RELAY", "https://relay.invalid/anthropic", WireFormat.AnthropicMessages)
        {
            DefaultModels = ["relay-large"],
            OwnRepair = new LowerTopKRepair(),
        };

    /// <summary>A stand-in for a provider's history rule: this upstream refuses top_k above 20.</summary>
    private sealed class LowerTopKRepair : IRequestRepair
    {
        public RepairResult Repair(ReadOnlySpan<byte> body)
        {
            var at = body.IndexOf("\"top_k\":40"u8);
            return at < 0 ? RepairResult.None : new RepairResult([new ByteEdit(at, "\"top_k\":40".Length, "\"top_k\":20"u8.ToArray())], 0, 0, false);
        }
    }

    private static async Task<(FakeUpstream, TestGateway)> StartAsync(ProviderDefinition extra, string reply)
    {
        var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = FakeUpstream.Json(reply);
        var env = TestGateway.AllProvidersAt(upstream);
        env[extra.BaseUrlVariable] = upstream.BaseUrl + "/" + extra.Id;
        env[extra.KeyVariable] = TestGateway.KeyOf(extra.Id);
        return (upstream, await TestGateway.StartAsync(env, catalog: ProviderCatalog.All.With(extra)));
    }

    [Fact]
    public async Task AnOpenAiCompatibleProviderDefinedOnlyInATestIsRoutedTranslatedAndAnsweredUnderItsAlias()
    {
        var (upstream, gateway) = await StartAsync(Acme,
            """{"id":"c1","object":"chat.completion","model":"acme-coder-1","choices":[{"index":0,"message":{"role":"assistant","content":"Hi from Acme"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":3,"total_tokens":10}}""");
        await using var _ = upstream;
        await using var __ = gateway;

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest("""{"model":"claude-acme-coder-1","max_tokens":50,"messages":[{"role":"user","content":"Hello"}]}"""));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        reply["model"]!.GetValue<string>().ShouldBe("claude-acme-coder-1");
        reply["content"]![0]!["text"]!.GetValue<string>().ShouldBe("Hi from Acme");
        var seen = upstream.LastRequest;
        seen.Path.ShouldBe("/acme/chat/completions");
        seen.Header("authorization").ShouldBe("Bearer " + TestGateway.KeyOf("acme"));
        JsonNode.Parse(seen.Body)!["model"]!.GetValue<string>().ShouldBe("acme-coder-1");
    }

    [Fact]
    public async Task APassThroughProvidersOwnRequestRepairIsAppliedAsAByteEditBesideTheModel()
    {
        var (upstream, gateway) = await StartAsync(Relay,
            """{"id":"msg_1","type":"message","role":"assistant","model":"relay-large","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""");
        await using var _ = upstream;
        await using var __ = gateway;
        const string body = """{"model":"claude-relay-large", "max_tokens":50,"top_k":40,"messages":[{"role":"user","content":"Hello"}]}""";

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(body));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        upstream.LastRequest.Path.ShouldBe("/relay/v1/messages");
        Encoding.UTF8.GetString(upstream.LastRequest.Body)
            .ShouldBe(body.Replace("claude-relay-large", "relay-large").Replace("\"top_k\":40", "\"top_k\":20"), "only the model and the repair's bytes change");
    }

    [Fact]
    public async Task APassThroughProviderBuiltWithTheConstructorGetsItsOwnTaggedSignaturesBackUntagged()
    {
        var (upstream, gateway) = await StartAsync(Relay,
            """{"id":"msg_1","type":"message","role":"assistant","model":"relay-large","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}""");
        await using var _ = upstream;
        await using var __ = gateway;
        var body = $$"""{"model":"claude-relay-large","max_tokens":50,"top_k":40,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"thinking","thinking":"Relay thought.","signature":"{{PassThroughSignatures.Wrap("relay", "relay-sig")}}"},{"type":"text","text":"Hello"}]},{"role":"user","content":"Again"}]}""";

        using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest(body));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var sent = Encoding.UTF8.GetString(upstream.LastRequest.Body);
        sent.ShouldContain("\"signature\":\"relay-sig\"", customMessage: "the relay's own signature goes back as it sent it");
        sent.ShouldContain("\"top_k\":20", customMessage: "its own repair still applies");
    }

    [Fact]
    public void ATestsExtraProviderDoesNotLeakIntoTheProductionCatalogOrSettings()
    {
        ProviderCatalog.All.With(Acme).Find("acme").ShouldBe(Acme);
        ProviderCatalog.All.Find("acme").ShouldBeNull();
        SettingsLoader.Load(new Dictionary<string, string?> { ["ACME_API_KEY"] = "k" }).FindProvider("acme").ShouldBeNull();
        SettingsLoader.Load(new Dictionary<string, string?>()).ModelMap.ShouldNotContainKey("claude-acme-coder-1");
    }
}
