using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;

namespace ClaudeModelProxy.Tests.Routing;

public class ModelRouterTests
{
    private static ModelRouter Router(params (string Key, string? Value)[] variables) =>
        new(SettingsLoader.Load(variables.ToDictionary(v => v.Key, v => v.Value)));

    [Fact]
    public void ExactAliasRoutesToItsProviderAndModel()
    {
        var route = Router().Resolve("claude-gpt-5.4").Route.ShouldNotBeNull();
        route.Provider.Id.ShouldBe("openai");
        route.UpstreamModel.ShouldBe("gpt-5.4");
        route.ResponseModel.ShouldBe("claude-gpt-5.4");
    }

    [Fact]
    public void DateSuffixedClaudeIdFindsItsAlias()
    {
        var route = Router(("ANTHROPIC_API_KEY", "sk-ant-test")).Resolve("claude-haiku-4-5-20251001").Route.ShouldNotBeNull();
        route.Alias.ShouldBe("claude-haiku-4-5");
        route.Provider.Id.ShouldBe("anthropic");
        route.ResponseModel.ShouldBe("claude-haiku-4-5-20251001");
    }

    [Fact]
    public void ContextSuffixIsTolerated()
    {
        var route = Router(("ANTHROPIC_API_KEY", "sk-ant-test")).Resolve("claude-sonnet-4-6[1m]").Route.ShouldNotBeNull();
        route.Alias.ShouldBe("claude-sonnet-4-6");
        route.UpstreamModel.ShouldBe("claude-sonnet-4-6");
    }

    [Fact]
    public void LetterCaseIsTolerated()
    {
        Router().Resolve("Claude-DeepSeek-V4-Pro").Route.ShouldNotBeNull().UpstreamModel.ShouldBe("deepseek-v4-pro");
    }

    [Fact]
    public void SharedUpstreamModelRepliesWithTheAliasThisRequestUsed()
    {
        var router = Router(("MODEL_MAP", "claude-fast=deepseek-v4-flash,claude-cheap=deepseek-v4-flash"));
        router.Resolve("claude-fast").Route!.ResponseModel.ShouldBe("claude-fast");
        router.Resolve("claude-cheap").Route!.ResponseModel.ShouldBe("claude-cheap");
        router.Resolve("claude-deepseek-v4-flash").Route!.ResponseModel.ShouldBe("claude-deepseek-v4-flash");
    }

    [Fact]
    public void UpstreamModelNamedDirectlyRepliesWithItsConfiguredAlias()
    {
        var route = Router().Resolve("kimi-k2.6").Route.ShouldNotBeNull();
        route.Provider.Id.ShouldBe("moonshot");
        route.ResponseModel.ShouldBe("claude-kimi-k2.6");
    }

    [Fact]
    public void UnknownModelIsAnErrorListingTheAliases()
    {
        var result = Router().Resolve("gpt-4o");
        result.Route.ShouldBeNull();
        result.Error.ShouldNotBeNull();
        result.Error.ShouldContain("gpt-4o");
        result.Error.ShouldContain("claude-deepseek-v4-pro");
        result.Error.ShouldContain("claude-qwen-max");
    }

    [Fact]
    public void AliasWithoutRouteIsAnErrorNamingModelRoutes()
    {
        Router(("MODEL_MAP", "claude-x=mystery")).Resolve("claude-x").Error.ShouldNotBeNull().ShouldContain("MODEL_ROUTES");
    }

    [Fact]
    public void RewriteOffRepliesWithTheUpstreamModel()
    {
        Router(("REWRITE_RESPONSES", "false")).Resolve("claude-glm-5.1").Route!.ResponseModel.ShouldBe("glm-5.1");
    }
}
