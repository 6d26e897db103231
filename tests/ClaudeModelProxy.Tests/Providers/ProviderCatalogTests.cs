using ClaudeModelProxy.Core.Providers;

namespace ClaudeModelProxy.Tests.Providers;

public class ProviderCatalogTests
{
    private static ProviderDefinition Provider(string id, params string[] models) =>
        ProviderDefinition.ChatCompletions(id, id, id.ToUpperInvariant(), $"https://{id}.invalid/v1") with { DefaultModels = models };

    [Fact]
    public void TwoProvidersListingTheSameModelAreRejectedNamingBoth()
    {
        var thrown = Should.Throw<ArgumentException>(() => new ProviderCatalog([Provider("one", "shared-1"), Provider("two", "shared-1")]));
        thrown.Message.ShouldContain("\"one\" and \"two\" both claim default model \"shared-1\"");
    }

    [Fact]
    public void TwoModelsThatWouldShareAnAliasAreRejected()
    {
        var thrown = Should.Throw<ArgumentException>(() => new ProviderCatalog([Provider("one", "x"), Provider("two", "claude-x")]));
        thrown.Message.ShouldContain("alias \"claude-x\"");
    }

    [Fact]
    public void TwoProvidersFillingTheFamilySlotsAreRejected()
    {
        var slots = new Dictionary<string, string> { ["haiku"] = "m" };
        var thrown = Should.Throw<ArgumentException>(() => new ProviderCatalog(
            [Provider("one") with { FamilySlotDefaults = slots }, Provider("two") with { FamilySlotDefaults = slots }]));
        thrown.Message.ShouldContain("\"one\" and \"two\" both claim default for \"the family slots\"");
    }

    [Fact]
    public void TwoProvidersWithOneIdAreRejected() =>
        Should.Throw<ArgumentException>(() => ProviderCatalog.All.With(Provider("OpenAI"))).Message.ShouldContain("id \"openai\"");

    [Fact]
    public void TheProductionCatalogIsValid() => ProviderCatalog.All.ModelMap.Count.ShouldBe(ProviderCatalog.All.Sum(p => p.DefaultModels.Count));
}
