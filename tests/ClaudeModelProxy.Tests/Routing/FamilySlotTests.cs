using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;

namespace ClaudeModelProxy.Tests.Routing;

public class FamilySlotTests
{
    private static ProxySettings Settings(params (string Key, string? Value)[] variables) =>
        SettingsLoader.Load(variables.ToDictionary(v => v.Key, v => v.Value));

    private static ModelRouter Router(params (string Key, string? Value)[] variables) => new(Settings(variables));

    [Theory]
    [InlineData("claude-haiku", "deepseek-v4-flash")]
    [InlineData("claude-sonnet", "deepseek-v4-pro")]
    [InlineData("claude-opus", "deepseek-v4-pro")]
    [InlineData("claude-fable", "deepseek-v4-pro")]
    public void EachSlotDefaultsToTheOriginalProjectsNewestChoice(string slot, string upstream)
    {
        var route = Router().Resolve(slot).Route.ShouldNotBeNull();
        route.Provider.Id.ShouldBe("deepseek");
        route.UpstreamModel.ShouldBe(upstream);
        route.ResponseModel.ShouldBe(slot);
        route.Alias.ShouldBe(slot);
    }

    [Theory]
    [InlineData("claude-sonnet[1m]")]
    [InlineData("Claude-Sonnet")]
    [InlineData(" claude-sonnet ")]
    [InlineData("claude-sonnet-20251001")]
    [InlineData("claude-sonnet-20251001[1m]")]
    public void ASlotToleratesTheContextTagADateCaseAndSpaces(string requested)
    {
        var route = Router().Resolve(requested).Route.ShouldNotBeNull();
        route.UpstreamModel.ShouldBe("deepseek-v4-pro");
        route.ResponseModel.ShouldBe(requested);
    }

    [Fact]
    public void ClaudeModelMapAsJsonTakesAliasesAndUpstreamModels()
    {
        var router = Router(("CLAUDE_MODEL_MAP", """{"claude-haiku":"claude-glm-4.5-air","claude-sonnet":"kimi-k2.6","opus":"gpt-5.5"}"""));
        router.Resolve("claude-haiku").Route!.UpstreamModel.ShouldBe("glm-4.5-air");
        router.Resolve("claude-sonnet").Route!.Provider.Id.ShouldBe("moonshot");
        router.Resolve("claude-opus").Route!.UpstreamModel.ShouldBe("gpt-5.5");
        router.Resolve("claude-fable").Route!.UpstreamModel.ShouldBe("gpt-5.5", "fable follows opus unless it is set");
        router.Settings.Problems.ShouldBeEmpty();
    }

    [Fact]
    public void ClaudeModelMapAsPairsWorksTooAndFableCanBeItsOwn()
    {
        var router = Router(("CLAUDE_MODEL_MAP", "claude-opus=glm-5.1, claude-fable=claude-qwen-max"));
        router.Resolve("claude-opus").Route!.UpstreamModel.ShouldBe("glm-5.1");
        router.Resolve("claude-fable").Route!.UpstreamModel.ShouldBe("qwen-max");
        router.Resolve("claude-haiku").Route!.UpstreamModel.ShouldBe("deepseek-v4-flash");
    }

    [Theory]
    [InlineData("{not json", "is not valid JSON")]
    [InlineData("claude-sonnet", "is not in the form from=to")]
    [InlineData("claude-poet=glm-5.1", "\"claude-poet\" is not a family slot")]
    [InlineData("claude-sonnet=gpt-9000", "claude-sonnet → \"gpt-9000\" is neither a configured alias nor an upstream model")]
    public void ABadClaudeModelMapIsReportedAndTheDefaultsStay(string value, string problem)
    {
        var settings = Settings(("CLAUDE_MODEL_MAP", value));
        settings.Problems.ShouldHaveSingleItem().ToString().ShouldStartWith("CLAUDE_MODEL_MAP");
        settings.Problems[0].Message.ShouldContain(problem);
        new ModelRouter(settings).Resolve("claude-sonnet").Route!.UpstreamModel.ShouldBe("deepseek-v4-pro");
    }

