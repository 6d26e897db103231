using System.Net;
using System.Text.Json;
using ClaudeModelProxy.Tests.Support;

namespace ClaudeModelProxy.Tests.Gateway;

public class EndpointTests
{
    [Fact]
    public async Task HealthzIdentifiesTheServiceAndNeverShowsKeys()
    {
        var env = new Dictionary<string, string?>
        {
            ["GLM_API_KEY"] = "sk-glm-very-secret-value",
            ["OPENAI_BASE_URL"] = "https://user:pa55word@openai.example/v1",
            ["MODEL_ROUTES"] = "x=nowhere",
        };
        await using var gateway = await TestGateway.StartAsync(env);
        var text = await gateway.Client.GetStringAsync("/healthz");
        var root = JsonDocument.Parse(text).RootElement;

        root.GetProperty("service").GetString().ShouldBe("claude-model-proxy");
        root.GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
        root.GetProperty("localUrl").GetString().ShouldBe(gateway.Url);
        root.GetProperty("rewriteResponses").GetBoolean().ShouldBeTrue();
        var providers = root.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        providers["glm"].GetProperty("hasApiKey").GetBoolean().ShouldBeTrue();
        providers["deepseek"].GetProperty("hasApiKey").GetBoolean().ShouldBeFalse();
        providers["openai"].GetProperty("baseUrl").GetString().ShouldBe("https://***@openai.example/v1");
        root.GetProperty("modelMap").GetProperty("claude-glm-5.1").GetString().ShouldBe("glm-5.1");
        root.GetProperty("problems").EnumerateArray().ShouldHaveSingleItem().GetString()!.ShouldContain("nowhere");
        text.ShouldNotContain("sk-glm-very-secret-value");
        text.ShouldNotContain("pa55word");
    }

    [Fact]
    public async Task HeadAndGetOfTheRootAnswerFast()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>());
        using var head = await gateway.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var get = await gateway.Client.GetAsync("/?x=1");
        get.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ModelsListsTheUsableIdsInAnthropicShape()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["MODEL_MAP"] = "claude-extra=glm-5", ["GLM_API_KEY"] = "k", ["OPENAI_API_KEY"] = "k" });
        var root = JsonDocument.Parse(await gateway.Client.GetStringAsync("/v1/models")).RootElement;
        var data = root.GetProperty("data").EnumerateArray().ToList();
        root.GetProperty("has_more").GetBoolean().ShouldBeFalse();
        root.GetProperty("first_id").GetString().ShouldBe(data[0].GetProperty("id").GetString());
        root.GetProperty("last_id").GetString().ShouldBe(data[^1].GetProperty("id").GetString());
        var ids = data.Select(m => m.GetProperty("id").GetString()).ToList();
        ids.ShouldContain("claude-extra");
        ids.ShouldContain("claude-sonnet-0-glm-5");
        ids.ShouldNotContain("claude-deepseek-v4-pro", "DeepSeek has no key here");
        ids.ShouldNotContain("claude-sonnet", "the slots use DeepSeek by default");
        var gpt = data.Single(m => m.GetProperty("id").GetString() == "claude-gpt-5.4");
        gpt.GetProperty("type").GetString().ShouldBe("model");
        gpt.GetProperty("display_name").GetString().ShouldBe("gpt-5.4 via OpenAI");
        DateTimeOffset.Parse(gpt.GetProperty("created_at").GetString()!).Year.ShouldBeGreaterThan(2000);
    }

    [Fact]
    public async Task OneModelOrA404()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>());
        var one = JsonDocument.Parse(await gateway.Client.GetStringAsync("/v1/models/claude-kimi-k2.6")).RootElement;
        one.GetProperty("display_name").GetString().ShouldBe("kimi-k2.6 via Moonshot/Kimi");
        using var missing = await gateway.Client.GetAsync("/v1/models/claude-nope");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("type").GetString().ShouldBe("not_found_error");
    }
}
