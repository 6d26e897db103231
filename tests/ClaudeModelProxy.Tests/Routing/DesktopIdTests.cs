using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;

namespace ClaudeModelProxy.Tests.Routing;

public class DesktopIdTests
{
    private static ModelRouter Router(params (string Key, string? Value)[] variables) =>
        new(SettingsLoader.Load(variables.ToDictionary(v => v.Key, v => v.Value)));

    [Fact]
    public void TheDefaultModelsKeepTheirDesktopIdsAcrossReleases()
    {
        // Users paste these into Claude Desktop's settings: a change here breaks their configuration.
        var ids = Router().DesktopIds;
        ids["deepseek-v4-pro"].ShouldBe("claude-opus-0-deepseek-v4-pro");
        ids["deepseek-v4-flash"].ShouldBe("claude-haiku-0-deepseek-v4-flash");
        ids["kimi-k2.6"].ShouldBe("claude-sonnet-0-kimi-k2-6");
        ids["glm-4.5-air"].ShouldBe("claude-haiku-0-glm-4-5-air");
        ids["gpt-5.5"].ShouldBe("claude-sonnet-0-gpt-5-5");
        ids["gpt-5.4-mini"].ShouldBe("claude-haiku-0-gpt-5-4-mini");
        ids["gemini-3.1-pro-preview"].ShouldBe("claude-opus-0-gemini-3-1-pro-preview");
        ids["qwen-max"].ShouldBe("claude-opus-0-qwen-max");
        ids.ShouldNotContainKey("claude-opus-4-7", "an Anthropic model's own id is already one Desktop accepts");
    }

    [Fact]
    public void EveryDesktopIdRoutesToItsModelAndTheReplyCarriesTheId()
    {
        var router = Router();
        foreach (var (upstream, id) in router.DesktopIds)
        {
            var route = router.Resolve(id).Route.ShouldNotBeNull(id);
            route.UpstreamModel.ShouldBe(upstream);
            route.ResponseModel.ShouldBe(id);
        }
    }

    [Fact]
    public void TheTierInADesktopIdIsOnlyALabelSoAnIdStaysValidWhenTheTierChanges()
    {
        var router = Router(("MODEL_TIERS", "deepseek-v4-pro=sonnet"));
        router.DesktopIds["deepseek-v4-pro"].ShouldBe("claude-sonnet-0-deepseek-v4-pro");
        router.Resolve("claude-opus-0-deepseek-v4-pro").Route!.UpstreamModel.ShouldBe("deepseek-v4-pro");
        router.Resolve("claude-fable-0-deepseek-v4-pro[1m]").Route!.UpstreamModel.ShouldBe("deepseek-v4-pro");
    }

    [Fact]
    public void ModelTiersAcceptsAnAliasAndReportsABadTier()
    {
        var settings = SettingsLoader.Load(new Dictionary<string, string?> { ["MODEL_TIERS"] = "claude-kimi-k2.6=opus,glm-5=poet,nothing=haiku" });
        new ModelRouter(settings).DesktopIds["kimi-k2.6"].ShouldBe("claude-opus-0-kimi-k2-6");
        settings.Problems.Select(p => p.Message).ShouldBe([
            "\"poet\" is not a tier (haiku, sonnet, opus, fable); \"glm-5\" keeps its guessed tier",
            "\"nothing\" is neither a configured alias nor an upstream model in MODEL_ROUTES; the entry was ignored",
        ]);
    }

    [Fact]
    public void TwoModelsWithTheSameSlugGetDistinctStableIds()
    {
        var router = Router(("MODEL_MAP", "claude-a=glm-4.6,claude-b=glm_4.6"), ("MODEL_ROUTES", "glm_4.6=glm"));
        var first = router.DesktopIds["glm-4.6"];
        var second = router.DesktopIds["glm_4.6"];
        first.ShouldNotBe(second);
        first.ShouldStartWith("claude-sonnet-0-glm-4-6-");
        router.Resolve(first).Route!.UpstreamModel.ShouldBe("glm-4.6");
        router.Resolve(second).Route!.UpstreamModel.ShouldBe("glm_4.6");
        Router(("MODEL_MAP", "claude-b=glm_4.6,claude-a=glm-4.6"), ("MODEL_ROUTES", "glm_4.6=glm")).DesktopIds["glm-4.6"].ShouldBe(first);
    }

    [Fact]
    public void AModelWhoseNameIsItsSlugKeepsItsIdWhenAnotherCollidesWithIt()
    {
        var router = Router(("MODEL_MAP", "claude-plain=glm-4-6"), ("MODEL_ROUTES", "glm-4-6=glm"));
        router.DesktopIds["glm-4-6"].ShouldBe("claude-sonnet-0-glm-4-6");
        router.DesktopIds["glm-4.6"].ShouldStartWith("claude-sonnet-0-glm-4-6-");
        router.Resolve("claude-sonnet-0-glm-4-6").Route!.UpstreamModel.ShouldBe("glm-4-6");
    }

    [Theory]
    [InlineData("deepseek-v4-flash", "haiku")]
    [InlineData("gpt-5.4-mini", "haiku")]
    [InlineData("glm-4.5-air", "haiku")]
    [InlineData("qwen-max", "opus")]
    [InlineData("mimo-v2-pro", "opus")]
    [InlineData("kimi-k2.6", "sonnet")]
    [InlineData("gpt-5.5", "sonnet")]
    public void TheTierIsGuessedFromTheModelsName(string model, string tier) => ClaudeModelIds.GuessTier(model).ShouldBe(tier);
}
