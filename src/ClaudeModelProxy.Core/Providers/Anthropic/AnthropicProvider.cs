namespace ClaudeModelProxy.Core.Providers.Anthropic;

/// <summary>Anthropic itself: its own key header, its own Claude models, and a history repair for its signature checks.</summary>
public static class AnthropicProvider
{
    public static readonly ProviderDefinition Definition =
        new("anthropic", "Anthropic", "ANTHROPIC", "https://api.anthropic.com", WireFormat.AnthropicMessages)
        {
            KeyScheme = KeyScheme.XApiKey,
            IsAnthropic = true,
            OwnRepair = AnthropicHistoryRepair.Instance,
            DefaultModels = ["claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-7", "claude-sonnet-4-5", "claude-opus-4-1"],
        };
}
