using ClaudeModelProxy.Core.Routing;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>
/// CLAUDE_MODEL_MAP (family slot → model), MODEL_TIERS (model → Desktop tier) and REQUEST_CLASS_MAP (request class →
/// model): each a JSON object or <c>a=b</c> pairs whose values must name a configured alias or an upstream model.
/// A bad entry is reported and skipped; the rest still apply.
/// </summary>
internal static class FamilySlotParser
{
    public static IReadOnlyDictionary<string, string> Parse(
        string? text, IReadOnlyDictionary<string, string> defaults, IReadOnlyDictionary<string, string> modelMap, IReadOnlyDictionary<string, string> modelRoutes, List<ConfigurationProblem> problems)
    {
        var slots = new Dictionary<string, string>(defaults, StringComparer.Ordinal);
        var fableSet = false;
        foreach (var (key, value) in Pairs(SettingTable.ClaudeModelMap.Name, text, problems))
        {
            var family = key.ToLowerInvariant();
            if (family.StartsWith("claude-", StringComparison.Ordinal)) family = family["claude-".Length..];
            if (!ClaudeModelIds.Families.Contains(family))
            {
                problems.Add(new(SettingTable.ClaudeModelMap.Name, $"\"{key}\" is not a family slot (claude-haiku, claude-sonnet, claude-opus, claude-fable); the entry was ignored"));
                continue;
            }
            if (!Names(value, modelMap, modelRoutes))
            {
                problems.Add(new(SettingTable.ClaudeModelMap.Name, $"claude-{family} → \"{value}\" is neither a configured alias nor an upstream model in MODEL_ROUTES; {Keeps(slots, family)}"));
                continue;
            }
            slots[family] = value;
            fableSet |= family == "fable";
        }
        if (!fableSet && slots.TryGetValue("opus", out var opus)) slots["fable"] = opus;
        return slots;
    }

    // A catalog need not fill every slot, so a rejected entry may leave its slot empty.
    private static string Keeps(Dictionary<string, string> slots, string family) =>
        slots.TryGetValue(family, out var kept) ? $"claude-{family} keeps \"{kept}\"" : $"claude-{family} stays unset";

    public static IReadOnlyDictionary<string, string> ParseTiers(
        string? text, IReadOnlyDictionary<string, string> modelMap, IReadOnlyDictionary<string, string> modelRoutes, List<ConfigurationProblem> problems)
    {
        var tiers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Pairs(SettingTable.ModelTiers.Name, text, problems))
        {
            var tier = value.ToLowerInvariant();
            var upstream = modelMap.GetValueOrDefault(key) ?? (modelRoutes.ContainsKey(key) ? key : null);
            if (upstream is null)
                problems.Add(new(SettingTable.ModelTiers.Name, $"\"{key}\" is neither a configured alias nor an upstream model in MODEL_ROUTES; the entry was ignored"));
            else if (!ClaudeModelIds.Families.Contains(tier))
                problems.Add(new(SettingTable.ModelTiers.Name, $"\"{value}\" is not a tier (haiku, sonnet, opus, fable); \"{key}\" keeps its guessed tier"));
            else tiers[upstream] = tier;
        }
        return tiers;
    }

    public static IReadOnlyDictionary<string, string> ParseRequestClasses(
        string? text, IReadOnlyDictionary<string, string> modelMap, IReadOnlyDictionary<string, string> modelRoutes, List<ConfigurationProblem> problems)
    {
        var classes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Pairs(SettingTable.RequestClassMap.Name, text, problems))
        {
            var requestClass = key.ToLowerInvariant();
            if (!RequestClasses.Known.Contains(requestClass))
                problems.Add(new(SettingTable.RequestClassMap.Name, $"\"{key}\" is not a request class Claude Code sends ({string.Join(", ", RequestClasses.Known)}); the entry was ignored"));
            else if (!Routes(value, modelMap, modelRoutes))
                problems.Add(new(SettingTable.RequestClassMap.Name, $"{requestClass} → \"{value}\" is not a configured alias, family slot or upstream model; the entry was ignored"));
            else classes[requestClass] = value;
        }
        return classes;
    }

    private static bool Names(string value, IReadOnlyDictionary<string, string> modelMap, IReadOnlyDictionary<string, string> modelRoutes) =>
        modelMap.ContainsKey(value) || modelRoutes.ContainsKey(value);

    /// <summary>Whether a name routes without knowing the keys: an alias, an upstream model, a family slot, a Claude model id or a Desktop id's shape.</summary>
    public static bool Routes(string value, IReadOnlyDictionary<string, string> modelMap, IReadOnlyDictionary<string, string> modelRoutes) =>
        Names(value, modelMap, modelRoutes)
        || ClaudeModelIds.SlotFamily(value) is not null
        || ClaudeModelIds.CanonicalFamily(value) is not null
        || ClaudeModelIds.DesktopSlug(value) is not null;

    private static IReadOnlyList<KeyValuePair<string, string>> Pairs(string setting, string? text, List<ConfigurationProblem> problems)
    {
        if (text is null) return [];
        var (pairs, error) = MappingParser.Parse(text);
        if (error is null) return pairs;
        problems.Add(new(setting, $"{error}; it was ignored"));
        return [];
    }
}
