using ClaudeModelProxy.Core.Conversation;
using ClaudeModelProxy.Core.OpenAi;

namespace ClaudeModelProxy.Core.Providers;

/// <summary>The wire protocol an upstream speaks.</summary>
public enum WireFormat
{
    /// <summary>Anthropic Messages: requests pass through with only the model rewritten.</summary>
    AnthropicMessages,

    /// <summary>OpenAI Chat Completions: requests and replies are translated.</summary>
    ChatCompletions,
}

/// <summary>How the provider's own key is presented upstream.</summary>
public enum KeyScheme
{
    XApiKey,
    Bearer,
}

/// <summary>
/// Everything the gateway knows about one provider, kept in the provider's own folder: who it is, where it lives,
/// which variables carry its key, the models routed to it by default, and how it deviates from its wire format.
/// </summary>
public sealed record ProviderDefinition(string Id, string DisplayName, string EnvPrefix, string DefaultBaseUrl, WireFormat Format)
{
    /// <summary>The name in prose lists ("Kimi" for Moonshot/Kimi).</summary>
    public string ShortName { get; init; } = DisplayName;

    public KeyScheme KeyScheme { get; init; } = KeyScheme.Bearer;

    /// <summary>Other variables that may carry the key, after <see cref="KeyVariable"/>.</summary>
    public IReadOnlyList<string> KeyAliases { get; init; } = [];

    /// <summary>Upstream models routed here by default; each is offered as <c>claude-</c> + its name (Claude models as they are).</summary>
    public IReadOnlyList<string> DefaultModels { get; init; } = [];

    /// <summary>Family slot (<c>haiku</c>, <c>sonnet</c>, …) → upstream model, for the one provider that fills the slots by default.</summary>
    public IReadOnlyDictionary<string, string> FamilySlotDefaults { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Anthropic's own API: canonical Claude ids go here when it has a key, Claude Code's Anthropic-only headers are
    /// forwarded, and its thinking signatures are genuine (never tagged).
    /// </summary>
    public bool IsAnthropic { get; init; }

    /// <summary>The extension's install form has fields for this provider's key and base URL (the rest go in ADVANCED_ENV).</summary>
    public bool InInstallForm { get; init; }

    /// <summary>Also serves the OpenAI Responses API (<c>OPENAI_WIRE_API</c>, Codex models).</summary>
    public bool ServesResponsesApi { get; init; }

    /// <summary>Pass-through: this provider's own rule for a history from other models, beyond <see cref="RequestRepair"/>'s replay.</summary>
    public IRequestRepair? OwnRepair { get; init; }

    /// <summary>
    /// The provider whose thinking signatures the gateway tags in replies: every pass-through provider but Anthropic,
    /// whose signatures Anthropic itself recognises.
    /// </summary>
    public string? SignatureTag => Format == WireFormat.AnthropicMessages && !IsAnthropic ? Id : null;

    /// <summary>
    /// Pass-through: makes a history from other models acceptable to this provider, as byte edits. A provider whose
    /// signatures are tagged always gets them back untagged (<see cref="ReasoningReplayRepair"/>), however it was built.
    /// </summary>
    public IRequestRepair RequestRepair => SignatureTag is { } tag
        ? RequestRepairs.Both(new ReasoningReplayRepair(tag), OwnRepair)
        : OwnRepair ?? RequestRepairs.None;

    /// <summary>Chat Completions: how this provider deviates from plain Chat Completions.</summary>
    internal IProviderQuirks Quirks { get; init; } = GenericQuirks.Instance;

    public string BaseUrlVariable => EnvPrefix + "_BASE_URL";

    public string KeyVariable => EnvPrefix + "_API_KEY";

    /// <summary>Every variable that may carry the key, in order of preference.</summary>
    public IEnumerable<string> KeyVariables => KeyAliases.Prepend(KeyVariable);

    /// <summary>An Anthropic-compatible provider that is not Anthropic: it replays its own thinking as reasoning.</summary>
    public static ProviderDefinition AnthropicCompatible(string id, string displayName, string envPrefix, string defaultBaseUrl) =>
        new(id, displayName, envPrefix, defaultBaseUrl, WireFormat.AnthropicMessages);

    /// <summary>An OpenAI-compatible provider, translated from and to Chat Completions.</summary>
    public static ProviderDefinition ChatCompletions(string id, string displayName, string envPrefix, string defaultBaseUrl) =>
        new(id, displayName, envPrefix, defaultBaseUrl, WireFormat.ChatCompletions);
}
