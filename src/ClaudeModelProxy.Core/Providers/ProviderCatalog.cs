using System.Collections;
using ClaudeModelProxy.Core.Providers.Anthropic;
using ClaudeModelProxy.Core.Providers.DeepSeek;
using ClaudeModelProxy.Core.Providers.Gemini;
using ClaudeModelProxy.Core.Providers.Glm;
using ClaudeModelProxy.Core.Providers.Moonshot;
using ClaudeModelProxy.Core.Providers.OpenAi;
using ClaudeModelProxy.Core.Providers.Qwen;
using ClaudeModelProxy.Core.Providers.Xiaomi;

namespace ClaudeModelProxy.Core.Providers;

/// <summary>
/// The providers the gateway knows, one folder each. <see cref="All"/> is the production list; settings and routing
/// take a catalog as a parameter, so a test can add a provider of its own without touching anyone else's.
/// </summary>
public sealed class ProviderCatalog : IReadOnlyList<ProviderDefinition>
{
    private readonly IReadOnlyList<ProviderDefinition> definitions;

    /// <summary>Throws when two definitions would claim the same id, model, alias or the family slots, saying which.</summary>
    public ProviderCatalog(IReadOnlyList<ProviderDefinition> definitions)
    {
        RejectShared(definitions, p => [p.Id.ToLowerInvariant()], "id");
        RejectShared(definitions, p => p.DefaultModels, "default model");
        RejectShared(definitions, p => p.DefaultModels.Select(AliasFor), "alias");
        RejectShared(definitions, p => p.FamilySlotDefaults.Count > 0 ? ["the family slots"] : [], "default for");
        this.definitions = definitions;
    }

    public static readonly ProviderCatalog All = new(
    [
        DeepSeekProvider.Definition,
        MoonshotProvider.Definition,
        GlmProvider.Definition,
        XiaomiProvider.Definition,
        AnthropicProvider.Definition,
        OpenAiProvider.Definition,
        GeminiProvider.Definition,
        QwenProvider.Definition,
    ]);

    private IReadOnlyDictionary<string, string>? modelMap, modelAliases, modelRoutes, familySlotDefaults;

    public ProviderDefinition? Find(string id) =>
        definitions.FirstOrDefault(p => string.Equals(p.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>"DeepSeek, Kimi, …, Qwen or Anthropic": the providers as help texts name them.</summary>
    public string ShortNames => ProseList(p => p.ShortName);

    /// <summary>"DeepSeek, Moonshot/Kimi, …, Qwen or Anthropic": the providers by their full names (the README's first line).</summary>
    public string DisplayNames => ProseList(p => p.DisplayName);

    // Anthropic last: the others are what the gateway is for, Anthropic's own API is the extra.
    private string ProseList(Func<ProviderDefinition, string> name)
    {
        var names = definitions.OrderBy(p => p.IsAnthropic).Select(name).ToArray();
        return names.Length < 2 ? string.Concat(names) : string.Join(", ", names[..^1]) + " or " + names[^1];
    }

    public string KnownIds => string.Join(", ", definitions.Select(p => p.Id));

    /// <summary>Request model → upstream model: every default model offered as "claude-" + its name (Claude models as they are).</summary>
    public IReadOnlyDictionary<string, string> ModelMap => modelMap ??= DefaultModels.ToDictionary(m => AliasFor(m.Model), m => m.Model, StringComparer.Ordinal);

    /// <summary>Upstream model → the alias written into replies.</summary>
    public IReadOnlyDictionary<string, string> ModelAliases => modelAliases ??= DefaultModels.ToDictionary(m => m.Model, m => AliasFor(m.Model), StringComparer.Ordinal);

    /// <summary>Upstream model → provider id.</summary>
    public IReadOnlyDictionary<string, string> ModelRoutes => modelRoutes ??= DefaultModels.ToDictionary(m => m.Model, m => m.Provider, StringComparer.Ordinal);

    /// <summary>What the family slots use when CLAUDE_MODEL_MAP does not say.</summary>
    public IReadOnlyDictionary<string, string> FamilySlotDefaults => familySlotDefaults ??=
        definitions.SelectMany(p => p.FamilySlotDefaults).ToDictionary(slot => slot.Key, slot => slot.Value, StringComparer.Ordinal);

    /// <summary>This catalog plus <paramref name="extra"/>.</summary>
    public ProviderCatalog With(ProviderDefinition extra) => new([.. definitions, extra]);

    private IEnumerable<(string Provider, string Model)> DefaultModels => definitions.SelectMany(p => p.DefaultModels.Select(m => (p.Id, m)));

    private static void RejectShared(IReadOnlyList<ProviderDefinition> definitions, Func<ProviderDefinition, IEnumerable<string>> claims, string what)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var provider in definitions)
            foreach (var claim in claims(provider).Distinct(StringComparer.Ordinal))
                if (!owners.TryAdd(claim, provider.Id))
                    throw new ArgumentException($"Providers \"{owners[claim]}\" and \"{provider.Id}\" both claim {what} \"{claim}\"; a catalog gives each to one provider.", nameof(definitions));
    }

    private static string AliasFor(string upstreamModel) =>
        upstreamModel.StartsWith("claude-", StringComparison.Ordinal) ? upstreamModel : "claude-" + upstreamModel;

    public int Count => definitions.Count;

    public ProviderDefinition this[int index] => definitions[index];

    public IEnumerator<ProviderDefinition> GetEnumerator() => definitions.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
