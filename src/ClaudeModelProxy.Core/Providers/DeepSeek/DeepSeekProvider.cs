namespace ClaudeModelProxy.Core.Providers.DeepSeek;

/// <summary>DeepSeek's Anthropic endpoint; its models fill the family slots when CLAUDE_MODEL_MAP does not say (fable follows opus).</summary>
public static class DeepSeekProvider
{
    public static readonly ProviderDefinition Definition =
        ProviderDefinition.AnthropicCompatible("deepseek", "DeepSeek", "DEEPSEEK", "https://api.deepseek.com/anthropic") with
        {
            InInstallForm = true,
            DefaultModels = ["deepseek-v4-flash", "deepseek-v4-pro"],
            FamilySlotDefaults = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["haiku"] = "deepseek-v4-flash",
                ["sonnet"] = "deepseek-v4-pro",
                ["opus"] = "deepseek-v4-pro",
                ["fable"] = "deepseek-v4-pro",
            },
        };
}
