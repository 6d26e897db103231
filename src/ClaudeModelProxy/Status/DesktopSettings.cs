using ClaudeModelProxy.Core.Configuration;
using ClaudeModelProxy.Core.Routing;

namespace ClaudeModelProxy.Status;

/// <summary>One <c>inferenceModels</c> entry of Claude Desktop's third-party inference settings.</summary>
public sealed record DesktopModel(string Name, string LabelOverride, string AnthropicFamilyTier, bool? IsFamilyDefault);

/// <summary>Claude Desktop's third-party inference settings (Gateway mode) for this gateway, in Desktop's own key names.</summary>
public sealed record DesktopConfiguration(
    string InferenceProvider,
    string InferenceGatewayBaseUrl,
    string InferenceGatewayApiKey,
    string InferenceGatewayAuthScheme,
    List<DesktopModel> InferenceModels);

/// <summary>
/// Builds what a user pastes into Claude Desktop: only ids its validator and tier filter accept (tier-named
/// <c>claude-&lt;tier&gt;-…</c>), only models whose provider has a key, the sonnet slot's model first (Desktop's default),
/// and each slot's model marked as its tier's default.
/// </summary>
public static class DesktopSettings
{
    public const string PlaceholderKey = "dummy-claude-model-proxy";
    public const string TokenHint = "<your PROXY_AUTH_TOKEN>";
    private const int MaxLabelLength = 80;

    public static DesktopConfiguration For(ProxySettings settings)
    {
        var router = new ModelRouter(settings);
        // Each slot's model under the slot's tier first (sonnet's is Desktop's default), then every other model in its own tier.
        var slotDefaults = ClaudeModelIds.Families
            .Select(family => (family, route: router.ResolveSlot(family).Route))
            .Where(slot => slot.route is { Provider.HasApiKey: true })
            .Select(slot => new DesktopModel(router.DesktopIdIn(slot.family, slot.route!.UpstreamModel) ?? slot.route.UpstreamModel,
                Label($"{slot.route.UpstreamModel} via {slot.route.Provider.Definition.DisplayName}"), slot.family, true));
        var others = ModelDirectory.Entries(router)
            .Where(e => e.Route.Provider.HasApiKey && e.Tier is not null && (e.Kind == ModelEntryKind.DesktopId || (e.Kind == ModelEntryKind.Alias && e.Route.Note is null)))
            .Select(e => new DesktopModel(e.Id, Label(e.DisplayName), e.Tier!, null));
        var models = slotDefaults.Concat(others).Where(m => ClaudeModelIds.IsTierNamed(m.Name)).DistinctBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
        return new DesktopConfiguration("gateway", settings.BaseUrl, settings.ProxyAuthToken is null ? PlaceholderKey : TokenHint, "bearer", models);
    }

    /// <summary>The settings as a person reads them in a terminal.</summary>
    public static string Describe(DesktopConfiguration configuration, ProxySettings settings)
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine("Claude Desktop: Settings → Developer → Configure third-party inference, then quit and reopen Claude Desktop.");
        text.AppendLine();
        text.AppendLine("  Provider             Gateway");
        text.AppendLine($"  Gateway base URL     {configuration.InferenceGatewayBaseUrl}");
        text.AppendLine($"  Gateway API key      {configuration.InferenceGatewayApiKey}" +
            (settings.ProxyAuthToken is null ? "   (any non-empty text: this gateway asks for none)" : "   (the token this gateway requires)"));
        text.AppendLine($"  Gateway auth scheme  {configuration.InferenceGatewayAuthScheme}");
        text.AppendLine("  Models (the first is the default):");
        if (configuration.InferenceModels.Count == 0)
            text.AppendLine("    none yet: no provider has an API key. Add one (e.g. DEEPSEEK_API_KEY) and run this again.");
        var width = configuration.InferenceModels.Select(m => m.Name.Length).DefaultIfEmpty(0).Max();
        foreach (var model in configuration.InferenceModels)
            text.AppendLine($"    {model.Name.PadRight(width)}  {model.AnthropicFamilyTier,-6}  {model.LabelOverride}{(model.IsFamilyDefault == true ? "  (tier default)" : "")}");
        text.AppendLine();
        text.AppendLine("Provider keys stay in the gateway's settings, never in Claude Desktop. `desktop --json` prints these settings in Desktop's key names.");
        return text.ToString();
    }

    private static string Label(string text) => text.Length <= MaxLabelLength ? text : text[..(MaxLabelLength - 1)] + "…";
}
