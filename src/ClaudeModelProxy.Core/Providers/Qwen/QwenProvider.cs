namespace ClaudeModelProxy.Core.Providers.Qwen;

/// <summary>Qwen through DashScope's OpenAI-compatible mode.</summary>
public static class QwenProvider
{
    public static readonly ProviderDefinition Definition =
        ProviderDefinition.ChatCompletions("qwen", "Qwen", "QWEN", "https://dashscope.aliyuncs.com/compatible-mode/v1") with
        {
            KeyAliases = ["DASHSCOPE_API_KEY"],
            Quirks = QwenQuirks.Instance,
            DefaultModels = ["qwen-flash", "qwen-plus", "qwen-max"],
        };
}