    [Fact]
    public void OneBadEntryDoesNotCostTheGoodOnes()
    {
        var settings = Settings(("CLAUDE_MODEL_MAP", "claude-haiku=nope,claude-sonnet=glm-5"));
        settings.Problems.Count.ShouldBe(1);
        new ModelRouter(settings).Resolve("claude-sonnet").Route!.UpstreamModel.ShouldBe("glm-5");
    }

    [Theory]
    [InlineData("claude-opus-4-8", "opus")]
    [InlineData("claude-opus-5-5", "opus")]
    [InlineData("claude-fable-5-2", "fable")]
    [InlineData("claude-fable-5", "fable")]
    [InlineData("claude-sonnet-5", "sonnet")]
    [InlineData("claude-sonnet-5-5", "sonnet")]
    [InlineData("claude-haiku-5-5", "haiku")]
    [InlineData("claude-haiku-4-5-20251001", "haiku")]
    [InlineData("claude-opus-4-8[1m]", "opus")]
    [InlineData("claude-sonnet-4-6[1m]", "sonnet")]
    [InlineData("claude-3-5-sonnet-20241022", "sonnet")]
    [InlineData("claude-mythos-1", "opus")]
    public void WithoutAnAnthropicKeyEveryClaudeIdGoesToItsFamilySlot(string id, string family)
    {
        var route = Router().Resolve(id).Route.ShouldNotBeNull();
        route.Provider.Id.ShouldBe("deepseek");
        route.Alias.ShouldBe("claude-" + family);
        route.UpstreamModel.ShouldBe(family == "haiku" ? "deepseek-v4-flash" : "deepseek-v4-pro");
        route.ResponseModel.ShouldBe(id);
        route.Note.ShouldBe($"claude-{family} slot: no Anthropic key");
    }

    [Theory]
    [InlineData("claude-opus-4-8", "claude-opus-4-8")]
    [InlineData("claude-fable-5-2", "claude-fable-5-2")]
    [InlineData("claude-opus-4-8[1m]", "claude-opus-4-8")]
    [InlineData("claude-sonnet-5-20260901", "claude-sonnet-5-20260901")]
    public void WithAnAnthropicKeyAClaudeIdReleasedAfterThisBuildGoesToAnthropicAsIs(string id, string upstream)
    {
        var route = Router(("ANTHROPIC_API_KEY", "sk-ant-test")).Resolve(id).Route.ShouldNotBeNull();
        route.Provider.Id.ShouldBe("anthropic");
        route.UpstreamModel.ShouldBe(upstream);
        route.ResponseModel.ShouldBe(id);
    }

    [Fact]
    public void TheDefaultAnthropicAliasesFollowTheSameRule()
    {
        Router().Resolve("claude-opus-4-7").Route!.Provider.Id.ShouldBe("deepseek");
        Router(("ANTHROPIC_API_KEY", "k")).Resolve("claude-opus-4-7").Route!.Provider.Id.ShouldBe("anthropic");
    }

    [Fact]
    public void AnExplicitModelMapEntryAlwaysWins()
    {
        var variables = new[] { ("MODEL_MAP", (string?)"claude-opus-4-8=glm-5.1,claude-sonnet=kimi-k2.6,claude-opus-4-7=claude-opus-4-7") };
        var withoutKey = Router(variables);
        withoutKey.Resolve("claude-opus-4-8").Route!.UpstreamModel.ShouldBe("glm-5.1");
        withoutKey.Resolve("claude-sonnet").Route!.UpstreamModel.ShouldBe("kimi-k2.6");
        withoutKey.Resolve("claude-opus-4-7").Route!.Provider.Id.ShouldBe("anthropic", "set explicitly, so no slot stands in (the request gets the missing-key 401)");
        Router([.. variables, ("ANTHROPIC_API_KEY", "k")]).Resolve("claude-opus-4-8").Route!.UpstreamModel.ShouldBe("glm-5.1");
    }

    [Theory]
    [InlineData("claude-deepseek")]
    [InlineData("claude-opus-x")]
    [InlineData("claude-poet-4-5")]
    [InlineData("claude-opus-4-8-extra")]
    public void ThingsThatOnlyLookClaudeAreStillUnknown(string id) =>
        Router(("ANTHROPIC_API_KEY", "k")).Resolve(id).Route.ShouldBeNull();

