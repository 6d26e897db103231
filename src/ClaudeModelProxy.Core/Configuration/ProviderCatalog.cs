namespace ClaudeModelProxy.Core.Configuration;

/// <summary>The eight providers and their default endpoints.</summary>
public static class ProviderCatalog
{
    public static readonly IReadOnlyList<ProviderDefinition> All =
    [
        new("deepseek", "DeepSeek", "DEEPSEEK", "https://api.deepseek.com/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer, []),
        new("moonshot", "Moonshot/Kimi", "MOONSHOT", "https://api.moonshot.cn/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer, []),
        new("glm", "Z.AI GLM", "GLM", "https://api.z.ai/api/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer, ["ZAI_API_KEY", "ZHIPU_API_KEY"]),
        new("xiaomi", "Xiaomi MiMo", "XIAOMI", "https://api.xiaomimimo.com/anthropic", WireFormat.AnthropicMessages, KeyScheme.Bearer, ["MIMO_API_KEY"]),
        new("anthropic", "Anthropic", "ANTHROPIC", "https://api.anthropic.com", WireFormat.AnthropicMessages, KeyScheme.XApiKey, []),
        new("openai", "OpenAI", "OPENAI", "https://api.openai.com/v1", WireFormat.ChatCompletions, KeyScheme.Bearer, []),
        new("gemini", "Gemini", "GEMINI", "https://generativelanguage.googleapis.com/v1beta/openai", WireFormat.ChatCompletions, KeyScheme.Bearer, ["GOOGLE_API_KEY"]),
        new("qwen", "Qwen", "QWEN", "https://dashscope.aliyuncs.com/compatible-mode/v1", WireFormat.ChatCompletions, KeyScheme.Bearer, ["DASHSCOPE_API_KEY"]),
    ];

    public static ProviderDefinition? Find(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string KnownIds => string.Join(", ", All.Select(p => p.Id));
}
