namespace ClaudeModelProxy.Core.Configuration;

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

/// <summary>A provider this proxy knows, with the defaults from the original project.</summary>
public sealed record ProviderDefinition(
    string Id,
    string DisplayName,
    string EnvPrefix,
    string DefaultBaseUrl,
    WireFormat Format,
    KeyScheme KeyScheme,
    IReadOnlyList<string> KeyAliases)
{
    public string BaseUrlVariable => EnvPrefix + "_BASE_URL";

    public string KeyVariable => EnvPrefix + "_API_KEY";

    /// <summary>Every variable that may carry the key, in order of preference.</summary>
    public IEnumerable<string> KeyVariables => KeyAliases.Prepend(KeyVariable);
}
