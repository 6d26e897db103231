namespace ClaudeModelProxy.Core.Providers.Moonshot;

/// <summary>Moonshot's Kimi through its Anthropic endpoint (Kimi's thinking rule: see <see cref="Conversation.ReasoningReplayRepair"/>).</summary>
public static class MoonshotProvider
{
    public static readonly ProviderDefinition Definition =
        ProviderDefinition.AnthropicCompatible("moonshot", "Moonshot/Kimi", "MOONSHOT", "https://api.moonshot.cn/anthropic") with { ShortName = "Kimi", InInstallForm = true, DefaultModels = ["kimi-k2.6"] };
}
