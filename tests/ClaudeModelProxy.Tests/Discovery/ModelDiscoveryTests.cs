using System.Net;
using System.Text.Json;
using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Providers;
using ClaudeModelProxy.Tests.Service;
using ClaudeModelProxy.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace ClaudeModelProxy.Tests.Discovery;

public class ModelDiscoveryTests
{
    private sealed record Listed(string Id, string DisplayName, string? Tier, bool? IsFamilyDefault);

    private static async Task<List<Listed>> ListAsync(TestGateway gateway, string query = "?limit=1000")
    {
        var root = JsonDocument.Parse(await gateway.Client.GetStringAsync("/v1/models" + query)).RootElement;
        return root.GetProperty("data").EnumerateArray().Select(m => new Listed(
            m.GetProperty("id").GetString()!,
            m.GetProperty("display_name").GetString()!,
            m.TryGetProperty("anthropic_family_tier", out var tier) ? tier.GetString() : null,
            m.TryGetProperty("is_family_default", out var isDefault) ? isDefault.GetBoolean() : null)).ToList();
    }

    /// <summary>
    /// Each provider's fake answers in its own wire format and insists on its own key and a real upstream model name
    /// (an alias or a Desktop id leaking upstream is a 404, as the real services answer an unknown model).
    /// </summary>
    private static Func<HttpContext, RecordedRequest, Task> EveryProvider(HashSet<string> upstreamModels) => async (context, seen) =>
    {
        var provider = ProviderCatalog.All.Single(p => seen.Path.StartsWith("/" + p.Id + "/", StringComparison.Ordinal));
        var key = seen.Header("x-api-key") ?? seen.Header("authorization")?.Replace("Bearer ", "");
        var model = JsonDocument.Parse(seen.Body).RootElement.GetProperty("model").GetString()!;
        context.Response.ContentType = "application/json";
        if (key != TestGateway.KeyOf(provider.Id))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}""");
            return;
        }
        if (!upstreamModels.Contains(model))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync($$$"""{"type":"error","error":{"type":"not_found_error","message":"model: {{{model}}}"}}""");
            return;
        }
        await context.Response.WriteAsync(seen.Path switch
        {
            _ when seen.Path.EndsWith("/v1/messages", StringComparison.Ordinal) =>
                $$$"""{"id":"msg_1","type":"message","role":"assistant","model":"{{{model}}}","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":1}}""",
            _ when seen.Path.EndsWith("/chat/completions", StringComparison.Ordinal) =>
                $$$"""{"id":"c1","object":"chat.completion","created":1,"model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""",
            _ when seen.Path.EndsWith("/responses", StringComparison.Ordinal) =>
                $$$"""{"id":"resp_1","object":"response","created_at":1,"status":"completed","model":"{{{model}}}","output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"hi","annotations":[]}]}],"usage":{"input_tokens":3,"input_tokens_details":{"cached_tokens":0},"output_tokens":1,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":4}}""",
            _ => throw new InvalidOperationException("unexpected path " + seen.Path),
        });
    };

    [Fact]
    public async Task EveryListedIdBeginsWithClaudeCarriesItsTierWhereItHasOneAndAnswers200()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = EveryProvider([.. ProviderCatalog.All.ModelRoutes.Keys]);
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        var listed = await ListAsync(gateway);

        listed.Count.ShouldBeGreaterThan(50, "4 slots, the aliases and a Desktop id per non-Claude model");
        listed.Select(m => m.Id).ShouldBeUnique();
        foreach (var model in listed)
        {
            DesktopRules.PassesClaudeCodeFilter(model.Id).ShouldBeTrue(model.Id);
            DesktopRules.PassesFirstValidator(model.Id).ShouldBeTrue(model.Id);
            model.DisplayName.ShouldContain(" via ", customMessage: model.Id);
        }
        foreach (var tier in DesktopRules.Tiers)
        {
            var slot = listed.Single(m => m.Id == "claude-" + tier);
            slot.Tier.ShouldBe(tier);
            slot.IsFamilyDefault.ShouldBe(true);
        }
        listed.Single(m => m.Id == "claude-opus-0-deepseek-v4-pro").DisplayName.ShouldBe("deepseek-v4-pro via DeepSeek");
        listed.Single(m => m.Id == "claude-opus-0-deepseek-v4-pro").Tier.ShouldBe("opus");
        listed.Where(m => m.Tier is not null).ShouldAllBe(m => m.IsFamilyDefault != null);

        foreach (var model in listed)
        {
            using var response = await gateway.Client.SendAsync(TestGateway.MessagesRequest($$"""{"model":"{{model.Id}}","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"""));
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{model.Id}: {body}");
            JsonDocument.Parse(body).RootElement.GetProperty("model").GetString().ShouldBe(model.Id);
        }
    }

    [Fact]
    public async Task DesktopReadsTheListThroughItsFilterAndKeepsEveryEntry()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["DEEPSEEK_API_KEY"] = "k", ["GEMINI_API_KEY"] = "k", ["ANTHROPIC_API_KEY"] = "k" });
        var listed = await ListAsync(gateway);
        listed.ShouldAllBe(m => DesktopRules.PassesDiscoveryFilter(m.Id, m.Tier) || m.Id.StartsWith("claude-deepseek") || m.Id.StartsWith("claude-gemini"));
        // Every model Desktop cannot keep under its alias is there under a Desktop id in its tier.
        foreach (var alias in listed.Where(m => !DesktopRules.PassesDiscoveryFilter(m.Id, m.Tier)))
            listed.ShouldContain(m => m.Tier != null && m.DisplayName == alias.DisplayName && DesktopRules.PassesStrictValidator(m.Id), alias.Id);
    }

    [Fact]
    public async Task OnlyModelsWhoseProviderHasAKeyAreListed()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["GLM_API_KEY"] = "k" });
        var listed = await ListAsync(gateway);
        listed.ShouldNotBeEmpty();
        listed.ShouldAllBe(m => m.DisplayName.EndsWith("via Z.AI GLM"));
        listed.ShouldNotContain(m => m.Id == "claude-sonnet", "the slots use DeepSeek, which has no key");

        await using var none = await TestGateway.StartAsync(new Dictionary<string, string?>());
        (await ListAsync(none)).ShouldBeEmpty();

        // Without an Anthropic key the default Claude aliases stand in for their slots: they route, but are not listed twice.
        await using var deepseek = await TestGateway.StartAsync(new Dictionary<string, string?> { ["DEEPSEEK_API_KEY"] = "k" });
        var ids = (await ListAsync(deepseek)).Select(m => m.Id).ToList();
        ids.ShouldBe(["claude-sonnet", "claude-opus", "claude-haiku", "claude-fable", "claude-deepseek-v4-flash", "claude-deepseek-v4-pro", "claude-haiku-0-deepseek-v4-flash", "claude-opus-0-deepseek-v4-pro"]);
    }

    [Fact]
    public async Task PagesFollowLimitAfterIdAndBeforeId()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var gateway = await TestGateway.StartAsync(TestGateway.AllProvidersAt(upstream));
        var all = (await ListAsync(gateway)).Select(m => m.Id).ToList();

        var pages = new List<string>();
        string? after = null;
        for (var guard = 0; guard < 100; guard++)
        {
            var root = JsonDocument.Parse(await gateway.Client.GetStringAsync("/v1/models?limit=7" + (after is null ? "" : "&after_id=" + after))).RootElement;
            var ids = root.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToList();
            ids.Count.ShouldBeLessThanOrEqualTo(7);
            pages.AddRange(ids);
            root.GetProperty("last_id").GetString().ShouldBe(ids[^1]);
            if (!root.GetProperty("has_more").GetBoolean()) break;
            after = root.GetProperty("last_id").GetString();
        }
        pages.ShouldBe(all);

        var before = JsonDocument.Parse(await gateway.Client.GetStringAsync($"/v1/models?limit=3&before_id={all[10]}")).RootElement;
        before.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ShouldBe(all[7..10]);
        before.GetProperty("has_more").GetBoolean().ShouldBeTrue();
        var first = JsonDocument.Parse(await gateway.Client.GetStringAsync($"/v1/models?limit=5&before_id={all[2]}")).RootElement;
        first.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ShouldBe(all[..2]);
        first.GetProperty("has_more").GetBoolean().ShouldBeFalse();
    }

    [Theory]
    [InlineData("?limit=0", "limit must be a whole number from 1 to 1000")]
    [InlineData("?limit=abc", "limit must be a whole number from 1 to 1000")]
    [InlineData("?limit=1001", "limit must be a whole number from 1 to 1000")]
    [InlineData("?after_id=claude-nope", "\"claude-nope\" is not a model this gateway lists")]
    [InlineData("?after_id=claude-sonnet&before_id=claude-opus", "not both")]
    public async Task ABadPageRequestIsA400(string query, string message)
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["DEEPSEEK_API_KEY"] = "k" });
        using var response = await gateway.Client.GetAsync("/v1/models" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        error.GetProperty("type").GetString().ShouldBe("invalid_request_error");
        error.GetProperty("message").GetString()!.ShouldContain(message);
    }

    [Fact]
    public async Task OneCanonicalIdIsDescribedEvenThoughItIsNotListed()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["DEEPSEEK_API_KEY"] = "k" });
        var one = JsonDocument.Parse(await gateway.Client.GetStringAsync("/v1/models/claude-opus-4-8")).RootElement;
        one.GetProperty("display_name").GetString().ShouldBe("deepseek-v4-pro via DeepSeek");
        one.GetProperty("anthropic_family_tier").GetString().ShouldBe("opus");
    }

    [Fact]
    public async Task TheDesktopCommandPrintsOnlyIdsDesktopAccepts()
    {
        var env = new Dictionary<string, string?> { ["DEEPSEEK_API_KEY"] = "sk-deepseek-secret-1", ["OPENAI_API_KEY"] = "sk-openai-secret-2", ["ANTHROPIC_API_KEY"] = "sk-ant-secret-3", ["PORT"] = "8799" };
        var result = await ProxyCli.RunAsync(env, "desktop", "--json");
        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldNotContain("secret");
        var root = JsonDocument.Parse(result.Stdout).RootElement;
        root.GetProperty("inferenceProvider").GetString().ShouldBe("gateway");
        root.GetProperty("inferenceGatewayBaseUrl").GetString().ShouldBe("http://127.0.0.1:8799");
        root.GetProperty("inferenceGatewayAuthScheme").GetString().ShouldBe("bearer");
        root.GetProperty("inferenceGatewayApiKey").GetString().ShouldBe("dummy-claude-model-proxy");
        var models = root.GetProperty("inferenceModels").EnumerateArray().ToList();
        models[0].GetProperty("name").GetString().ShouldBe("claude-sonnet-0-deepseek-v4-pro", "the sonnet slot's model is Desktop's default");
        models[0].GetProperty("isFamilyDefault").GetBoolean().ShouldBeTrue();
        foreach (var model in models)
        {
            var name = model.GetProperty("name").GetString()!;
            DesktopRules.PassesStrictValidator(name).ShouldBeTrue(name);
            DesktopRules.PassesFirstValidator(name).ShouldBeTrue(name);
            var label = model.GetProperty("labelOverride").GetString()!;
            label.Length.ShouldBeLessThanOrEqualTo(80);
            label.ShouldNotContain("[");
            DesktopRules.Tiers.ShouldContain(model.GetProperty("anthropicFamilyTier").GetString());
        }
        var names = models.Select(m => m.GetProperty("name").GetString()).ToList();
        names.ShouldContain("claude-sonnet-0-gpt-5-4");
        names.ShouldContain("claude-opus-4-7", "a real Anthropic model keeps its id");
        names.ShouldNotContain(n => n!.Contains("glm"), "GLM has no key");

        var withToken = await ProxyCli.RunAsync(new Dictionary<string, string?>(env) { ["PROXY_AUTH_TOKEN"] = "tok-very-secret" }, "desktop");
        withToken.ExitCode.ShouldBe(0, withToken.ToString());
        withToken.Stdout.ShouldContain("Gateway API key      <your PROXY_AUTH_TOKEN>");
        withToken.Stdout.ShouldNotContain("tok-very-secret");
    }
}