    [Fact]
    public void RequestClassMapSendsBackgroundWorkElsewhereAndTheReplyKeepsTheRequestedModel()
    {
        var router = Router(("REQUEST_CLASS_MAP", "auxiliary=claude-haiku,compaction=claude-glm-4.5-air"));
        var auxiliary = router.Resolve("claude-glm-5.1", "auxiliary").Route.ShouldNotBeNull();
        auxiliary.UpstreamModel.ShouldBe("deepseek-v4-flash");
        auxiliary.ResponseModel.ShouldBe("claude-glm-5.1");
        auxiliary.RequestedModel.ShouldBe("claude-glm-5.1");
        auxiliary.Note.ShouldBe("request class auxiliary → claude-haiku");
        router.Resolve("claude-glm-5.1", "compaction").Route!.UpstreamModel.ShouldBe("glm-4.5-air");
        router.Resolve("claude-glm-5.1", "main").Route!.UpstreamModel.ShouldBe("glm-5.1");
        router.Resolve("claude-glm-5.1", null).Route!.UpstreamModel.ShouldBe("glm-5.1");
    }

    [Fact]
    public void RoutesWorkedOutBeforeAreTheSameAnswersForEveryModelAndRequestClass()
    {
        // The router keeps routes it has worked out; asking again, in any order, must give each question its own answer.
        var router = Router(("REQUEST_CLASS_MAP", "auxiliary=claude-haiku"));
        for (var round = 0; round < 2; round++)
        {
            router.Resolve("claude-glm-5.1", "auxiliary").Route!.UpstreamModel.ShouldBe("deepseek-v4-flash");
            router.Resolve("claude-glm-5.1", null).Route!.UpstreamModel.ShouldBe("glm-5.1");
            router.Resolve("claude-glm-5.1").Route!.UpstreamModel.ShouldBe("glm-5.1");
            router.Resolve("claude-sonnet", "auxiliary").Route!.ResponseModel.ShouldBe("claude-sonnet");
        }
        // Models clients make up are answered one by one, past the number the router keeps.
        for (var i = 0; i < 3_000; i++)
            router.Resolve($"made-up-{i}", null).Error.ShouldNotBeNull().ShouldContain($"\"made-up-{i}\"");
        router.Resolve("claude-glm-5.1", "auxiliary").Route!.UpstreamModel.ShouldBe("deepseek-v4-flash");
    }

    [Theory]
    [InlineData("background=claude-haiku", "\"background\" is not a request class Claude Code sends")]
    [InlineData("auxiliary=gpt-9000", "auxiliary → \"gpt-9000\" is not a configured alias, family slot or upstream model")]
    public void ABadRequestClassMapIsReported(string value, string problem) =>
        Settings(("REQUEST_CLASS_MAP", value)).Problems.ShouldHaveSingleItem().Message.ShouldContain(problem);

    [Fact]
    public void AFallbackCoversTheSlotsDesktopIdsAndClaudeIdsThatUseTheSameModel()
    {
        var router = Router(("MODEL_FALLBACKS", "claude-deepseek-v4-pro=claude-kimi-k2.6,claude-haiku=claude-glm-4.5-air"));
        router.Settings.Problems.ShouldBeEmpty();
        foreach (var id in new[] { "claude-deepseek-v4-pro", "claude-sonnet", "claude-opus-4-8", "claude-opus-0-deepseek-v4-pro", "deepseek-v4-pro" })
            router.FallbackFor(router.Resolve(id).Route!).ShouldBe("claude-kimi-k2.6", id);
        router.FallbackFor(router.Resolve("claude-haiku-4-5-20251001").Route!).ShouldBe("claude-glm-4.5-air");
        router.FallbackFor(router.Resolve("claude-glm-5.1").Route!).ShouldBeNull();
    }

    [Theory]
    [InlineData("claude-nothing=claude-sonnet", "\"claude-nothing\" is not a model this gateway routes")]
    [InlineData("claude-sonnet=gpt-9000", "\"claude-sonnet\" falls back to \"gpt-9000\", which is not another model this gateway routes")]
    [InlineData("claude-sonnet=Claude-Sonnet", "which is not another model")]
    public void ABadFallbackIsReported(string value, string problem) =>
        Settings(("MODEL_FALLBACKS", value)).Problems.ShouldHaveSingleItem().Message.ShouldContain(problem);
}
