using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Status;

namespace ClaudeModelProxy.Gateway;

/// <summary>The configured aliases in the shape of Anthropic's GET /v1/models.</summary>
public static class ModelCatalog
{
    // A fixed date: the aliases are configuration, not releases.
    private const string CreatedAt = "2025-01-01T00:00:00Z";

    public static ModelList List(ProxySettings settings)
    {
        var models = settings.ModelMap.Keys.Order(StringComparer.Ordinal).Select(alias => Describe(settings, alias)).ToList();
        return new ModelList(models, false, models.FirstOrDefault()?.Id, models.LastOrDefault()?.Id);
    }

    public static ModelInfo? Find(ProxySettings settings, string id) =>
        settings.ModelMap.ContainsKey(id) ? Describe(settings, id) : null;

    private static ModelInfo Describe(ProxySettings settings, string alias)
    {
        var upstream = settings.ModelMap[alias];
        var provider = settings.ModelRoutes.TryGetValue(upstream, out var id) ? settings.FindProvider(id) : null;
        var display = provider is null ? $"{upstream} (no provider)" : $"{upstream} via {provider.Definition.DisplayName}";
        return new ModelInfo("model", alias, display, CreatedAt);
    }
}
