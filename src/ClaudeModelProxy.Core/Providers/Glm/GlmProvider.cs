namespace ClaudeModelProxy.Core.Providers.Glm;

/// <summary>Z.AI's GLM through its Anthropic endpoint (Zhipu's key names accepted too).</summary>
public static class GlmProvider
{
    public static readonly ProviderDefinition Definition =
        ProviderDefinition.AnthropicCompatible("glm", "Z.AI GLM", "GLM", "https://api.z.ai/api/anthropic") with
        {
            ShortName = "GLM",
            KeyAliases = ["ZAI_API_KEY", "ZHIPU_API_KEY"],
            DefaultModels = ["glm-4.5-air", "glm-4.6", "glm-4.7", "glm-5", "glm-5.1"],
        };
}
