namespace ClaudeModelProxy.Core.Routing;

public enum ModelEntryKind
{
    /// <summary><c>claude-sonnet</c> and the other family slots.</summary>
    FamilySlot,

    /// <summary>A MODEL_MAP alias (<c>claude-deepseek-v4-pro</c>, <c>claude-opus-4-7</c>).</summary>
    Alias,

    /// <summary>The Desktop-safe id of a non-Claude model (<c>claude-opus-0-deepseek-v4-pro</c>).</summary>
    DesktopId,
}

/// <summary>One id the gateway offers, with where it routes today.</summary>
/// <param name="Tier">The Claude tier Desktop files it under (<c>anthropic_family_tier</c>), or null for a plain alias.</param>
/// <param name="IsFamilyDefault">The slot itself: the model that answers its tier.</param>
public sealed record ModelEntry(string Id, ModelEntryKind Kind, ModelRoute Route, string? Tier, bool IsFamilyDefault)
{
    /// <summary>The real provider and model, as people should see them in a picker.</summary>
    public string DisplayName => Kind == ModelEntryKind.FamilySlot
        ? $"{char.ToUpperInvariant(Tier![0])}{Tier[1..]}: {Route.UpstreamModel} via {Route.Provider.Definition.DisplayName}"
        : $"{Route.UpstreamModel} via {Route.Provider.Definition.DisplayName}";

    /// <summary>What kind of id this is, for pickers that show a second line (Claude Code shows <c>description</c>).</summary>
    public string Description => Kind switch
    {
        ModelEntryKind.FamilySlot => $"family slot {Id} (CLAUDE_MODEL_MAP)",
        ModelEntryKind.DesktopId => $"Claude Desktop id, {Tier} tier",
        _ => "alias",
    };
}

/// <summary>
/// Every id the gateway offers to clients: the family slots, the aliases whose ids Claude Code keeps (they begin with
/// <c>claude</c> or <c>anthropic</c>; the default Anthropic ones only when Anthropic has a key) and the Desktop-safe ids. Each entry's route comes from the router itself, so a
/// listed id always routes exactly as a request for it would.
/// </summary>
public static class ModelDirectory
{
    public static List<ModelEntry> Entries(ModelRouter router)
    {
        var settings = router.Settings;
        var entries = new List<ModelEntry>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Add(string id, ModelEntryKind kind, string? tier, bool isDefault)
        {
            // A default Claude alias standing in for its slot (no Anthropic key) still routes, but would only list the slot's model twice.
            if (seen.Add(id) && router.Resolve(id).Route is { } route && !(kind == ModelEntryKind.Alias && route.Note is not null))
                entries.Add(new ModelEntry(id, kind, route, tier, isDefault));
        }

        foreach (var family in ClaudeModelIds.Families) Add(ClaudeModelIds.SlotId(family), ModelEntryKind.FamilySlot, family, true);
        foreach (var alias in settings.ModelMap.Keys.Where(IsKeptByClaudeCode).Order(StringComparer.Ordinal))
            Add(alias, ModelEntryKind.Alias, ClaudeModelIds.CanonicalFamily(alias), false);
        foreach (var (upstream, id) in router.DesktopIds.OrderBy(pair => pair.Value, StringComparer.Ordinal))
            Add(id, ModelEntryKind.DesktopId, router.TierOf(upstream), false);
        return entries;
    }

    /// <summary>Claude Code's discovery drops ids without <c>claude</c> or <c>anthropic</c> (older versions: not beginning with them).</summary>
    public static bool IsKeptByClaudeCode(string id) =>
        id.StartsWith("claude", StringComparison.OrdinalIgnoreCase) || id.StartsWith("anthropic", StringComparison.OrdinalIgnoreCase);
}
