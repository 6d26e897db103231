namespace ClaudeModelProxy.Core.Providers.Xiaomi;

/// <summary>Xiaomi's MiMo through its Anthropic endpoint.</summary>
public static class XiaomiProvider
{
    public static readonly ProviderDefinition Definition =
        ProviderDefinition.AnthropicCompatible("xiaomi", "Xiaomi MiMo", "XIAOMI", "https://api.xiaomimimo.com/anthropic") with
        {
            ShortName = "MiMo",
            KeyAliases = ["MIMO_API_KEY"],
            DefaultModels = ["mimo-v2-flash", "mimo-v2-pro", "mimo-v2.5-pro", "mimo-v2-omni"],
        };
}
